// See host_calls.h.
#include "runtime/host_calls.h"

#include <atomic>

#include "ir/ir.h"
#include "runtime/errors.h"

namespace tscript::runtime {

namespace {

std::atomic<HostCallResolver> installedResolver{nullptr};

struct UnavailableCall {
  std::string functionName;
};

void failWithoutHost(Stack&, const UnavailableCall& site) {
  throwError("RuntimeError", "cannot call Python function '" + site.functionName +
                                 "': this graph calls back into Python (a function marked "
                                 "@ignore), and it is being run without Python; run it "
                                 "through the tscript Python package");
}

}  // namespace

void setHostCallResolver(HostCallResolver resolver) { installedResolver.store(resolver); }

Operation hostCallOperation(const ir::Node& node) {
  if (HostCallResolver resolver = installedResolver.load()) return resolver(node);
  const ir::AttributeValue* name = node.findAttribute("name");
  UnavailableCall site{name && name->kind() == ir::AttributeKind::s ? name->get<std::string>()
                                                                    : "<unknown>"};
  Operation operation;
  operation.context = std::make_shared<const UnavailableCall>(std::move(site));
  operation.withContext = [](Stack& stack, const void* context) {
    failWithoutHost(stack, *static_cast<const UnavailableCall*>(context));
  };
  return operation;
}

}  // namespace tscript::runtime
