// Between the registry (registry.cpp, no ATen) and its dispatcher bridge
// (dispatcher_operators.cpp, the only file of the registry that sees c10). Not for other
// layers.
#pragma once

#include <string>
#include <string_view>

#include "ops/registry.h"

namespace tscript::ops::detail {

// Loads the dispatcher's operators on the first call and starts following its later
// registrations; every registry entry point calls it first. Thread-safe.
void ensureDispatcherOperatorsLoaded();

// Called by the dispatcher bridge for each operator the dispatcher has or gains.
void addDispatcherOperator(Schema schema, std::string schemaText, const DispatcherHandle* handle);
// Called when a library unregisters an operator: it leaves the lookup lists (the Operator
// object stays, so pointers to it stay valid; calling it then fails cleanly). Returns the
// removed operator, or nullptr when it was never added.
const Operator* removeDispatcherOperator(std::string_view name, std::string_view overloadName);
void recordDispatcherSchemaProblem(std::string problem);

}  // namespace tscript::ops::detail
