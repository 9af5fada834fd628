// TracedFunction: a recorded graph made callable (see traced_function.h).
#include "python/traced_function.h"

#include <pybind11/stl.h>
#include <torch/csrc/autograd/python_variable.h>

#include <ATen/ops/equal.h>

#include <algorithm>

#include "compiler/function_emitter.h"
#include "compiler/inline_calls.h"
#include "ir/code_printer.h"
#include "lang/diagnostics.h"
#include "python/value_conversion.h"
#include "runtime/builtins_table.h"
#include "runtime/constants.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "runtime/operator_info.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

bool isTensorConstant(const ir::Node* node) {
  if (node->kind() != ir::prim::Constant) return false;
  const ir::AttributeValue* value = node->findAttribute("value");
  return value != nullptr && value->kind() == ir::AttributeKind::t;
}

// `copy` is source->copy(): the same top-level nodes in the same order. Re-keys `constants`
// (nodes of `source`) to the copy's nodes.

// Does the interpreter rebuild this tensor constant exactly from the node's printed text?
bool printable(const ir::Node& node, const at::Tensor& tensor) {
  try {
    runtime::Value rebuilt = runtime::constantValueOf(node);
    if (!rebuilt.isTensor()) return false;
    const at::Tensor& other = rebuilt.toTensor();
    return other.scalar_type() == tensor.scalar_type() && other.sizes() == tensor.sizes() &&
           at::equal(other, tensor);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::shared_ptr<ir::Graph> canonicalCheckGraph(
    const ir::Graph& source, const std::unordered_map<const ir::Node*, at::Tensor>& tensorConstants,
    std::vector<std::pair<size_t, at::Tensor>>* constantsOut) {
  // A fresh graph numbers values in creation order: inputs, then each node's outputs (and
  // its blocks') in node order, which is 1.13's canonical numbering.
  auto result = std::make_shared<ir::Graph>();
  std::unordered_map<const ir::Value*, ir::Value*> mapping;
  for (const ir::Value* input : source.inputs()) {
    ir::Value* copy = result->addInput(input->hasDebugName() ? input->debugName() : "");
    copy->setType(types::unshapedType(input->type()));
    mapping[input] = copy;
  }
  auto lookup = [&mapping](ir::Value* value) { return mapping.at(value); };
  size_t index = 0;
  for (const ir::Node* node : source.nodes()) {
    ir::Node* copy = result->insertNode(result->createClone(node, lookup));
    for (size_t i = 0; i < node->outputs().size(); ++i) mapping[node->output(i)] = copy->output(i);
    if (constantsOut != nullptr) {
      auto found = tensorConstants.find(node);
      if (found != tensorConstants.end()) constantsOut->emplace_back(index, found->second);
    }
    ++index;
  }
  for (const ir::Value* output : source.outputs()) result->registerOutput(mapping.at(output));
  // Erase shapes everywhere, blocks included.
  std::function<void(ir::Block*)> erase = [&](ir::Block* block) {
    for (ir::Value* input : block->inputs()) input->setType(types::unshapedType(input->type()));
    for (ir::Node* node : block->nodes()) {
      for (ir::Value* output : node->outputs()) output->setType(types::unshapedType(output->type()));
      for (ir::Block* sub : node->blocks()) erase(sub);
    }
  };
  erase(result->block());
  return result;
}

TracedFunction::TracedFunction(std::string name, std::shared_ptr<ir::Graph> graph,
                               const std::unordered_map<const ir::Node*, at::Tensor>& tensorConstants,
                               CalleeGraphs callees, std::vector<std::string> argumentNames)
    : name_(std::move(name)),
      graph_(std::move(graph)),
      callees_(std::move(callees)),
      argumentNames_(std::move(argumentNames)) {
  runtime::registerBuiltinOperators();
  for (const ir::Value* input : graph_->inputs()) {
    parameterTypes_.push_back(types::unshapedType(input->type()));
  }
  while (argumentNames_.size() < parameterTypes_.size()) {
    argumentNames_.push_back(graph_->inputs()[argumentNames_.size()]->debugName());
  }
  returnType_ = graph_->outputs().size() == 1 ? types::unshapedType(graph_->outputs()[0]->type())
                                              : types::noneType();

  inlined_ = graph_->copy();
  inlinedConstants_ = rekeyConstants(*graph_, *inlined_, tensorConstants);
  compiler::inlineCalls(*inlined_, lookupIn(callees_));
  for (const auto& [node, tensor] : inlinedConstants_) {
    constantsArePrintable_ = constantsArePrintable_ && printable(*node, tensor);
  }

  // The runnable form: tensor constants become inputs after the user's.
  runnable_ = inlined_->copy();
  auto runnableConstants = rekeyConstants(*inlined_, *runnable_, inlinedConstants_);
  std::vector<ir::Node*> constantNodes;
  for (ir::Node* node : runnable_->nodes()) {
    if (runnableConstants.count(node)) constantNodes.push_back(node);
  }
  for (ir::Node* node : constantNodes) {
    ir::Value* input = runnable_->addInput("");
    input->setType(node->output()->type());
    node->output()->replaceAllUsesWith(input);
    constants_.push_back(runnableConstants.at(node));
    node->destroy();
  }
  code_ = std::make_unique<runtime::Code>(runnable_, name_);
}

std::string TracedFunction::code() const {
  ir::CodeSignature signature;
  signature.name = name_;
  for (size_t i = 0; i < parameterTypes_.size(); ++i) {
    signature.arguments.push_back({argumentNames_[i], parameterTypes_[i], std::nullopt, {}});
  }
  signature.returnType = returnType_;
  ir::CodePrinterOptions options;
  options.operatorInfo = runtime::operatorInfoForPrinting;
  ir::CodePrinter printer(std::move(options));
  printer.printFunction(*graph_, signature);
  return printer.text();
}

std::string TracedFunction::schema() const {
  std::string text = name_ + "(";
  for (size_t i = 0; i < parameterTypes_.size(); ++i) {
    if (i > 0) text += ", ";
    text += parameterTypes_[i]->schemaStr() + " " + argumentNames_[i];
  }
  return text + ") -> " + returnType_->schemaStr();
}

std::string TracedFunction::checkText() const {
  return canonicalCheckGraph(*inlined_, inlinedConstants_, nullptr)->toString();
}

std::vector<std::pair<size_t, at::Tensor>> TracedFunction::checkTensorConstants() const {
  std::vector<std::pair<size_t, at::Tensor>> constants;
  canonicalCheckGraph(*inlined_, inlinedConstants_, &constants);
  return constants;
}

runtime::Value TracedFunction::argumentValue(py::handle object, size_t index) const {
  try {
    return toValue(object, parameterTypes_[index], name_, argumentNames_[index]);
  } catch (const py::type_error& error) {
    py::object argumentError = py::module_::import("tscript._errors").attr("ArgumentTypeError");
    PyErr_SetString(argumentError.ptr(),
                    (std::string(error.what()) + "\nDeclaration: " + schema()).c_str());
    throw py::error_already_set();
  }
}

runtime::Value TracedFunction::run(std::vector<runtime::Value> arguments) const {
  runtime::Stack stack = std::move(arguments);
  for (const at::Tensor& constant : constants_) stack.emplace_back(constant);
  {
    py::gil_scoped_release release;
    runtime::run(*code_, stack);
  }
  return stack.back();
}

py::object TracedFunction::call(py::args args, py::kwargs kwargs) {
  size_t count = parameterTypes_.size();
  if (args.size() > count) {
    throw py::type_error(name_ + "() expected at most " + std::to_string(count) +
                         " argument(s) but received " + std::to_string(args.size()) +
                         " argument(s).");
  }
  std::vector<py::object> objects(count);
  for (size_t i = 0; i < args.size(); ++i) objects[i] = args[i];
  for (auto item : kwargs) {
    std::string keyword = py::str(item.first);
    auto it = std::find(argumentNames_.begin(), argumentNames_.end(), keyword);
    if (it == argumentNames_.end()) {
      throw py::type_error(name_ + "() got an unexpected keyword argument '" + keyword + "'");
    }
    size_t index = it - argumentNames_.begin();
    if (objects[index]) {
      throw py::type_error(name_ + "() got multiple values for argument '" + keyword + "'");
    }
    objects[index] = py::reinterpret_borrow<py::object>(item.second);
  }
  for (size_t i = 0; i < count; ++i) {
    if (!objects[i]) {
      throw py::type_error(name_ + "() is missing value for argument '" + argumentNames_[i] + "'.");
    }
  }
  if (isTracingOnThisThread()) {
    // Called inside another trace: recorded as one call, as 1.13 records calls of traced
    // functions.
    py::tuple tuple(count);
    for (size_t i = 0; i < count; ++i) tuple[i] = objects[i];
    py::cpp_function run([this, tuple]() {
      std::vector<runtime::Value> values;
      for (size_t i = 0; i < tuple.size(); ++i) values.push_back(argumentValue(tuple[i], i));
      return toPython(this->run(std::move(values)));
    });
    return recordCompiledCall(name_, inlined_, tuple, run);
  }
  std::vector<runtime::Value> values;
  values.reserve(count + constants_.size());
  for (size_t i = 0; i < count; ++i) values.push_back(argumentValue(objects[i], i));
  return toPython(run(std::move(values)));
}

// ---- calls from compiled code ----------------------------------------------------------------

namespace {

// `traced_foo(x, x)` inside a scripted function: the traced graph's nodes copied in at the
// call site (compiled code inlines its calls, so this is what inlining gives).
class TracedCall final : public compiler::SugaredValue {
 public:
  TracedCall(py::object owner, const TracedFunction& function)
      : owner_(std::move(owner)), function_(function) {}
  std::string describe() const override { return "traced function '" + function_.name() + "'"; }

  compiler::SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                 std::vector<compiler::NamedValue> args) override {
    const auto& names = function_.parameterNames();
    const auto& types = function_.parameterTypes();
    std::vector<ir::Value*> bound(names.size(), nullptr);
    size_t position = 0;
    for (const compiler::NamedValue& arg : args) {
      size_t index;
      if (arg.name.empty()) {
        index = position++;
        if (index >= bound.size()) {
          throw lang::CompileError(arg.range, function_.name() + "() takes " +
                                                  std::to_string(bound.size()) +
                                                  " positional arguments but more were given");
        }
      } else {
        auto it = std::find(names.begin(), names.end(), arg.name);
        if (it == names.end()) {
          throw lang::CompileError(arg.range, function_.name() +
                                                  "() got an unexpected keyword argument '" +
                                                  arg.name + "'");
        }
        index = it - names.begin();
      }
      if (!types::isSubtypeOf(arg.value->type(), types[index])) {
        throw lang::CompileError(arg.range, function_.name() + "() expects a value of type '" +
                                                types[index]->annotationStr() + "' for argument '" +
                                                names[index] + "' but got a value of type '" +
                                                arg.value->type()->annotationStr() + "'");
      }
      bound[index] = arg.value;
    }
    for (size_t i = 0; i < bound.size(); ++i) {
      if (!bound[i]) {
        throw lang::CompileError(range, function_.name() + "() is missing value for argument '" +
                                            names[i] + "'");
      }
    }
    ir::Graph& graph = emitter.graph();
    const ir::Graph& callee = *function_.inlinedGraph();
    std::unordered_map<const ir::Value*, ir::Value*> mapping;
    for (size_t i = 0; i < callee.inputs().size(); ++i) mapping[callee.inputs()[i]] = bound[i];
    auto lookup = [&mapping](ir::Value* value) { return mapping.at(value); };
    for (const ir::Node* node : callee.nodes()) {
      ir::Node* copy = graph.insertNode(graph.createClone(node, lookup));
      for (size_t i = 0; i < node->outputs().size(); ++i) mapping[node->output(i)] = copy->output(i);
    }
    ir::Value* result = mapping.at(callee.outputs().at(0));
    return std::make_shared<compiler::SimpleValue>(result);
  }

 private:
  py::object owner_;  // keeps the traced function (and its graph) alive
  const TracedFunction& function_;
};

}  // namespace

compiler::SugaredValuePtr tracedFunctionValue(py::handle tracedFunction) {
  auto& function = tracedFunction.cast<TracedFunction&>();
  if (!function.constantsArePrintable()) return nullptr;
  return std::make_shared<TracedCall>(py::reinterpret_borrow<py::object>(tracedFunction), function);
}

void bindTracedFunction(py::module_& m) {
  py::class_<TracedFunction>(m, "TracedFunction", py::dynamic_attr())
      .def_property_readonly("name", &TracedFunction::name)
      .def_property_readonly("qualified_name",
                             [](const TracedFunction& f) { return "__torch__." + f.name(); })
      .def_property_readonly("graph", &TracedFunction::graphText)
      .def_property_readonly("inlined_graph", &TracedFunction::inlinedGraphText)
      .def_property_readonly("code", &TracedFunction::code)
      .def_property_readonly("schema", &TracedFunction::schema)
      .def_property_readonly("_check_text", &TracedFunction::checkText)
      .def("_check_tensor_constants",
           [](const TracedFunction& f) {
             py::list result;
             for (const auto& [index, tensor] : f.checkTensorConstants()) {
               result.append(py::make_tuple(
                   index, py::reinterpret_steal<py::object>(THPVariable_Wrap(tensor))));
             }
             return result;
           })
      .def_property_readonly("_inlinable", &TracedFunction::constantsArePrintable)
      .def_property_readonly("_parameter_annotations",
                             [](const TracedFunction& f) {
                               std::vector<std::string> texts;
                               for (const auto& t : f.parameterTypes()) texts.push_back(t->annotationStr());
                               return texts;
                             })
      .def_property_readonly("_parameter_names", &TracedFunction::parameterNames)
      .def_property_readonly("_return_annotation",
                             [](const TracedFunction& f) { return f.returnType()->annotationStr(); })
      .def("__call__", &TracedFunction::call)
      .def("__repr__", [](const TracedFunction& f) {
        return "<tscript.ScriptFunction " + f.name() + " (traced)>";
      });
}

std::unordered_map<const ir::Node*, at::Tensor> rekeyConstants(
    const ir::Graph& source, const ir::Graph& copy,
    const std::unordered_map<const ir::Node*, at::Tensor>& constants) {
  std::unordered_map<const ir::Node*, at::Tensor> result;
  auto from = source.nodes().begin();
  auto to = copy.nodes().begin();
  for (; from != source.nodes().end() && to != copy.nodes().end(); ++from, ++to) {
    auto found = constants.find(*from);
    if (found != constants.end()) result.emplace(*to, found->second);
  }
  return result;
}

compiler::CalleeLookup lookupIn(const CalleeGraphs& callees) {
  return [&callees](const ir::Node& call) -> std::shared_ptr<const ir::Graph> {
    const std::string* callee = compiler::calledFunctionName(call);
    if (!callee) return nullptr;
    auto found = callees.find(*callee);
    return found == callees.end() ? nullptr : found->second;
  };
}

}  // namespace tscript::python
