// runtime::Value <-> c10::IValue (see ivalue_bridge.h).
#include "runtime/ivalue_bridge.h"

#include <ATen/core/Dict.h>
#include <ATen/core/List.h>

#include "runtime/errors.h"

namespace tscript::runtime {

namespace {

using types::TypeKind;

const types::Type* withoutOptional(const types::TypePtr& type) {
  const types::Type* inner = type.get();
  if (const auto* optional = inner->as<types::OptionalType>()) inner = optional->element().get();
  return inner;
}

[[noreturn]] void cannotConvert(const Value& value, const char* expected) {
  throwError("RuntimeError", std::string("expected ") + expected + " for an operator argument, got " +
                                 value.kindName());
}

template <typename Element, typename Read>
c10::IValue typedList(const Value& value, const char* expected, Read read) {
  if (value.isNone()) return c10::IValue();  // an Optional list argument
  if (!value.isList()) cannotConvert(value, expected);
  const ListObject& list = value.toList();
  c10::List<Element> result;
  result.reserve(list.elements.size());
  for (const Value& element : list.elements) result.push_back(read(element));
  return c10::IValue(std::move(result));
}

// c10's type of a list we rebuild generically (the element type decides the IValue list).
c10::TypePtr c10TypeOf(const types::TypePtr& type) {
  if (!type) return c10::AnyType::get();
  switch (type->kind()) {
    case TypeKind::Tensor: return c10::TensorType::get();
    case TypeKind::Int: return c10::IntType::get();
    case TypeKind::Float: return c10::FloatType::get();
    case TypeKind::Bool: return c10::BoolType::get();
    case TypeKind::Str: return c10::StringType::get();
    case TypeKind::Complex: return c10::ComplexType::get();
    case TypeKind::Device: return c10::DeviceObjType::get();
    case TypeKind::None: return c10::NoneType::get();
    case TypeKind::Optional:
      return c10::OptionalType::create(c10TypeOf(type->as<types::OptionalType>()->element()));
    case TypeKind::List:
      return c10::ListType::create(c10TypeOf(type->as<types::ListType>()->element()));
    default: return c10::AnyType::get();
  }
}

c10::IValue genericToIValue(const Value& value) {
  switch (value.kind()) {
    case ValueKind::None: return c10::IValue();
    case ValueKind::Bool: return c10::IValue(value.toBool());
    case ValueKind::Int: return c10::IValue(value.toInt());
    case ValueKind::Float: return c10::IValue(value.toFloat());
    case ValueKind::Complex: return c10::IValue(value.toComplex());
    case ValueKind::Device: return c10::IValue(value.toDevice());
    case ValueKind::Tensor: return c10::IValue(value.toTensor());
    case ValueKind::String: return c10::IValue(value.toStringRef());
    case ValueKind::List: {
      const ListObject& list = value.toList();
      c10::impl::GenericList result(c10TypeOf(list.elementType));
      result.reserve(list.elements.size());
      for (const Value& element : list.elements) result.push_back(genericToIValue(element));
      return c10::IValue(std::move(result));
    }
    case ValueKind::Tuple: {
      std::vector<c10::IValue> elements;
      for (const Value& element : value.toTuple().elements) elements.push_back(genericToIValue(element));
      return c10::ivalue::Tuple::create(std::move(elements));
    }
    default:
      throwError("RuntimeError", std::string("a ") + value.kindName() +
                                     " value cannot be passed to an ATen operator");
  }
}

types::TypePtr typeOfIValueElement(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType: return types::tensorType();
    case c10::TypeKind::IntType: return types::intType();
    case c10::TypeKind::FloatType: return types::floatType();
    case c10::TypeKind::BoolType: return types::boolType();
    case c10::TypeKind::StringType: return types::strType();
    case c10::TypeKind::ComplexType: return types::complexType();
    case c10::TypeKind::DeviceObjType: return types::deviceType();
    case c10::TypeKind::OptionalType:
      return types::optionalOf(typeOfIValueElement(type->containedType(0)));
    case c10::TypeKind::ListType: return types::listOf(typeOfIValueElement(type->containedType(0)));
    default: return types::anyType();
  }
}

}  // namespace

ArgumentConversion conversionFor(const types::TypePtr& schemaType) {
  const types::Type* type = withoutOptional(schemaType);
  const auto* list = type->as<types::ListType>();
  if (!list) return type->kind() == TypeKind::Tuple || type->kind() == TypeKind::Dict
                        ? ArgumentConversion::Generic
                        : ArgumentConversion::Direct;
  const types::Type* element = list->element().get();
  switch (element->kind()) {
    case TypeKind::Int: return ArgumentConversion::IntList;
    case TypeKind::Float: return ArgumentConversion::FloatList;
    case TypeKind::Bool: return ArgumentConversion::BoolList;
    case TypeKind::Tensor: return ArgumentConversion::TensorList;
    case TypeKind::Optional:
      if (element->as<types::OptionalType>()->element()->kind() == TypeKind::Tensor) {
        return ArgumentConversion::OptionalTensorList;
      }
      return ArgumentConversion::Generic;
    default: return ArgumentConversion::Generic;
  }
}

c10::IValue toIValue(Value value, ArgumentConversion conversion) {
  switch (conversion) {
    case ArgumentConversion::Direct:
      switch (value.kind()) {
        case ValueKind::Tensor: return c10::IValue(std::move(value).toTensor());
        case ValueKind::Int: return c10::IValue(value.toInt());
        case ValueKind::Float: return c10::IValue(value.toFloat());
        case ValueKind::Bool: return c10::IValue(value.toBool());
        case ValueKind::None: return c10::IValue();
        default: return genericToIValue(value);
      }
    case ArgumentConversion::IntList:
      return typedList<int64_t>(value, "a list of ints", [](const Value& v) { return v.toInt(); });
    case ArgumentConversion::FloatList:
      return typedList<double>(value, "a list of floats",
                               [](const Value& v) { return v.toNumberAsFloat(); });
    case ArgumentConversion::BoolList:
      return typedList<bool>(value, "a list of bools", [](const Value& v) { return v.toBool(); });
    case ArgumentConversion::TensorList:
      return typedList<at::Tensor>(value, "a list of tensors",
                                   [](const Value& v) { return v.toTensor(); });
    case ArgumentConversion::OptionalTensorList:
      return typedList<c10::optional<at::Tensor>>(
          value, "a list of optional tensors", [](const Value& v) {
            return v.isNone() ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(v.toTensor());
          });
    case ArgumentConversion::Generic: return genericToIValue(value);
  }
  return genericToIValue(value);
}

Value fromIValue(c10::IValue value) {
  if (value.isTensor()) return Value(std::move(value).toTensor());
  if (value.isInt()) return Value(value.toInt());
  if (value.isDouble()) return Value(value.toDouble());
  if (value.isBool()) return Value(value.toBool());
  if (value.isNone()) return Value();
  if (value.isString()) return Value(value.toStringRef());
  if (value.isDevice()) return Value(value.toDevice());
  if (value.isComplexDouble()) return Value(c10::complex<double>(value.toComplexDouble()));
  if (value.isTensorList()) {
    std::vector<Value> elements;
    for (const at::Tensor& tensor : value.toTensorVector()) elements.emplace_back(tensor);
    return makeList(types::tensorType(), std::move(elements));
  }
  if (value.isIntList()) {
    std::vector<Value> elements;
    for (int64_t element : value.toIntVector()) elements.emplace_back(element);
    return makeList(types::intType(), std::move(elements));
  }
  if (value.isDoubleList()) {
    std::vector<Value> elements;
    for (double element : value.toDoubleVector()) elements.emplace_back(element);
    return makeList(types::floatType(), std::move(elements));
  }
  if (value.isBoolList()) {
    std::vector<Value> elements;
    for (bool element : value.toBoolList()) elements.emplace_back(element);
    return makeList(types::boolType(), std::move(elements));
  }
  if (value.isList()) {
    c10::List<c10::IValue> list = value.toList();
    std::vector<Value> elements;
    for (c10::IValue element : list) elements.push_back(fromIValue(std::move(element)));
    return makeList(typeOfIValueElement(list.elementType()), std::move(elements));
  }
  if (value.isTuple()) {
    std::vector<Value> elements;
    for (const c10::IValue& element : value.toTupleRef().elements()) {
      elements.push_back(fromIValue(element));
    }
    return makeTuple(std::move(elements));
  }
  if (value.isScalar()) return Value(value.toScalar().toDouble());
  throwError("RuntimeError", "an ATen operator returned a " + value.tagKind() +
                                 " value, which tscript cannot represent yet");
}

}  // namespace tscript::runtime
