// The boxed fallback that records operator calls (see recorder.h for the whole picture).
//
// For every operator call on a thread with an active TraceSession:
//   - inside a recorded call (nested depth > 0): pass through below the recording key;
//   - a call 1.13 does not record itself (see isTransparent): pass through at the same
//     depth, so the calls it makes are recorded instead (conv2d is recorded as the
//     aten::_convolution it calls, as in 1.13);
//   - otherwise: record the node and its inputs, run the call below the recording key with
//     depth + 1, then record its outputs.
#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <mutex>
#include <string>
#include <unordered_set>

#include "ops/registry.h"
#include "tracer/recorder.h"
#include "tracer/recording_key.h"

namespace tscript::tracer {

namespace {

// Operators whose calls 1.13's tracer does not record although they return tensors: the
// convolution and RNN-cell front doors (their inner call is recorded instead).
bool isUnrecordedFrontDoor(const std::string& name) {
  static const std::unordered_set<std::string> names = {
      "aten::convolution",       "aten::conv1d",           "aten::conv2d",
      "aten::conv3d",            "aten::conv_tbc",         "aten::conv_transpose1d",
      "aten::conv_transpose2d",  "aten::conv_transpose3d", "aten::lstm_cell",
      "aten::gru_cell",          "aten::rnn_tanh_cell",    "aten::rnn_relu_cell",
      "aten::_coalesced",
  };
  return names.count(name) > 0;
}

bool isTensorLike(const types::TypePtr& type) {
  switch (type->kind()) {
    case types::TypeKind::Tensor: return true;
    case types::TypeKind::Optional:
    case types::TypeKind::List:
      return isTensorLike(type->containedTypes().front());
    default: return false;
  }
}

// True for calls that 1.13's generated tracing kernels do not record: operators with no
// tensor result (size, item, is_floating_point, ...), operators taking a Storage, and the
// front doors above. Their inner calls are recorded.
bool isTransparent(const ops::Schema& schema) {
  if (isUnrecordedFrontDoor(schema.name)) return true;
  bool returnsTensor = false;
  for (const ops::Argument& result : schema.returns) {
    returnsTensor = returnsTensor || isTensorLike(result.type);
  }
  if (!returnsTensor) return true;
  for (const ops::Argument& argument : schema.arguments) {
    if (argument.realType->kind() == types::TypeKind::Storage) return true;
  }
  return false;
}

const ops::Schema* schemaOf(const c10::OperatorHandle& op) {
  const c10::OperatorName& name = op.operator_name();
  const ops::Operator* found = ops::findExact(name.name, name.overload_name);
  return found ? &found->schema() : nullptr;
}

void redispatchBelow(const c10::OperatorHandle& op, c10::DispatchKeySet keys,
                     std::vector<c10::IValue>* stack) {
  op.redispatchBoxed(keys & c10::DispatchKeySet(c10::DispatchKeySet::FULL_AFTER, kRecordingKey),
                     stack);
}

// libtorch marks the calls 1.13's tracer must not see by excluding the Tracer key on the
// thread (`at::tracer::impl::NoTracerDispatchMode`): `torch.tensor([1.0, 2.0])` fills an
// `aten::empty` tensor from the Python values and lifts it (`aten::lift_fresh`) in that mode,
// so only its `aten::to` is recorded, taking the filled tensor as a constant.
bool hiddenFromTracer() {
  return c10::impl::tls_is_dispatch_key_excluded(c10::DispatchKey::Tracer);
}

// Calls with no tensor result that read no data: no need to compute deferred calls first.
bool isMetadataQuery(const std::string& name) {
  static const std::unordered_set<std::string> names = {
      "aten::size",         "aten::stride",       "aten::dim",          "aten::numel",
      "aten::sym_size",     "aten::sym_stride",   "aten::sym_numel",    "aten::is_floating_point",
      "aten::is_complex",   "aten::is_contiguous", "aten::storage_offset", "aten::is_same_size",
      "aten::is_signed",    "aten::is_inference",  "aten::is_leaf",     "aten::output_nr",
  };
  return names.count(name) > 0;
}

struct DepthGuard {
  explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
  ~DepthGuard() { --depth_; }
  int& depth_;
};

void recordingFallback(const c10::OperatorHandle& op, c10::DispatchKeySet keys,
                       std::vector<c10::IValue>* stack) {
  Recorder* recorder = activeRecorder();
  if (recorder == nullptr || recorder->nestedDepth() > 0) {
    redispatchBelow(op, keys, stack);
    return;
  }
  if (hiddenFromTracer()) {
    recorder->deferred().flush();
    redispatchBelow(op, keys, stack);
    return;
  }
  const ops::Schema* schema = schemaOf(op);
  if (schema == nullptr) {
    throw TraceError("cannot trace a call of " + c10::toString(op.operator_name()) +
                     ": the operator registry does not know it");
  }
  if (isTransparent(*schema)) {
    // Front doors read nothing themselves (their inner calls are recorded, and deferred or
    // not on their own); other unrecorded calls (item, equal, ...) may read data.
    if (!isUnrecordedFrontDoor(schema->name) && !isMetadataQuery(schema->name)) {
      recorder->deferred().flush();
    }
    bool isItem = schema->name == "aten::item";
    at::Tensor self = isItem ? stack->back().toTensor() : at::Tensor();
    redispatchBelow(op, keys, stack);
    // A traced tensor read as a Python number may be an int argument of the next call.
    if (isItem) recorder->noteItem(self, stack->back());
    return;
  }
  size_t numArguments = schema->arguments.size();
  std::vector<c10::IValue> arguments(stack->end() - numArguments, stack->end());
  ir::Node* node = recorder->recordCall(*schema, arguments);
  DeferredKernels::Decision decision = recorder->deferred().tryDefer(op, keys, *schema, stack);
  if (decision != DeferredKernels::Decision::Deferred) {
    // Real kernels read their arguments: every deferred call before them must have run,
    // unless this one only makes a view or is a shadow run (its values are computed again
    // by the queue).
    if (decision == DeferredKernels::Decision::Run) recorder->deferred().flush();
    DepthGuard nested(recorder->nestedDepth());
    redispatchBelow(op, keys, stack);
  }
  size_t numResults = op.schema().returns().size();
  std::vector<c10::IValue> results(stack->end() - numResults, stack->end());
  if (decision == DeferredKernels::Decision::RunAsView) recorder->deferred().noteViews(results);
  if (decision == DeferredKernels::Decision::Shadow) {
    recorder->deferred().queueShadow(op, *schema, std::move(arguments), results);
  }
  recorder->recordOutputs(node, *schema, results);
}

}  // namespace

void ensureRecordingFallbackRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Kept for the life of the process: the registration must outlive every session.
    static c10::RegistrationHandleRAII* registration = nullptr;
    try {
      registration = new c10::RegistrationHandleRAII(c10::Dispatcher::singleton().registerFallback(
          kRecordingKey, c10::KernelFunction::makeFromBoxedFunction<&recordingFallback>(),
          "tscript tracer (src/tracer/dispatch_fallback.cpp)"));
    } catch (const c10::Error& error) {
      throw TraceError(std::string("cannot register the tracer's dispatcher fallback on ") +
                       c10::toString(kRecordingKey) + ": " + error.what_without_backtrace());
    }
  });
}

}  // namespace tscript::tracer
