// The recorder's graph building: inputs, recorded calls, dynamic sizes, outputs, cleanup.
// Which calls get recorded is decided by the dispatcher fallback (dispatch_fallback.cpp).
#include "tracer/recorder.h"

#include <ATen/core/Formatting.h>
#include <ATen/ops/scalar_tensor.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <algorithm>
#include <sstream>
#include <unordered_set>

#include "ops/registry.h"
#include "ops/schema.h"
#include "tracer/recording_key.h"

namespace tscript::tracer {

namespace {

const ir::Symbol kListConstruct = ir::Symbol::fromQualString("prim::ListConstruct");
const ir::Symbol kListUnpack = ir::Symbol::fromQualString("prim::ListUnpack");
const ir::Symbol kTupleConstruct = ir::Symbol::fromQualString("prim::TupleConstruct");
const ir::Symbol kTupleUnpack = ir::Symbol::fromQualString("prim::TupleUnpack");
const ir::Symbol kNumToTensor = ir::Symbol::fromQualString("prim::NumToTensor");
const ir::Symbol kGetItem = ir::Symbol::fromQualString("aten::__getitem__");
const ir::Symbol kSize = ir::Symbol::fromQualString("aten::size");
const ir::Symbol kNumel = ir::Symbol::fromQualString("aten::numel");
const ir::Symbol kInt = ir::Symbol::fromQualString("aten::Int");
const ir::Symbol kScalarImplicit = ir::Symbol::fromQualString("aten::ScalarImplicit");

std::optional<types::ScalarKind> scalarKindOf(at::ScalarType type) {
  using K = types::ScalarKind;
  switch (type) {
    case at::kByte: return K::Byte;
    case at::kChar: return K::Char;
    case at::kShort: return K::Short;
    case at::kInt: return K::Int;
    case at::kLong: return K::Long;
    case at::kHalf: return K::Half;
    case at::kFloat: return K::Float;
    case at::kDouble: return K::Double;
    case at::kComplexHalf: return K::ComplexHalf;
    case at::kComplexFloat: return K::ComplexFloat;
    case at::kComplexDouble: return K::ComplexDouble;
    case at::kBool: return K::Bool;
    case at::kQInt8: return K::QInt8;
    case at::kQUInt8: return K::QUInt8;
    case at::kQInt32: return K::QInt32;
    case at::kBFloat16: return K::BFloat16;
    default: return std::nullopt;
  }
}

// The 0-dim Long tensor a traced size stands for: `Long(device=cpu)` (no requires_grad,
// since 1.13 types it from the number type, not from a tensor).
types::TypePtr numberTensorType() {
  types::TensorDetails details;
  details.dtype = types::ScalarKind::Long;
  details.sizes = std::vector<std::optional<int64_t>>{};
  details.strides = std::vector<int64_t>{};
  details.device = "cpu";
  return types::tensorTypeWith(std::move(details));
}

types::TypePtr typeOfInput(const c10::IValue& value, const std::string& where) {
  if (value.isTensor()) return tensorTypeOf(value.toTensor());
  if (value.isTuple()) {
    std::vector<types::TypePtr> elements;
    for (const c10::IValue& element : value.toTupleRef().elements()) {
      elements.push_back(typeOfInput(element, where));
    }
    return types::tupleOf(std::move(elements));
  }
  if (value.isTensorList()) return types::listOf(types::tensorType());
  if (value.isGenericDict()) {
    auto dict = value.toGenericDict();
    types::TypePtr key = dict.keyType()->kind() == c10::TypeKind::StringType ? types::strType()
                                                                             : types::intType();
    return types::dictOf(key, types::tensorType());
  }
  throw TraceError("cannot trace " + where + ": only tensors and (nested) tuples, lists and "
                   "dicts of tensors can be inputs of a trace, got " + value.tagKind());
}

// The recorder's own tensor work (printing a constant, making a size tensor, a view of an
// input) must not be recorded: every public entry point runs below the recording key.
struct NotRecorded {
  c10::impl::ExcludeDispatchKeyGuard guard{kRecordingKey};
};

}  // namespace

// ---- tensor spellings ---------------------------------------------------------------------

types::TypePtr tensorTypeOf(const at::Tensor& tensor) {
  types::TensorDetails details;
  details.dtype = scalarKindOf(tensor.scalar_type());
  std::vector<std::optional<int64_t>> sizes;
  for (int64_t size : tensor.sizes()) sizes.emplace_back(size);
  details.sizes = std::move(sizes);
  if (tensor.layout() == at::kStrided) {
    details.strides = std::vector<int64_t>(tensor.strides().begin(), tensor.strides().end());
  }
  details.requiresGrad = tensor.requires_grad();
  details.device = tensor.device().str();
  return types::tensorTypeWith(std::move(details));
}

std::string tensorConstantText(const at::Tensor& tensor) {
  NotRecorded notRecorded;
  std::ostringstream out;
  if (tensor.numel() == 1) {
    // A one-element tensor is usually a boxed scalar: printed as {value} with the stream's
    // default precision, as 1.13 does.
    c10::Scalar scalar = tensor.reshape({}).item();
    out << "{";
    if (scalar.isFloatingPoint()) {
      out << scalar.toDouble();
    } else if (scalar.isComplex()) {
      out << scalar.toComplexDouble();
    } else {
      out << scalar.toLong();
    }
    out << "}";
  } else if (tensor.numel() <= 10) {
    out << tensor;
    std::string text = out.str();
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
  } else {
    out << "<Tensor>";
  }
  return out.str();
}

// ---- the recorder --------------------------------------------------------------------------

Recorder::Recorder(TraceHooks hooks)
    : hooks_(std::move(hooks)), graph_(std::make_shared<ir::Graph>()) {}

void Recorder::locate(ir::Node* node) {
  if (!currentLocation_) {
    currentLocation_ = hooks_.sourceLocation ? hooks_.sourceLocation() : std::string();
  }
  if (!currentLocation_->empty()) node->setPrintedLocation(*currentLocation_);
}

bool Recorder::isTraced(const at::Tensor& tensor) const {
  return tensor.defined() && values_.count(tensor.unsafeGetTensorImpl()) > 0;
}

void Recorder::setValue(const at::Tensor& tensor, ir::Value* value) {
  auto [it, inserted] = values_.insert_or_assign(tensor.unsafeGetTensorImpl(), value);
  (void)it;
  if (inserted) known_.emplace_back(tensor.getIntrusivePtr());
}

ir::Value* Recorder::insertNone() {
  ir::Node* none = graph_->insert(ir::prim::Constant, {});
  none->output()->setType(types::noneType());
  return none->output();
}

ir::Value* Recorder::insertConstant(const c10::IValue& value, const types::TypePtr& declared,
                                    bool withLocation) {
  ir::Node* node = graph_->create(ir::prim::Constant);
  types::TypePtr type;
  if (value.isNone()) {
    type = types::noneType();
  } else if (value.isBool()) {
    node->i_("value", value.toBool() ? 1 : 0);
    type = types::boolType();
  } else if (value.isInt()) {
    node->i_("value", value.toInt());
    type = types::intType();
  } else if (value.isDouble()) {
    node->f_("value", value.toDouble());
    type = types::floatType();
  } else if (value.isComplexDouble()) {
    c10::complex<double> c = value.toComplexDouble();
    node->setAttribute("value", ir::AttributeValue(ir::Complex{c.real(), c.imag()}));
    type = types::complexType();
  } else if (value.isString()) {
    node->s_("value", value.toStringRef());
    type = types::strType();
  } else if (value.isDevice()) {
    // Devices are string attributes typed Device in 1.13's graphs: value="cpu".
    node->s_("value", value.toDevice().str());
    type = types::deviceType();
  } else if (value.isIntList()) {
    node->setAttribute("value", ir::AttributeValue(value.toIntVector()));
    type = types::listOf(types::intType());
  } else if (value.isDoubleList()) {
    node->setAttribute("value", ir::AttributeValue(value.toDoubleVector()));
    type = types::listOf(types::floatType());
  } else if (value.isBoolList()) {
    std::vector<ir::ConstantValue> elements;
    for (bool b : value.toBoolList()) elements.push_back(ir::ConstantValue::fromBool(b));
    node->setAttribute("value", ir::AttributeValue(ir::ConstantValue::list(std::move(elements))));
    type = types::listOf(types::boolType());
  } else {
    node->destroy();
    throw TraceError(std::string("cannot record a constant of kind ") + value.tagKind() +
                     (declared ? " (declared " + declared->str() + ")" : std::string()));
  }
  node->output()->setType(type);
  graph_->insertNode(node);
  if (withLocation) locate(node);
  return node->output();
}

ir::Value* Recorder::tensorConstant(const at::Tensor& tensor) {
  if (tensor.requires_grad()) {
    // 1.13's words (the overview page's FAQ shows them), then the tensor as 1.13 prints it.
    std::ostringstream printed;
    printed << tensor.detach();
    throw TraceError(
        "Cannot insert a Tensor that requires grad as a constant. Consider making it a "
        "parameter or input, or detaching the gradient\nTensor:\n" + printed.str());
  }
  // A view of a not yet computed result, made where we do not see it (a hidden call):
  // the constant is its data, so compute it now.
  if (deferred_.isPending(tensor)) deferred_.flush();
  ir::Node* node = graph_->create(ir::prim::Constant);
  node->setAttribute("value", ir::AttributeValue(ir::TensorText{tensorConstantText(tensor)}));
  node->output()->setType(tensorTypeOf(tensor));
  graph_->insertNode(node);
  locate(node);
  tensorConstants_.emplace(node, tensor);
  return node->output();
}

ir::Value* Recorder::valueOf(const at::Tensor& tensor) {
  NotRecorded notRecorded;
  if (!tensor.defined()) return insertNone();
  auto it = values_.find(tensor.unsafeGetTensorImpl());
  if (it == values_.end()) {
    ir::Value* constant = tensorConstant(tensor);
    setValue(tensor, constant);
    return constant;
  }
  ir::Value* value = it->second;
  if (!value->hasDebugName() && hooks_.variableName) {
    std::string name = hooks_.variableName(tensor);
    if (!name.empty()) value->setDebugName(name);
  }
  return value;
}

ir::Value* Recorder::intValue(int64_t value, bool listElement, bool asScalar) {
  // The parser probes a list's first element with __index__ and then converts it with
  // item(): the probe's report is a duplicate of the conversion's.
  if (listElement && pendingIndices_.size() >= 2 && pendingIndices_[0].fromIndex &&
      !pendingIndices_[1].fromIndex &&
      pendingIndices_[0].tensor.unsafeGetTensorImpl() ==
          pendingIndices_[1].tensor.unsafeGetTensorImpl() &&
      pendingIndices_[0].value == pendingIndices_[1].value) {
    pendingIndices_.erase(pendingIndices_.begin());
  }
  if (!pendingIndices_.empty() && pendingIndices_.front().value == value) {
    // The int came from a traced tensor: read it from the graph, inserted right after the
    // tensor's definition as 1.13 does.
    at::Tensor tensor = pendingIndices_.front().tensor;
    pendingIndices_.erase(pendingIndices_.begin());
    ir::Value* source = valueOf(tensor);
    ir::Node* definition = source->node();
    ir::Node* after =
        definition->kind() == ir::prim::Param ? *graph_->nodes().begin() : definition->next();
    ir::WithInsertPoint guard(*graph_, after);
    // A Scalar argument reads the number with aten::ScalarImplicit, an int with aten::Int.
    ir::Node* toNumber = graph_->insert(asScalar ? kScalarImplicit : kInt, {source});
    toNumber->output()->setType(asScalar ? types::numberType() : types::intType());
    return toNumber->output();
  }
  return insertConstant(c10::IValue(value), types::intType(), /*withLocation=*/true);
}

ir::Value* Recorder::argumentValue(const c10::IValue& value, const types::TypePtr& realType,
                                   const std::string& operatorName,
                                   const std::string& argumentName) {
  auto unsupported = [&]() -> TraceError {
    return TraceError("cannot record argument '" + argumentName + "' of " + operatorName +
                      ": its type " + realType->str() + " (got " + value.tagKind() +
                      ") is not supported by the tracer");
  };
  switch (realType->kind()) {
    case types::TypeKind::Optional: {
      if (value.isNone()) return insertNone();
      const auto& element = realType->as<types::OptionalType>()->element();
      return argumentValue(value, element, operatorName, argumentName);
    }
    case types::TypeKind::Tensor:
      if (!value.isTensor()) throw unsupported();
      return valueOf(value.toTensor());
    case types::TypeKind::List: {
      const types::TypePtr& element = realType->as<types::ListType>()->element();
      std::vector<ir::Value*> items;
      types::TypePtr listType;
      switch (element->kind()) {
        case types::TypeKind::Tensor:
          for (const at::Tensor& t : value.toTensorVector()) items.push_back(valueOf(t));
          listType = types::listOf(types::tensorType());
          break;
        case types::TypeKind::Optional:
          if (element->as<types::OptionalType>()->element()->kind() != types::TypeKind::Tensor) {
            throw unsupported();
          }
          for (const c10::IValue& item : value.toListRef()) {
            items.push_back(item.isNone() ? insertNone() : valueOf(item.toTensor()));
          }
          listType = types::listOf(types::optionalOf(types::tensorType()));
          break;
        case types::TypeKind::Int:
          for (int64_t i : value.toIntVector()) items.push_back(intValue(i, /*listElement=*/true, /*asScalar=*/false));
          listType = types::listOf(types::intType());
          break;
        case types::TypeKind::Float:
          for (double d : value.toDoubleVector()) {
            items.push_back(insertConstant(c10::IValue(d), element, true));
          }
          listType = types::listOf(types::floatType());
          break;
        case types::TypeKind::Bool:
          // bool[N] arrays are one list constant in 1.13's traces.
          return insertConstant(value, realType, true);
        default:
          throw unsupported();
      }
      ir::Node* list = graph_->insert(kListConstruct, items);
      list->output()->setType(listType);
      return list->output();
    }
    case types::TypeKind::Int:
      if (!value.isInt()) throw unsupported();
      return intValue(value.toInt(), /*listElement=*/false, /*asScalar=*/false);
    case types::TypeKind::Number:
      if (value.isInt()) return intValue(value.toInt(), /*listElement=*/false, /*asScalar=*/true);
      return insertConstant(value, realType, true);
    case types::TypeKind::ScalarType:
    case types::TypeKind::Layout:
    case types::TypeKind::MemoryFormat:
    case types::TypeKind::Float:
    case types::TypeKind::Bool:
    case types::TypeKind::Str:
    case types::TypeKind::Device:
    case types::TypeKind::Complex:
      return insertConstant(value, realType, true);
    case types::TypeKind::Generator:
      // Generators are never recorded: 1.13 passes None (a traced graph is replayed with
      // the default generator).
      return insertNone();
    default:
      throw unsupported();
  }
}

ir::Node* Recorder::recordCall(const ops::Schema& schema,
                               const std::vector<c10::IValue>& arguments) {
  NotRecorded notRecorded;
  if (arguments.size() != schema.arguments.size()) {
    throw TraceError("cannot record " + schema.qualifiedOverloadName() + ": called with " +
                     std::to_string(arguments.size()) + " arguments, its schema has " +
                     std::to_string(schema.arguments.size()));
  }
  currentLocation_.reset();  // asked at most once per recorded call
  std::string kind = schema.name;
  if (forceOutplace_ && schema.isMutable() && !arguments.empty() && arguments[0].isTensor() &&
      arguments[0].toTensor().has_storage() && hooks_.warn) {
    // 1.13's ensureUniqueIfOutOfPlaced: an in-place write recorded out of place is not seen
    // by the other views of the data.
    size_t aliases = arguments[0].toTensor().storage().use_count();
    if (aliases > 1) {
      std::string op = schema.name.substr(schema.name.find("::") + 2);
      if (op == "copy_") op += " (possibly due to an assignment)";
      hooks_.warn("There are " + std::to_string(aliases) +
                  " live references to the data region being modified when tracing in-place "
                  "operator " + op + ". This might cause the trace to be incorrect, because all "
                  "other views that also reference this data will not reflect this change in "
                  "the trace! On the other hand, if all other views use the same memory chunk, "
                  "but are disjoint (e.g. are outputs of torch.split), this might still be safe.");
    }
  }
  if (forceOutplace_ && schema.isMutable() && kind.size() > 1 && kind.back() == '_' &&
      kind[kind.size() - 2] != '_') {
    // `aten::add_` -> `aten::add` with the same overload and arguments, if there is one.
    std::string outplace = kind.substr(0, kind.size() - 1);
    const ops::Operator* other = ops::findExact(outplace, schema.overloadName);
    if (other != nullptr && other->schema().arguments.size() == schema.arguments.size()) {
      kind = outplace;
    }
  }
  // 1.13's hand-written tracing kernel of `detach_` records `aten::detach` (the result is the
  // same tensor, re-mapped as for any in-place call): `torch.tensor(...)` ends with it.
  if (kind == "aten::detach_") kind = "aten::detach";
  ir::Node* node = graph_->create(ir::Symbol::fromQualString(kind), {}, 0);
  try {
    for (size_t i = 0; i < arguments.size(); ++i) {
      const ops::Argument& argument = schema.arguments[i];
      node->addInput(argumentValue(arguments[i], argument.realType, schema.name, argument.name));
    }
  } catch (...) {
    node->removeAllInputs();
    node->destroy();
    pendingIndices_.clear();
    throw;
  }
  graph_->insertNode(node);
  locate(node);
  if (schema.isMutable() && kind == schema.name) mutatingNodes_.insert(node);
  pendingIndices_.clear();
  return node;
}

std::vector<ir::Value*> Recorder::callArguments(const std::string& name,
                                                const std::vector<c10::IValue>& arguments) {
  std::vector<ir::Value*> inputs;
  for (const c10::IValue& argument : arguments) {
    if (argument.isTensor()) {
      inputs.push_back(valueOf(argument.toTensor()));
    } else if (argument.isTuple() || argument.isTensorList()) {
      // Containers of tensors are rebuilt in the graph from their elements.
      std::vector<ir::Value*> elements;
      std::vector<types::TypePtr> elementTypes;
      bool isTuple = argument.isTuple();
      std::vector<c10::IValue> items =
          isTuple ? argument.toTupleRef().elements().vec()
                  : std::vector<c10::IValue>(argument.toListRef().begin(), argument.toListRef().end());
      for (const c10::IValue& item : items) {
        if (!item.isTensor()) {
          throw TraceError("cannot record a call of '" + name + "': a container argument holds a " +
                           item.tagKind() + "; only tensors are supported inside containers");
        }
        elements.push_back(valueOf(item.toTensor()));
        elementTypes.push_back(types::tensorType());
      }
      ir::Node* construct = graph_->insert(isTuple ? kTupleConstruct : kListConstruct, elements);
      construct->output()->setType(isTuple ? types::tupleOf(std::move(elementTypes))
                                           : types::listOf(types::tensorType()));
      inputs.push_back(construct->output());
    } else {
      inputs.push_back(insertConstant(argument, nullptr, /*withLocation=*/false));
    }
  }
  return inputs;
}

ir::Node* Recorder::recordFunctionCall(const std::string& name,
                                       const std::vector<c10::IValue>& arguments,
                                       const types::TypePtr& returnType) {
  NotRecorded notRecorded;
  currentLocation_.reset();
  std::vector<ir::Value*> inputs;
  ir::Node* function = graph_->insert(ir::prim::Constant, {});
  function->s_("name", name);
  function->output()->setType(types::functionType());
  inputs.push_back(function->output());
  for (ir::Value* value : callArguments(name, arguments)) inputs.push_back(value);
  ir::Node* call = graph_->insert(ir::Symbol::fromQualString("prim::CallFunction"), inputs);
  call->output()->setType(returnType);
  pendingIndices_.clear();
  return call;
}

namespace {
void mapResult(Recorder& recorder, ir::Graph& graph, ir::Value* value, const c10::IValue& result) {
  if (result.isTensor()) {
    if (result.toTensor().defined()) recorder.setValue(result.toTensor(), value);
    return;
  }
  if (result.isTuple()) {
    const auto& elements = result.toTupleRef().elements();
    ir::Node* unpack = graph.insert(kTupleUnpack, {value}, elements.size());
    const auto& types = value->type()->containedTypes();
    for (size_t i = 0; i < elements.size(); ++i) {
      unpack->output(i)->setType(i < types.size() ? types[i] : types::tensorType());
      mapResult(recorder, graph, unpack->output(i), elements[i]);
    }
    return;
  }
  if (result.isTensorList()) {
    std::vector<at::Tensor> tensors = result.toTensorVector();
    ir::Node* unpack = graph.insert(kListUnpack, {value}, tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
      unpack->output(i)->setType(types::tensorType());
      recorder.setValue(tensors[i], unpack->output(i));
    }
  }
  // Other results (numbers, strings) are Python values from here on: constants if used.
}
}  // namespace

void Recorder::recordCallResult(ir::Node* call, const c10::IValue& result) {
  NotRecorded notRecorded;
  mapResult(*this, *graph_, call->output(), result);
}

struct RecordingPaused::Guard {
  c10::impl::ExcludeDispatchKeyGuard exclude{kRecordingKey};
};
RecordingPaused::RecordingPaused() : guard_(std::make_unique<Guard>()) {}
RecordingPaused::~RecordingPaused() = default;

void Recorder::recordOutputs(ir::Node* node, const ops::Schema& schema,
                             const std::vector<c10::IValue>& results) {
  NotRecorded notRecorded;
  for (size_t i = 0; i < results.size(); ++i) {
    const c10::IValue& result = results[i];
    ir::Value* output = node->addOutput();
    types::TypePtr declared = i < schema.returns.size() ? schema.returns[i].type : nullptr;
    if (result.isTensor()) {
      const at::Tensor& tensor = result.toTensor();
      if (tensor.defined()) {
        output->setType(tensorTypeOf(tensor));
        setValue(tensor, output);
      } else {
        output->setType(types::tensorType());
      }
    } else if (result.isTensorList()) {
      output->setType(types::listOf(types::tensorType()));
      std::vector<at::Tensor> tensors = result.toTensorVector();
      ir::Node* unpack = graph_->insert(kListUnpack, {output}, tensors.size());
      for (size_t k = 0; k < tensors.size(); ++k) {
        unpack->output(k)->setType(tensorTypeOf(tensors[k]));
        setValue(tensors[k], unpack->output(k));
      }
    } else {
      output->setType(declared ? declared : types::anyType());
    }
  }
}

// ---- inputs --------------------------------------------------------------------------------

ir::Value* Recorder::unpackInput(const c10::IValue& example, ir::Value* value,
                                 c10::IValue& rebuilt) {
  if (example.isTensor()) {
    at::Tensor tensor = example.toTensor();
    if (isTraced(tensor)) {
      // The same tensor at two input positions: each position gets its own tensor.
      tensor = tensor.view(tensor.sizes());
    }
    setValue(tensor, value);
    rebuilt = tensor;
    return value;
  }
  if (example.isTuple()) {
    const auto& elements = example.toTupleRef().elements();
    ir::Node* unpack = graph_->insert(kTupleUnpack, {value}, elements.size());
    const auto& elementTypes = value->type()->containedTypes();
    std::vector<c10::IValue> rebuiltElements(elements.size());
    for (size_t i = 0; i < elements.size(); ++i) {
      unpack->output(i)->setType(elementTypes.at(i));
      unpackInput(elements[i], unpack->output(i), rebuiltElements[i]);
    }
    rebuilt = c10::ivalue::Tuple::create(std::move(rebuiltElements));
    return value;
  }
  if (example.isTensorList()) {
    std::vector<at::Tensor> tensors = example.toTensorVector();
    ir::Node* unpack = graph_->insert(kListUnpack, {value}, tensors.size());
    c10::List<at::Tensor> rebuiltList;
    for (size_t i = 0; i < tensors.size(); ++i) {
      // List elements stay unrefined `Tensor`, as in 1.13.
      unpack->output(i)->setType(types::tensorType());
      c10::IValue element;
      unpackInput(tensors[i], unpack->output(i), element);
      rebuiltList.push_back(element.toTensor());
    }
    rebuilt = rebuiltList;
    return value;
  }
  if (example.isGenericDict()) {
    auto dict = example.toGenericDict();
    auto rebuiltDict = c10::impl::GenericDict(dict.keyType(), dict.valueType());
    for (const auto& entry : dict) {
      currentLocation_.reset();
      ir::Value* key = insertConstant(entry.key(), nullptr, /*withLocation=*/false);
      ir::Node* get = graph_->insert(kGetItem, {value, key});
      get->output()->setType(types::tensorType());
      locate(get);
      c10::IValue element;
      unpackInput(entry.value(), get->output(), element);
      rebuiltDict.insert(entry.key(), element);
    }
    rebuilt = rebuiltDict;
    return value;
  }
  throw TraceError(std::string("cannot trace an input of kind ") + example.tagKind());
}

c10::IValue Recorder::addInput(const c10::IValue& example, const std::string& name) {
  NotRecorded notRecorded;
  std::string where = name.empty() ? "an input" : "input '" + name + "'";
  if (example.isGenericDict()) {
    auto dict = example.toGenericDict();
    c10::TypeKind keyKind = dict.keyType()->kind();
    if (keyKind != c10::TypeKind::StringType && keyKind != c10::TypeKind::IntType) {
      throw TraceError("cannot trace " + where + ": dict keys must all be str or all be int");
    }
    for (const auto& entry : dict) {
      if (!entry.value().isTensor()) {
        throw TraceError("cannot trace " + where +
                         ": dict inputs must hold tensors only (1.13 requires a consistent "
                         "value type)");
      }
    }
  }
  types::TypePtr type = typeOfInput(example, where);
  ir::Value* value = graph_->addInput(name);
  value->setType(type);
  c10::IValue rebuilt;
  unpackInput(example, value, rebuilt);
  return rebuilt;
}

// ---- dynamic sizes -------------------------------------------------------------------------

namespace {
at::Tensor sizeAsTensor(int64_t size) {
  return at::scalar_tensor(size, at::TensorOptions().dtype(at::kLong));
}
}  // namespace

at::Tensor Recorder::recordSize(const at::Tensor& tensor, int64_t dim) {
  NotRecorded notRecorded;
  at::Tensor result = sizeAsTensor(tensor.size(dim));
  currentLocation_.reset();
  ir::Value* self = valueOf(tensor);
  ir::Value* dimValue = insertConstant(c10::IValue(dim), types::intType(), true);
  ir::Node* size = graph_->insert(kSize, {self, dimValue});
  size->output()->setType(types::intType());
  locate(size);
  ir::Node* toTensor = graph_->insert(kNumToTensor, {size->output()});
  toTensor->output()->setType(numberTensorType());
  setValue(result, toTensor->output());
  return result;
}

at::Tensor Recorder::recordNumel(const at::Tensor& tensor) {
  NotRecorded notRecorded;
  at::Tensor result = sizeAsTensor(tensor.numel());
  currentLocation_.reset();
  ir::Node* numel = graph_->insert(kNumel, {valueOf(tensor)});
  numel->output()->setType(types::intType());
  locate(numel);
  ir::Node* toTensor = graph_->insert(kNumToTensor, {numel->output()});
  toTensor->output()->setType(numberTensorType());
  setValue(result, toTensor->output());
  return result;
}

void Recorder::noteItem(const at::Tensor& tensor, const c10::IValue& result) {
  bool suppressed = !itemContexts_.empty() && itemContexts_.back() == ItemContext::Suppress;
  if (suppressed || !result.isInt() || !isTraced(tensor)) return;
  bool fromIndex = !itemContexts_.empty() && itemContexts_.back() == ItemContext::Index;
  pendingIndices_.push_back({tensor, result.toInt(), fromIndex});
}

// ---- outputs and cleanup -------------------------------------------------------------------

ir::Value* Recorder::outputValue(const c10::IValue& output, size_t index) {
  if (output.isTensor()) {
    const at::Tensor& tensor = output.toTensor();
    if (!tensor.defined()) return insertNone();
    auto it = values_.find(tensor.unsafeGetTensorImpl());
    if (it == values_.end()) {
      throw TraceError("output " + std::to_string(index) + " (a tensor of type " +
                       tensorTypeOf(tensor)->str() +
                       ") of the traced function does not depend on its inputs and was not "
                       "computed by a recorded operator; the tracer cannot record it");
    }
    return it->second;
  }
  if (output.isTuple()) {
    std::vector<ir::Value*> elements;
    std::vector<types::TypePtr> types;
    for (const c10::IValue& element : output.toTupleRef().elements()) {
      elements.push_back(outputValue(element, index));
      types.push_back(elements.back()->type());
    }
    ir::Node* tuple = graph_->insert(kTupleConstruct, elements);
    tuple->output()->setType(types::tupleOf(std::move(types)));
    return tuple->output();
  }
  if (output.isTensorList()) {
    std::vector<ir::Value*> elements;
    for (const at::Tensor& tensor : output.toTensorVector()) {
      elements.push_back(outputValue(tensor, index));
    }
    ir::Node* list = graph_->insert(kListConstruct, elements);
    list->output()->setType(types::listOf(types::tensorType()));
    return list->output();
  }
  if (output.isGenericDict()) {
    // Only reached with strict=False (the Python side refuses dicts otherwise, as 1.13).
    std::vector<ir::Value*> items;
    auto dict = output.toGenericDict();
    types::TypePtr keyType;
    for (const auto& entry : dict) {
      if (!entry.value().isTensor()) {
        throw TraceError("output " + std::to_string(index) + " of the traced function is a dict "
                         "holding a " + entry.value().tagKind() + ": only tensors can be values");
      }
      items.push_back(insertConstant(entry.key(), nullptr, /*withLocation=*/false));
      keyType = items.back()->type();
      items.push_back(outputValue(entry.value(), index));
    }
    ir::Node* construct =
        graph_->insert(ir::Symbol::fromQualString("prim::DictConstruct"), items);
    construct->output()->setType(
        types::dictOf(keyType ? keyType : types::strType(), types::tensorType()));
    return construct->output();
  }
  throw TraceError(std::string("output ") + std::to_string(index) + " of the traced function " +
                   "is a " + output.tagKind() +
                   ": only tensors and (nested) tuples or lists of tensors can be outputs");
}

void Recorder::setOutput(const c10::IValue& output) {
  NotRecorded notRecorded;
  graph_->registerOutput(outputValue(output, 0));
}

void Recorder::finish() {
  // Dead code elimination, last node first so that a chain of dead nodes goes in one sweep.
  // Nodes that write to a tensor are kept (1.13 keeps them when the written tensor is live;
  // we do not have alias analysis yet and keep them all).
  std::vector<ir::Node*> nodes;
  for (ir::Node* node : graph_->nodes()) nodes.push_back(node);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    ir::Node* node = *it;
    // Nodes without outputs are the scope markers of module traces: never dead.
    if (mutatingNodes_.count(node) || node->outputs().empty()) continue;
    bool used = false;
    for (ir::Value* output : node->outputs()) used = used || output->hasUses();
    if (used) continue;
    tensorConstants_.erase(node);
    node->destroy();
  }
  mutatingNodes_.clear();
}

// ---- sessions ------------------------------------------------------------------------------

namespace {
thread_local Recorder* currentRecorder = nullptr;
}

Recorder* activeRecorder() { return currentRecorder; }

struct TraceSession::Guards {
  c10::impl::IncludeDispatchKeyGuard include{kRecordingKey};
};

TraceSession::TraceSession(Recorder& recorder) {
  if (currentRecorder != nullptr) {
    throw TraceError("a trace is already being recorded on this thread (traces do not nest)");
  }
  ensureRecordingFallbackRegistered();
  currentRecorder = &recorder;
  guards_ = std::make_unique<Guards>();
}

TraceSession::~TraceSession() {
  guards_.reset();
  currentRecorder = nullptr;
}

}  // namespace tscript::tracer
