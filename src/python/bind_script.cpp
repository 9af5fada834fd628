// Bindings of the compiler and the interpreter: `tscript.script` for functions.
//
// Names are resolved through Python (python_resolver.h); Python functions are compiled once
// per process (function_cache.h).
#include <pybind11/stl.h>

#include <map>

#include "compiler/compilation_unit.h"
#include "compiler/function_emitter.h"
#include "compiler/schema_matching.h"
#include "compiler/torch_constants.h"
#include "ir/code_printer.h"
#include "ir/ir.h"
#include "lang/parser.h"
#include "python/bindings.h"
#include "python/python_resolver.h"
#include "python/function_cache.h"
#include "python/python_calls.h"
#include "python/value_conversion.h"
#include "runtime/builtins_table.h"
#include "runtime/code.h"
#include "runtime/constants.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "runtime/operator_info.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

// A compiled function, callable from Python.
class ScriptFunction {
 public:
  ScriptFunction(std::shared_ptr<PythonResolver> resolver,
                 std::shared_ptr<compiler::CompilationUnit> unit, std::string name)
      : resolver_(std::move(resolver)), unit_(std::move(unit)), name_(std::move(name)) {
    function_ = &unit_->function(name_);
    // Calls to Python functions compiled outside the unit (function_cache.h).
    inlinePythonFunctionCalls(*function_->graph);
    code_ = std::make_unique<runtime::Code>(function_->graph, name_);
  }

  // A Python function compiled once per process (function_cache.h): `.graph` and `.code`
  // show its calls, as torch.jit's do; the inlined graph runs.
  explicit ScriptFunction(std::shared_ptr<const CachedFunction> cached)
      : name_(cached->name), function_(&cached->compiled), cached_(std::move(cached)) {}

  const std::string& name() const { return name_; }
  std::string graphText() const {
    return cached_ ? cached_->displayGraph(nullptr)->toString() : function_->graph->toString();
  }
  std::string inlinedGraphText() const { return runGraph()->toString(); }
  std::shared_ptr<const ir::Graph> runGraph() const {
    return cached_ ? cached_->inlinedGraph() : function_->graph;
  }

  // The function as TorchScript source, as torch.jit's `.code` prints it.
  std::string code() const {
    ir::CodeSignature signature;
    signature.name = name_;
    for (size_t i = 0; i < function_->parameterNames.size(); ++i) {
      std::optional<size_t> broadcast;
      if (i < function_->parameterBroadcastSizes.size()) broadcast = function_->parameterBroadcastSizes[i];
      signature.arguments.push_back({function_->parameterNames[i], function_->parameterTypes[i],
                                     function_->parameterDefaults[i], broadcast});
    }
    signature.returnType = function_->returnType;
    ir::CodePrinterOptions options;
    options.operatorInfo = runtime::operatorInfoForPrinting;
    std::shared_ptr<const ir::Graph> graph = function_->graph;
    auto qualifiedNames = std::make_shared<std::map<std::string, std::string>>();
    if (cached_) {
      graph = cached_->displayGraph(qualifiedNames.get());
      options.qualifiedFunctionName = [qualifiedNames](const std::string& name) {
        auto found = qualifiedNames->find(name);
        return found != qualifiedNames->end() ? found->second : "__torch__." + name;
      };
    }
    ir::CodePrinter printer(std::move(options));
    printer.printFunction(*graph, signature);
    return printer.text();
  }

  // `name(x : Tensor, n : int) -> Tensor`, the schema spelling torch.jit prints.
  std::string schema() const { return compiler::schemaText(name_, *function_); }

  // Argument `index`, converted to its parameter's type. A mismatch raises
  // tscript.ArgumentTypeError, both the TypeError Python code expects and the RuntimeError
  // torch.jit raises.
  runtime::Value argumentValue(py::handle object, size_t index) const {
    try {
      return toValue(object, function_->parameterTypes[index], name_,
                     function_->parameterNames[index]);
    } catch (const py::type_error& error) {
      py::object argumentError = py::module_::import("tscript._errors").attr("ArgumentTypeError");
      PyErr_SetString(argumentError.ptr(),
                      (std::string(error.what()) + "\nDeclaration: " + schema()).c_str());
      throw py::error_already_set();
    }
  }

  // `args` is the positional tuple, `kwargs` the keyword dict or null (CPython's tp_call).
  py::object call(PyObject* args, PyObject* kwargs) {
    const auto& names = function_->parameterNames;
    const auto& types = function_->parameterTypes;
    size_t positional = static_cast<size_t>(PyTuple_GET_SIZE(args));
    if (positional > names.size()) {
      throw py::type_error(name_ + "() expected at most " + std::to_string(names.size()) +
                           " argument(s) but received " + std::to_string(positional) +
                           " argument(s).");
    }
    bool hasKeywords = kwargs && PyDict_GET_SIZE(kwargs) > 0;
    runtime::Stack stack;
    stack.reserve(names.size() + 1);
    size_t consumedKeywords = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      PyObject* keyword = hasKeywords ? PyDict_GetItemString(kwargs, names[i].c_str()) : nullptr;
      if (i < positional) {
        if (keyword) {
          throw py::type_error(name_ + "() got multiple values for argument '" + names[i] + "'");
        }
        stack.push_back(argumentValue(PyTuple_GET_ITEM(args, i), i));
      } else if (keyword) {
        stack.push_back(argumentValue(keyword, i));
        ++consumedKeywords;
      } else if (const auto& fallback = function_->parameterDefaults[i]) {
        stack.push_back(runtime::valueFromConstant(*fallback, types[i]));
      } else {
        throw py::type_error(name_ + "() is missing value for argument '" + names[i] + "'.");
      }
    }
    if (hasKeywords && consumedKeywords != static_cast<size_t>(PyDict_GET_SIZE(kwargs))) {
      for (auto item : py::reinterpret_borrow<py::dict>(kwargs)) {
        std::string keyword = py::str(item.first);
        if (std::find(names.begin(), names.end(), keyword) == names.end()) {
          throw py::type_error(name_ + "() got an unexpected keyword argument '" + keyword + "'");
        }
      }
    }
    if (!code_) code_ = std::make_unique<runtime::Code>(cached_->inlinedGraph(), name_);
    {
      // The interpreter touches no Python object: other threads may run meanwhile.
      py::gil_scoped_release release;
      runtime::run(*code_, stack);
    }
    return toPython(stack.back());
  }

 private:
  std::shared_ptr<PythonResolver> resolver_;  // keeps the Python functions alive
  std::shared_ptr<compiler::CompilationUnit> unit_;
  std::string name_;
  const compiler::CompiledFunction* function_ = nullptr;
  std::shared_ptr<const CachedFunction> cached_;  // null for a CompilationUnit's functions
  std::unique_ptr<runtime::Code> code_;
};

}  // namespace

std::shared_ptr<const ir::Graph> scriptFunctionRunGraph(py::handle object) {
  if (!py::isinstance<ScriptFunction>(object)) return nullptr;
  return object.cast<const ScriptFunction&>().runGraph();
}

namespace {

// Sets the Python error for a ScriptError (the class picked by tscript._errors).
void raiseScriptError(const runtime::ScriptError& e) {
  py::object exception = py::module_::import("tscript._errors")
                             .attr("script_error")(e.pythonClass(), e.message(), e.what());
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
}

// CPython calls a ScriptFunction through this slot directly: pybind11's generic dispatch
// (argument loaders, a fresh kwargs dict per call) cost more than the interpreter's run.
PyObject* callScriptFunction(PyObject* self, PyObject* args, PyObject* kwargs) {
  try {
    ScriptFunction& function = py::handle(self).cast<ScriptFunction&>();
    return function.call(args, kwargs).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::builtin_exception& e) {
    e.set_error();
  } catch (const PythonCallError& e) {
    raisePythonCallError(e);
  } catch (const runtime::ScriptError& e) {
    raiseScriptError(e);
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

}  // namespace

void bindScript(py::module_& m) {
  // Errors raised by TorchScript code reach Python through tscript._errors, which picks the
  // Python class (see there).
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const runtime::ScriptError& e) {
      raiseScriptError(e);
    }
  });

  // tscript.ScriptFunction is this class itself, so a call goes from Python straight into
  // C++ (no Python-level wrapper frame); dynamic attributes carry __name__/__doc__.
  py::class_<ScriptFunction>(m, "ScriptFunction", py::dynamic_attr(),
                             py::custom_type_setup([](PyHeapTypeObject* type) {
                               type->ht_type.tp_call = callScriptFunction;
                             }))
      .def_property_readonly("name", &ScriptFunction::name)
      .def_property_readonly("qualified_name",
                             [](const ScriptFunction& f) { return "__torch__." + f.name(); })
      .def_property_readonly("graph", &ScriptFunction::graphText)
      .def_property_readonly("inlined_graph", &ScriptFunction::inlinedGraphText)
      .def_property_readonly("schema", &ScriptFunction::schema)
      .def_property_readonly("code", &ScriptFunction::code)
      .def("__repr__", [](const ScriptFunction& f) {
        return "<tscript.ScriptFunction " + f.name() + ">";
      });

  m.def(
      "_script_function",
      [](py::object function, py::object resolveGlobal, py::object resolveAttribute,
         py::object sourceOf) {
        runtime::registerBuiltinOperators();
        setPythonCallbacks({std::move(resolveGlobal), std::move(resolveAttribute), std::move(sourceOf)});
        return ScriptFunction(compilePythonFunction(function, lang::SourceRange()));
      },
      py::arg("function"), py::arg("resolve_global"), py::arg("resolve_attribute"),
      py::arg("source_of"), "Compiles a Python function (see python/tscript/_script.py).");

  m.def(
      "_compile_source",
      [](std::string source, std::string filename, py::object scope, py::object resolveName,
         py::object resolveAttribute, py::object sourceOf) {
        runtime::registerBuiltinOperators();
        if (!pythonCallbacks().resolveGlobal) {
          // Python functions the source calls resolve their own globals as script() does.
          py::module_ script = py::module_::import("tscript._script");
          setPythonCallbacks({script.attr("_resolve_global"), script.attr("_resolve_attribute"),
                              script.attr("_source_of")});
        }
        auto resolver = std::make_shared<PythonResolver>(std::move(resolveName),
                                                         std::move(resolveAttribute),
                                                         std::move(sourceOf));
        auto unit = std::make_shared<compiler::CompilationUnit>(compiler::registryOperatorMatcher(),
                                                                resolver);
        resolver->setUnit(unit.get());
        std::vector<std::string> names =
            resolver->defineSource(std::move(scope), std::move(source), std::move(filename));
        // Every function is compiled now, so that errors show at definition, as in torch.jit.
        std::vector<ScriptFunction> functions;
        for (const std::string& name : names) functions.emplace_back(resolver, unit, name);
        return functions;
      },
      py::arg("source"), py::arg("filename"), py::arg("scope"), py::arg("resolve_name"),
      py::arg("resolve_attribute"), py::arg("source_of"),
      "Compiles the functions of a source text (tscript.CompilationUnit).");
}

}  // namespace tscript::python
