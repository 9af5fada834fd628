// Named types: script classes and module types (ClassType), class and module interfaces
// (InterfaceType) and enums (EnumType). NamedTuples are TupleTypes with a qualified name
// (see namedTupleOf in type.h).
//
// Named types are identified by their qualified name (`__torch__.M`): two ClassTypes with the
// same name are equal. A ClassType is filled in while the compiler walks the class body, so
// it is handed out mutable (std::shared_ptr<ClassType>) for building and as TypePtr for use;
// nothing may change it once a graph refers to it (the compiler's rule, not enforced here).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/type.h"

namespace tscript::types {

// A constant of a class or module (`__constants__`, `Final` attributes): a simple literal.
struct ConstantLiteral {
  enum class Kind : uint8_t { None, Bool, Int, Float, Str, Tuple };
  Kind kind = Kind::None;
  bool boolValue = false;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string strValue;
  std::vector<ConstantLiteral> elements;  // Tuple

  static ConstantLiteral none() { return {}; }
  static ConstantLiteral ofBool(bool value);
  static ConstantLiteral ofInt(int64_t value);
  static ConstantLiteral ofFloat(double value);
  static ConstantLiteral ofStr(std::string value);
  static ConstantLiteral ofTuple(std::vector<ConstantLiteral> elements);

  // The TorchScript type of the value: int, float, bool, str, NoneType, or a tuple of them.
  TypePtr type() const;
  bool operator==(const ConstantLiteral&) const = default;
};

// What the interface check needs of a method: its parameters after `self` and its result.
struct MethodSignature {
  std::vector<std::string> parameterNames;  // without `self`
  std::vector<TypePtr> parameterTypes;
  // Per parameter (or empty: none): its default, when it has one that is a literal. An
  // interface's defaults fill calls through it, so an implementation must have the same ones.
  std::vector<std::optional<ConstantLiteral>> parameterDefaults;
  TypePtr returnType;
  const ConstantLiteral* defaultOf(size_t i) const {
    return i < parameterDefaults.size() && parameterDefaults[i] ? &*parameterDefaults[i] : nullptr;
  }
  // The schema spelling 1.13 prints in interface errors, with `self` typed as `selfType`:
  // `forward(InterfaceType<ModIf> self, Tensor x) -> Tensor`.
  std::string schemaStr(const std::string& name, const Type& selfType) const;
};
// Whether a method of signature `candidate` can be called as `required` (1.13's
// FunctionSchema::isSubtypeOf as a method): the same parameter names, each parameter type of
// `required` a subtype of the candidate's (contravariance), the candidate's result a subtype
// of the required one.
bool methodCompatible(const MethodSignature& candidate, const MethodSignature& required);

using MethodList = std::vector<std::pair<std::string, MethodSignature>>;

class ClassType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Class;

  struct Attribute {
    std::string name;
    TypePtr type;
    bool isParameter = false;
    bool isBuffer = false;
    bool isModule = false;  // a submodule
  };

  static std::shared_ptr<ClassType> create(std::string qualifiedName, bool isModule = false);
  ClassType(std::string qualifiedName, bool isModule)
      : Type(Kind), qualifiedName_(std::move(qualifiedName)), isModule_(isModule) {}

  const std::string& qualifiedName() const { return qualifiedName_; }
  // The last component: `M` for `__torch__.M`.
  std::string baseName() const;
  bool isModule() const { return isModule_; }

  // Attributes, in the order they were added (the slot order of objects of this class).
  const std::vector<Attribute>& attributes() const { return attributes_; }
  // Adds an attribute and returns its slot. Throws std::invalid_argument when the name is
  // already an attribute or a constant.
  size_t addAttribute(Attribute attribute);
  std::optional<size_t> findAttributeSlot(const std::string& name) const;
  const Attribute* findAttribute(const std::string& name) const;

  // Constants, in the order they were added (they have no slot; the order is the one
  // archives print them in, which 1.13's printer takes from its class type).
  const std::vector<std::pair<std::string, ConstantLiteral>>& constants() const { return constants_; }
  void addConstant(const std::string& name, ConstantLiteral value);
  const ConstantLiteral* findConstant(const std::string& name) const;

  // The signatures of the methods compiled so far (the compiler records each one it
  // finishes), in the order recorded.
  const MethodList& methods() const { return methods_; }
  void addMethod(const std::string& name, MethodSignature signature);
  // The signature of method `name`: a recorded one, else what the method provider gives
  // (methods are compiled on first use, so the interface check may be the first use);
  // nullptr when the class has no such method.
  const MethodSignature* findMethodSignature(const std::string& name) const;
  bool hasMethod(const std::string& name) const { return findMethodSignature(name) != nullptr; }
  // Who compiles methods of this class on demand: called with a name whose signature is not
  // recorded, it compiles that method (recording its signature through addMethod) or returns
  // false when the class has no such method. Its owner (a compilation unit) removes it
  // (an empty function) before it dies. Compile errors propagate.
  using MethodProvider = std::function<bool(const std::string& name)>;
  void setMethodProvider(MethodProvider provider) { methodProvider_ = std::move(provider); }

  std::string str() const override { return qualifiedName_; }
  bool equals(const Type& other) const override;
  bool isSubtypeOfHook(const Type& other) const override;

 private:
  std::string qualifiedName_;
  bool isModule_;
  std::vector<Attribute> attributes_;
  std::vector<std::pair<std::string, ConstantLiteral>> constants_;
  MethodList methods_;
  MethodProvider methodProvider_;
};
using ClassTypePtr = std::shared_ptr<ClassType>;

// A class interface (`@torch.jit.interface class I: def f(self, x: int) -> int: pass`) or, for
// an nn.Module subclass, a module interface, which only modules implement.
class InterfaceType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Interface;
  InterfaceType(std::string qualifiedName, bool isModuleInterface)
      : Type(Kind), qualifiedName_(std::move(qualifiedName)), isModuleInterface_(isModuleInterface) {}
  static std::shared_ptr<InterfaceType> create(std::string qualifiedName,
                                               bool isModuleInterface = false);

  const std::string& qualifiedName() const { return qualifiedName_; }
  bool isModuleInterface() const { return isModuleInterface_; }
  // The declared methods, in declaration order.
  const MethodList& methods() const { return methods_; }
  void addMethod(const std::string& name, MethodSignature signature);
  const MethodSignature* findMethodSignature(const std::string& name) const;

  // 1.13 (c10 InterfaceType::str): graphs print `InterfaceType<I>` with the unqualified name;
  // code prints the qualified name `__torch__.I`.
  std::string str() const override;
  std::string annotationStr() const override { return qualifiedName_; }
  bool equals(const Type& other) const override;
  bool isSubtypeOfHook(const Type& other) const override;  // interface <: interface

 private:
  std::string qualifiedName_;
  bool isModuleInterface_;
  MethodList methods_;
};
using InterfaceTypePtr = std::shared_ptr<InterfaceType>;

// Whether objects of `candidate` (a class or an interface) can be used as `interface`: every
// method of the interface exists with a compatible signature (methodCompatible) and, for a
// module interface, the candidate is a module (or module interface). When not, `whyNot` (if
// given) says why, in 1.13's words: "Class '__torch__.C' does not have method 'forward' but
// '__torch__.I' does.", or "Method on class '__torch__.C' (1) is not compatible with
// interface '__torch__.I' (2)" and the two schemas.
bool implementsInterface(const Type& candidate, const InterfaceType& interface,
                         std::string* whyNot = nullptr);

// An enum.Enum subclass. All values have one type: int, float or str.
class EnumType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Enum;
  struct Member {
    std::string name;
    ConstantLiteral value;  // Int, Float or Str, matching valueType()
  };
  // Throws std::invalid_argument when valueType is not int/float/str, when a value does not
  // have that type, or when a name repeats.
  static std::shared_ptr<const EnumType> create(std::string qualifiedName, TypePtr valueType,
                                                std::vector<Member> members);
  EnumType(std::string qualifiedName, TypePtr valueType, std::vector<Member> members)
      : Type(Kind),
        qualifiedName_(std::move(qualifiedName)),
        valueType_(std::move(valueType)),
        members_(std::move(members)) {}

  const std::string& qualifiedName() const { return qualifiedName_; }
  const TypePtr& valueType() const { return valueType_; }
  const std::vector<Member>& members() const { return members_; }
  const Member* findMember(const std::string& name) const;

  // Enum<__torch__.E> in graphs and schemas, __torch__.E in code.
  std::string str() const override { return "Enum<" + qualifiedName_ + ">"; }
  std::string annotationStr() const override { return qualifiedName_; }
  bool equals(const Type& other) const override;
  bool isSubtypeOfHook(const Type& other) const override;  // <: AnyEnum

 private:
  std::string qualifiedName_;
  TypePtr valueType_;
  std::vector<Member> members_;
};

}  // namespace tscript::types
