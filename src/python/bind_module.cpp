// Bindings for scripted modules (the objects are described in module_objects.h).
//
// python/tscript/_module.py walks an nn.Module, decides the type of each attribute (as
// torch.jit's concrete module types do) and describes the module type through ModuleType.
// Tensors in slots are the Python module's own tensors (no copy), so parameters stay shared
// with the nn.Module they came from.
#include <functional>
#include <map>
#include <pybind11/stl.h>

#include "compiler/object_value.h"
#include "compiler/schema_matching.h"
#include "ir/code_printer.h"
#include "python/bindings.h"
#include "python/code_constants.h"
#include "python/module_objects.h"
#include "runtime/builtins_table.h"
#include "runtime/operator_info.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

// Rewrites the hook method calls of `graph` (a display copy) as 1.13 shows them; records the
// qualified names the code printer spells.
void showHooksAsFunctions(ir::Graph& graph, std::map<std::string, std::string>* qualifiedNames) {
  const ir::Symbol callMethod = ir::Symbol::make("prim", "CallMethod");
  std::vector<std::pair<ir::Node*, std::string>> calls;
  std::function<void(ir::Block*)> visit = [&](ir::Block* block) {
    for (ir::Node* node : block->nodes()) {
      for (ir::Block* sub : node->blocks()) visit(sub);
      if (node->kind() != callMethod || node->inputs().empty()) continue;
      const auto* owner = node->input(0)->type()->as<types::ClassType>();
      if (!owner) continue;
      // The hooks run as methods (ObjectValue::call), but 1.13 compiles them as functions of
      // the class named after the Python function: its `.graph` shows
      // `prim::Constant[name="hook"]` + `prim::CallFunction`, its `.code` `__torch__.M.hook(m, (x,), )`.
      PyClassDefinition* definition = pythonDefinitionOf(*owner);
      std::string hookName = definition ? definition->savedHookName(node->s("name")) : "";
      if (hookName.empty()) continue;
      calls.emplace_back(node, hookName);
      if (qualifiedNames) (*qualifiedNames)[hookName] = owner->qualifiedName() + "." + hookName;
    }
  };
  visit(graph.block());
  std::map<std::string, ir::Value*> functions;
  for (auto& [call, name] : calls) {
    ir::Value*& function = functions[name];
    if (!function) {
      // At the top of the graph, as 1.13's constant pooling leaves function constants.
      ir::Node* constant = graph.create(ir::prim::Constant, {}, 1);
      constant->s_("name", name);
      constant->output()->setType(types::functionType());
      ir::NodeRange nodes = graph.block()->nodes();
      constant->insertBefore(nodes.begin() != nodes.end() ? *nodes.begin()
                                                          : graph.block()->returnNode());
      function = constant->output();
    }
    std::vector<ir::Value*> inputs{function};
    inputs.insert(inputs.end(), call->inputs().begin(), call->inputs().end());
    ir::Node* replacement = graph.create(ir::Symbol::make("prim", "CallFunction"), inputs,
                                         call->outputs().size());
    replacement->setSourceRange(call->sourceRange());
    replacement->insertBefore(call);
    for (size_t i = 0; i < call->outputs().size(); ++i) {
      replacement->output(i)->setType(call->output(i)->type());
      call->output(i)->replaceAllUsesWith(replacement->output(i));
    }
    call->destroy();
  }
}

// `.code` of method `name` and, when `constants` is given, the constants it prints as
// `CONSTANTS.cN` in `mapping`.
std::string methodCode(ModuleType& type, const std::string& name, CodeConstants* constants,
                       py::dict* mapping) {
  const compiler::CompiledFunction& method = type.method(name);
  ir::CodeSignature signature;
  signature.name = name;
  for (size_t i = 0; i < method.parameterNames.size(); ++i) {
    signature.arguments.push_back({method.parameterNames[i], method.parameterTypes[i],
                                   method.parameterDefaults[i], {}});
  }
  signature.returnType = method.returnType;
  ir::CodePrinterOptions options;
  options.operatorInfo = runtime::operatorInfoForPrinting;
  options.printFirstArgumentType = false;  // `def forward(self, ...)`, as `.code` prints it
  auto qualifiedNames = std::make_shared<std::map<std::string, std::string>>();
  std::shared_ptr<ir::Graph> graph = displayGraphOf(*method.graph, qualifiedNames.get());
  showHooksAsFunctions(*graph, qualifiedNames.get());
  options.qualifiedFunctionName = [qualifiedNames](const std::string& name) {
    auto found = qualifiedNames->find(name);
    return found != qualifiedNames->end() ? found->second : "__torch__." + name;
  };
  if (constants) constants->attachTo(options);
  ir::CodePrinter printer(std::move(options));
  printer.printFunction(*graph, signature);
  if (constants) *mapping = constants->mapping(printer);
  return printer.text();
}

std::string methodSchema(ModuleType& type, const std::string& name) {
  return compiler::schemaText(name, type.method(name));
}

// `Point(1, 2)` for a script class: prim::CreateObject, then its __init__ on the new object.
class ClassConstructor final : public compiler::SugaredValue {
 public:
  explicit ClassConstructor(std::shared_ptr<PyClassDefinition> definition)
      : definition_(std::move(definition)) {}
  std::string describe() const override { return "class '" + definition_->type()->baseName() + "'"; }
  compiler::SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                 std::vector<compiler::NamedValue> args) override {
    ir::Node* create = emitter.insertNode(ir::Symbol::make("prim", "CreateObject"), {}, 1, range);
    ir::Value* object = create->output()->setType(definition_->type());
    compiler::MethodValue(*moduleCompiler().unit, object, "__init__").call(range, emitter, std::move(args));
    return std::make_shared<compiler::SimpleValue>(object);
  }
  // `Point.origin()`: a static method (1.13), called as the function it is.
  compiler::SugaredValuePtr attr(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                 const std::string& name) override {
    if (compiler::SugaredValuePtr value = definition_->staticAttribute(name, range)) return value;
    return compiler::SugaredValue::attr(range, emitter, name);
  }

 private:
  std::shared_ptr<PyClassDefinition> definition_;
};

}  // namespace

types::TypePtr classTypeOf(py::handle moduleType) {
  return moduleType.cast<ModuleType&>().definition()->type();
}

compiler::SugaredValuePtr classConstructor(py::handle moduleType, const lang::SourceRange&) {
  return std::make_shared<ClassConstructor>(moduleType.cast<ModuleType&>().definition());
}

void bindModules(py::module_& m) {
  m.def(
      "_init_module_compiler",
      [](py::object resolveGlobal, py::object resolveAttribute, py::object sourceOf) {
        if (moduleCompilerSlot()) return;
        runtime::registerBuiltinOperators();
        if (!pythonCallbacks().resolveGlobal) {
          setPythonCallbacks({resolveGlobal, resolveAttribute, sourceOf});
        }
        auto* compiler = new ModuleCompiler;
        compiler->resolver = std::make_shared<PythonResolver>(
            std::move(resolveGlobal), std::move(resolveAttribute), std::move(sourceOf));
        compiler->unit = std::make_shared<compiler::CompilationUnit>(
            compiler::registryOperatorMatcher(), compiler->resolver);
        compiler->resolver->setUnit(compiler->unit.get());
        moduleCompilerSlot() = compiler;
        classUnit() = compiler->unit.get();
      },
      "Sets up the process-wide unit of module types (python/tscript/_module.py).");

  m.def("_set_python_class", &setPythonClass, py::arg("qualified_name"), py::arg("cls"),
        "The Python class of the NamedTuple or enum named `qualified_name`: values of it "
        "returned to Python are made instances of `cls` (value_conversion.h).");

  py::class_<ModuleType>(m, "ModuleType")
      .def(py::init<const std::string&, bool>(), py::arg("qualified_name"), py::arg("is_module") = true)
      .def_property_readonly("qualified_name", [](const ModuleType& t) { return t.type().qualifiedName(); })
      .def("add_attribute", &ModuleType::addAttribute, py::arg("name"), py::arg("annotation"),
           py::arg("kind"))
      .def("add_constant", &ModuleType::addConstant)
      .def("add_constants_in_torch_jit_order", &ModuleType::addConstantsInTorchJitOrder,
           py::arg("constants"))
      .def("add_method", [](ModuleType& t, const std::string& name, py::object fn) {
        t.definition()->addMethod(name, std::move(fn));
      })
      .def("add_overloaded_method",
           [](ModuleType& t, const std::string& name, py::object fn, py::list declarations) {
             t.definition()->addOverloadedMethod(name, std::move(fn), std::move(declarations));
           })
      .def("overloads", [](ModuleType& t, const std::string& name) { return t.definition()->overloads(name); })
      .def("add_named_value", [](ModuleType& t, const std::string& name, py::object descriptor) {
        t.definition()->addNamedValue(name, std::move(descriptor));
      })
      .def("set_hooks", [](ModuleType& t, std::vector<std::string> preHooks, std::vector<std::string> hooks,
                           std::vector<std::string> savedNames) {
        t.definition()->setHooks(std::move(preHooks), std::move(hooks), std::move(savedNames));
      }, py::arg("pre_hooks"), py::arg("hooks"), py::arg("saved_names") = std::vector<std::string>{})
      .def("add_python_method", [](ModuleType& t, const std::string& name, py::object descriptor) {
        t.definition()->addPythonMethod(name, std::move(descriptor));
      })
      .def("add_failed_attribute", [](ModuleType& t, const std::string& name, std::string why) {
        t.definition()->addFailedAttribute(name, std::move(why));
      })
      .def("set_container", [](ModuleType& t, const std::string& kind) {
        using Container = compiler::ClassDefinition::Container;
        t.definition()->setContainer(kind == "list" ? Container::List
                                     : kind == "dict" ? Container::Dict
                                                      : Container::None);
      })
      .def("has_method", [](ModuleType& t, const std::string& name) {
        return moduleCompiler().unit->hasMethod(t.type(), name);
      })
      .def("attribute_names", [](const ModuleType& t) {
        std::vector<std::string> names;
        for (const auto& attribute : t.type().attributes()) names.push_back(attribute.name);
        return names;
      })
      .def("attribute_kind", [](const ModuleType& t, const std::string& name) -> std::string {
        const types::ClassType::Attribute* a = t.type().findAttribute(name);
        if (!a) throw py::key_error(name);
        return a->isParameter ? "parameter" : a->isBuffer ? "buffer" : a->isModule ? "module" : "attribute";
      })
      .def("attribute_type", &ModuleType::attributeType)
      .def("has_constant", [](const ModuleType& t, const std::string& name) {
        return t.type().findConstant(name) != nullptr;
      })
      .def("define", &ModuleType::define)
      .def("compile", [](ModuleType& t, const std::string& name) { t.method(name); })
      .def("method_graph", [](ModuleType& t, const std::string& name) {
        std::shared_ptr<ir::Graph> graph = displayGraphOf(*t.method(name).graph, nullptr);
        showHooksAsFunctions(*graph, nullptr);
        return graph->toString();
      })
      .def("method_inlined_graph", [](ModuleType& t, const std::string& name) {
        return t.definition()->inlinedGraph(name)->toString();
      })
      .def("method_code", [](ModuleType& type, const std::string& name) {
        return methodCode(type, name, nullptr, nullptr);
      })
      .def("method_code_with_constants", [](ModuleType& type, const std::string& name) {
        CodeConstants constants;
        py::dict mapping;
        std::string code = methodCode(type, name, &constants, &mapping);
        return py::make_tuple(code, mapping);
      })
      .def("method_schema", &methodSchema);

  py::class_<ScriptObject>(m, "ScriptObject")
      .def(py::init<const ModuleType&>())
      .def("has_slot", &ScriptObject::hasSlot)
      .def("get", &ScriptObject::get)
      .def("set", &ScriptObject::set)
      .def("set_python_face", &ScriptObject::setPythonFace)
      .def("shallow_copy", &ScriptObject::shallowCopy)
      // Script errors and Python errors of @ignore'd calls reach Python through the
      // exception translators of bind_script.cpp and python_calls.cpp.
      .def("call", [](ScriptObject& object, const std::string& name, py::args args, py::kwargs kwargs) {
        return object.call(name, args.ptr(), kwargs.ptr());
      });
}

}  // namespace tscript::python
