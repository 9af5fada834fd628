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

// Called by the dispatcher bridge for each operator the dispatcher has or gains. Only its
// name is recorded: the schema is printed (dispatcherSchemaText) and parsed when the name is
// first looked up. Throws std::invalid_argument when the name and overload are taken.
void addDispatcherOperator(std::string_view name, std::string_view overloadName,
                           const DispatcherHandle* handle);
// The schema of a dispatcher operator as c10 prints it.
std::string dispatcherSchemaText(const DispatcherHandle* handle);
// Called when a library unregisters an operator: it leaves the lookup lists (an Operator
// made for it stays, so pointers to it stay valid; calling it then fails cleanly). Returns
// the removed operator's handle, or nullptr when it was never added.
const DispatcherHandle* removeDispatcherOperator(std::string_view name,
                                                 std::string_view overloadName);
void recordDispatcherSchemaProblem(std::string problem);

}  // namespace tscript::ops::detail
