// Deferred kernels: recording a call without computing it (the tracer's speed).
//
// A trace needs the *graph* of one run, and the run's values only where Python looks at them
// (`if x.sum() > 0`, `.item()`, printing) or where they outlive the trace (a tensor the
// user keeps, a buffer written in place). Computing every kernel is most of a trace's time
// for a model (resnet18's convolutions), so the recorder defers the compute-heavy calls it
// knows to be pure: the call runs on meta tensors (shapes, strides and dtypes only), its
// results are fresh zero-filled tensors of those shapes, and the call is queued. The queue
// runs, in recording order, as soon as anything might read the data:
//   - any call that is not deferred (except pure views and metadata queries) flushes it
//     first, so every real kernel sees the values eager mode would have given it;
//   - Python-level data access that bypasses the dispatcher (`numpy()`, `data_ptr()`, ...)
//     flushes it through `_trace_flush` (python/tscript/_tracing.py);
//   - at the end of the recording, `settle()` runs the queued calls whose results can still
//     be observed (a tensor referenced outside the queue, or storage shared with such a
//     tensor) and drops the others, which nobody can ever read.
//
// Only calls that cannot fail or act differently on data are deferred (an allowlist of
// operators, with their data-independent variants: batch_norm and dropout only in eval
// mode), so a deferred call has no effect beyond its results. Set TSCRIPT_TRACE_DEFER=0 to
// compute every call as it is recorded.
//
// Autograd. A call autograd sees (grad mode on, an argument requiring grad, the autograd
// keys in its dispatch key set) must make eager's history: its results require grad, carry
// a grad_fn, views and in-place writes are checked against them. Such a call is never
// replaced by a stand-in of our own making (stand-ins requiring grad as leaves broke
// autograd's view checks in maxvit_t). Instead:
//   - below autograd (`aten::_convolution`, called by `convolution`'s kernel after its
//     autograd kernel ran) a call is deferred like any other: the plain stand-in goes back
//     up to the autograd kernel, which gives it eager's history;
//   - above autograd, a call that reads pending data is *shadowed*: it runs now, autograd
//     and all, on the pending (not yet computed) data, so its results, history, version
//     counters and errors are eager's, only their values are not; it is queued to run again
//     below autograd when its values can be read. Running it twice costs little (the calls
//     autograd sees after a convolution are batch_norm, relu, add, pooling, linear); the
//     convolution it spares is most of a model's time.
// The queue runs its calls below autograd, with grad mode off, and writes the stand-ins
// without bumping their version counters: autograd saved them (batch_norm saves its input)
// and a backward through a kept result must not find them "modified by an inplace
// operation".
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tscript::ops {
struct Schema;
}

namespace tscript::tracer {

class DeferredKernels {
 public:
  DeferredKernels();
  DeferredKernels(const DeferredKernels&) = delete;
  DeferredKernels& operator=(const DeferredKernels&) = delete;
  ~DeferredKernels();

  // What the recorder must do with a call it is recording:
  //   Deferred    the call was queued; `stack` holds its stand-in results;
  //   Shadow      autograd sees the call and it reads pending data: run it now without
  //               flush() (on values not computed yet), then hand it to queueShadow;
  //   RunAsView   a pure view (or metadata query): run it now, no flush needed;
  //   Run         run it now, after flush().
  enum class Decision { Deferred, Shadow, RunAsView, Run };
  // `stack` holds the call's arguments (the boxed stack), `keys` the dispatch keys of the
  // call (whether autograd's kernel runs for it). Must be called below the recording key
  // (the meta call would otherwise be recorded).
  Decision tryDefer(const c10::OperatorHandle& op, c10::DispatchKeySet keys,
                    const ops::Schema& schema, std::vector<c10::IValue>* stack);
  // A Shadow call has run with `arguments` and made `results`: queues it to compute their
  // values. A result that is a view of its first argument (reshape that did not copy) is
  // noted as a view instead.
  void queueShadow(const c10::OperatorHandle& op, const ops::Schema& schema,
                   std::vector<c10::IValue> arguments, const std::vector<c10::IValue>& results);

  // Tensors made by a view call that ran for real (RunAsView): their storage may be pending.
  void noteViews(const std::vector<c10::IValue>& results);

  bool hasPending() const { return !pending_.empty(); }
  // Runs every queued call, in order (their stand-in tensors then hold eager's values).
  void flush();
  // End of the recording: runs the queued calls whose results are still observable and
  // drops the rest.
  void settle();

 private:
  struct Entry {
    Entry(c10::OperatorHandle op, std::vector<c10::IValue> arguments)
        : op(std::move(op)), arguments(std::move(arguments)) {}
    c10::OperatorHandle op;
    std::vector<c10::IValue> arguments;
    // The stand-ins the call's results are copied into (in-place calls: the written tensor
    // itself, and nothing to copy).
    std::vector<at::Tensor> results;
    bool inPlace = false;
    // Ran once already (Decision::Shadow): its history and version bumps are made.
    bool shadowed = false;
  };
  Decision shadowDecision(const c10::OperatorHandle& op, const std::string& name,
                          const std::vector<c10::IValue>& arguments) const;
  void run(Entry& entry);
  void track(const at::Tensor& tensor, int delta);
  void trackEntry(const Entry& entry, int delta);
  bool observable(const at::Tensor& tensor) const;
  void share(const at::Tensor& tensor);

 public:
  // Is `tensor`'s storage written by a queued call (its data not yet computed)?
  bool isPending(const at::Tensor& tensor) const;

 private:

  bool enabled_;
  // Operators whose meta kernel failed once (run for real from then on).
  std::unordered_set<std::string> withoutMeta_;
  std::vector<Entry> pending_;
  // References the queue holds to each TensorImpl (arguments and results).
  std::unordered_map<const c10::TensorImpl*, size_t> queueReferences_;
  // Every TensorImpl known to share a storage written by a queued call (stand-ins, views of
  // them, in-place targets): who could read that storage.
  std::unordered_map<const c10::StorageImpl*, std::vector<c10::weak_intrusive_ptr<c10::TensorImpl>>>
      sharers_;
};

}  // namespace tscript::tracer
