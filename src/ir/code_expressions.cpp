// The `.code` printer: right-hand sides of statements (printRHS in 1.13) and constants.
#include <string>
#include <unordered_map>

#include "ir/code_printer_internal.h"

namespace tscript::ir::code_detail {
namespace {

using types::TypeKind;
using types::TypePtr;

Symbol sym(const char* qualified) { return Symbol::fromQualString(qualified); }

// Right-hand sides with their own spelling; everything else is an operator call.
enum class Form {
  Uninitialized, ImplicitConversion, Int, Float, Bool, Str, GetItem, Print, Sorted,
  TupleConstruct, TupleIndex, TupleSlice, ListConstruct, DictConstruct, CreateObject, GetAttr,
  CallFunction, CallMethod, UnwrapOptional, UncheckedCast, Isinstance, Tolist, EnumValue,
  EnumName, PythonOp,
};

const std::unordered_map<Symbol, Form>& specialForms() {
  static const std::unordered_map<Symbol, Form> forms = {
      {sym("prim::Uninitialized"), Form::Uninitialized},
      {sym("aten::ScalarImplicit"), Form::ImplicitConversion},
      {sym("aten::FloatImplicit"), Form::ImplicitConversion},
      {sym("aten::IntImplicit"), Form::ImplicitConversion},
      {sym("aten::Int"), Form::Int},
      {sym("aten::Float"), Form::Float},
      {sym("aten::Bool"), Form::Bool},
      {sym("aten::str"), Form::Str},
      {sym("aten::__getitem__"), Form::GetItem},
      {sym("prim::Print"), Form::Print},
      {sym("aten::sorted"), Form::Sorted},
      {sym("prim::TupleConstruct"), Form::TupleConstruct},
      {sym("prim::TupleIndex"), Form::TupleIndex},
      {sym("prim::TupleSlice"), Form::TupleSlice},
      {sym("prim::ListConstruct"), Form::ListConstruct},
      {sym("prim::DictConstruct"), Form::DictConstruct},
      {sym("prim::CreateObject"), Form::CreateObject},
      {sym("prim::GetAttr"), Form::GetAttr},
      {sym("prim::CallFunction"), Form::CallFunction},
      {sym("prim::CallMethod"), Form::CallMethod},
      {sym("aten::_unwrap_optional"), Form::UnwrapOptional},
      {sym("prim::unchecked_cast"), Form::UncheckedCast},
      {sym("prim::unchecked_unwrap_optional"), Form::UncheckedCast},
      {sym("prim::isinstance"), Form::Isinstance},
      {sym("prim::tolist"), Form::Tolist},
      {sym("prim::EnumValue"), Form::EnumValue},
      {sym("prim::EnumName"), Form::EnumName},
      {sym("prim::PythonOp"), Form::PythonOp},
  };
  return forms;
}

// Whether a list/dict literal's element type follows from its members. Unions, Optionals,
// numbers, interfaces and Any do not (a member of type Tensor could be in a
// List[Optional[Tensor]]), so such literals are wrapped in annotate(T, ...).
bool elementTypeCanBeInferredFromMembers(const TypePtr& type) {
  switch (type->kind()) {
    case TypeKind::Union:
    case TypeKind::Optional:
    case TypeKind::Number:
    case TypeKind::Interface:
    case TypeKind::Any:
      return false;
    default:
      return true;
  }
}

bool hasNonAsciiByte(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

bool containsNonAsciiString(const ConstantValue& value) {
  if (value.kind == ConstantValue::Kind::String) return hasNonAsciiByte(value.text);
  for (const ConstantValue& element : value.elements) {
    if (containsNonAsciiString(element)) return true;
  }
  return false;
}

// Gives a constant the kinds its IR type says (bool stored as int, devices stored as strings).
ConstantValue coerce(ConstantValue value, const TypePtr& type) {
  using Kind = ConstantValue::Kind;
  if (!type) return value;
  switch (type->kind()) {
    case TypeKind::Bool:
      if (value.kind == Kind::Int) return ConstantValue::fromBool(value.intValue != 0);
      return value;
    case TypeKind::Device:
      if (value.kind == Kind::String) return ConstantValue::fromDevice(value.text);
      return value;
    case TypeKind::Optional:
      if (value.kind == Kind::None) return value;
      return coerce(std::move(value), type->as<types::OptionalType>()->element());
    case TypeKind::List:
      if (value.kind == Kind::List) {
        const TypePtr& element = type->as<types::ListType>()->element();
        for (ConstantValue& item : value.elements) item = coerce(std::move(item), element);
      }
      return value;
    case TypeKind::Tuple:
      if (value.kind == Kind::Tuple) {
        const auto& elements = type->as<types::TupleType>()->elements();
        for (size_t i = 0; i < value.elements.size() && i < elements.size(); ++i) {
          value.elements[i] = coerce(std::move(value.elements[i]), elements[i]);
        }
      }
      return value;
    default:
      return value;
  }
}

}  // namespace

// constantValueOf (in namespace ir, at the end of this file) types its result the same way.
ConstantValue coerceConstant(ConstantValue value, const TypePtr& type) {
  return coerce(std::move(value), type);
}


std::string FunctionPrinter::constantTableEntry(const ConstantValue& value) {
  size_t index = 0;
  while (index < constants_.size() && !(constants_[index] == value)) ++index;
  if (index == constants_.size()) constants_.push_back(value);
  return "CONSTANTS.c" + std::to_string(index);
}

std::string FunctionPrinter::constantText(const ConstantValue& value, const TypePtr& type) {
  using Kind = ConstantValue::Kind;
  // Tensors and strings that are not plain ASCII live in the constant table.
  if (value.kind == Kind::Tensor || containsNonAsciiString(value)) {
    return constantTableEntry(value);
  }
  TypePtr shown = type;
  if (shown && shown->kind() == TypeKind::Optional && value.kind != Kind::None) {
    shown = shown->as<types::OptionalType>()->element();
  }
  switch (value.kind) {
    case Kind::List: {
      const auto* list = shown ? shown->as<types::ListType>() : nullptr;
      std::string items = "[";
      for (size_t i = 0; i < value.elements.size(); ++i) {
        if (i > 0) items += ", ";
        items += constantText(value.elements[i], list ? list->element() : nullptr);
      }
      items += "]";
      if (list && (value.elements.empty() || !elementTypeCanBeInferredFromMembers(list->element()))) {
        return "annotate(" + shown->annotationStr() + ", " + items + ")";
      }
      return items;
    }
    case Kind::Tuple: {
      const auto* tuple = shown ? shown->as<types::TupleType>() : nullptr;
      std::string text = tuple && tuple->isNamed() ? tuple->annotationStr() : "";
      text += "(";
      for (size_t i = 0; i < value.elements.size(); ++i) {
        if (i > 0) text += ", ";
        TypePtr element = tuple && i < tuple->elements().size() ? tuple->elements()[i] : nullptr;
        text += constantText(value.elements[i], element);
      }
      return text + (value.elements.size() == 1 ? ",)" : ")");
    }
    default:
      return formatConstant(coerce(value, shown));
  }
}

std::string FunctionPrinter::constantNodeText(const Node* node) {
  const TypePtr& type = node->output(0)->type();
  if (type->kind() == TypeKind::Function) {
    const AttributeValue* name = node->findAttribute("name");
    std::string text = name && name->kind() == AttributeKind::s ? name->get<std::string>() : "";
    return options_.qualifiedFunctionName ? options_.qualifiedFunctionName(text)
                                          : "__torch__." + text;
  }
  ConstantValue value;
  if (!constantValueOf(node, value)) {
    throw CodePrintError("code printer: cannot print constant " + node->toString());
  }
  if (value.kind == ConstantValue::Kind::Tensor && options_.tensorConstantIndex) {
    // The node's text does not identify a tensor (large ones all print alike): whoever keeps
    // the real tensors numbers them.
    return "CONSTANTS.c" + std::to_string(options_.tensorConstantIndex(*node));
  }
  return constantText(value, type);
}

// `torch.op(a, b, kw=c)`: positional arguments up to the last one that differs from its
// schema default (arguments equal to the default at the end are dropped), keyword-only
// arguments with their name, trailing `out` arguments as `name=value`, extra arguments of a
// vararg schema positionally. Without a schema every input is printed positionally.
std::string FunctionPrinter::callOperator(const Node* node) {
  Symbol kind = node->kind();
  std::string text;
  if (kind == sym("aten::backward")) {
    text = "torch.autograd.backward";
  } else if (kind == sym("aten::grad")) {
    text = "torch.autograd.grad";
  } else if (kind.ns() == "aten") {
    text = "torch." + std::string(kind.name());
  } else {
    text = "ops." + std::string(kind.ns()) + "." + std::string(kind.name());
  }
  text += "(";
  std::optional<OperatorInfo> info;
  if (options_.operatorInfo) info = options_.operatorInfo(*node);
  const auto& inputs = node->inputs();
  if (!info || info->arguments.empty()) {
    return text + valueList(inputs) + ")";
  }
  const auto& arguments = info->arguments;
  int64_t index = static_cast<int64_t>(arguments.size()) - 1;
  while (index >= 0 && arguments[static_cast<size_t>(index)].isOut) --index;
  size_t numOut = arguments.size() - static_cast<size_t>(index + 1);
  size_t necessary;
  if (arguments.size() < inputs.size()) {
    necessary = inputs.size();
  } else {
    for (; index >= 0; --index) {
      const OperatorArgumentInfo& argument = arguments[static_cast<size_t>(index)];
      if (!argument.defaultValue) break;
      ConstantValue actual;
      if (!constantValueOf(inputs[static_cast<size_t>(index)]->node(), actual)) break;
      if (!(actual == *argument.defaultValue)) break;
    }
    necessary = static_cast<size_t>(index + 1);
  }
  for (size_t i = 0; i < necessary && i < inputs.size(); ++i) {
    if (i > 0) text += ", ";
    if (i < arguments.size() && arguments[i].keywordOnly) text += arguments[i].name + "=";
    text += useOf(inputs[i]);
  }
  for (size_t i = arguments.size() - numOut; i < arguments.size() && i < inputs.size(); ++i) {
    text += ", " + arguments[i].name + "=" + useOf(inputs[i]);
  }
  return text + ")";
}

std::string FunctionPrinter::rhs(const Node* node) {
  if (node->kind() == prim::Constant) return constantNodeText(node);
  auto found = specialForms().find(node->kind());
  if (found == specialForms().end()) return callOperator(node);
  const auto& inputs = node->inputs();
  auto outputType = [&]() -> std::string { return node->output(0)->type()->annotationStr(); };
  switch (found->second) {
    case Form::Uninitialized:
      return "uninitialized(" + outputType() + ")";
    case Form::ImplicitConversion:
      return "annotate(" + outputType() + ", " + useOf(inputs.at(0)) + ")";
    case Form::Int: return valueList(inputs, "int(", ")");
    case Form::Float: return valueList(inputs, "float(", ")");
    case Form::Bool: return valueList(inputs, "bool(", ")");
    case Form::Str: return valueList(inputs, "str(", ")");
    case Form::GetItem: {
      std::string container = useOf(inputs.at(0));
      std::string text = isValidIdentifier(textOf(inputs.at(0))) ? container : "(" + container + ")";
      return text + "[" + useOf(inputs.at(1)) + "]";
    }
    case Form::Print: return valueList(inputs, "print(", ")");
    case Form::Sorted: return valueList(inputs, "sorted(", ")");
    case Form::TupleConstruct: {
      const auto* tuple = node->output(0)->type()->as<types::TupleType>();
      std::string text = tuple && tuple->isNamed() ? tuple->annotationStr() : "";
      return text + valueList(inputs, "(", inputs.size() == 1 ? ",)" : ")");
    }
    case Form::TupleIndex:
      return "(" + useOf(inputs.at(0)) + ")[" + useOf(inputs.at(1)) + "]";
    case Form::TupleSlice:
      return "(" + useOf(inputs.at(0)) + ")[" + std::to_string(node->i("beg")) + ":" +
             std::to_string(node->i("end")) + "]";
    case Form::ListConstruct: {
      const TypePtr& type = node->output(0)->type();
      const auto* list = type->as<types::ListType>();
      if (inputs.empty()) return "annotate(" + type->annotationStr() + ", [])";
      std::string items = valueList(inputs, "[", "]");
      if (list && !elementTypeCanBeInferredFromMembers(list->element())) {
        return "annotate(" + type->annotationStr() + ", " + items + ")";
      }
      return items;
    }
    case Form::DictConstruct: {
      const TypePtr& type = node->output(0)->type();
      const auto* dict = type->as<types::DictType>();
      std::string items = "{";
      for (size_t i = 0; i + 1 < inputs.size(); i += 2) {
        if (i > 0) items += ", ";
        items += useOf(inputs[i]) + ": " + useOf(inputs[i + 1]);
      }
      items += "}";
      if (inputs.empty() || (dict && (!elementTypeCanBeInferredFromMembers(dict->key()) ||
                                      !elementTypeCanBeInferredFromMembers(dict->value())))) {
        return "annotate(" + type->annotationStr() + ", " + items + ")";
      }
      return items;
    }
    case Form::CreateObject: {
      std::string name = outputType();
      return name + ".__new__(" + name + ")";
    }
    case Form::GetAttr: {
      const std::string& field = node->s("name");
      if (isValidIdentifier(field)) return useOf(inputs.at(0)) + "." + field;
      return "getattr(" + useOf(inputs.at(0)) + ", " + quoteString(field) + ")";
    }
    case Form::CallFunction:
    case Form::CallMethod: {
      if (found->second == Form::CallMethod && options_.methodCallAsFunction) {
        if (std::optional<std::string> callee = options_.methodCallAsFunction(*node)) {
          std::string text = *callee + "(";
          for (const Value* input : inputs) text += useOf(input) + ", ";
          return text + ")";
        }
      }
      // Every argument is followed by ", ", so calls end in `, )`.
      std::string text = found->second == Form::CallFunction
                             ? useOf(inputs.at(0)) + "("
                             : "(" + useOf(inputs.at(0)) + ")." + node->s("name") + "(";
      for (size_t i = 1; i < inputs.size(); ++i) text += useOf(inputs[i]) + ", ";
      return text + ")";
    }
    case Form::UnwrapOptional: {
      // unwrap_optional(None) keeps its type through an annotation.
      const Value* input = inputs.at(0);
      ConstantValue constant;
      bool isNone = input->type()->kind() == TypeKind::None ||
                    (constantValueOf(input->node(), constant) &&
                     constant.kind == ConstantValue::Kind::None);
      std::string argument = useOf(input);
      if (isNone) {
        argument = "annotate(" + types::optionalOf(node->output(0)->type())->annotationStr() +
                   ", " + argument + ")";
      }
      return "torch._unwrap_optional(" + argument + ")";
    }
    case Form::UncheckedCast:
      return "unchecked_cast(" + outputType() + ", " + useOf(inputs.at(0)) + ")";
    case Form::Isinstance: {
      const auto& checked = node->attribute("types").get<std::vector<TypePtr>>();
      std::string text = "isinstance(" + useOf(inputs.at(0)) + ", ";
      if (checked.size() == 1) return text + checked[0]->annotationStr() + ")";
      text += "(";
      for (size_t i = 0; i < checked.size(); ++i) {
        if (i > 0) text += ", ";
        text += checked[i]->annotationStr();
      }
      return text + "))";
    }
    case Form::Tolist:
      return "annotate(" + outputType() + ", " + useOf(inputs.at(0)) + ".tolist())";
    case Form::EnumValue: return "(" + useOf(inputs.at(0)) + ").value";
    case Form::EnumName: return "(" + useOf(inputs.at(0)) + ").name";
    case Form::PythonOp: {
      const AttributeValue* name = node->findAttribute("name");
      std::string text = "^";
      if (name && name->kind() == AttributeKind::s) text += name->get<std::string>();
      return text + "()" + valueList(inputs, "(", ")");
    }
  }
  return callOperator(node);
}

}  // namespace tscript::ir::code_detail

namespace tscript::ir {

using types::TypeKind;
using types::TypePtr;

bool constantValueOf(const Node* node, ConstantValue& out) {
  if (node->kind() != prim::Constant || node->outputs().size() != 1) return false;
  const TypePtr& type = node->output(0)->type();
  if (type->kind() == TypeKind::Function) return false;
  const AttributeValue* attribute = node->findAttribute("value");
  if (!attribute) {
    out = ConstantValue::none();
    return true;
  }
  ConstantValue value;
  switch (attribute->kind()) {
    case AttributeKind::i: value = ConstantValue::fromInt(attribute->get<int64_t>()); break;
    case AttributeKind::f: value = ConstantValue::fromDouble(attribute->get<double>()); break;
    case AttributeKind::c: value = ConstantValue::fromComplex(attribute->get<Complex>()); break;
    case AttributeKind::s: value = ConstantValue::fromString(attribute->get<std::string>()); break;
    case AttributeKind::t:
      value = ConstantValue::fromTensorText(attribute->get<TensorText>().text);
      break;
    case AttributeKind::is: {
      std::vector<ConstantValue> items;
      for (int64_t v : attribute->get<std::vector<int64_t>>()) {
        items.push_back(ConstantValue::fromInt(v));
      }
      value = ConstantValue::list(std::move(items));
      break;
    }
    case AttributeKind::fs: {
      std::vector<ConstantValue> items;
      for (double v : attribute->get<std::vector<double>>()) {
        items.push_back(ConstantValue::fromDouble(v));
      }
      value = ConstantValue::list(std::move(items));
      break;
    }
    case AttributeKind::ss: {
      std::vector<ConstantValue> items;
      for (const std::string& v : attribute->get<std::vector<std::string>>()) {
        items.push_back(ConstantValue::fromString(v));
      }
      value = ConstantValue::list(std::move(items));
      break;
    }
    case AttributeKind::ival: value = attribute->get<ConstantValue>(); break;
    default: return false;
  }
  out = code_detail::coerceConstant(std::move(value), type);
  return true;
}

}  // namespace tscript::ir
