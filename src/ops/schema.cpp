// Schema queries and the printer. The printer follows 1.13's `operator<<(FunctionSchema)` and
// `operator<<(Argument)` rule for rule (function_schema.h / function_schema_inl.h), because the
// printed schema is what error messages, `tscript ops` and the round-trip test show.
#include <algorithm>

#include "ops/schema.h"
#include "types/named_types.h"

namespace tscript::ops {

using types::TypeKind;

std::string Schema::qualifiedOverloadName() const {
  return overloadName.empty() ? name : name + "." + overloadName;
}

std::string_view Schema::ns() const {
  std::string_view qualified = name;
  return qualified.substr(0, qualified.find("::"));
}

std::optional<size_t> Schema::firstKeywordOnlyIndex() const {
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i].keywordOnly) return i;
  }
  return std::nullopt;
}

bool Schema::isMutable() const {
  return std::any_of(arguments.begin(), arguments.end(),
                     [](const Argument& argument) { return argument.isWrite(); });
}

namespace {

std::string joinTypes(const std::vector<types::TypePtr>& elements, bool symInt) {
  std::string out;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ", ";
    out += schemaTypeString(*elements[i], symInt);
  }
  return out;
}

std::string joinSets(const std::vector<std::string>& sets) {
  std::string out;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (i > 0) out += "|";
    out += sets[i];
  }
  return out;
}

// c10 keeps alias sets in unordered sets: `a|b -> b|a` has no real arrow.
bool sameSets(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

std::string printAlias(const AliasAnnotation& alias) {
  std::string out = "(" + joinSets(alias.beforeSets);
  if (alias.isWrite) out += "!";
  if (!sameSets(alias.beforeSets, alias.afterSets)) out += " -> " + joinSets(alias.afterSets);
  return out + ")";
}

std::string formatValue(const DefaultValue& value) {
  using Kind = DefaultValue::Kind;
  switch (value.kind) {
    case Kind::None: return "None";
    case Kind::Bool: return value.boolValue ? "True" : "False";
    case Kind::Int: return std::to_string(value.intValue);
    case Kind::Double: return ir::formatDouble(value.doubleValue);
    case Kind::Complex: return ir::formatComplex(value.complexValue);
    case Kind::String: return ir::quoteString(value.text);
    // c10 prints a Device default unquoted, which its own parser cannot read back; no 1.13
    // schema has one, so we print the form the parser accepts.
    case Kind::Device: return ir::quoteString(value.text);
    case Kind::EnumCase:
    case Kind::Tensor: return value.text;
    case Kind::List:
    case Kind::Tuple: {
      std::string out = value.kind == Kind::List ? "[" : "(";
      for (size_t i = 0; i < value.elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += formatValue(value.elements[i]);
      }
      return out + (value.kind == Kind::List ? "]" : ")");
    }
  }
  return "?";
}

}  // namespace

std::string schemaTypeString(const types::Type& type, bool symInt) {
  switch (type.kind()) {
    case TypeKind::Any: return "Any";
    case TypeKind::None: return "NoneType";
    case TypeKind::Tensor: return "Tensor";
    case TypeKind::Int: return symInt ? "SymInt" : "int";
    case TypeKind::Float: return "float";
    case TypeKind::Complex: return "complex";
    case TypeKind::Bool: return "bool";
    case TypeKind::Str: return "str";
    case TypeKind::Device: return "Device";
    case TypeKind::Stream: return "Stream";
    case TypeKind::Generator: return "Generator";
    case TypeKind::Layout: return "Layout";
    case TypeKind::ScalarType: return "ScalarType";
    case TypeKind::MemoryFormat: return "MemoryFormat";
    case TypeKind::QScheme: return "QScheme";
    case TypeKind::Storage: return "Storage";
    case TypeKind::Capsule: return "Capsule";
    case TypeKind::Number: return "Scalar";
    case TypeKind::AnyClass: return "AnyClassType";
    case TypeKind::AnyEnum: return "AnyEnumType";
    case TypeKind::List:
      return schemaTypeString(*type.as<types::ListType>()->element(), symInt) + "[]";
    case TypeKind::Optional:
      return schemaTypeString(*type.as<types::OptionalType>()->element(), symInt) + "?";
    case TypeKind::Future:
      return "Future(" + schemaTypeString(*type.as<types::FutureType>()->element(), symInt) + ")";
    case TypeKind::RRef:
      return "RRef(" + schemaTypeString(*type.as<types::RRefType>()->element(), symInt) + ")";
    case TypeKind::Dict: {
      const auto* dict = type.as<types::DictType>();
      return "Dict(" + schemaTypeString(*dict->key(), symInt) + ", " +
             schemaTypeString(*dict->value(), symInt) + ")";
    }
    case TypeKind::Tuple: {
      const auto* tuple = type.as<types::TupleType>();
      if (tuple->isNamed()) return *tuple->qualifiedName();
      return "(" + joinTypes(tuple->elements(), symInt) + ")";
    }
    case TypeKind::Union:
      return "Union(" + joinTypes(type.as<types::UnionType>()->members(), symInt) + ")";
    case TypeKind::Var: return type.as<types::VarType>()->name();
    case TypeKind::Class: return type.as<types::ClassType>()->qualifiedName();
    default:
      // Interfaces, enums, functions: never in a parsed schema; the types layer knows best.
      return type.schemaStr();
  }
}

std::string printDefaultValue(const Argument& argument) {
  const DefaultValue& value = *argument.defaultValue;
  // native_functions.yaml writes `int[2] stride=1` for [1, 1], and 1.13 prints it that way
  // again: an int list (spelled int, not SymInt; not Optional) whose elements are all equal
  // prints as one element when it has more than one.
  const types::Type& type = *argument.realType;
  bool isIntList = type.kind() == TypeKind::List && !argument.symInt &&
                   type.as<types::ListType>()->element()->kind() == TypeKind::Int;
  if (isIntList && value.kind == DefaultValue::Kind::List && value.elements.size() > 1 &&
      std::all_of(value.elements.begin(), value.elements.end(),
                  [&](const DefaultValue& element) { return element == value.elements[0]; })) {
    return formatValue(value.elements[0]);
  }
  return formatValue(value);
}

std::string printArgument(const Argument& argument) {
  // `Type(alias)? name=default`. A list prints its element's annotation before the brackets
  // (`Tensor(a)[]`), its size inside them (`int[2]`) and its own annotation after them
  // (`t[](*)`); `?` always comes after the annotation (`t(*)?`).
  const types::TypePtr& type = argument.realType;
  bool isOptional = type->kind() == TypeKind::Optional;
  const types::Type& unwrapped =
      isOptional ? *type->as<types::OptionalType>()->element() : *type;
  std::string out;
  if (unwrapped.kind() == TypeKind::List) {
    out = schemaTypeString(*unwrapped.as<types::ListType>()->element(), argument.symInt);
    if (argument.alias && !argument.alias->contained.empty()) {
      out += printAlias(argument.alias->contained.front());
    }
    out += "[" + (argument.fixedSize ? std::to_string(*argument.fixedSize) : "") + "]";
  } else {
    out = schemaTypeString(unwrapped, argument.symInt);
  }
  if (argument.alias && !argument.alias->beforeSets.empty()) out += printAlias(*argument.alias);
  if (isOptional) out += "?";
  if (!argument.name.empty()) out += " " + argument.name;
  if (argument.defaultValue) out += "=" + printDefaultValue(argument);
  return out;
}

std::string printSchema(const Schema& schema) {
  std::string out = schema.qualifiedOverloadName() + "(";
  bool keywordOnlySeen = false;
  for (size_t i = 0; i < schema.arguments.size(); ++i) {
    if (i > 0) out += ", ";
    if (schema.arguments[i].keywordOnly && !keywordOnlySeen) {
      out += "*, ";
      keywordOnlySeen = true;
    }
    out += printArgument(schema.arguments[i]);
  }
  if (schema.isVararg) out += schema.arguments.empty() ? "..." : ", ...";
  out += ") -> ";

  const auto& returns = schema.returns;
  // Parentheses unless there is exactly one return (and no `...`) or only `...`; a single
  // return that itself starts with `(` (a tuple, a list of tuples) gets them too, or it
  // would read as a list of returns.
  bool single = returns.size() == 1 && !schema.isVarret;
  bool parenthesize = !(single || (returns.empty() && schema.isVarret));
  std::string printedReturns;
  for (size_t i = 0; i < returns.size(); ++i) {
    if (i > 0) printedReturns += ", ";
    printedReturns += printArgument(returns[i]);
  }
  if (single && printedReturns.starts_with("(")) parenthesize = true;
  if (schema.isVarret) printedReturns += returns.empty() ? "..." : ", ...";
  return out + (parenthesize ? "(" + printedReturns + ")" : printedReturns);
}

}  // namespace tscript::ops
