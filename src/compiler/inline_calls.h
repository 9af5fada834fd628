// Inlining of calls between script functions (prim::CallFunction), which gives the flat
// graph that `.graph` shows, as in torch.jit.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ir/ir.h"

namespace tscript::compiler {

// Given the callee graph for a function name (already inlined itself), replaces every
// prim::CallFunction on a function constant by a copy of the callee's body. Returns whether
// anything was inlined.
using CalleeLookup = std::function<std::shared_ptr<const ir::Graph>(const std::string& name)>;
bool inlineCalls(ir::Graph& graph, const CalleeLookup& lookup);

}  // namespace tscript::compiler
