// Python functions compiled from their source, once per process.
//
// A scripted function calls library functions (torch.nn.functional.relu, F.batch_norm, ...)
// that torch.jit 1.13 compiles from their Python source. Each is parsed and compiled once
// per process, keyed by the function object (and, for an `@_overload`ed function, by the
// declaration whose signature it is compiled with), and shared by every compilation: a
// second `script()` that calls F.relu reuses the compiled relu. An entry lives as long as
// its function object (a weak reference drops it).
//
// A call compiles to `prim::CallFunction` on a function constant, which is what `.graph`
// shows (as torch.jit's `.graph` does); the graph that runs has the callees inlined.
//
// Name rules (python/tscript/_resolution.py decides which rule applies to an object):
//   ("function", fn)                 compiled from source; called by its signature, where a
//                                    `BroadcastingListN[T]` parameter also takes one T
//   ("overloaded", fn, [(source, filename, line), ...])
//                                    `@_overload` declarations: the first declaration whose
//                                    signature accepts the call, compiled with fn's body
//   ("boolean_dispatch", name, arg, index, default, if_true, if_false)
//                                    one of two functions, chosen by the compile-time value
//                                    of argument `arg` (or its default); if_true/if_false are
//                                    descriptors of these kinds (torch.unique nests them)
//   ("always_false",)                has_torch_function(...): a False constant, so the
//                                    `handle_torch_function` branch is never compiled
#pragma once

#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <string>

#include "compiler/function_emitter.h"
#include "compiler/resolver.h"
#include "ir/ir.h"

namespace tscript::python {

// Python's half of name resolution (python/tscript/_script.py): resolve_global(fn, name),
// resolve_attribute(obj, name) and source_of(fn). Set by the front doors before compiling.
struct PythonCallbacks {
  pybind11::object resolveGlobal;
  pybind11::object resolveAttribute;
  pybind11::object sourceOf;
};
void setPythonCallbacks(PythonCallbacks callbacks);
const PythonCallbacks& pythonCallbacks();

// Defined in python_resolver.cpp: a resolver for the global names of `function`, written in
// `files` (a function and, for an overload, its declaration).
std::shared_ptr<compiler::Resolver> makeFunctionResolver(
    pybind11::handle function, const std::vector<const lang::SourceFile*>& files);

struct CachedFunction {
  // The name of the function constant in graphs while compiling: unique per entry, so
  // functions of the same name from different modules (or fresh copies of one) never mix.
  std::string key;
  std::string name;           // "relu": the function constant's name as torch.jit prints it
  std::string qualifiedName;  // "__torch__.torch.nn.functional.relu", as `.code` prints it
  // The signature, and the graph as emitted: calls kept as prim::CallFunction on function
  // constants named by their callees' keys.
  compiler::CompiledFunction compiled;

  // The graph as torch.jit's `.graph` shows it: function constants named as in Python.
  // `qualifiedNames` (may be null) gets each callee's qualified name, for `.code`.
  std::shared_ptr<ir::Graph> displayGraph(std::map<std::string, std::string>* qualifiedNames) const;
  // The graph that runs: every call inlined. Made on first use (the first run, or a caller
  // being inlined), as torch.jit inlines when it first runs a function, not when it compiles.
  std::shared_ptr<const ir::Graph> inlinedGraph() const;

 private:
  mutable std::shared_ptr<const ir::Graph> inlined_;
};

// The compiled form of Python function `function` (compiled now if not cached). `use` is
// where compiled code refers to it (invalid for the function passed to `script`).
// `overload`: the `@_overload` declaration (source, filename, first line) to compile
// `function`'s body with, or None; `overloadIndex` is its position among the declarations.
std::shared_ptr<const CachedFunction> compilePythonFunction(pybind11::handle function,
                                                            const lang::SourceRange& use,
                                                            pybind11::handle overload = {},
                                                            size_t overloadIndex = 0);

// The cached function whose function constants are named `key` (CachedFunction::key) in
// emitted graphs; null when it is unknown (or its Python function is gone).
std::shared_ptr<const CachedFunction> findCachedFunction(const std::string& key);

// The sugared value of a descriptor of the kinds above; nullptr for other kinds.
compiler::SugaredValuePtr functionDescriptorValue(const std::string& kind,
                                                  const pybind11::tuple& descriptor,
                                                  const lang::SourceRange& range);

// A copy of `graph` with the function constants of cached functions named as in Python (as
// CachedFunction::displayGraph): for graphs that call them, such as module methods.
std::shared_ptr<ir::Graph> displayGraphOf(const ir::Graph& graph,
                                          std::map<std::string, std::string>* qualifiedNames);

// Inlines the calls to cached Python functions left in `graph` (the graphs of a
// CompilationUnit, whose own inliner knows only the unit's functions).
void inlinePythonFunctionCalls(ir::Graph& graph);

// Defined in bind_script.cpp: the graph a tscript.ScriptFunction runs (every call inlined),
// or null when `object` is not one. The tracer records calls with it: unlike the printed
// graph, it keeps which Python function each prim::PythonOp calls.
std::shared_ptr<const ir::Graph> scriptFunctionRunGraph(pybind11::handle object);

}  // namespace tscript::python
