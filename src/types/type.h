// The TorchScript type system (no ATen: tensor details are plain data here).
//
// Types are immutable and shared (TypePtr); the primitive ones are singletons, so pointer
// equality works for them, but compare composite types with `equals`. Named types (classes,
// interfaces, enums, named tuples) are identified by their qualified name.
//
// Two spellings, as TorchScript has them:
//   str()            the `.graph` / schema spelling: int[], Dict(str, Tensor), (int, str), int?
//   annotationStr()  the `.code` / Python spelling:  List[int], Dict[str, Tensor], Optional[int]
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tscript::types {

enum class TypeKind : uint8_t {
  Any, None, Tensor, Int, Float, Complex, Bool, Str, Device, Stream, Generator, Layout,
  ScalarType, MemoryFormat, QScheme, Storage, Capsule,
  Number,      // `Scalar` in schemas, `number` in messages: int | float | complex
  List, Dict, Tuple, Optional, Union, Future, RRef,
  Class,       // script classes and module types (ClassType::isModule)
  Interface,   // class and module interfaces
  Enum,
  Function,    // a function value (prim::Constant[name=...])
  AnyList, AnyTuple, AnyClass, AnyEnum,  // schema-only wildcards
  Var,         // a schema type variable: t, t1, ...
};

class Type;
using TypePtr = std::shared_ptr<const Type>;

class Type : public std::enable_shared_from_this<Type> {
 public:
  explicit Type(TypeKind kind) : kind_(kind) {}
  virtual ~Type() = default;

  TypeKind kind() const { return kind_; }
  virtual std::string str() const = 0;
  virtual std::string annotationStr() const { return str(); }
  // Structural equality (named types: by qualified name).
  virtual bool equals(const Type& other) const { return kind_ == other.kind_; }
  // Contained types (element, key/value, members), in order.
  virtual std::vector<TypePtr> containedTypes() const { return {}; }

  template <typename T>
  const T* as() const {
    return kind_ == T::Kind ? static_cast<const T*>(this) : nullptr;
  }
  TypePtr ptr() const { return shared_from_this(); }

  // The spelling in operator schemas (FunctionSchema strings): like str(), but tensors are
  // always plain `Tensor` and named tuples are spelled by their qualified name.
  virtual std::string schemaStr() const { return str(); }

  // Subtyping rules that only the subclass knows (tensor details, tuples, class -> interface).
  // isSubtypeOf() handles Any, equality, Optional and Union itself before it asks this;
  // `other` is then never Any, Optional or Union.
  virtual bool isSubtypeOfHook(const Type& other) const { return false; }

 private:
  const TypeKind kind_;
};

bool operator==(const Type& a, const Type& b);
inline bool operator!=(const Type& a, const Type& b) { return !(a == b); }

// ---- singletons ------------------------------------------------------------------------
TypePtr anyType();
TypePtr noneType();
TypePtr tensorType();  // the unrefined Tensor
TypePtr intType();
TypePtr floatType();
TypePtr complexType();
TypePtr boolType();
TypePtr strType();
TypePtr deviceType();
TypePtr streamType();
TypePtr generatorType();
TypePtr layoutType();
TypePtr scalarTypeType();
TypePtr memoryFormatType();
TypePtr qschemeType();
TypePtr storageType();
TypePtr capsuleType();
TypePtr numberType();
TypePtr functionType();
TypePtr anyListType();
TypePtr anyTupleType();
TypePtr anyClassType();
TypePtr anyEnumType();

// ---- tensors -----------------------------------------------------------------------------
// A tensor type with what is known about it, as graphs print it:
//   Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)   Float(*, *)   Tensor
enum class ScalarKind : uint8_t {
  Byte, Char, Short, Int, Long, Half, Float, Double, ComplexHalf, ComplexFloat, ComplexDouble,
  Bool, QInt8, QUInt8, QInt32, BFloat16,
};
const char* scalarKindName(ScalarKind kind);  // "Float", "Long", ...

struct TensorDetails {
  std::optional<ScalarKind> dtype;
  // Known rank: one entry per dimension, nullopt for an unknown size (`*`).
  std::optional<std::vector<std::optional<int64_t>>> sizes;
  std::optional<std::vector<int64_t>> strides;
  std::optional<bool> requiresGrad;
  std::optional<std::string> device;  // "cpu", "cuda:0"
  bool operator==(const TensorDetails&) const = default;
};
TypePtr tensorTypeWith(TensorDetails details);

class TensorType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Tensor;
  explicit TensorType(TensorDetails details) : Type(Kind), details_(std::move(details)) {}
  const TensorDetails& details() const { return details_; }
  // True for the unrefined `Tensor` (nothing known).
  bool isUnrefined() const { return details_ == TensorDetails{}; }
  // What is known about both: each property that differs becomes unknown.
  TensorDetails merge(const TensorDetails& other) const;

  std::string str() const override;
  std::string annotationStr() const override { return "Tensor"; }
  std::string schemaStr() const override { return "Tensor"; }
  bool equals(const Type& other) const override;
  bool isSubtypeOfHook(const Type& other) const override;

 private:
  TensorDetails details_;
};

// The same type with every tensor refinement dropped (List[Float(2)] -> List[Tensor]).
TypePtr unshapedType(const TypePtr& type);

// ---- composite types ---------------------------------------------------------------------
// Types with one contained type: List, Optional, Future, RRef.
class SingleElementType : public Type {
 public:
  SingleElementType(TypeKind kind, TypePtr element) : Type(kind), element_(std::move(element)) {}
  const TypePtr& element() const { return element_; }
  bool equals(const Type& other) const override;
  std::vector<TypePtr> containedTypes() const override { return {element_}; }

 private:
  TypePtr element_;
};

class ListType final : public SingleElementType {
 public:
  static constexpr TypeKind Kind = TypeKind::List;
  explicit ListType(TypePtr element) : SingleElementType(Kind, std::move(element)) {}
  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
  bool isSubtypeOfHook(const Type& other) const override;
};

// Optional[T]. T is never None or Optional (optionalOf folds those); it may be Number or a
// Union without None.
class OptionalType final : public SingleElementType {
 public:
  static constexpr TypeKind Kind = TypeKind::Optional;
  explicit OptionalType(TypePtr element) : SingleElementType(Kind, std::move(element)) {}
  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
};

class FutureType final : public SingleElementType {
 public:
  static constexpr TypeKind Kind = TypeKind::Future;
  explicit FutureType(TypePtr element) : SingleElementType(Kind, std::move(element)) {}
  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
  bool isSubtypeOfHook(const Type& other) const override;  // covariant
};

class RRefType final : public SingleElementType {
 public:
  static constexpr TypeKind Kind = TypeKind::RRef;
  explicit RRefType(TypePtr element) : SingleElementType(Kind, std::move(element)) {}
  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
};

class DictType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Dict;
  DictType(TypePtr key, TypePtr value) : Type(Kind), key_(std::move(key)), value_(std::move(value)) {}
  const TypePtr& key() const { return key_; }
  const TypePtr& value() const { return value_; }
  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
  bool equals(const Type& other) const override;
  std::vector<TypePtr> containedTypes() const override { return {key_, value_}; }

 private:
  TypePtr key_;
  TypePtr value_;
};

// A tuple, or a NamedTuple when it has a qualified name (then `fieldNames` has one name per
// element). An operator's named returns (`aten::max.dim` -> `(Tensor values, Tensor indices)`)
// make a third kind: field names without a qualified name (c10's TupleType with a schema but
// no name), `NamedTuple(values : Tensor, indices : Tensor)` in graphs, `Tuple[Tensor, Tensor]`
// in code, a plain tuple in Python. Tuples are covariant; a tuple with field names is a subtype
// of the plain tuple of its elements, but not the other way round.
class TupleType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Tuple;
  TupleType(std::vector<TypePtr> elements, std::optional<std::string> qualifiedName,
            std::vector<std::string> fieldNames);
  const std::vector<TypePtr>& elements() const { return elements_; }
  bool isNamed() const { return qualifiedName_.has_value(); }
  // True for NamedTuples and for the field-named results of operators: `t.name` reads a field.
  bool hasFieldNames() const { return !fieldNames_.empty(); }
  const std::optional<std::string>& qualifiedName() const { return qualifiedName_; }
  const std::vector<std::string>& fieldNames() const { return fieldNames_; }

  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
  bool equals(const Type& other) const override;
  bool isSubtypeOfHook(const Type& other) const override;
  std::vector<TypePtr> containedTypes() const override { return elements_; }

 private:
  std::vector<TypePtr> elements_;
  std::optional<std::string> qualifiedName_;
  std::vector<std::string> fieldNames_;
};

// A Union of two or more members, canonical (see unionOf): flat, without duplicates or
// members that are subtypes of other members, sorted. A Union of exactly {T, None} is never
// built: that is Optional[T].
class UnionType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Union;
  explicit UnionType(std::vector<TypePtr> canonicalMembers)
      : Type(Kind), members_(std::move(canonicalMembers)) {}
  const std::vector<TypePtr>& members() const { return members_; }
  bool canHoldNone() const;
  // True when int, float and complex are all members (then they print as one `Scalar`).
  bool canHoldNumber() const;

  std::string str() const override;
  std::string annotationStr() const override;
  std::string schemaStr() const override;
  bool equals(const Type& other) const override;
  std::vector<TypePtr> containedTypes() const override { return members_; }

 private:
  std::vector<TypePtr> members_;
};

// A schema type variable (`t` in `t[] self`). Equal by name.
class VarType final : public Type {
 public:
  static constexpr TypeKind Kind = TypeKind::Var;
  explicit VarType(std::string name) : Type(Kind), name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  std::string str() const override { return name_; }
  bool equals(const Type& other) const override;

 private:
  std::string name_;
};

TypePtr listOf(TypePtr element);
TypePtr dictOf(TypePtr key, TypePtr value);
TypePtr tupleOf(std::vector<TypePtr> elements);
// Optional[T]. Optional[Optional[T]] is Optional[T] and Optional[None] is None. As in c10,
// Optional of a Union stays an Optional (`Union(int, str)?`, what unifying Union[int, str]
// with None gives in 1.13); an annotation `Optional[Union[int, str]]` is flattened to
// Union[int, str, None] by the annotation converter instead, as Python's typing does.
TypePtr optionalOf(TypePtr element);
// Union[members...], canonical as in PyTorch 1.13: nested Unions/Optionals are flattened and
// Number becomes int, float, complex; members that unify with another member (duplicates,
// subtypes, tensors of different shapes) are merged; the rest is sorted by kind (in c10's
// TypeKind order) and then by spelling. A single member is returned as itself, {T, None}
// becomes Optional[T], {int, float, complex, None} becomes Optional[Scalar].
// Throws std::invalid_argument for an empty list.
TypePtr unionOf(std::vector<TypePtr> members);
TypePtr futureOf(TypePtr element);
TypePtr rrefOf(TypePtr element);
TypePtr typeVar(std::string name);

// ---- relations ---------------------------------------------------------------------------
// `a <: b`: a value of type a may be used where b is expected.
// TODO(types): a variant that says why not (1.13's isSubtypeOfExt(why_not)), for messages
// such as "Tuple element 1 of type str is not a subtype of int".
bool isSubtypeOf(const TypePtr& a, const TypePtr& b);
// The type a control-flow join of a and b has (if/else branches, loop-carried values):
// equal types, T and None -> Optional[T], subtypes -> the supertype. nullopt when they do not
// unify (then the compiler reports a mismatch).
std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b);

struct UnifyOptions {
  // When nothing else unifies, answer Union[a, b] (list literals such as [1, 2.0] do this).
  bool defaultToUnion = false;
  // A common supertype to fall back on (two classes annotated with a shared interface).
  TypePtr typeHint;
};
std::optional<TypePtr> unifyTypes(const TypePtr& a, const TypePtr& b, const UnifyOptions& options);

// Unifies all of `types` left to right. On failure returns nullopt and, when `whyNot` is
// given, says which element did not match ("Could not unify type list since element 2 of
// type str did not match the types before it (int)").
std::optional<TypePtr> unifyTypeList(const std::vector<TypePtr>& types,
                                     const UnifyOptions& options = {},
                                     std::string* whyNot = nullptr);

// The tuple of an operator's named returns: field names but no qualified name.
TypePtr fieldNamedTupleOf(std::vector<std::string> fieldNames, std::vector<TypePtr> elements);

// A named tuple: NamedTuple(x : int, y : Tensor) in graphs, `__torch__.NT` in code.
TypePtr namedTupleOf(std::string qualifiedName, std::vector<std::string> fieldNames,
                     std::vector<TypePtr> elements);

}  // namespace tscript::types
