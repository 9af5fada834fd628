#include "types/named_types.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace tscript::types {

// ---- ConstantLiteral -------------------------------------------------------------------

ConstantLiteral ConstantLiteral::ofBool(bool value) {
  ConstantLiteral c;
  c.kind = Kind::Bool;
  c.boolValue = value;
  return c;
}

ConstantLiteral ConstantLiteral::ofInt(int64_t value) {
  ConstantLiteral c;
  c.kind = Kind::Int;
  c.intValue = value;
  return c;
}

ConstantLiteral ConstantLiteral::ofFloat(double value) {
  ConstantLiteral c;
  c.kind = Kind::Float;
  c.floatValue = value;
  return c;
}

ConstantLiteral ConstantLiteral::ofStr(std::string value) {
  ConstantLiteral c;
  c.kind = Kind::Str;
  c.strValue = std::move(value);
  return c;
}

ConstantLiteral ConstantLiteral::ofTuple(std::vector<ConstantLiteral> elements) {
  ConstantLiteral c;
  c.kind = Kind::Tuple;
  c.elements = std::move(elements);
  return c;
}

TypePtr ConstantLiteral::type() const {
  switch (kind) {
    case Kind::None: return noneType();
    case Kind::Bool: return boolType();
    case Kind::Int: return intType();
    case Kind::Float: return floatType();
    case Kind::Str: return strType();
    case Kind::Tuple: {
      std::vector<TypePtr> types;
      for (const ConstantLiteral& element : elements) types.push_back(element.type());
      return tupleOf(std::move(types));
    }
  }
  return noneType();
}

// A default as a schema prints it: 1.5, 2, True, None, "s", (1, 2).
static std::string literalText(const ConstantLiteral& value) {
  using Kind = ConstantLiteral::Kind;
  switch (value.kind) {
    case Kind::None: return "None";
    case Kind::Bool: return value.boolValue ? "True" : "False";
    case Kind::Int: return std::to_string(value.intValue);
    case Kind::Float: {
      std::ostringstream text;
      text << value.floatValue;
      std::string shown = text.str();
      return shown.find_first_of(".e") == std::string::npos ? shown + "." : shown;
    }
    case Kind::Str: return "\"" + value.strValue + "\"";
    case Kind::Tuple: {
      std::string text = "(";
      for (size_t i = 0; i < value.elements.size(); ++i) {
        text += (i ? ", " : "") + literalText(value.elements[i]);
      }
      return text + (value.elements.size() == 1 ? ",)" : ")");
    }
  }
  return "";
}

// ---- methods shared by classes and interfaces --------------------------------------------

std::string MethodSignature::schemaStr(const std::string& name, const Type& selfType) const {
  std::string text = name + "(" + selfType.str() + " self";
  for (size_t i = 0; i < parameterNames.size(); ++i) {
    text += ", " + parameterTypes[i]->schemaStr() + " " + parameterNames[i];
    if (const ConstantLiteral* value = defaultOf(i)) text += "=" + literalText(*value);
  }
  return text + ") -> " + (returnType ? returnType->schemaStr() : "NoneType");
}

bool methodCompatible(const MethodSignature& candidate, const MethodSignature& required) {
  if (candidate.parameterNames != required.parameterNames) return false;
  for (size_t i = 0; i < required.parameterTypes.size(); ++i) {
    if (!isSubtypeOf(required.parameterTypes[i], candidate.parameterTypes[i])) return false;
    // A call through the interface that leaves the argument out passes the interface's
    // default; Python would run the implementation with its own, so they must be equal.
    const ConstantLiteral* wanted = required.defaultOf(i);
    const ConstantLiteral* given = candidate.defaultOf(i);
    if (wanted && (!given || !(*given == *wanted))) return false;
  }
  if (!candidate.returnType || !required.returnType) {
    return candidate.returnType == required.returnType;
  }
  return isSubtypeOf(candidate.returnType, required.returnType);
}

static const MethodSignature* findSignature(const MethodList& methods, const std::string& name) {
  for (const auto& [methodName, signature] : methods) {
    if (methodName == name) return &signature;
  }
  return nullptr;
}

// A method defined twice (an overload, or a redefinition) keeps the last signature, as a
// Python class body does.
static void setSignature(MethodList& methods, const std::string& name, MethodSignature signature) {
  for (auto& [methodName, existing] : methods) {
    if (methodName == name) {
      existing = std::move(signature);
      return;
    }
  }
  methods.emplace_back(name, std::move(signature));
}

// ---- ClassType ---------------------------------------------------------------------------

std::shared_ptr<ClassType> ClassType::create(std::string qualifiedName, bool isModule) {
  return std::make_shared<ClassType>(std::move(qualifiedName), isModule);
}

std::string ClassType::baseName() const {
  size_t dot = qualifiedName_.rfind('.');
  return dot == std::string::npos ? qualifiedName_ : qualifiedName_.substr(dot + 1);
}

size_t ClassType::addAttribute(Attribute attribute) {
  if (!attribute.type) {
    throw std::invalid_argument("attribute '" + attribute.name + "' of " + qualifiedName_ +
                                " has no type");
  }
  if (findAttribute(attribute.name) || findConstant(attribute.name)) {
    throw std::invalid_argument("'" + attribute.name + "' is already defined on " +
                                qualifiedName_);
  }
  attributes_.push_back(std::move(attribute));
  return attributes_.size() - 1;
}

std::optional<size_t> ClassType::findAttributeSlot(const std::string& name) const {
  for (size_t slot = 0; slot < attributes_.size(); ++slot) {
    if (attributes_[slot].name == name) return slot;
  }
  return std::nullopt;
}

const ClassType::Attribute* ClassType::findAttribute(const std::string& name) const {
  std::optional<size_t> slot = findAttributeSlot(name);
  return slot ? &attributes_[*slot] : nullptr;
}

void ClassType::addConstant(const std::string& name, ConstantLiteral value) {
  if (findAttribute(name) || findConstant(name)) {
    throw std::invalid_argument("'" + name + "' is already defined on " + qualifiedName_);
  }
  constants_.emplace_back(name, std::move(value));
}

const ConstantLiteral* ClassType::findConstant(const std::string& name) const {
  for (const auto& [constant, value] : constants_) {
    if (constant == name) return &value;
  }
  return nullptr;
}

void ClassType::addMethod(const std::string& name, MethodSignature signature) {
  setSignature(methods_, name, std::move(signature));
}

const MethodSignature* ClassType::findMethodSignature(const std::string& name) const {
  if (const MethodSignature* found = findSignature(methods_, name)) return found;
  if (!methodProvider_ || !methodProvider_(name)) return nullptr;
  return findSignature(methods_, name);
}

bool ClassType::equals(const Type& other) const {
  const ClassType* cls = other.as<ClassType>();
  return cls && cls->qualifiedName_ == qualifiedName_;
}

bool ClassType::isSubtypeOfHook(const Type& other) const {
  if (other.kind() == TypeKind::AnyClass) return true;
  if (const InterfaceType* interface = other.as<InterfaceType>()) {
    return implementsInterface(*this, *interface);
  }
  return false;
}

// ---- InterfaceType -----------------------------------------------------------------------

std::shared_ptr<InterfaceType> InterfaceType::create(std::string qualifiedName,
                                                     bool isModuleInterface) {
  return std::make_shared<InterfaceType>(std::move(qualifiedName), isModuleInterface);
}

std::string InterfaceType::str() const {
  size_t dot = qualifiedName_.rfind('.');
  return "InterfaceType<" +
         (dot == std::string::npos ? qualifiedName_ : qualifiedName_.substr(dot + 1)) + ">";
}

void InterfaceType::addMethod(const std::string& name, MethodSignature signature) {
  setSignature(methods_, name, std::move(signature));
}

const MethodSignature* InterfaceType::findMethodSignature(const std::string& name) const {
  return findSignature(methods_, name);
}

bool InterfaceType::equals(const Type& other) const {
  const InterfaceType* interface = other.as<InterfaceType>();
  return interface && interface->qualifiedName_ == qualifiedName_;
}

bool InterfaceType::isSubtypeOfHook(const Type& other) const {
  const InterfaceType* interface = other.as<InterfaceType>();
  return interface && implementsInterface(*this, *interface);
}

bool implementsInterface(const Type& candidate, const InterfaceType& interface,
                         std::string* whyNot) {
  const ClassType* cls = candidate.as<ClassType>();
  const InterfaceType* other = candidate.as<InterfaceType>();
  if (!cls && !other) {
    if (whyNot) *whyNot = candidate.annotationStr() + " is not a class";
    return false;
  }
  std::string what = cls ? "Class '" + cls->qualifiedName() + "'"
                         : "Interface '" + other->qualifiedName() + "'";
  bool isModule = cls ? cls->isModule() : other->isModuleInterface();
  if (interface.isModuleInterface() && !isModule) {
    if (whyNot) {
      *whyNot = what + " is not a subtype of the module interface '" +
                interface.qualifiedName() +
                "', only ScriptModule class can be subtype of module interface.";
    }
    return false;
  }
  for (const auto& [name, required] : interface.methods()) {
    const MethodSignature* found =
        cls ? cls->findMethodSignature(name) : other->findMethodSignature(name);
    if (!found) {
      if (whyNot) {
        *whyNot = what + " does not have method '" + name + "' but '" +
                  interface.qualifiedName() + "' does.";
      }
      return false;
    }
    if (!methodCompatible(*found, required)) {
      if (whyNot) {
        *whyNot = "Method on " + std::string(cls ? "class '" : "interface '") +
                  (cls ? cls->qualifiedName() : other->qualifiedName()) +
                  "' (1) is not compatible with interface '" + interface.qualifiedName() +
                  "' (2)\n  (1) " + found->schemaStr(name, candidate) + "\n  (2) " +
                  required.schemaStr(name, interface);
      }
      return false;
    }
  }
  return true;
}

// ---- EnumType ----------------------------------------------------------------------------

std::shared_ptr<const EnumType> EnumType::create(std::string qualifiedName, TypePtr valueType,
                                                 std::vector<Member> members) {
  ConstantLiteral::Kind expected;
  if (!valueType) throw std::invalid_argument("enum " + qualifiedName + " has no value type");
  switch (valueType->kind()) {
    case TypeKind::Int: expected = ConstantLiteral::Kind::Int; break;
    case TypeKind::Float: expected = ConstantLiteral::Kind::Float; break;
    case TypeKind::Str: expected = ConstantLiteral::Kind::Str; break;
    default:
      throw std::invalid_argument("enum " + qualifiedName + " has values of type " +
                                  valueType->annotationStr() +
                                  "; enum values must all be int, all float or all str");
  }
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].value.kind != expected) {
      throw std::invalid_argument("enum " + qualifiedName + ": value of '" + members[i].name +
                                  "' is not of type " + valueType->annotationStr());
    }
    for (size_t j = 0; j < i; ++j) {
      if (members[j].name == members[i].name) {
        throw std::invalid_argument("enum " + qualifiedName + ": '" + members[i].name +
                                    "' is defined twice");
      }
    }
  }
  return std::make_shared<EnumType>(std::move(qualifiedName), std::move(valueType),
                                    std::move(members));
}

const EnumType::Member* EnumType::findMember(const std::string& name) const {
  for (const Member& member : members_) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

bool EnumType::equals(const Type& other) const {
  const EnumType* e = other.as<EnumType>();
  return e && e->qualifiedName_ == qualifiedName_;
}

bool EnumType::isSubtypeOfHook(const Type& other) const {
  return other.kind() == TypeKind::AnyEnum;
}

}  // namespace tscript::types
