// Calls from compiled code into Python functions the program marked @ignore or @unused.
//
// Compile time: the name resolver describes such a function as ("python_call", modifier, fn,
// name, parameters, return annotation) (python/tscript/_script.py); pythonCallValue turns
// that into the SugaredValue a call site sees. An @ignore call becomes a prim::PythonOp node
// typed by the function's annotations (unannotated means Tensor, as in torch.jit 1.13); an
// @unused call becomes prim::RaiseException, as 1.13 compiles it.
//
// Run time: the interpreter resolves PythonOp nodes through runtime/host_calls.h; this file
// installs the resolver, which calls the function with the GIL taken and converts the
// arguments and the result (value_conversion.h). An exception the function raises leaves
// the interpreter as a PythonCallError and reaches the caller as the same Python class.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "compiler/sugared_value.h"
#include "runtime/errors.h"

namespace tscript::python {

// `descriptor` is the tuple described above; `use` is where compiled code names the function
// (annotation errors are reported there). For a method, `self` is its object (the
// descriptor's parameters then leave `self` out): an @ignore'd method gets it as its first
// argument.
compiler::SugaredValuePtr pythonCallValue(pybind11::handle descriptor, const lang::SourceRange& use,
                                          ir::Value* self = nullptr);

// A Python exception raised by a function called from compiled code, carried through the
// interpreter (which adds the TorchScript traceback frames) to the Python caller.
class PythonCallError : public runtime::ScriptError {
 public:
  // Takes the Python error indicator's exception; call with the GIL held.
  explicit PythonCallError(pybind11::error_already_set& error);
  // The exception object the Python function raised.
  pybind11::handle exception() const { return exception_->ptr(); }

 private:
  std::shared_ptr<pybind11::object> exception_;  // released with the GIL taken
};

// Sets the Python error for `error`: its original exception, as a tscript.Error too.
void raisePythonCallError(const PythonCallError& error);

// Installs the PythonOp resolver and the translation of PythonCallError (module.cpp).
void bindPythonCalls(pybind11::module_& m);

}  // namespace tscript::python
