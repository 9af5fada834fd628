// Inlining of calls between script functions and methods (prim::CallFunction,
// prim::CallMethod). A scripted function's `.graph` is inlined, as in torch.jit; a method's
// `.graph` keeps its calls and `.inlined_graph` (what the interpreter runs) has none.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ir/ir.h"

namespace tscript::compiler {

// The graph a call node runs (already inlined itself, or not: inlining repeats until no call
// is left), or nullptr to leave the call alone. The callee's inputs are the call's inputs,
// without the function constant of a prim::CallFunction.
using CalleeLookup = std::function<std::shared_ptr<const ir::Graph>(const ir::Node& call)>;

// The name of the function constant a prim::CallFunction calls, or null for any other node
// (the key callee lookups use).
const std::string* calledFunctionName(const ir::Node& call);

// Replaces every prim::CallFunction on a function constant and every prim::CallMethod for
// which `lookup` gives a graph by a copy of that graph's body, recursively. Returns whether
// anything was inlined.
bool inlineCalls(ir::Graph& graph, const CalleeLookup& lookup);

}  // namespace tscript::compiler
