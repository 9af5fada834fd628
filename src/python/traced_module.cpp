// Traced module methods: registration, display, check texts (see traced_module.h).
#include "python/traced_module.h"

#include <pybind11/stl.h>
#include <torch/csrc/autograd/python_variable.h>

#include <ATen/ops/equal.h>

#include <set>

#include "compiler/inline_calls.h"
#include "ir/code_printer.h"
#include "python/code_constants.h"
#include "python/module_objects.h"
#include "python/traced_function.h"
#include "runtime/builtins_table.h"
#include "runtime/constants.h"
#include "runtime/operator_info.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

struct TracedMethodRecord {
  std::shared_ptr<ir::Graph> display;
  tracer::TensorConstants constants;  // of `display`
  CalleeGraphs callees;
  std::vector<std::string> argumentNames;  // without self
};

// Traced methods by "<qualified type name>.<method>"; hidden attributes by type name.
std::map<std::string, TracedMethodRecord>& tracedMethods() {
  static auto* methods = new std::map<std::string, TracedMethodRecord>;
  return *methods;
}
std::map<std::string, std::vector<std::pair<std::string, at::Tensor>>>& hiddenAttributes() {
  static auto* hidden = new std::map<std::string, std::vector<std::pair<std::string, at::Tensor>>>;
  return *hidden;
}

const TracedMethodRecord* findTraced(const types::ClassType& type, const std::string& name) {
  auto found = tracedMethods().find(type.qualifiedName() + "." + name);
  return found == tracedMethods().end() ? nullptr : &found->second;
}

const TracedMethodRecord& tracedOrThrow(const ModuleType& type, const std::string& name) {
  const TracedMethodRecord* record = findTraced(type.type(), name);
  if (!record) throw py::key_error(type.type().qualifiedName() + " has no traced method " + name);
  return *record;
}

bool isTensorConstant(const ir::Node* node) {
  if (node->kind() != ir::prim::Constant) return false;
  const ir::AttributeValue* value = node->findAttribute("value");
  return value != nullptr && value->kind() == ir::AttributeKind::t;
}

// Does the interpreter rebuild this tensor constant exactly from its printed text?
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


// Adds `graph` as method `name` of `owner` to the unit, in its runnable form.
void addRunnable(PyClassDefinition& owner, const std::string& name, const TracedMethodRecord& record) {
  auto runnable = record.display->copy();
  tracer::TensorConstants constants = rekeyConstants(*record.display, *runnable, record.constants);
  compiler::inlineCalls(*runnable, lookupIn(record.callees));
  auto& hidden = hiddenAttributes()[owner.type()->qualifiedName()];
  std::vector<ir::Node*> unprintable;
  for (ir::Node* node : runnable->nodes()) {
    auto found = constants.find(node);
    if (found != constants.end() && !printable(*node, found->second)) unprintable.push_back(node);
  }
  for (ir::Node* node : unprintable) {
    std::string attribute = "_tensor_constant" + std::to_string(hidden.size());
    types::ClassType::Attribute slot;
    slot.name = attribute;
    slot.type = types::tensorType();
    owner.type()->addAttribute(slot);
    hidden.emplace_back(attribute, constants.at(node));
    ir::WithInsertPoint point(*runnable, node);
    ir::Node* get = runnable->insert(ir::Symbol::fromQualString("prim::GetAttr"),
                                     {runnable->inputs().at(0)});
    get->s_("name", attribute);
    get->output()->setType(node->output()->type());
    node->output()->replaceAllUsesWith(get->output());
    node->destroy();
  }
  compiler::CompiledFunction method;
  method.name = name;
  method.graph = runnable;
  method.parameterNames.push_back("self");
  for (const std::string& argument : record.argumentNames) method.parameterNames.push_back(argument);
  for (const ir::Value* input : runnable->inputs()) {
    method.parameterTypes.push_back(types::unshapedType(input->type()));
    method.parameterDefaults.emplace_back(std::nullopt);
    method.parameterBroadcastSizes.emplace_back(std::nullopt);
  }
  method.returnType = runnable->outputs().size() == 1
                          ? types::unshapedType(runnable->outputs()[0]->type())
                          : types::noneType();
  moduleCompiler().unit->addCompiledMethod(*owner.type(), name, std::move(method));
}

std::vector<std::string> inputNames(const ir::Graph& graph) {
  std::vector<std::string> names;
  for (size_t i = 1; i < graph.inputs().size(); ++i) {
    const ir::Value* input = graph.inputs()[i];
    names.push_back(input->hasDebugName() ? input->debugNameBase() : "argument_" + std::to_string(i));
  }
  return names;
}

// ---- the graph check_trace compares ------------------------------------------------------

// Copies `source`'s nodes into `out` (at its end), `arguments` standing for its inputs, with
// every call of a traced method, compiled method or recorded function expanded; tensor
// constants are collected into `constants`. Returns the values `source` returns.
std::vector<ir::Value*> expandInto(ir::Graph& out, const ir::Graph& source,
                                   const std::vector<ir::Value*>& arguments,
                                   const tracer::TensorConstants& sourceConstants,
                                   const CalleeGraphs& callees, tracer::TensorConstants& constants) {
  std::unordered_map<const ir::Value*, ir::Value*> mapping;
  for (size_t i = 0; i < source.inputs().size(); ++i) mapping[source.inputs()[i]] = arguments.at(i);
  auto lookup = [&mapping](ir::Value* value) { return mapping.at(value); };
  for (const ir::Node* node : source.nodes()) {
    std::vector<ir::Value*> results;
    bool expanded = false;
    if (node->kind() == ir::Symbol::make("prim", "CallMethod")) {
      std::vector<ir::Value*> callArguments;
      for (ir::Value* input : node->inputs()) callArguments.push_back(mapping.at(input));
      const auto* type = node->input(0)->type()->as<types::ClassType>();
      if (const TracedMethodRecord* traced = type ? findTraced(*type, node->s("name")) : nullptr) {
        results = expandInto(out, *traced->display, callArguments, traced->constants,
                             traced->callees, constants);
        expanded = true;
      } else if (type && moduleCompiler().unit->hasMethod(*type, node->s("name"))) {
        auto graph = moduleCompiler().unit->inlinedMethodGraph(*type, node->s("name"));
        inlinePythonFunctionCalls(*graph);
        results = expandInto(out, *graph, callArguments, {}, {}, constants);
        expanded = true;
      }
    } else if (node->kind() == ir::Symbol::make("prim", "CallFunction")) {
      const ir::Node* function = node->input(0)->node();
      auto callee = function->hasAttribute("name") ? callees.find(function->s("name")) : callees.end();
      if (callee != callees.end()) {
        std::vector<ir::Value*> callArguments;
        for (size_t i = 1; i < node->inputs().size(); ++i) {
          callArguments.push_back(mapping.at(node->input(i)));
        }
        results = expandInto(out, *callee->second, callArguments, {}, {}, constants);
        expanded = true;
      }
    }
    if (!expanded) {
      ir::Node* copy = out.insertNode(out.createClone(node, lookup));
      auto constant = sourceConstants.find(node);
      if (constant != sourceConstants.end()) constants.emplace(copy, constant->second);
      for (ir::Value* output : copy->outputs()) results.push_back(output);
    }
    for (size_t i = 0; i < node->outputs().size(); ++i) mapping[node->output(i)] = results.at(i);
  }
  std::vector<ir::Value*> returned;
  for (const ir::Value* output : source.outputs()) returned.push_back(mapping.at(output));
  return returned;
}

// Drops nodes whose results are unused (a function constant left by an expanded call).
void dropUnusedFunctionConstants(ir::Graph& graph) {
  std::vector<ir::Node*> dead;
  for (ir::Node* node : graph.nodes()) {
    if (node->kind() == ir::prim::Constant && node->outputs().size() == 1 &&
        !node->output()->hasUses() && node->hasAttribute("name")) {
      dead.push_back(node);
    }
  }
  for (ir::Node* node : dead) node->destroy();
}

std::pair<std::string, py::list> checkOf(const ModuleType& type, const std::string& name) {
  const TracedMethodRecord& record = tracedOrThrow(type, name);
  ir::Graph inlined;
  std::vector<ir::Value*> arguments;
  for (const ir::Value* input : record.display->inputs()) {
    ir::Value* copy = inlined.addInput(input->hasDebugName() ? input->debugName() : "");
    copy->setType(input->type());
    arguments.push_back(copy);
  }
  tracer::TensorConstants constants;
  for (ir::Value* output :
       expandInto(inlined, *record.display, arguments, record.constants, record.callees, constants)) {
    inlined.registerOutput(output);
  }
  dropUnusedFunctionConstants(inlined);
  std::vector<std::pair<size_t, at::Tensor>> indexed;
  std::string text = canonicalCheckGraph(inlined, constants, &indexed)->toString();
  py::list tensors;
  for (const auto& [index, tensor] : indexed) {
    tensors.append(py::make_tuple(index, py::reinterpret_steal<py::object>(THPVariable_Wrap(tensor))));
  }
  return {text, tensors};
}

ir::CodeSignature signatureOf(const TracedMethodRecord& record, const std::string& name) {
  ir::CodeSignature signature;
  signature.name = name;
  signature.arguments.push_back({"self", types::unshapedType(record.display->inputs()[0]->type()),
                                 std::nullopt, {}});
  for (size_t i = 1; i < record.display->inputs().size(); ++i) {
    signature.arguments.push_back({record.argumentNames.at(i - 1),
                                   types::unshapedType(record.display->inputs()[i]->type()),
                                   std::nullopt, {}});
  }
  signature.returnType = record.display->outputs().size() == 1
                             ? types::unshapedType(record.display->outputs()[0]->type())
                             : types::noneType();
  return signature;
}

std::string codeOf(const ModuleType& type, const std::string& name,
                   CodeConstants* constants = nullptr, py::dict* mapping = nullptr) {
  const TracedMethodRecord& record = tracedOrThrow(type, name);
  ir::CodeSignature signature = signatureOf(record, name);
  ir::CodePrinterOptions options;
  options.operatorInfo = runtime::operatorInfoForPrinting;
  options.printFirstArgumentType = false;
  if (constants) {
    const tracer::TensorConstants* known = &record.constants;
    constants->attachTo(options, [known](const ir::Node& node) -> const at::Tensor* {
      if (!known) return nullptr;
      auto found = known->find(&node);
      return found != known->end() ? &found->second : nullptr;
    });
  }
  ir::CodePrinter printer(std::move(options));
  printer.printFunction(*record.display, signature);
  if (constants) *mapping = constants->mapping(printer);
  return printer.text();
}

}  // namespace

void registerTracedMethods(tracer::Recorder& recorder, const CalleeGraphs& callees,
                           ModuleType& owner, const std::string& name,
                           const std::vector<std::string>& argumentNames,
                           const std::string& rootPath,
                           const std::map<int64_t, std::pair<std::string, ModuleType*>>& scopes) {
  runtime::registerBuiltinOperators();
  std::map<int64_t, tracer::TracedScope> traced;
  std::map<std::string, ModuleType*> typesByName;
  for (const auto& [id, scope] : scopes) {
    traced[id] = tracer::TracedScope{scope.first, scope.second->definition()->type()};
    typesByName[scope.second->type().qualifiedName()] = scope.second;
  }
  // forward, forward1, ... per type, as 1.13 names the methods of repeated calls.
  std::map<std::string, std::set<std::string>> taken;
  auto namer = [&taken](const tracer::TracedScope& scope) {
    const auto& type = *scope.moduleType->as<types::ClassType>();
    auto& names = taken[type.qualifiedName()];
    for (size_t index = 0;; ++index) {
      std::string candidate = index == 0 ? "forward" : "forward" + std::to_string(index);
      if (names.count(candidate) || moduleCompiler().unit->hasMethod(type, candidate)) continue;
      names.insert(candidate);
      return candidate;
    }
  };
  tracer::TensorConstants constants = recorder.tensorConstants();
  std::shared_ptr<ir::Graph> graph = recorder.graphPtr();
  std::vector<tracer::TracedMethod> methods =
      tracer::splitTracedScopes(*graph, rootPath, traced, constants, namer);

  auto add = [&](PyClassDefinition& type, const std::string& method, TracedMethodRecord record) {
    auto& stored = tracedMethods()[type.type()->qualifiedName() + "." + method];
    stored = std::move(record);
    addRunnable(type, method, stored);
  };
  for (tracer::TracedMethod& method : methods) {
    const auto& type = *traced.at(method.scopeId).moduleType->as<types::ClassType>();
    ModuleType* moduleType = typesByName.at(type.qualifiedName());
    TracedMethodRecord record{method.graph, std::move(method.tensorConstants), callees,
                              inputNames(*method.graph)};
    add(*moduleType->definition(), method.name, std::move(record));
  }
  TracedMethodRecord root{graph, std::move(constants), callees, argumentNames};
  while (root.argumentNames.size() + 1 < graph->inputs().size()) {
    root.argumentNames.push_back("argument_" + std::to_string(root.argumentNames.size() + 1));
  }
  add(*owner.definition(), name, std::move(root));
}

std::optional<TracedMethodForSave> tracedMethodForSave(const types::ClassType& type,
                                                       const std::string& name) {
  const TracedMethodRecord* record = findTraced(type, name);
  if (!record) return std::nullopt;
  return TracedMethodForSave{record->display, &record->constants, signatureOf(*record, name)};
}

bool isHiddenTracedAttribute(const types::ClassType& type, const std::string& attribute) {
  auto found = hiddenAttributes().find(type.qualifiedName());
  if (found == hiddenAttributes().end()) return false;
  for (const auto& hidden : found->second) {
    if (hidden.first == attribute) return true;
  }
  return false;
}

void bindTracedModules(py::module_& m) {
  m.def("_traced_method_graph", [](const ModuleType& type, const std::string& name) {
    return tracedOrThrow(type, name).display->toString();
  });
  m.def("_traced_method_code", [](const ModuleType& type, const std::string& name) {
    return codeOf(type, name);
  });
  m.def("_traced_method_code_with_constants", [](const ModuleType& type, const std::string& name) {
    CodeConstants constants;
    py::dict mapping;
    std::string code = codeOf(type, name, &constants, &mapping);
    return py::make_tuple(code, mapping);
  });
  m.def("_traced_method_check", &checkOf,
        "(canonical inlined graph text, [(node index, tensor constant)]) for check_trace.");
  m.def("_is_traced_method", [](const ModuleType& type, const std::string& name) {
    return findTraced(type.type(), name) != nullptr;
  });
  m.def("_traced_method_names", [](const ModuleType& type) {
    std::vector<std::string> names;
    std::string prefix = type.type().qualifiedName() + ".";
    for (const auto& [key, record] : tracedMethods()) {
      if (key.rfind(prefix, 0) == 0 && key.find('.', prefix.size()) == std::string::npos) {
        names.push_back(key.substr(prefix.size()));
      }
    }
    return names;
  });
  m.def("_traced_hidden_attributes", [](const ModuleType& type) {
    py::list result;
    auto found = hiddenAttributes().find(type.type().qualifiedName());
    if (found == hiddenAttributes().end()) return result;
    for (const auto& [name, tensor] : found->second) {
      result.append(py::make_tuple(name, py::reinterpret_steal<py::object>(THPVariable_Wrap(tensor))));
    }
    return result;
  });
}

}  // namespace tscript::python
