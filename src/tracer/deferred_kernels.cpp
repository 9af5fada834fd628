// Deferred kernels (see deferred_kernels.h): which calls may wait, their meta run, the queue.
#include "tracer/deferred_kernels.h"

#include <ATen/ops/empty_strided.h>
#include <c10/core/GradMode.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

#include <cstdlib>
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

// An argument that requires grad keeps its call from being deferred only while grad mode is
// on: then autograd must see the call (its result has a history, in-place writes are checked
// against views and leaves). With grad mode off eager's call makes no history either, and
// the queued call runs with grad mode off too (run()), so the two are alike. Forward-mode
// dual tensors are never deferred (their tangent is computed whatever the grad mode).
bool deferrableTensor(const at::Tensor& tensor) {
  if (!tensor.defined()) return true;
  if (tensor.requires_grad() && c10::GradMode::is_enabled()) return false;
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

DeferredKernels::Decision DeferredKernels::tryDefer(const c10::OperatorHandle& op,
                                                    const ops::Schema& schema,
                                                    std::vector<c10::IValue>* stack) {
  const std::string& name = schema.name;
  if (isPureView(name)) return Decision::RunAsView;
  bool viewOrCopy = isViewOrCopy(name);
  if (!enabled_ || (!viewOrCopy && !isDeferrable(name)) || withoutMeta_.count(name) ||
      op.operator_name().overload_name.find("out") != std::string::npos) {
    return Decision::Run;
  }
  size_t numArguments = op.schema().arguments().size();
  std::vector<c10::IValue> arguments(stack->end() - numArguments, stack->end());
  if (hasStatefulArguments(name, arguments)) return Decision::Run;
  for (const c10::IValue& argument : arguments) {
    if (!deferrableValue(argument)) return Decision::Run;
  }
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
      entry.results.push_back(
          at::empty_strided(meta.sizes(), meta.strides(), meta.options().device(at::kCPU)));
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
  entry.op.callBoxed(&stack);
  if (entry.inPlace) return;
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
  for (const auto& weak : found->second) {
    if (weak.use_count() > 0) distinct.insert(weak._unsafe_get_target());
  }
  return tensor.storage().use_count() > distinct.size();
}

void DeferredKernels::settle() {
  if (pending_.empty()) return;
  // Last call first: dropping a call that nobody observes releases its arguments, which may
  // make the calls that produced them unobservable too.
  std::vector<bool> keep(pending_.size(), false);
  for (size_t i = pending_.size(); i-- > 0;) {
    Entry& entry = pending_[i];
    for (const at::Tensor& result : entry.results) keep[i] = keep[i] || observable(result);
    // From here on the entry's references are not the queue's: a kept call reads its
    // arguments (so the calls before it that made them are observed through it), a dropped
    // one releases them.
    trackEntry(entry, -1);
    if (!keep[i]) {
      entry.arguments.clear();
      entry.results.clear();
    }
  }
  std::vector<Entry> entries = std::move(pending_);
  pending_.clear();
  queueReferences_.clear();
  sharers_.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (keep[i]) run(entries[i]);
  }
}

}  // namespace tscript::tracer
