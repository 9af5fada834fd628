// See python_calls.h.
#include "python/python_calls.h"

#include <pybind11/stl.h>

#include <map>

#include "compiler/function_emitter.h"
#include "compiler/schema_matching.h"
#include "ir/ir.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "python/python_resolver.h"
#include "python/value_conversion.h"
#include "runtime/host_calls.h"
#include "runtime/stack.h"
#include "types/annotation.h"

namespace py = pybind11;

namespace tscript::python {

namespace {

// ---- the functions compiled code may call ------------------------------------------------
// PythonOp nodes name their callee by a key into this table, since the IR cannot hold Python
// objects. Entries are never removed (an ignored function is kept alive as long as the
// process, as a module-level function is anyway); the table is only touched with the GIL.
std::vector<py::object>& hostFunctions() {
  static auto* functions = new std::vector<py::object>();  // leaked: no destructor without GIL
  return *functions;
}

int64_t hostFunctionKey(py::handle function) {
  std::vector<py::object>& functions = hostFunctions();
  for (size_t i = 0; i < functions.size(); ++i) {
    if (functions[i].ptr() == function.ptr()) return int64_t(i);
  }
  functions.push_back(py::reinterpret_borrow<py::object>(function));
  return int64_t(functions.size() - 1);
}

// ---- compile time ---------------------------------------------------------------------------
struct PythonSignature {
  std::string name;
  compiler::SchemaView schema;  // arguments and the one return, for schema matching
};

types::TypePtr typeOfAnnotation(const py::handle text, const std::string& what,
                                const std::string& function, const lang::SourceRange& use) {
  if (text.is_none()) return types::tensorType();  // unannotated: Tensor, as in torch.jit
  std::string spelling = text.cast<std::string>();
  try {
    auto file = std::make_shared<lang::SourceFile>("<annotation>", spelling);
    lang::ExprPtr expression = lang::parseExpression(file);
    // Enums are named by their qualified names (classes in such signatures: not yet).
    return types::typeFromAnnotation(*expression, definedPythonType);
  } catch (const lang::CompileError& error) {
    throw lang::CompileError(use, "cannot call Python function '" + function + "': the annotation '" +
                                      spelling + "' of its " + what +
                                      " is not a type tscript knows (" + error.message() + ")");
  }
}

std::optional<ir::ConstantValue> constantDefault(py::handle value) {
  if (value.is_none()) return ir::ConstantValue::none();
  if (PyBool_Check(value.ptr())) return ir::ConstantValue::fromBool(value.ptr() == Py_True);
  if (PyLong_Check(value.ptr())) return ir::ConstantValue::fromInt(value.cast<int64_t>());
  if (PyFloat_Check(value.ptr())) return ir::ConstantValue::fromDouble(value.cast<double>());
  if (PyUnicode_Check(value.ptr())) return ir::ConstantValue::fromString(value.cast<std::string>());
  return std::nullopt;
}

PythonSignature signatureOf(py::tuple descriptor, const lang::SourceRange& use) {
  PythonSignature signature;
  signature.name = descriptor[3].cast<std::string>();
  signature.schema.name = signature.name;
  for (py::handle parameter : descriptor[4]) {
    py::tuple entry = py::reinterpret_borrow<py::tuple>(parameter);
    compiler::ArgumentView argument;
    argument.name = entry[0].cast<std::string>();
    argument.type = typeOfAnnotation(entry[1], "parameter '" + argument.name + "'",
                                     signature.name, use);
    py::tuple fallback = py::reinterpret_borrow<py::tuple>(entry[2]);
    if (!fallback.empty()) {
      std::optional<ir::ConstantValue> constant = constantDefault(fallback[0]);
      // A default of another type than the annotation (`n: int = None`) cannot be compiled
      // into the call: the argument must then be passed.
      if (constant && (constant->kind != ir::ConstantValue::Kind::None ||
                       types::isSubtypeOf(types::noneType(), argument.type))) {
        argument.defaultValue = std::move(constant);
      }
    }
    signature.schema.arguments.push_back(std::move(argument));
  }
  signature.schema.returns.push_back(
      typeOfAnnotation(descriptor[5], "return type", signature.name, use));
  signature.schema.text = signature.name + "(";
  for (size_t i = 0; i < signature.schema.arguments.size(); ++i) {
    const compiler::ArgumentView& argument = signature.schema.arguments[i];
    signature.schema.text += (i ? ", " : "") + argument.type->schemaStr() + " " + argument.name;
  }
  signature.schema.text += ") -> " + signature.schema.returns[0]->schemaStr();
  return signature;
}

// Binds the call's arguments to the function's parameters (keywords, defaults, implicit
// conversions as for any call) and emits `kind` with them; throws the mismatch as a
// CompileError at the call.
ir::Value* emitMatchedCall(compiler::FunctionEmitter& emitter, ir::Symbol kind,
                           const PythonSignature& signature,
                           const std::vector<compiler::NamedValue>& args,
                           const lang::SourceRange& range) {
  ir::Value* result = nullptr;
  std::string whyNot;
  if (!compiler::tryEmitWithSchema(emitter.graph(), kind, signature.schema, args, range, result,
                                   whyNot, /*allowConversions=*/true)) {
    lang::CompileError error(range, "cannot call Python function '" + signature.name +
                                        "' with these arguments: " + whyNot);
    error.addNote(range, "its signature, from its annotations: " + signature.schema.text);
    throw error;
  }
  return result;
}

// An @ignore'd function: the call stays a call into Python (prim::PythonOp). An @ignore'd
// method is bound to its object: `self` is the call's first input (`^helper()(self, x)`, as
// 1.13 emits it), and Python receives the live module object for it.
class IgnoredFunction final : public compiler::SugaredValue {
 public:
  IgnoredFunction(py::handle function, PythonSignature signature, ir::Value* self)
      : key_(hostFunctionKey(function)), signature_(std::move(signature)), self_(self) {}
  std::string describe() const override {
    return "Python function '" + signature_.name + "' (marked @ignore)";
  }
  compiler::SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                 std::vector<compiler::NamedValue> args) override {
    if (self_) args.insert(args.begin(), compiler::NamedValue{range, "", self_});
    ir::Value* result = emitMatchedCall(emitter, ir::Symbol::make("prim", "PythonOp"),
                                        signature_, args, range);
    result->node()->s_("name", signature_.name);
    result->node()->i_(runtime::kHostFunctionAttribute, key_);
    return std::make_shared<compiler::SimpleValue>(result);
  }

 private:
  int64_t key_;
  PythonSignature signature_;
  ir::Value* self_;
};

// An @unused function: reaching the call raises, as torch.jit 1.13's stub body does; the
// arguments are still checked against the signature.
class UnusedFunction final : public compiler::SugaredValue {
 public:
  explicit UnusedFunction(PythonSignature signature) : signature_(std::move(signature)) {}
  std::string describe() const override {
    return "Python function '" + signature_.name + "' (marked @unused)";
  }
  compiler::SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                                 std::vector<compiler::NamedValue> args) override {
    // The call is type-checked by matching it like any call, against a placeholder node that
    // is then dropped: the stub raises before its result could be used.
    ir::Value* checked = emitMatchedCall(emitter, ir::Symbol::make("prim", "Uninitialized"),
                                         signature_, args, range);
    types::TypePtr resultType = checked->type();
    checked->node()->destroy();
    ir::Value* message = emitter.insertStringConstant(
        "This Python function is annotated to be ignored and cannot be run", range);
    ir::Value* noClass = emitter.insertNoneConstant(range);
    emitter.insertNode(ir::Symbol::make("prim", "RaiseException"), {message, noClass}, 0, range);
    ir::Node* result = emitter.insertNode(ir::Symbol::make("prim", "Uninitialized"), {}, 1, range);
    result->output()->setType(resultType);
    return std::make_shared<compiler::SimpleValue>(result->output());
  }

 private:
  PythonSignature signature_;
};

// ---- run time -------------------------------------------------------------------------------
struct PythonCallSite {
  PyObject* function;  // kept alive by hostFunctions()
  std::string name;
  size_t argumentCount;
  types::TypePtr resultType;
};

runtime::Value resultValue(py::handle returned, const PythonCallSite& site) {
  // A function without a return annotation is typed `-> Tensor`; torch.jit lets such a
  // function return None (a procedure called for its effects), and so do we.
  if (returned.is_none() && site.resultType->kind() == types::TypeKind::Tensor) {
    return runtime::Value();
  }
  try {
    return toValue(returned, site.resultType, site.name, "return value");
  } catch (const py::type_error&) {
    runtime::throwError("TypeError", "Python function '" + site.name + "' returned a value of type '" +
                                         pythonTypeName(returned) + "', but its return type is '" +
                                         site.resultType->annotationStr() + "'");
  }
}

void callPython(runtime::Stack& stack, const PythonCallSite& site) {
  std::vector<runtime::Value> arguments = runtime::popN(stack, site.argumentCount);
  runtime::Value result;
  {
    // The interpreter runs without the GIL (ScriptFunction::call releases it).
    py::gil_scoped_acquire gil;
    try {
      py::tuple pythonArguments(arguments.size());
      for (size_t i = 0; i < arguments.size(); ++i) pythonArguments[i] = toPython(arguments[i]);
      py::object returned = py::reinterpret_borrow<py::object>(site.function)(*pythonArguments);
      result = resultValue(returned, site);
    } catch (py::error_already_set& error) {
      throw PythonCallError(error);
    } catch (const py::builtin_exception& error) {  // a value Python cannot receive
      runtime::throwError("TypeError", "cannot call Python function '" + site.name + "': " +
                                           error.what());
    }
  }
  stack.push_back(std::move(result));
}

runtime::Operation pythonCallOperation(const ir::Node& node) {
  const ir::AttributeValue* key = node.findAttribute(runtime::kHostFunctionAttribute);
  const ir::AttributeValue* name = node.findAttribute("name");
  py::gil_scoped_acquire gil;
  const std::vector<py::object>& functions = hostFunctions();
  if (!key || key->kind() != ir::AttributeKind::i || key->get<int64_t>() < 0 ||
      size_t(key->get<int64_t>()) >= functions.size() || node.outputs().size() != 1) {
    runtime::throwError("RuntimeError",
                        "cannot call Python function '" +
                            (name ? name->get<std::string>() : std::string("?")) +
                            "': the graph does not say which function (it was not compiled by "
                            "this process)");
  }
  PythonCallSite site{functions[key->get<int64_t>()].ptr(),
                      name ? name->get<std::string>() : "<python function>", node.inputs().size(),
                      node.output(0)->type()};
  runtime::Operation operation;
  operation.context = std::make_shared<const PythonCallSite>(std::move(site));
  operation.withContext = [](runtime::Stack& stack, const void* context) {
    callPython(stack, *static_cast<const PythonCallSite*>(context));
  };
  return operation;
}

std::string exceptionClassName(py::handle exception) {
  return py::str(exception.get_type().attr("__name__"));
}

}  // namespace

compiler::SugaredValuePtr pythonCallValue(py::handle descriptor, const lang::SourceRange& use,
                                          ir::Value* self) {
  py::tuple tuple = py::reinterpret_borrow<py::tuple>(descriptor);
  PythonSignature signature = signatureOf(tuple, use);
  if (tuple[1].cast<std::string>() == "unused") {
    // The stub raises before anything could use `self`: it is not passed.
    return std::make_shared<UnusedFunction>(std::move(signature));
  }
  if (self) {
    compiler::ArgumentView selfArgument;
    selfArgument.name = "self";
    selfArgument.type = self->type();
    signature.schema.arguments.insert(signature.schema.arguments.begin(), std::move(selfArgument));
  }
  return std::make_shared<IgnoredFunction>(tuple[2], std::move(signature), self);
}

PythonCallError::PythonCallError(py::error_already_set& error)
    : runtime::ScriptError(exceptionClassName(error.value()), py::str(error.value())),
      exception_(new py::object(error.value()), [](py::object* exception) {
        py::gil_scoped_acquire gil;
        delete exception;
      }) {}

void raisePythonCallError(const PythonCallError& error) {
  py::object exception = py::module_::import("tscript._errors")
                             .attr("python_call_error")(error.exception(), error.what());
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
}

void bindPythonCalls(py::module_&) {
  runtime::setHostCallResolver(pythonCallOperation);
  // Registered after bindScript's translator, so tried before it (pybind11 tries the latest
  // first): a PythonCallError is a ScriptError that keeps the original exception.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const PythonCallError& e) {
      raisePythonCallError(e);
    }
  });
}

}  // namespace tscript::python
