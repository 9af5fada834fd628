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

// The pooling the compiler applies to a function it just emitted. torch.jit 1.13's emitter
// materializes int and float literals at the front of the graph (one node per value) and
// inserts every other constant (str, None and bool literals, defaults, loop conditions) where
// it is used; its plain pooling then reverses the lot. So the other constants come first,
// latest first, and the int/float literals follow in order of first appearance; an other
// constant equal to such a literal is replaced by the literal. `isSourceLiteral` says
// which nodes are those int/float literals.
bool poolConstantsAsEmitted(ir::Graph& graph,
                            const std::function<bool(const ir::Node*)>& isSourceLiteral);

}  // namespace tscript::passes
