// Constant pooling: every prim::Constant moves to the top of the graph, and equal constants
// (same type, same attributes) become one.
#pragma once

#include <functional>

#include "ir/ir.h"

namespace tscript::passes {

// The plain pass, exactly as torch.jit's: walks the graph in program order (entering
// blocks) and moves each constant it has not seen to the front of the graph, so the
// surviving constants end up in reverse order of first appearance. A duplicate is replaced
// by the first one seen. Returns whether the graph changed.
bool poolConstants(ir::Graph& graph);

// The pooling the compiler applies to a function it just emitted. torch.jit 1.13 pools
// the constants written in the source before it creates the ones it synthesizes (default
// arguments, loop conditions, None fillers), so in its graphs the synthesized constants
// come first (latest first) and the source literals follow in source order; a synthesized
// constant equal to a literal is replaced by the literal. `isSourceLiteral` tells them apart.
bool poolConstantsAsEmitted(ir::Graph& graph,
                            const std::function<bool(const ir::Node*)>& isSourceLiteral);

}  // namespace tscript::passes
