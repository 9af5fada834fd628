// A traced function (`tscript.trace(fn, inputs)`): the recorded graph, runnable by our
// interpreter, callable from Python and from scripted code.
//
// Three forms of the one graph:
//   graph    as recorded (`.graph`): calls of compiled functions made during the trace stay
//            prim::CallFunction nodes, as 1.13 prints them;
//   inlined  those calls replaced by the callees' graphs (`.inlined_graph`);
//   runnable the inlined graph with every tensor constant turned into an extra graph input
//            appended after the user's inputs, fed from the real tensors the recorder kept
//            (the IR holds only a tensor's printed text; the interpreter can rebuild 0-dim
//            number constants from it but not weights). A call pushes the arguments, then
//            the constants, and runs runtime::Code on it.
#pragma once

#include <ATen/core/Tensor.h>
#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/inline_calls.h"
#include "compiler/sugared_value.h"
#include "ir/ir.h"
#include "runtime/code.h"

namespace tscript::python {

// The graphs of compiled functions a trace recorded calls of, by the name its
// prim::CallFunction nodes carry.
using CalleeGraphs = std::map<std::string, std::shared_ptr<const ir::Graph>>;

class TracedFunction {
 public:
  // `graph` is the finished recording; `tensorConstants` the tensors behind its tensor
  // constant nodes (Recorder::tensorConstants); `argumentNames` the graph inputs' Python
  // parameter names.
  TracedFunction(std::string name, std::shared_ptr<ir::Graph> graph,
                 const std::unordered_map<const ir::Node*, at::Tensor>& tensorConstants,
                 CalleeGraphs callees, std::vector<std::string> argumentNames);

  const std::string& name() const { return name_; }
  std::string graphText() const { return graph_->toString(); }
  std::string inlinedGraphText() const { return inlined_->toString(); }
  // As torch.jit prints `.code` of a traced function (`def f(x: Tensor) -> Tensor:`).
  std::string code() const;
  // `f(Tensor x, (Tensor, Tensor) t) -> Tensor`.
  std::string schema() const;
  // The text check_trace compares (1.13's _check_trace): the inlined graph with shapes
  // erased and unnamed values renumbered in definition order (canonicalize).
  std::string checkText() const;
  // The tensor constants of checkText's graph: (index among its top-level nodes, tensor).
  std::vector<std::pair<size_t, at::Tensor>> checkTensorConstants() const;

  const std::vector<types::TypePtr>& parameterTypes() const { return parameterTypes_; }
  const std::vector<std::string>& parameterNames() const { return argumentNames_; }
  const types::TypePtr& returnType() const { return returnType_; }
  // The inlined graph (its tensor constants are in inlinedConstants()).
  std::shared_ptr<const ir::Graph> inlinedGraph() const { return inlined_; }
  // True when the interpreter rebuilds every tensor constant of the inlined graph exactly
  // from its printed text: then the graph can be copied into compiled code as it is.
  bool constantsArePrintable() const { return constantsArePrintable_; }

  // Runs the graph: `args`/`kwargs` as Python passes them to __call__.
  pybind11::object call(pybind11::args args, pybind11::kwargs kwargs);
  // Runs the graph on converted arguments (GIL released inside).
  runtime::Value run(std::vector<runtime::Value> arguments) const;
  runtime::Value argumentValue(pybind11::handle object, size_t index) const;

 private:
  std::string name_;
  std::shared_ptr<ir::Graph> graph_;
  std::shared_ptr<ir::Graph> inlined_;
  std::shared_ptr<ir::Graph> runnable_;
  std::unique_ptr<runtime::Code> code_;
  std::vector<at::Tensor> constants_;  // the runnable graph's extra inputs, in order
  std::unordered_map<const ir::Node*, at::Tensor> inlinedConstants_;
  CalleeGraphs callees_;
  std::vector<std::string> argumentNames_;
  std::vector<types::TypePtr> parameterTypes_;
  types::TypePtr returnType_;
  bool constantsArePrintable_ = true;
};

// What compiled code sees for a traced function it calls (`bar` scripted, calling
// `traced_foo`): the traced graph copied in at the call site when its constants are
// printable, else nullptr (the caller then calls back into Python).
compiler::SugaredValuePtr tracedFunctionValue(pybind11::handle tracedFunction);

// The graph as check_trace compares graphs: tensor types without shapes, unnamed values
// renumbered in definition order (1.13's canonicalize + erase_shape_information). `source`
// must have no calls left; `tensorConstants` (of `source`) are returned for the copy.
std::shared_ptr<ir::Graph> canonicalCheckGraph(
    const ir::Graph& source, const std::unordered_map<const ir::Node*, at::Tensor>& tensorConstants,
    std::vector<std::pair<size_t, at::Tensor>>* constantsOut);

// Records a call of a compiled function on the trace active on this thread
// (bind_tracer.cpp): `graph` is the callee's (for inlining), `run` calls it with recording
// paused. Returns run's result. Throws when no trace is active.
pybind11::object recordCompiledCall(const std::string& name, std::shared_ptr<const ir::Graph> graph,
                                    pybind11::tuple arguments, const pybind11::function& run);
bool isTracingOnThisThread();

void bindTracedFunction(pybind11::module_& m);

// The tensor constants of `source` keyed by the nodes of `copy`, a node-for-node copy of it
// (the same top-level node order).
std::unordered_map<const ir::Node*, at::Tensor> rekeyConstants(
    const ir::Graph& source, const ir::Graph& copy,
    const std::unordered_map<const ir::Node*, at::Tensor>& constants);

// The callee lookup of inlineCalls over `callees` (by function constant name).
compiler::CalleeLookup lookupIn(const CalleeGraphs& callees);

}  // namespace tscript::python
