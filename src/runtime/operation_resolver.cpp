// Node -> Operation (see operation_resolver.h).
#include "runtime/operation_resolver.h"

#include <algorithm>

#include <map>

#include "ir/ir.h"
#include "ops/registry.h"
#include "runtime/builtins_table.h"
#include "runtime/errors.h"
#include "runtime/host_calls.h"
#include "runtime/method_dispatch.h"
#include "runtime/ivalue_bridge.h"
#include "runtime/tensor_scalar_fast_path.h"
#include "types/named_types.h"

namespace tscript::runtime {

namespace {

using types::TypeKind;
using types::TypePtr;

[[noreturn]] void unresolvable(const ir::Node& node, const std::string& why) {
  throw ScriptError("RuntimeError", "cannot run node " + std::string(node.kind().toQualString()) +
                                        ": " + why);
}

// ---- overload matching by IR types ------------------------------------------------------
// Graphs are already typed (by our compiler, or by torch.jit when read from text), so this
// only has to tell overloads apart, not convert anything: no implicit conversions here.
class TypeMatcher {
 public:
  bool accepts(const types::Type& formal, const TypePtr& actual) {
    switch (formal.kind()) {
      case TypeKind::Any: return true;
      case TypeKind::Var: {
        const std::string& name = formal.str();
        auto [it, inserted] = bindings_.emplace(name, actual);
        return inserted || types::isSubtypeOf(actual, it->second) ||
               types::isSubtypeOf(it->second, actual);
      }
      case TypeKind::Number:
        if (const auto* union_ = actual->as<types::UnionType>()) {  // Union[complex, int]
          const auto& members = union_->members();
          return std::all_of(members.begin(), members.end(),
                             [&](const TypePtr& member) { return accepts(formal, member); });
        }
        return actual->kind() == TypeKind::Int || actual->kind() == TypeKind::Float ||
               actual->kind() == TypeKind::Complex || actual->kind() == TypeKind::Number ||
               actual->kind() == TypeKind::Bool;
      case TypeKind::Tensor: return actual->kind() == TypeKind::Tensor;
      case TypeKind::Optional: {
        const TypePtr& element = formal.as<types::OptionalType>()->element();
        if (actual->kind() == TypeKind::None) return true;
        if (const auto* optional = actual->as<types::OptionalType>()) {
          return accepts(*element, optional->element());
        }
        return accepts(*element, actual);
      }
      case TypeKind::List: {
        const auto* list = actual->as<types::ListType>();
        return list && accepts(*formal.as<types::ListType>()->element(), list->element());
      }
      case TypeKind::Dict: {
        const auto* dict = actual->as<types::DictType>();
        const auto* formalDict = formal.as<types::DictType>();
        return dict && accepts(*formalDict->key(), dict->key()) &&
               accepts(*formalDict->value(), dict->value());
      }
      case TypeKind::Tuple: {
        const auto* tuple = actual->as<types::TupleType>();
        const auto& formalElements = formal.as<types::TupleType>()->elements();
        if (!tuple || tuple->elements().size() != formalElements.size()) return false;
        for (size_t i = 0; i < formalElements.size(); ++i) {
          if (!accepts(*formalElements[i], tuple->elements()[i])) return false;
        }
        return true;
      }
      case TypeKind::AnyList: return actual->kind() == TypeKind::List;
      case TypeKind::AnyTuple: return actual->kind() == TypeKind::Tuple;
      case TypeKind::AnyClass: return actual->kind() == TypeKind::Class;
      case TypeKind::AnyEnum: return actual->kind() == TypeKind::Enum;
      // dtype, layout and memory format are ints in graphs.
      case TypeKind::ScalarType:
      case TypeKind::Layout:
      case TypeKind::MemoryFormat:
        return actual->kind() == TypeKind::Int || actual->kind() == formal.kind();
      default: return types::isSubtypeOf(actual, formal.ptr());
    }
  }

 private:
  std::map<std::string, TypePtr> bindings_;
};

bool overloadAccepts(const ops::Schema& schema, const ir::Node& node) {
  const auto& inputs = node.inputs();
  if (schema.isVararg ? inputs.size() < schema.arguments.size()
                      : inputs.size() != schema.arguments.size()) {
    return false;
  }
  if (!schema.isVarret && schema.returns.size() != node.outputs().size()) return false;
  TypeMatcher matcher;
  for (size_t i = 0; i < schema.arguments.size(); ++i) {
    if (!matcher.accepts(*schema.arguments[i].type, inputs[i]->type())) return false;
  }
  return true;
}

// ---- operations with a per-site context -------------------------------------------------
// A site function takes its own context type; the Operation stores the trampoline
// `callWithContext<Function>`, whose type is exactly `Operation::WithContext`, and the cast
// happens on the data pointer only (calling through a cast function-pointer type would be
// undefined behaviour, and -fsanitize=function reports it).
template <typename SiteFunction>
struct SiteContext;
template <typename Context>
struct SiteContext<void (*)(Stack&, const Context&)> {
  using type = Context;
};
template <auto Function>
using ContextOf = typename SiteContext<decltype(Function)>::type;

template <auto Function>
void callWithContext(Stack& stack, const void* context) {
  // Invariant: `context` is the ContextOf<Function> that withContext<Function> stored.
  Function(stack, *static_cast<const ContextOf<Function>*>(context));
}

template <auto Function>
Operation withContext(ContextOf<Function> context) {
  Operation operation;
  operation.context = std::make_shared<const ContextOf<Function>>(std::move(context));
  operation.withContext = &callWithContext<Function>;
  return operation;
}

Operation plain(Operation::Plain function) {
  Operation operation;
  operation.plain = function;
  return operation;
}

// prim::isinstance[types=[...]]: whether the value's run-time kind is one of `types`.
// Containers are checked by kind only: their element types are static (TorchScript's rule).
struct IsinstanceSite {
  std::vector<TypePtr> types;
};

bool valueHasType(const Value& value, const types::Type& type) {
  using types::TypeKind;
  switch (type.kind()) {
    case TypeKind::Any: return true;
    case TypeKind::None: return value.isNone();
    case TypeKind::Bool: return value.isBool();
    case TypeKind::Int: return value.isInt();
    case TypeKind::Float: return value.isFloat();
    case TypeKind::Complex: return value.isComplex();
    case TypeKind::Number: return value.isNumber();
    case TypeKind::Str: return value.isString();
    case TypeKind::Device: return value.isDevice();
    case TypeKind::Tensor: return value.isTensor();
    case TypeKind::List:
    case TypeKind::AnyList: return value.isList();
    case TypeKind::Dict: return value.isDict();
    case TypeKind::Tuple:
    case TypeKind::AnyTuple: return value.isTuple();
    case TypeKind::Optional:
      return value.isNone() || valueHasType(value, *type.as<types::OptionalType>()->element());
    case TypeKind::Union:
      for (const TypePtr& member : type.as<types::UnionType>()->members()) {
        if (valueHasType(value, *member)) return true;
      }
      return false;
    default:
      return false;
  }
}

void isinstance(Stack& stack, const IsinstanceSite& site) {
  Value value = pop(stack);
  bool result = false;
  for (const TypePtr& type : site.types) result = result || valueHasType(value, *type);
  stack.emplace_back(result);
}

struct ConstructSite {
  size_t count;
  TypePtr type;  // the element type (lists), the named type (named tuples), key/value (dicts)
  TypePtr valueType;
};

void tupleConstruct(Stack& stack, const ConstructSite& site) {
  Value tuple = makeTuple(popN(stack, site.count), site.type);
  stack.push_back(std::move(tuple));
}

void tupleUnpack(Stack& stack, const ConstructSite& site) {
  Value tuple = pop(stack);
  const auto& elements = tuple.toTuple().elements;
  if (elements.size() != site.count) {
    throwError("ValueError", "expected " + std::to_string(site.count) +
                                 " values to unpack, got a tuple of " +
                                 std::to_string(elements.size()));
  }
  for (const Value& element : elements) stack.push_back(element);
}

void listConstruct(Stack& stack, const ConstructSite& site) {
  Value list = makeList(site.type, popN(stack, site.count));
  stack.push_back(std::move(list));
}

void listUnpack(Stack& stack, const ConstructSite& site) {
  Value list = pop(stack);
  const auto& elements = list.toList().elements;
  if (elements.size() != site.count) {
    throwError("ValueError", elements.size() > site.count
                                 ? "too many values to unpack: need " + std::to_string(site.count) +
                                       " but found " + std::to_string(elements.size())
                                 : "not enough values to unpack (expected " +
                                       std::to_string(site.count) + ", got " +
                                       std::to_string(elements.size()) + ")");
  }
  for (const Value& element : elements) stack.push_back(element);
}

void dictConstruct(Stack& stack, const ConstructSite& site) {
  Value dict = makeDict(site.type, site.valueType);
  DictObject& entries = dict.toDict();
  size_t base = stack.size() - 2 * site.count;
  for (size_t i = 0; i < site.count; ++i) {
    entries.insertOrAssign(std::move(stack[base + 2 * i]), std::move(stack[base + 2 * i + 1]));
  }
  drop(stack, 2 * site.count);
  stack.push_back(std::move(dict));
}

struct SlotSite {
  size_t slot;
};

void getAttr(Stack& stack, const SlotSite& site) {
  Value object = pop(stack);
  stack.push_back(object.toObject().slots[site.slot]);
}

void setAttr(Stack& stack, const SlotSite& site) {
  Value value = pop(stack);
  Value object = pop(stack);
  object.toObject().slots[site.slot] = std::move(value);
}

struct ObjectSite {
  TypePtr type;
  size_t slots;
};

// prim::CreateObject: a new object of a class, its slots None until __init__ sets them.
void createObject(Stack& stack, const ObjectSite& site) {
  stack.push_back(Value(c10::make_intrusive<Object>(site.type, site.slots)));
}

struct VarargSite {
  ops::OperatorFunction function;
  int64_t count;
};

void callVararg(Stack& stack, const VarargSite& site) {
  stack.emplace_back(site.count);
  site.function(stack);
}

struct DispatcherSite {
  const ops::Operator* op;
  std::vector<ArgumentConversion> conversions;
};

void callDispatcher(Stack& stack, const DispatcherSite& site) {
  size_t count = site.conversions.size();
  size_t base = stack.size() - count;
  std::vector<c10::IValue> boxed;
  boxed.reserve(std::max(count, site.op->schema().returns.size()));
  for (size_t i = 0; i < count; ++i) {
    boxed.push_back(toIValue(std::move(stack[base + i]), site.conversions[i]));
  }
  stack.resize(base);
  ops::callBoxed(*site.op, boxed);
  for (c10::IValue& result : boxed) stack.push_back(fromIValue(std::move(result)));
}

size_t slotOf(const ir::Node& node, const TypePtr& objectType) {
  const auto* classType = objectType->as<types::ClassType>();
  if (!classType) unresolvable(node, "attribute access on a non-object type " + objectType->str());
  const std::string& name = node.attribute("name").get<std::string>();
  std::optional<size_t> slot = classType->findAttributeSlot(name);
  if (!slot) unresolvable(node, classType->qualifiedName() + " has no attribute '" + name + "'");
  return *slot;
}

TypePtr listElementType(const ir::Node& node) {
  const auto* list = node.output(0)->type()->as<types::ListType>();
  if (!list) unresolvable(node, "the output is not a list type");
  return list->element();
}

std::optional<Operation> structuralOperation(const ir::Node& node) {
  std::string_view kind = node.kind().toQualString();
  size_t inputs = node.inputs().size();
  if (kind == "prim::TupleConstruct") {
    const auto* tuple = node.output(0)->type()->as<types::TupleType>();
    TypePtr named = tuple && tuple->isNamed() ? node.output(0)->type() : nullptr;
    return withContext<tupleConstruct>(ConstructSite{inputs, named, nullptr});
  }
  if (kind == "prim::TupleUnpack") {
    return withContext<tupleUnpack>(ConstructSite{node.outputs().size(), nullptr, nullptr});
  }
  if (kind == "prim::ListConstruct") {
    return withContext<listConstruct>(ConstructSite{inputs, listElementType(node), nullptr});
  }
  if (kind == "prim::isinstance") {
    const ir::AttributeValue* types = node.findAttribute("types");
    if (!types || types->kind() != ir::AttributeKind::tys) {
      unresolvable(node, "it has no `types` attribute");
    }
    return withContext<isinstance>(IsinstanceSite{types->get<std::vector<TypePtr>>()});
  }
  if (kind == "prim::ListUnpack") {
    return withContext<listUnpack>(ConstructSite{node.outputs().size(), nullptr, nullptr});
  }
  if (kind == "prim::DictConstruct") {
    const auto* dict = node.output(0)->type()->as<types::DictType>();
    if (!dict) unresolvable(node, "the output is not a dict type");
    return withContext<dictConstruct>(ConstructSite{inputs / 2, dict->key(), dict->value()});
  }
  if (kind == "prim::GetAttr") {
    return withContext<getAttr>(SlotSite{slotOf(node, node.input(0)->type())});
  }
  if (kind == "prim::CreateObject") {
    const auto* classType = node.output(0)->type()->as<types::ClassType>();
    if (!classType) unresolvable(node, "the output is not a class type");
    return withContext<createObject>(ObjectSite{node.output(0)->type(), classType->attributes().size()});
  }
  if (kind == "prim::SetAttr") {
    return withContext<setAttr>(SlotSite{slotOf(node, node.input(0)->type())});
  }
  return std::nullopt;
}

std::string describeInputs(const ir::Node& node) {
  std::string text = "(";
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (i > 0) text += ", ";
    text += node.input(i)->type()->str();
  }
  return text + ")";
}

}  // namespace

const ops::Operator* matchOverloadForNode(const ir::Node& node) {
  registerBuiltinOperators();
  for (const ops::Operator* op : ops::overloadsOf(node.kind())) {
    if (overloadAccepts(op->schema(), node)) return op;
  }
  return nullptr;
}

Operation operationFor(const ir::Node& node) {
  if (std::optional<Operation> structural = structuralOperation(node)) return *structural;
  if (node.kind().toQualString() == std::string_view("prim::PythonOp")) {
    return hostCallOperation(node);
  }
  if (node.kind().toQualString() == std::string_view("prim::CallMethod")) {
    // Left in a runnable graph only on interface-typed receivers: dispatched by the
    // object's class when it runs.
    return callMethodOperation(node);
  }
  const ops::Operator* op = matchOverloadForNode(node);
  if (!op) {
    if (ops::overloadsOf(node.kind()).empty()) unresolvable(node, "no such operator");
    unresolvable(node, "no overload accepts the input types " + describeInputs(node));
  }
  const ops::Schema& schema = op->schema();
  if (op->isDispatcherOperator()) {
    DispatcherSite site{op, {}};
    for (const ops::Argument& argument : schema.arguments) {
      site.conversions.push_back(conversionFor(argument.type));
    }
    Operation general = withContext<callDispatcher>(std::move(site));
    if (auto fast = tensorScalarFastPath(node, *op, general)) return *fast;
    return general;
  }
  if (schema.isVararg) {
    return withContext<callVararg>(VarargSite{op->function(), int64_t(node.inputs().size())});
  }
  return plain(op->function());
}

}  // namespace tscript::runtime
