#pragma once

#include "ir/ir.h"

namespace tscript::passes {

// Moves every prim::Uninitialized to the top of the graph, one node per type, as torch.jit
// 1.13's exit transform creates them: each placeholder it needs (the value a raising or
// exiting path yields) is made once per type, right after the graph's inputs, so the one
// needed last comes first; constant pooling then puts the constants before them. Here the
// placeholders are made where the emitter needs them; program order stands in for 1.13's
// order of creation. Returns whether the graph changed.
bool hoistUninitialized(ir::Graph& graph);

}  // namespace tscript::passes
