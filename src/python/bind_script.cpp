// Bindings of the compiler and the interpreter: `tscript.script` for functions.
//
// Names in a scripted function are resolved through Python (python/tscript/_script.py):
// the Python side looks a name up in the function's globals and closure and answers with a
// small descriptor tuple, which this file turns into a compiler SugaredValue:
//   ("module", obj)                  a Python module (torch, math, torch.jit, ...): its
//                                    attributes are resolved through Python again
//   ("builtin", "aten::relu")        a builtin operator
//   ("function", fn)                 a Python function to compile from its source
//   ("constant", value)              None, bool, int, float or str
//   ("is_scripting",)                torch.jit.is_scripting / tscript.is_scripting
//   ("annotate",)                    torch.jit.annotate / tscript.annotate
//   ("python_call", modifier, fn, name, parameters, return annotation)
//                                    a function marked @ignore or @unused: called, not
//                                    compiled (python_calls.h)
//   ("unsupported", why, instead)    a Python value compiled code cannot use (a builtin such
//                                    as map, a class, a dict global): a CompileError at the use
//   ("torch_constant", "float32")    a dtype, layout or memory format: an int constant
//   ("traced_function", f)           a function made by tscript.trace: its graph is copied
//                                    in at the call (traced_function.h)
// Anything else (None) is an unknown name, reported by the compiler.
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
#include "python/python_calls.h"
#include "python/traced_function.h"
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

using compiler::FunctionEmitter;
using compiler::NamedValue;
using compiler::SugaredValue;
using compiler::SugaredValuePtr;

class PythonResolver;

SugaredValuePtr sugaredFromDescriptor(PythonResolver& resolver, py::handle descriptor,
                                      const lang::SourceRange& range);

// A constant Python global (None, bool, int, float, str).
class PythonConstant final : public SugaredValue {
 public:
  explicit PythonConstant(py::object value) : value_(std::move(value)) {}
  std::string describe() const override { return "a Python constant"; }
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override {
    if (value_.is_none()) return emitter.insertNoneConstant(range);
    if (PyBool_Check(value_.ptr())) return emitter.insertBoolConstant(value_.ptr() == Py_True, range);
    if (PyLong_Check(value_.ptr())) return emitter.insertConstant(value_.cast<int64_t>(), range);
    if (PyFloat_Check(value_.ptr())) return emitter.insertConstant(value_.cast<double>(), range);
    if (PyTuple_Check(value_.ptr())) {
      // A tuple of constants (`LIMITS = (1, 4)`): a tuple built from its elements, so that
      // indexing and unpacking see each element's own type.
      std::vector<ir::Value*> elements;
      std::vector<types::TypePtr> elementTypes;
      for (py::handle item : value_) {
        PythonConstant element(py::reinterpret_borrow<py::object>(item));
        elements.push_back(element.asValue(range, emitter));
        elementTypes.push_back(elements.back()->type());
      }
      ir::Node* tuple = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), elements, 1, range);
      return tuple->output()->setType(types::tupleOf(std::move(elementTypes)));
    }
    return emitter.insertStringConstant(value_.cast<std::string>(), range);
  }
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(const lang::SourceRange& range,
                                                               FunctionEmitter& emitter) override {
    if (!PyTuple_Check(value_.ptr())) return std::nullopt;
    return compiler::SimpleValue(asValue(range, emitter)).unrolledElements(range, emitter);
  }

 private:
  py::object value_;
};

// torch.jit.is_scripting(): True in compiled code, a compile-time constant.
class IsScripting final : public SugaredValue {
 public:
  std::string describe() const override { return "is_scripting"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    if (!args.empty()) throw lang::CompileError(range, "is_scripting() takes no arguments");
    return std::make_shared<compiler::SimpleValue>(emitter.insertBoolConstant(true, range));
  }
};

// The compilation unit of one `script` call and the Python side of name resolution.
class PythonResolver final : public compiler::Resolver {
 public:
  PythonResolver(py::object resolveGlobal, py::object resolveAttribute, py::object sourceOf)
      : resolveGlobal_(std::move(resolveGlobal)),
        resolveAttribute_(std::move(resolveAttribute)),
        sourceOf_(std::move(sourceOf)) {}

  void setUnit(compiler::CompilationUnit* unit) { unit_ = unit; }

  // Adds a Python function's source to the unit (once) and returns its name there. `use` is
  // where compiled code refers to it (invalid for the function passed to `script`).
  std::string define(py::handle function, const lang::SourceRange& use) {
    auto known = definedNames_.find(function.ptr());
    if (known != definedNames_.end()) return known->second;
    py::object found = sourceOf_(function);
    if (found.is_none()) {
      throw lang::CompileError(use, "cannot compile function '" + qualifiedName(function) +
                                        "': Python has no source code for it (it was made by "
                                        "exec or eval, typed at the interactive prompt, or its "
                                        "file is gone); tscript compiles functions from their "
                                        "source, so define it in a .py file");
    }
    py::tuple source = found;
    auto file = std::make_shared<lang::SourceFile>(source[1].cast<std::string>(),
                                                   source[0].cast<std::string>(),
                                                   source[2].cast<uint32_t>());
    lang::Module module = lang::parseModule(file);
    std::string name;
    for (const lang::StmtPtr& statement : module.body) {
      if (auto* def = statement->as<lang::FunctionDefStmt>()) {
        name = def->name;
        break;
      }
    }
    if (name.empty()) throw lang::CompileError(lang::SourceRange(), "no function definition in the source of " +
                                                              py::repr(function).cast<std::string>());
    functionsByFile_[file.get()] = py::reinterpret_borrow<py::object>(function);
    definedNames_[function.ptr()] = name;
    keepAlive_.push_back(py::reinterpret_borrow<py::object>(function));
    unit_->define(std::move(module));
    return name;
  }

  // Adds the functions of a source text (a CompilationUnit's) to the unit; its global names
  // are looked up in `scope` (the resolver's resolveGlobal is called with it). Returns the
  // names of the functions, in definition order.
  std::vector<std::string> defineSource(py::object scope, std::string source, std::string filename) {
    auto file = std::make_shared<lang::SourceFile>(std::move(filename), std::move(source));
    lang::Module module = lang::parseModule(file);
    std::vector<std::string> names;
    for (const lang::StmtPtr& statement : module.body) {
      if (auto* def = statement->as<lang::FunctionDefStmt>()) names.push_back(def->name);
    }
    functionsByFile_[file.get()] = std::move(scope);
    unit_->define(std::move(module));
    return names;
  }

  SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) override {
    auto function = functionsByFile_.find(range.file.get());
    if (function == functionsByFile_.end()) return nullptr;
    py::object descriptor = resolveGlobal_(function->second, name);
    return sugaredFromDescriptor(*this, descriptor, range);
  }

  types::TypePtr resolveType(const std::string&, const lang::SourceRange&) override {
    return nullptr;  // classes, named tuples and enums: the modules issue
  }

  py::object resolveAttribute(py::handle object, const std::string& name) {
    return resolveAttribute_(object, name);
  }

  compiler::CompilationUnit& unit() { return *unit_; }

 private:
  static std::string qualifiedName(py::handle function) {
    py::object name = py::getattr(function, "__qualname__", py::none());
    if (name.is_none()) name = py::repr(function);
    return name.cast<std::string>();
  }

  py::object resolveGlobal_;
  py::object resolveAttribute_;
  py::object sourceOf_;
  compiler::CompilationUnit* unit_ = nullptr;
  std::map<const lang::SourceFile*, py::object> functionsByFile_;
  std::map<PyObject*, std::string> definedNames_;
  std::vector<py::object> keepAlive_;
};

// A Python module seen from TorchScript: `torch`, `math`, `torch.jit`, `F`.
class PythonModule final : public SugaredValue {
 public:
  PythonModule(PythonResolver& resolver, py::object module)
      : resolver_(resolver), module_(std::move(module)) {}
  std::string describe() const override {
    return "module '" + py::str(module_.attr("__name__")).cast<std::string>() + "'";
  }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter&,
                       const std::string& name) override {
    py::object descriptor = resolver_.resolveAttribute(module_, name);
    if (SugaredValuePtr value = sugaredFromDescriptor(resolver_, descriptor, range)) return value;
    throw lang::CompileError(range, describe() + " has no attribute '" + name + "'");
  }

 private:
  PythonResolver& resolver_;
  py::object module_;
};

SugaredValuePtr sugaredFromDescriptor(PythonResolver& resolver, py::handle descriptor,
                                      const lang::SourceRange& range) {
  if (descriptor.is_none()) return nullptr;
  py::tuple tuple = py::reinterpret_borrow<py::tuple>(descriptor);
  std::string kind = tuple[0].cast<std::string>();
  if (kind == "module") return std::make_shared<PythonModule>(resolver, tuple[1]);
  if (kind == "builtin") {
    return std::make_shared<compiler::BuiltinFunction>(
        ir::Symbol::fromQualString(tuple[1].cast<std::string>()));
  }
  if (kind == "function") return resolver.unit().functionValue(resolver.define(tuple[1], range));
  if (kind == "constant") return std::make_shared<PythonConstant>(tuple[1]);
  if (kind == "is_scripting") return std::make_shared<IsScripting>();
  if (kind == "annotate") return std::make_shared<compiler::AnnotateFunction>();
  if (kind == "python_call") return pythonCallValue(tuple, range);
  if (kind == "traced_function") return tracedFunctionValue(tuple[1]);  // traced_function.h
  if (kind == "unsupported") {
    std::string instead = tuple[2].cast<std::string>();
    throw lang::CompileError(range, tuple[1].cast<std::string>() +
                                        (instead.empty() ? "" : "; " + instead));
  }
  if (kind == "torch_constant") {
    std::string name = tuple[1].cast<std::string>();
    std::optional<int64_t> value = compiler::torchEnumConstant(name);
    if (!value) return nullptr;  // a dtype TorchScript does not know: "not supported"
    return std::make_shared<PythonConstant>(py::int_(*value));
  }
  throw lang::CompileError(range, "internal: unknown name descriptor '" + kind + "'");
}

// A compiled function, callable from Python.
class ScriptFunction {
 public:
  ScriptFunction(std::shared_ptr<PythonResolver> resolver,
                 std::shared_ptr<compiler::CompilationUnit> unit, std::string name)
      : resolver_(std::move(resolver)), unit_(std::move(unit)), name_(std::move(name)) {
    function_ = &unit_->function(name_);
    code_ = std::make_unique<runtime::Code>(function_->graph, name_);
  }

  const std::string& name() const { return name_; }
  std::string graphText() const { return function_->graph->toString(); }

  // The function as TorchScript source, as torch.jit's `.code` prints it.
  std::string code() const {
    ir::CodeSignature signature;
    signature.name = name_;
    for (size_t i = 0; i < function_->parameterNames.size(); ++i) {
      signature.arguments.push_back({function_->parameterNames[i], function_->parameterTypes[i],
                                     function_->parameterDefaults[i], {}});
    }
    signature.returnType = function_->returnType;
    ir::CodePrinterOptions options;
    options.operatorInfo = runtime::operatorInfoForPrinting;
    ir::CodePrinter printer(std::move(options));
    printer.printFunction(*function_->graph, signature);
    return printer.text();
  }

  // `name(x : Tensor, n : int) -> Tensor`, the schema spelling torch.jit prints.
  std::string schema() const {
    std::string text = name_ + "(";
    for (size_t i = 0; i < function_->parameterNames.size(); ++i) {
      if (i > 0) text += ", ";
      text += function_->parameterTypes[i]->schemaStr() + " " + function_->parameterNames[i];
      if (function_->parameterDefaults[i]) {
        text += "=" + ir::formatConstant(*function_->parameterDefaults[i]);
      }
    }
    return text + ") -> " + function_->returnType->schemaStr();
  }

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
  std::unique_ptr<runtime::Code> code_;
};

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
      .def_property_readonly("inlined_graph", &ScriptFunction::graphText)
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
        auto resolver = std::make_shared<PythonResolver>(std::move(resolveGlobal),
                                                         std::move(resolveAttribute),
                                                         std::move(sourceOf));
        auto unit = std::make_shared<compiler::CompilationUnit>(compiler::registryOperatorMatcher(),
                                                                resolver);
        resolver->setUnit(unit.get());
        std::string name = resolver->define(function, lang::SourceRange());
        return ScriptFunction(resolver, unit, name);
      },
      py::arg("function"), py::arg("resolve_global"), py::arg("resolve_attribute"),
      py::arg("source_of"), "Compiles a Python function (see python/tscript/_script.py).");

  m.def(
      "_compile_source",
      [](std::string source, std::string filename, py::object scope, py::object resolveName,
         py::object resolveAttribute, py::object sourceOf) {
        runtime::registerBuiltinOperators();
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
