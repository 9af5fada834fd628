// Deferred kernels: recording a call without computing it (the tracer's speed).
//
// A trace needs the *graph* of one run, and the run's values only where Python looks at them
// (`if x.sum() > 0`, `.item()`, printing) or where they outlive the trace (a tensor the
// user keeps, a buffer written in place). Computing every kernel is most of a trace's time
// for a model (resnet18's convolutions), so the recorder defers the compute-heavy calls it
// knows to be pure: the call runs on meta tensors (shapes, strides and dtypes only), its
// results are fresh uninitialized tensors of those shapes, and the call is queued. The queue
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
// mode), and only when autograd is not involved (grad mode off or no argument requiring
// grad), so a deferred call has no effect beyond its results. Set TSCRIPT_TRACE_DEFER=0 to
// compute every call as it is recorded.
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
  //   RunAsView   a pure view (or metadata query): run it now, no flush needed;
  //   Run         run it now, after flush().
  enum class Decision { Deferred, RunAsView, Run };
  // `stack` holds the call's arguments (the boxed stack). Must be called below the recording
  // key (the meta call would otherwise be recorded).
  Decision tryDefer(const c10::OperatorHandle& op, const ops::Schema& schema,
                    std::vector<c10::IValue>* stack);

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
  };
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
