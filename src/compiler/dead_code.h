// Dead code elimination, as torch.jit 1.13's EliminateDeadCode leaves a freshly compiled
// function: values nobody reads and the nodes that only compute them are removed, together
// with the prim::If outputs and prim::Loop-carried values they feed.
//
// It is 1.13's mark-and-sweep. Mark: the graph's outputs and every node that may have an
// effect are live, and so is everything they read; a live node inside a block keeps the
// if/loop around it, and a live node keeps *all* its inputs (so a loop kept for one carried
// value keeps the initial values of the others, as in 1.13). Sweep, last node first: an if
// output nobody reads is dropped from the if and its branches; a loop-carried value whose
// result and body input nobody reads is dropped from the loop; then the node's blocks are
// swept, and a node that is not live and whose outputs are unread is destroyed.
//
// "May have an effect" is decided from the operator schemas, conservatively: a node is
// removable only when it has outputs and is a pure structural prim op (constants, list/
// tuple/dict construction, tuple unpacking and indexing, casts, placeholders) or an `aten`
// operator none of whose overloads of its arity writes an argument (`(a!)`) and that draws
// no random numbers (removing such a call would shift the random stream). Calls, prints,
// raises, attribute writes, list mutation and anything unknown stay. Like 1.13, a removed
// operator that could have raised on its inputs (a dead `xs[9]`) no longer raises.
#pragma once

#include <functional>

#include "ir/ir.h"

namespace tscript::compiler {

// `beforeDestroy` is told about every node about to be destroyed (nested ones included),
// so callers holding node pointers can drop them. Returns whether the graph changed.
bool eliminateDeadCode(ir::Graph& graph,
                       const std::function<void(const ir::Node*)>& beforeDestroy = {});

}  // namespace tscript::compiler
