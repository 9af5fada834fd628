// The registry's bridge to the c10 dispatcher: the only file of the registry that sees c10.
//
// A c10 registration listener gives us every operator the dispatcher has when we subscribe
// (in registration order, the order torch.jit's own registry sees them in) and every one
// registered later. The registry records each by name; when the name is first looked up,
// its schemas are printed by c10 and parsed by our parser: the printed text is kept as the
// Operator's schemaText, and the test checks printSchema(parse(text)) == text.
#include <ATen/core/dispatch/Dispatcher.h>

#include <atomic>
#include <mutex>

#include "ops/registry.h"
#include "ops/registry_internal.h"

namespace tscript::ops {

struct DispatcherHandle {
  explicit DispatcherHandle(c10::OperatorHandle op) : handle(std::move(op)) {}
  c10::OperatorHandle handle;
  // Set when the operator's library unregisters it; the c10 handle is dangling from then on.
  mutable std::atomic<bool> unregistered{false};
};

namespace {

class RegistryListener final : public c10::OpRegistrationListener {
 public:
  // Runs under the dispatcher's registration lock: must not call back into the dispatcher's
  // registration API. Adding to our registry only takes our own lock.
  void onOperatorRegistered(const c10::OperatorHandle& op) override {
    const c10::OperatorName& name = op.operator_name();
    // Handles live as long as the process (Operators point at them).
    auto* handle = new DispatcherHandle(op);
    try {
      detail::addDispatcherOperator(name.name, name.overload_name, handle);
    } catch (const std::invalid_argument& error) {
      // A tscript operator took the name first.
      detail::recordDispatcherSchemaProblem(c10::toString(op.schema()) + ": " + error.what());
    }
  }

  void onOperatorDeregistered(const c10::OperatorHandle& op) override {
    const c10::OperatorName& name = op.operator_name();
    const DispatcherHandle* removed = detail::removeDispatcherOperator(name.name, name.overload_name);
    if (removed) removed->unregistered = true;
  }
};

}  // namespace

namespace detail {

void ensureDispatcherOperatorsLoaded() {
  static std::once_flag loaded;
  std::call_once(loaded, [] {
    // The subscription is never ended (leaked on purpose): at exit, libraries unregister
    // from static destructors in an order we do not control.
    auto* subscription = new c10::RegistrationHandleRAII(
        c10::Dispatcher::singleton().addRegistrationListener(std::make_unique<RegistryListener>()));
    (void)subscription;
  });
}

std::string dispatcherSchemaText(const DispatcherHandle* handle) {
  return c10::toString(handle->handle.schema());
}

}  // namespace detail

void callBoxed(const Operator& op, std::vector<c10::IValue>& stack) {
  const DispatcherHandle* handle = op.dispatcherHandle();
  if (handle == nullptr) {
    throw std::invalid_argument(op.schema().qualifiedOverloadName() +
                                " is a tscript operator: call its function(), not callBoxed");
  }
  if (handle->unregistered) {
    throw std::runtime_error(op.schema().qualifiedOverloadName() +
                             " was unregistered from the c10 dispatcher (its library unloaded)");
  }
  handle->handle.callBoxed(stack);
}

}  // namespace tscript::ops
