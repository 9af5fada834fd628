// The tracer's recorder: turns the ATen calls of one run of user code into an ir::Graph, the
// way torch.jit.trace 1.13 records them (see docs/OVERVIEW.md, "Tracer").
//
// How calls reach us: while a TraceSession is active on a thread, the dispatch key
// TESTING_ONLY_GenericMode is in that thread's included set, and a boxed fallback on that key
// (dispatch_fallback.cpp) sees every operator call before autograd does, so composite
// operators (`aten::linear`, `aten::batch_norm`) are seen as themselves, as 1.13's Tracer key
// sees them. The fallback records the outermost call only: calls made while a recorded call
// runs (its decomposition) are passed through unrecorded.
//
// Tensors are identified by their TensorImpl, as 1.13 does: a view is a different tensor, an
// in-place operation returns the same tensor (and the map then points at the new value).
// The map holds a weak reference to every TensorImpl it knows: that keeps the object's memory
// (so its address is never reused for another tensor during the trace) without keeping it
// alive. A strong reference would change what libtorch does: torch's factory functions reuse
// a TensorImpl only when nothing else holds it (autograd::make_variable), and a tensor we
// held would come back to Python as a different TensorImpl.
//
// This layer knows nothing of Python: where a node comes from (`# file.py:12:0`) and which
// local variable holds a tensor (debug names such as `%n`) are asked through TraceHooks,
// which the Python bridge fills in.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/ir.h"
#include "tracer/deferred_kernels.h"

namespace tscript::ops {
struct Schema;
}

namespace tscript::tracer {

// Questions the recorder asks its embedder. Each may be empty (then: no location, no name).
struct TraceHooks {
  // The source location of the call being recorded, as printed after `#` (`f.py:12:0`).
  std::function<std::string()> sourceLocation;
  // The name of a variable of the user's code holding `tensor` ("" when none). Asked when a
  // recorded value without a name is used, as 1.13 names values (`%n` for `n = x.size(0)`).
  std::function<std::string(const at::Tensor& tensor)> variableName;
  // Issues a TracerWarning at the user's current line.
  std::function<void(const std::string& message)> warn;
};

// A trace that cannot be recorded as asked: the message names the problem (and the operator
// or output concerned).
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The graph being recorded and the tensor -> value map. Not thread-safe: one recorder belongs
// to the thread whose TraceSession activated it.
class Recorder {
 public:
  explicit Recorder(TraceHooks hooks);
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  ir::Graph& graph() { return *graph_; }
  std::shared_ptr<ir::Graph> graphPtr() { return graph_; }

  // ---- inputs -----------------------------------------------------------------------
  // Adds a graph input for `example` named `name` ("" for none) and maps the tensors inside
  // it, flattening containers as 1.13 does: a tuple is unpacked (prim::TupleUnpack, element
  // types kept), a list of tensors is `Tensor[]` unpacked with prim::ListUnpack, a dict with
  // str/int keys is read with one aten::__getitem__ per key. Returns `example`, where a
  // tensor passed a second time is replaced by a view of itself so that each input position
  // is a distinct tensor (1.13 does the same). Throws TraceError for other values.
  c10::IValue addInput(const c10::IValue& example, const std::string& name);

  // ---- recording (used by the dispatcher fallback; public for tests) ------------------
  // Records `op` called with `arguments` (all of them, defaults filled, as on a boxed
  // stack): inserts constants / list constructions for non-tensor arguments and returns the
  // (inserted) node, whose outputs are added by recordOutputs once the call has run.
  ir::Node* recordCall(const ops::Schema& schema, const std::vector<c10::IValue>& arguments);
  // Adds the outputs of `node` from the call's `results` (typed from the tensors) and maps
  // the result tensors to them. A `Tensor[]` result is unpacked with prim::ListUnpack.
  void recordOutputs(ir::Node* node, const ops::Schema& schema,
                     const std::vector<c10::IValue>& results);

  // The value of `tensor`: the mapped one (asking TraceHooks::variableName for a name if it
  // has none), or a new tensor constant. An undefined tensor is None.
  ir::Value* valueOf(const at::Tensor& tensor);
  bool isTraced(const at::Tensor& tensor) const;
  void setValue(const at::Tensor& tensor, ir::Value* value);

  // ---- dynamic sizes ------------------------------------------------------------------
  // `tensor.size(dim)` as 1.13 records it: aten::size then prim::NumToTensor; returns the
  // 0-dim Long tensor (not a wrapped number) that stands for the size in the user's code.
  at::Tensor recordSize(const at::Tensor& tensor, int64_t dim);
  // `tensor.numel()`: aten::numel then prim::NumToTensor.
  at::Tensor recordNumel(const at::Tensor& tensor);
  // An int argument computed from a traced tensor (`x.view(x.size(0) * 2, -1)`) reaches
  // the operator as a plain int: Python's argument parser converts the 0-dim tensor with
  // `item()`. The fallback reports each such `aten::item` here; the next recorded call that
  // passes an int equal to it reads it from `aten::Int(tensor)` instead of a constant (1.13's
  // ArgumentStash, which its parser fills knowing the exact argument). Matching is by order
  // and value: pending ints are taken front first, each by the first int argument leaf of
  // equal value, and all are dropped after each recorded call. See docs/OVERVIEW.md for the
  // cases this gets wrong.
  void noteItem(const at::Tensor& tensor, const c10::IValue& result);
  // How item() calls are being made, set by the Python side around Tensor methods:
  //   Index    inside `__index__`: the argument parser's probe of a list's first element
  //            (dropped when the element's own conversion follows) or the conversion of a
  //            single int argument;
  //   Suppress inside `int()`, `float()`, `bool()`, `.item()`, `.tolist()`: the user asked
  //            for a Python number, which 1.13 records as a constant.
  enum class ItemContext { Index, Suppress };
  void pushItemContext(ItemContext context) { itemContexts_.push_back(context); }
  void popItemContext() {
    if (!itemContexts_.empty()) itemContexts_.pop_back();
  }

  // ---- calls of compiled functions ------------------------------------------------------
  // A compiled (scripted or traced) function called during the trace is recorded as a call,
  // not through the operators it runs, so its control flow survives (1.13 does the same):
  //   %f : Function = prim::Constant[name="foo"]()
  //   %r : Tensor = prim::CallFunction(%f, %x, %y)
  // `arguments` are the values the function is called with (tensors by their traced value,
  // anything else as a constant); the call's one output has type `returnType`. The caller
  // runs the function with RecordingPaused in scope, then maps its result with
  // recordCallResult.
  ir::Node* recordFunctionCall(const std::string& name, const std::vector<c10::IValue>& arguments,
                               const types::TypePtr& returnType);
  // Maps the tensors of `result` (a tensor, or tuples / tensor lists of them) to the call's
  // output: tuples through prim::TupleUnpack, tensor lists through prim::ListUnpack.
  void recordCallResult(ir::Node* call, const c10::IValue& result);

  // ---- modules (module_trace.cpp) -----------------------------------------------------
  // Tracing a module (1.13's trace_module): the graph's first input is `self`; parameters
  // and buffers are `prim::TracedAttr[scope="__module.conv1.weight"]` placeholders, and each
  // submodule call is bracketed by scope markers. splitTracedScopes (module_split.h) turns
  // the finished graph into one method per call, as 1.13's FixupTraceScopeBlocks does.
  // Maps `tensor` to a placeholder for the attribute at `path` (`__module.conv1.weight`).
  void addTracedAttribute(const at::Tensor& tensor, const std::string& path);
  // Brackets the nodes recorded by one call of the submodule at `path`; `id` names the call.
  void pushScope(int64_t id);
  void popScope(int64_t id);
  // A compiled (scripted or traced) submodule's method called during the trace, recorded as
  //   %m = prim::TracedAttr[scope=path]()  (placed first; becomes a prim::GetAttr chain)
  //   %r = prim::CallMethod[name=name](%m, ...)
  // and run by the caller with RecordingPaused; map its result with recordCallResult.
  ir::Node* recordMethodCall(const std::string& path, const types::TypePtr& moduleType,
                             const std::string& name, const std::vector<c10::IValue>& arguments,
                             const types::TypePtr& returnType);

  // ---- options ------------------------------------------------------------------------
  // torch.jit.trace's `_force_outplace`: an in-place operator (`add_`) is recorded as its
  // out-of-place overload (`add`) when one exists; its result is the written tensor's new
  // value, as before.
  void setForceOutplace(bool forceOutplace) { forceOutplace_ = forceOutplace; }

  // ---- outputs ------------------------------------------------------------------------
  // Registers `output` as the graph's output: a tensor must be traced (else TraceError, as
  // 1.13: no observable data dependence); tuples become prim::TupleConstruct, tensor lists
  // prim::ListConstruct.
  void setOutput(const c10::IValue& output);

  // Ends recording: removes nodes whose results are unused and that write nothing (1.13
  // runs dead code elimination on traced graphs).
  void finish();

  // The tensors behind the graph's tensor constants (the attribute only holds their
  // printed text): whoever runs or saves the graph takes them from here.
  const std::unordered_map<const ir::Node*, at::Tensor>& tensorConstants() const {
    return tensorConstants_;
  }

  // Nesting depth of dispatcher calls inside a recorded call (the fallback's business).
  int& nestedDepth() { return nestedDepth_; }

  // The calls recorded but not yet computed (see deferred_kernels.h). Whoever runs code that
  // may read tensor data outside the dispatcher fallback flushes them first; the end of a
  // recording settles them once the traced code's result has been released.
  DeferredKernels& deferred() { return deferred_; }

 private:
  ir::Value* insertConstant(const c10::IValue& value, const types::TypePtr& declared,
                            bool withLocation);
  ir::Value* insertNone();
  ir::Value* argumentValue(const c10::IValue& value, const types::TypePtr& realType,
                           const std::string& operatorName, const std::string& argumentName);
  ir::Value* intValue(int64_t value, bool listElement, bool asScalar);
  ir::Value* tensorConstant(const at::Tensor& tensor);
  ir::Value* unpackInput(const c10::IValue& example, ir::Value* value, c10::IValue& rebuilt);
  ir::Value* outputValue(const c10::IValue& output, size_t index);
  void locate(ir::Node* node);
  std::vector<ir::Value*> callArguments(const std::string& name,
                                        const std::vector<c10::IValue>& arguments);

  TraceHooks hooks_;
  std::shared_ptr<ir::Graph> graph_;
  // TensorImpl -> value; `known_` pins the memory of every mapped TensorImpl (see top).
  std::unordered_map<const c10::TensorImpl*, ir::Value*> values_;
  std::vector<c10::weak_intrusive_ptr<c10::TensorImpl>> known_;
  struct PendingIndex {
    at::Tensor tensor;
    int64_t value;
    bool fromIndex;  // reported inside __index__ (see ItemContext::Index)
  };
  std::vector<ItemContext> itemContexts_;
  std::vector<PendingIndex> pendingIndices_;
  std::unordered_map<const ir::Node*, at::Tensor> tensorConstants_;
  // Recorded calls whose schema writes to an argument: never removed as dead code.
  std::unordered_set<const ir::Node*> mutatingNodes_;
  // The location of the call being recorded, asked from the hooks once per call.
  std::optional<std::string> currentLocation_;
  int nestedDepth_ = 0;
  bool forceOutplace_ = false;
  // Last member: destroyed first, it may still compute observable results with the
  // recorder intact.
  DeferredKernels deferred_;
};

// While alive, this thread's operator calls are not recorded (the recording key is
// excluded): the tracer's own tensor work, and compiled functions recorded as one call.
class RecordingPaused {
 public:
  RecordingPaused();
  ~RecordingPaused();
  RecordingPaused(const RecordingPaused&) = delete;
  RecordingPaused& operator=(const RecordingPaused&) = delete;

 private:
  struct Guard;
  std::unique_ptr<Guard> guard_;
};

// Activates `recorder` on this thread for the session's lifetime: puts the recording
// dispatch key into the thread's included set and registers the fallback on first use.
// Sessions do not nest (a second one on the same thread throws TraceError).
class TraceSession {
 public:
  explicit TraceSession(Recorder& recorder);
  ~TraceSession();
  TraceSession(const TraceSession&) = delete;
  TraceSession& operator=(const TraceSession&) = delete;

 private:
  struct Guards;
  std::unique_ptr<Guards> guards_;
};

// The recorder active on this thread, or nullptr.
Recorder* activeRecorder();

// Tensor type as 1.13 infers it from a tensor: `Float(2, 3, strides=[3, 1],
// requires_grad=0, device=cpu)`.
types::TypePtr tensorTypeOf(const at::Tensor& tensor);
// The text a tensor constant prints as in a graph: `{2}`, `{2.5}`, ` 1  2 [ CPULongType{2} ]`
// (2..10 elements) or `<Tensor>`.
std::string tensorConstantText(const at::Tensor& tensor);

}  // namespace tscript::tracer
