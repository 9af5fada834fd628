// IR constants -> runtime values (see constants.h).
#include "runtime/constants.h"

#include <ATen/ATen.h>

#include <charconv>

#include "ir/ir.h"
#include "runtime/errors.h"
#include "types/named_types.h"

namespace tscript::runtime {

namespace {

using ir::ConstantValue;
using types::TypeKind;

[[noreturn]] void unsupported(const std::string& what) {
  throw ScriptError("RuntimeError", "cannot build a runtime value for " + what);
}

// The element type of a list constant: from the declared type when it is a list type, else
// from the elements themselves (an `ival` under an Any/Optional output).
types::TypePtr listElementType(const ConstantValue& constant, const types::TypePtr& type) {
  if (type) {
    const types::Type* declared = type.get();
    if (const auto* optional = declared->as<types::OptionalType>()) declared = optional->element().get();
    if (const auto* list = declared->as<types::ListType>()) return list->element();
  }
  if (constant.elements.empty()) return types::anyType();
  switch (constant.elements.front().kind) {
    case ConstantValue::Kind::Bool: return types::boolType();
    case ConstantValue::Kind::Int: return types::intType();
    case ConstantValue::Kind::Double: return types::floatType();
    case ConstantValue::Kind::String: return types::strType();
    case ConstantValue::Kind::Tensor: return types::tensorType();
    default: return types::anyType();
  }
}

types::TypePtr tupleElementType(const types::TypePtr& type, size_t index) {
  if (!type) return nullptr;
  if (const auto* tuple = type->as<types::TupleType>()) {
    if (index < tuple->elements().size()) return tuple->elements()[index];
  }
  return nullptr;
}

// `{2.5}`, `{3}`, `{-1}`: the only tensor texts that determine the tensor (0-dim scalars, as
// 1.13 prints tensors it wrapped from numbers).
Value scalarTensorFromText(const std::string& text, const types::TypePtr& type) {
  if (text.size() < 3 || text.front() != '{' || text.back() != '}') {
    unsupported("the tensor constant " + text + " (only its printed form is known)");
  }
  std::string number = text.substr(1, text.size() - 2);
  std::optional<types::ScalarKind> dtype;
  if (type) {
    if (const auto* tensor = type->as<types::TensorType>()) dtype = tensor->details().dtype;
  }
  bool integral = number.find_first_of(".eEn") == std::string::npos;  // n: nan, inf
  at::Tensor result;
  if (integral && (!dtype || *dtype == types::ScalarKind::Long)) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc() || end != number.data() + number.size()) {
      unsupported("the tensor constant " + text);
    }
    result = at::scalar_tensor(value, at::kLong);
  } else {
    double value = std::stod(number);
    result = at::scalar_tensor(value, dtype == types::ScalarKind::Float ? at::kFloat : at::kDouble);
  }
  return Value(std::move(result));
}

}  // namespace

Value valueFromConstant(const ConstantValue& constant, const types::TypePtr& type) {
  switch (constant.kind) {
    case ConstantValue::Kind::None: return Value();
    case ConstantValue::Kind::Bool: return Value(constant.boolValue);
    case ConstantValue::Kind::Int:
      if (type && type->kind() == TypeKind::Bool) return Value(constant.intValue != 0);
      if (type && type->kind() == TypeKind::Float) return Value(double(constant.intValue));
      return Value(constant.intValue);
    case ConstantValue::Kind::Double: return Value(constant.doubleValue);
    case ConstantValue::Kind::Complex:
      return Value(c10::complex<double>(constant.complexValue.real, constant.complexValue.imag));
    case ConstantValue::Kind::String: return Value(constant.text);
    case ConstantValue::Kind::Device: return Value(c10::Device(constant.text));
    case ConstantValue::Kind::Tensor: return scalarTensorFromText(constant.text, type);
    case ConstantValue::Kind::EnumCase:  // `__torch__.Color.RED`
      return enumMemberValue(type, constant.text.substr(constant.text.rfind('.') + 1));
    case ConstantValue::Kind::List: {
      types::TypePtr element = listElementType(constant, type);
      std::vector<Value> elements;
      elements.reserve(constant.elements.size());
      for (const ConstantValue& item : constant.elements) {
        elements.push_back(valueFromConstant(item, element));
      }
      return makeList(element, std::move(elements));
    }
    case ConstantValue::Kind::Tuple: {
      std::vector<Value> elements;
      elements.reserve(constant.elements.size());
      for (size_t i = 0; i < constant.elements.size(); ++i) {
        elements.push_back(valueFromConstant(constant.elements[i], tupleElementType(type, i)));
      }
      return makeTuple(std::move(elements));
    }
  }
  unsupported("an unknown constant kind");
}

ir::TensorText tensorConstantAttribute(const at::Tensor& tensor, std::string text) {
  return ir::TensorText{std::move(text), std::make_shared<const at::Tensor>(tensor)};
}

const at::Tensor* tensorOfAttribute(const ir::TensorText& attribute) {
  // Only tensorConstantAttribute() sets `value`, always to an at::Tensor.
  return static_cast<const at::Tensor*>(attribute.value.get());
}

Value enumMemberValue(const types::TypePtr& enumType, const std::string& name) {
  const auto* type = enumType ? enumType->as<types::EnumType>() : nullptr;
  const types::EnumType::Member* member = type ? type->findMember(name) : nullptr;
  if (!member) {
    unsupported("enum member '" + name + "' of " + (enumType ? enumType->str() : "no enum type"));
  }
  Value value;
  switch (member->value.kind) {
    case types::ConstantLiteral::Kind::Int: value = Value(member->value.intValue); break;
    case types::ConstantLiteral::Kind::Float: value = Value(member->value.floatValue); break;
    case types::ConstantLiteral::Kind::Str: value = Value(member->value.strValue); break;
    default: unsupported("enum member '" + name + "' (its value is not an int, float or str)");
  }
  return Value(c10::make_intrusive<EnumObject>(enumType, name, std::move(value)));
}

Value constantValueOf(const ir::Node& node) {
  const types::TypePtr& type = node.output(0)->type();
  const ir::AttributeValue* attribute = node.findAttribute("value");
  if (!attribute) return Value();  // `prim::Constant()`: None
  switch (attribute->kind()) {
    case ir::AttributeKind::i: {
      int64_t value = attribute->get<int64_t>();
      if (type->kind() == TypeKind::Bool) return Value(value != 0);
      return Value(value);
    }
    case ir::AttributeKind::f: return Value(attribute->get<double>());
    case ir::AttributeKind::c: {
      const ir::Complex& value = attribute->get<ir::Complex>();
      return Value(c10::complex<double>(value.real, value.imag));
    }
    case ir::AttributeKind::s:
      if (type->kind() == TypeKind::Device) return Value(c10::Device(attribute->get<std::string>()));
      return Value(attribute->get<std::string>());
    case ir::AttributeKind::t: {
      const ir::TensorText& tensor = attribute->get<ir::TensorText>();
      if (const at::Tensor* value = tensorOfAttribute(tensor)) return Value(*value);
      return scalarTensorFromText(tensor.text, type);
    }
    case ir::AttributeKind::ival: return valueFromConstant(attribute->get<ConstantValue>(), type);
    case ir::AttributeKind::is: {
      std::vector<Value> elements;
      for (int64_t value : attribute->get<std::vector<int64_t>>()) elements.emplace_back(value);
      return makeList(types::intType(), std::move(elements));
    }
    case ir::AttributeKind::fs: {
      std::vector<Value> elements;
      for (double value : attribute->get<std::vector<double>>()) elements.emplace_back(value);
      return makeList(types::floatType(), std::move(elements));
    }
    case ir::AttributeKind::ss: {
      std::vector<Value> elements;
      for (const std::string& value : attribute->get<std::vector<std::string>>()) {
        elements.emplace_back(value);
      }
      return makeList(types::strType(), std::move(elements));
    }
    default:
      unsupported(std::string("a prim::Constant with a '") +
                  ir::attributeKindName(attribute->kind()) + "' attribute");
  }
}

}  // namespace tscript::runtime
