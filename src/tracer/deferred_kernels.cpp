// Deferred kernels (see deferred_kernels.h): which calls may wait, their meta run, the queue.
#include "tracer/deferred_kernels.h"

#include <ATen/ops/empty_strided.h>
#include <c10/core/GradMode.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "ops/schema.h"
#include "tracer/recording_key.h"

namespace tscript::tracer {

namespace {

// Pure operators worth deferring: no effect but their results, no data-dependent failure
// or result shape. (Cheap elementwise calls are listed too: deferring them keeps the
// convolutions around them deferred.)
bool isDeferrable(std::string_view name) {
  static const std::unordered_set<std::string_view> names = {
      "aten::_convolution", "aten::linear",      "aten::addmm",       "aten::mm",
      "aten::bmm",          "aten::matmul",      "aten::baddbmm",     "aten::relu",
      "aten::gelu",         "aten::silu",        "aten::sigmoid",     "aten::tanh",
      "aten::hardtanh",     "aten::hardswish",   "aten::hardsigmoid", "aten::leaky_relu",
      "aten::elu",          "aten::add",         "aten::sub",         "aten::mul",
      "aten::div",          "aten::neg",         "aten::sqrt",        "aten::rsqrt",
      "aten::exp",          "aten::clamp",       "aten::clamp_min",   "aten::mean",
      "aten::sum",          "aten::softmax",     "aten::log_softmax", "aten::layer_norm",
      "aten::group_norm",   "aten::max_pool2d",  "aten::avg_pool2d",  "aten::max_pool1d",
      "aten::adaptive_avg_pool2d", "aten::adaptive_avg_pool1d", "aten::cat", "aten::stack",
      "aten::batch_norm",   "aten::clone",
      // in place (written tensor = first argument)
      "aten::relu_",        "aten::add_",        "aten::mul_",        "aten::hardtanh_",
      "aten::hardswish_",   "aten::silu_",       "aten::sigmoid_",    "aten::clamp_",
      "aten::div_",         "aten::sub_",
  };
  return names.count(name) > 0;
}

// Calls that only make a view (no data read, never a copy): run at once, no flush.
bool isPureView(std::string_view name) {
  static const std::unordered_set<std::string_view> names = {
      "aten::view",      "aten::select",    "aten::slice",     "aten::transpose",
      "aten::permute",   "aten::expand",    "aten::expand_as", "aten::unsqueeze",
      "aten::squeeze",   "aten::t",         "aten::narrow",    "aten::detach",
      "aten::alias",     "aten::split",     "aten::split_with_sizes", "aten::chunk",
      "aten::unbind",    "aten::view_as",   "aten::diagonal",  "aten::as_strided",
      "aten::unflatten", "aten::movedim",   "aten::swapaxes",  "aten::transpose_",
  };
  return names.count(name) > 0;
}

// A view when the sizes allow it, a copy otherwise: decided from the meta run.
bool isViewOrCopy(std::string_view name) {
  return name == "aten::reshape" || name == "aten::flatten" || name == "aten::contiguous";
}

// Arguments that make an operator of the allowlist act on data or state: batch_norm in
// training mode updates its running statistics (an unannotated write).
bool hasStatefulArguments(const std::string& name, const std::vector<c10::IValue>& arguments) {
  if (name == "aten::batch_norm") {
    return arguments.size() < 6 || !arguments[5].isBool() || arguments[5].toBool();
  }
  return false;
}

// Operators of the allowlist that can fail on data: integer division (a rounding mode on an
// integral result) raises on a zero divisor, which eager reports at the call. Deferred, the
// error would come from a later flush, or never (a dropped call). Floating results divide by
// zero without an error (inf, nan): those calls still defer.
bool failsOnIntegralData(std::string_view name) {
  return name == "aten::div" || name == "aten::div_";
}

bool isFloatingOrComplex(const at::Tensor& tensor) {
  return at::isFloatingType(tensor.scalar_type()) || at::isComplexType(tensor.scalar_type());
}

// Tensors whose calls may wait (autograd is decided per call: autogradSees). Forward-mode
// dual tensors never wait (their tangent is computed whatever the grad mode).
bool deferrableTensor(const at::Tensor& tensor) {
  if (!tensor.defined()) return true;
  return tensor.device().is_cpu() && tensor.layout() == at::kStrided && !tensor.is_quantized() &&
         !tensor.is_conj() && !tensor.is_neg() && !tensor._fw_grad(/*level=*/0).defined();
}

bool deferrableValue(const c10::IValue& value) {
  if (value.isTensor()) return deferrableTensor(value.toTensor());
  if (value.isTensorList()) {
    for (const at::Tensor& tensor : value.toTensorVector()) {
      if (!deferrableTensor(tensor)) return false;
    }
    return true;
  }
  if (value.isList()) {
    for (const c10::IValue& element : value.toListRef()) {
      if (!element.isNone() && !deferrableValue(element)) return false;
    }
    return true;
  }
  return !value.isObject() && !value.isCapsule() && !value.isGenerator();
}

at::Tensor metaOf(const at::Tensor& tensor) {
  if (!tensor.defined()) return tensor;
  return at::empty_strided(tensor.sizes(), tensor.strides(),
                           tensor.options().device(at::kMeta).requires_grad(false));
}

c10::IValue metaValue(const c10::IValue& value) {
  if (value.isTensor()) return metaOf(value.toTensor());
  if (value.isTensorList()) {
    c10::List<at::Tensor> list;
    for (const at::Tensor& tensor : value.toTensorVector()) list.push_back(metaOf(tensor));
    return list;
  }
  if (value.isList() && value.toList().elementType()->kind() == c10::TypeKind::OptionalType) {
    c10::List<c10::optional<at::Tensor>> list;
    for (const c10::IValue& element : value.toListRef()) {
      if (element.isNone()) {
        list.push_back(c10::nullopt);
      } else {
        list.push_back(metaOf(element.toTensor()));
      }
    }
    return list;
  }
  return value;
}

template <typename F>
void forEachTensor(const c10::IValue& value, F&& f) {
  if (value.isTensor()) {
    f(value.toTensor());
  } else if (value.isTensorList() || value.isList()) {
    for (const c10::IValue& element : value.toListRef()) {
      if (element.isTensor()) f(element.toTensor());
    }
  }
}

// Does autograd see this call: grad mode on, its kernel among the call's keys (not when a
// kernel below autograd made the call, as `convolution`'s makes `_convolution`), and an
// argument requiring grad? Then the result must have eager's history. With grad mode off
// (check_trace's re-trace, a trace under torch.no_grad()) eager's call makes no history
// either, and a queued call runs with grad mode off too.
bool autogradSees(c10::DispatchKeySet keys, const std::vector<c10::IValue>& arguments) {
  if (!c10::GradMode::is_enabled() || !keys.has_any(c10::autograd_dispatch_keyset)) return false;
  bool requiresGrad = false;
  for (const c10::IValue& argument : arguments) {
    forEachTensor(argument, [&](const at::Tensor& t) {
      requiresGrad = requiresGrad || (t.defined() && t.requires_grad());
    });
  }
  return requiresGrad;
}

bool returnsTensorsOnly(const c10::OperatorHandle& op) {
  for (const c10::Argument& result : op.schema().returns()) {
    if (result.type()->kind() != c10::TypeKind::TensorType) return false;
  }
  return true;
}

}  // namespace

DeferredKernels::DeferredKernels() {
  const char* setting = std::getenv("TSCRIPT_TRACE_DEFER");
  enabled_ = setting == nullptr || std::string_view(setting) != "0";
}

DeferredKernels::~DeferredKernels() {
  // A recording that ended without settle() (an exception in the traced code): the values
  // someone can still read are computed, as eager mode would have.
  try {
    settle();
  } catch (const std::exception&) {
    // Nothing to report to: the trace has failed already.
  }
}

void DeferredKernels::track(const at::Tensor& tensor, int delta) {
  if (!tensor.defined()) return;
  size_t& count = queueReferences_[tensor.unsafeGetTensorImpl()];
  count += delta;
  if (count == 0) queueReferences_.erase(tensor.unsafeGetTensorImpl());
}

void DeferredKernels::trackEntry(const Entry& entry, int delta) {
  for (const c10::IValue& argument : entry.arguments) {
    forEachTensor(argument, [&](const at::Tensor& t) { track(t, delta); });
  }
  for (const at::Tensor& result : entry.results) track(result, delta);
}

void DeferredKernels::share(const at::Tensor& tensor) {
  if (!tensor.defined() || !tensor.has_storage()) return;
  sharers_[tensor.storage().unsafeGetStorageImpl()].emplace_back(tensor.getIntrusivePtr());
}

bool DeferredKernels::isPending(const at::Tensor& tensor) const {
  return !pending_.empty() && tensor.defined() && tensor.has_storage() &&
         sharers_.count(tensor.storage().unsafeGetStorageImpl()) > 0;
}

DeferredKernels::Decision DeferredKernels::shadowDecision(
    const c10::OperatorHandle& op, const std::string& name,
    const std::vector<c10::IValue>& arguments) const {
  // A shadow run's results hold wrong values until the queued run: only tensors can be
  // written again (a number it returned would stay wrong).
  if (!returnsTensorsOnly(op)) return Decision::Run;
  bool readsPending = false;
  bool allFloating = true;
  for (const c10::IValue& argument : arguments) {
    forEachTensor(argument, [&](const at::Tensor& t) {
      if (!t.defined()) return;
      readsPending = readsPending || isPending(t);
      allFloating = allFloating && isFloatingOrComplex(t);
    });
  }
  // Nothing to spare: the call reads computed values only.
  if (!readsPending) return Decision::Run;
  // An in-place write into computed data (an input, a buffer) must write the right values
  // now; into a stand-in, the queued run writes them again after what made it.
  if (name.back() == '_' && !isPending(arguments.front().toTensor())) return Decision::Run;
  // Integer division of values not computed yet could divide by zero where eager does not.
  if (failsOnIntegralData(name) && !allFloating) return Decision::Run;
  return Decision::Shadow;
}

DeferredKernels::Decision DeferredKernels::tryDefer(const c10::OperatorHandle& op,
                                                    c10::DispatchKeySet keys,
                                                    const ops::Schema& schema,
                                                    std::vector<c10::IValue>* stack) {
  const std::string& name = schema.name;
  if (isPureView(name)) return Decision::RunAsView;
  bool viewOrCopy = isViewOrCopy(name);
  if (!enabled_ || (!viewOrCopy && !isDeferrable(name)) ||
      op.operator_name().overload_name.find("out") != std::string::npos) {
    return Decision::Run;
  }
  size_t numArguments = op.schema().arguments().size();
  std::vector<c10::IValue> arguments(stack->end() - numArguments, stack->end());
  if (hasStatefulArguments(name, arguments)) return Decision::Run;
  for (const c10::IValue& argument : arguments) {
    if (!deferrableValue(argument)) return Decision::Run;
  }
  if (autogradSees(keys, arguments)) return shadowDecision(op, name, arguments);
  if (withoutMeta_.count(name)) return Decision::Run;
  bool inPlace = name.back() == '_';

  c10::impl::ExcludeDispatchKeyGuard notRecorded(kRecordingKey);
  std::vector<c10::IValue> metaStack;
  metaStack.reserve(arguments.size());
  for (const c10::IValue& argument : arguments) metaStack.push_back(metaValue(argument));
  std::vector<c10::IValue> metaInputs = metaStack;
  try {
    if (name == "aten::_convolution") {
      // 1.13 has no meta kernel for aten::_convolution, but one for aten::convolution, whose
      // arguments are _convolution's first nine (the rest choose a backend).
      static const c10::OperatorHandle convolution =
          c10::Dispatcher::singleton().findSchemaOrThrow("aten::convolution", "");
      metaStack.resize(9);
      convolution.callBoxed(&metaStack);
    } else {
      op.callBoxed(&metaStack);
    }
  } catch (const std::exception&) {
    // No meta kernel in 1.13 (or one that refuses these arguments): compute it.
    withoutMeta_.insert(name);
    return Decision::Run;
  }
  for (const c10::IValue& result : metaStack) {
    if (!result.isTensor() || !result.toTensor().defined()) return Decision::Run;
    if (failsOnIntegralData(name) && !isFloatingOrComplex(result.toTensor())) return Decision::Run;
  }
  if (viewOrCopy) {
    // reshape/flatten/contiguous that make a view run at once; a copy is deferred.
    const at::Tensor& self = metaInputs.front().toTensor();
    if (metaStack.front().toTensor().is_alias_of(self)) return Decision::RunAsView;
  }

  Entry entry(op, std::move(arguments));
  entry.inPlace = inPlace;
  if (inPlace) {
    entry.results.push_back(entry.arguments.front().toTensor());
  } else {
    for (const c10::IValue& result : metaStack) {
      const at::Tensor& meta = result.toTensor();
      // Zeros, not uninitialized memory: shadow runs compute from a stand-in before its
      // values exist, and leftover bytes read as floats are often denormals (an int64 index
      // is one), which make those kernels several times slower.
      entry.results.push_back(
          at::empty_strided(meta.sizes(), meta.strides(), meta.options().device(at::kCPU)).zero_());
    }
  }
  stack->erase(stack->end() - numArguments, stack->end());
  for (const at::Tensor& result : entry.results) {
    stack->emplace_back(result);
    share(result);
  }
  trackEntry(entry, +1);
  pending_.push_back(std::move(entry));
  return Decision::Deferred;
}

void DeferredKernels::queueShadow(const c10::OperatorHandle& op, const ops::Schema& schema,
                                  std::vector<c10::IValue> arguments,
                                  const std::vector<c10::IValue>& results) {
  if (isViewOrCopy(schema.name) && results.front().toTensor().is_alias_of(arguments.front().toTensor())) {
    noteViews(results);  // reshape/flatten/contiguous that made a view: nothing to compute
    return;
  }
  Entry entry(op, std::move(arguments));
  entry.inPlace = schema.name.back() == '_';
  entry.shadowed = true;
  if (entry.inPlace) {
    entry.results.push_back(entry.arguments.front().toTensor());
  } else {
    for (const c10::IValue& result : results) entry.results.push_back(result.toTensor());
  }
  for (const at::Tensor& result : entry.results) share(result);
  trackEntry(entry, +1);
  pending_.push_back(std::move(entry));
}

void DeferredKernels::noteViews(const std::vector<c10::IValue>& results) {
  if (pending_.empty()) return;
  for (const c10::IValue& result : results) {
    forEachTensor(result, [&](const at::Tensor& t) {
      if (isPending(t)) share(t);
    });
  }
}

void DeferredKernels::run(Entry& entry) {
  c10::impl::ExcludeDispatchKeyGuard notRecorded(kRecordingKey);
  c10::AutoGradMode noGrad(false);
  std::vector<c10::IValue> stack = entry.arguments;
  {
    // A shadowed call made its history and bumped its in-place target's version when it
    // ran first: now it only computes.
    std::optional<c10::impl::ExcludeDispatchKeyGuard> belowAutograd;
    if (entry.shadowed) belowAutograd.emplace(c10::autograd_dispatch_keyset_with_ADInplaceOrView);
    entry.op.callBoxed(&stack);
  }
  if (entry.inPlace) return;
  // Filling a stand-in is not a write eager made: no version bump (autograd may have saved
  // the stand-in, and a later backward checks its version).
  c10::impl::ExcludeDispatchKeyGuard noVersionBump(c10::autograd_dispatch_keyset_with_ADInplaceOrView);
  for (size_t i = 0; i < entry.results.size() && i < stack.size(); ++i) {
    entry.results[i].copy_(stack[i].toTensor());
  }
}

void DeferredKernels::flush() {
  if (pending_.empty()) return;
  // Moved out first: a kernel may call back into the tracer (a Python meta kernel does not,
  // but a failure must leave a consistent queue).
  std::vector<Entry> entries = std::move(pending_);
  pending_.clear();
  queueReferences_.clear();
  sharers_.clear();
  for (Entry& entry : entries) run(entry);
}

bool DeferredKernels::observable(const at::Tensor& tensor) const {
  if (!tensor.has_storage()) return true;
  const c10::StorageImpl* storage = tensor.storage().unsafeGetStorageImpl();
  auto found = sharers_.find(storage);
  if (found == sharers_.end()) return true;
  for (const auto& weak : found->second) {
    size_t uses = weak.use_count();
    if (uses == 0) continue;
    auto queued = queueReferences_.find(weak._unsafe_get_target());
    size_t held = queued == queueReferences_.end() ? 0 : queued->second;
    if (uses > held) return true;  // referenced outside the queue: someone can read it
  }
  // Sharers we never saw (a `.data` alias, a Storage object) hold the storage too.
  // `sharers_` may list one TensorImpl several times; count each once.
  std::unordered_set<const c10::TensorImpl*> distinct;
  bool withHistory = false;
  for (const auto& weak : found->second) {
    if (weak.use_count() == 0) continue;
    distinct.insert(weak._unsafe_get_target());
    withHistory = withHistory || weak._unsafe_get_target()->requires_grad();
  }
  // Except while autograd knows the storage: a node that saved its output (relu_'s saves
  // the result) holds an alias of it that we never see, which lives as long as the result
  // does and says nothing of the user. The user's own ways to an alias (`.data`, storage
  // objects) compute the queue first (python/tscript/_tracing.py).
  if (withHistory) return false;
  return tensor.storage().use_count() > distinct.size();
}

void DeferredKernels::settle() {
  if (pending_.empty()) return;
  // Last call first: dropping a call that nobody observes releases its arguments, which may
  // make the calls that produced them unobservable too.
  //
  // Autograd adds references the order does not peel: an in-place call gives an earlier
  // call's result a history made later (`out += downsample(x)`: `out`'s node then holds the
  // nodes of the downsample's calls, which saved their inputs), and those go only when that
  // earlier result goes, i.e. after the later calls were looked at. So a pass that dropped
  // something is repeated over the calls it kept, until a pass keeps them all. Without
  // autograd the second pass keeps what the first kept.
  std::vector<size_t> live(pending_.size());
  for (size_t i = 0; i < live.size(); ++i) live[i] = i;
  std::vector<size_t> kept;
  while (true) {
    kept.clear();
    for (auto index = live.rbegin(); index != live.rend(); ++index) {
      Entry& entry = pending_[*index];
      bool keep = false;
      for (const at::Tensor& result : entry.results) keep = keep || observable(result);
      // From here on the entry's references are not the queue's: a kept call reads its
      // arguments (so the calls before it that made them are observed through it), a
      // dropped one releases them.
      trackEntry(entry, -1);
      if (keep) {
        kept.push_back(*index);
      } else {
        entry.arguments.clear();
        entry.results.clear();
      }
    }
    std::reverse(kept.begin(), kept.end());
    if (kept.size() == live.size()) break;
    for (size_t index : kept) trackEntry(pending_[index], +1);  // the queue's again
    live = kept;
  }
  std::vector<Entry> entries = std::move(pending_);
  pending_.clear();
  queueReferences_.clear();
  sharers_.clear();
  for (size_t index : kept) run(entries[index]);
}

}  // namespace tscript::tracer
