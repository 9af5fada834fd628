// Constant propagation over immutable values, as torch.jit 1.13's cleanup passes run it on
// every graph they compile (ConstantPropagationImmutableTypes): a node whose inputs are all
// constants, whose inputs and outputs are all of immutable types (no Tensor, list, dict,
// object, nor anything holding one), and which has no side effects and no blocks, is run and
// replaced by constants of its results; a prim::If on a constant condition is replaced by the
// nodes of the branch it takes. Nodes that were folded away go, with the constants only they
// used.
//
// Not done (1.13 does them; no graph this project propagates needs them yet): removing loops
// that never run and loop or If outputs that are the same value on every path.
//
// The pass only knows the graph; running an operator is the caller's (the runtime is a layer
// above): `fold` runs one candidate node and, when it can, inserts prim::Constant nodes of
// its results before it and returns them (one per output); an empty result leaves the node
// alone (an operator that fails on these inputs, a result no constant can hold).
#pragma once

#include <functional>
#include <vector>

#include "ir/ir.h"

namespace tscript::passes {

using ConstantFolder = std::function<std::vector<ir::Value*>(ir::Node& node)>;

// Returns whether the graph changed.
bool propagateImmutableConstants(ir::Graph& graph, const ConstantFolder& fold);

// Dead code as far as 1.13's dead code elimination removes it from graphs like ours: If
// results nothing reads (a folded-away branch or a dropped call result was their only reader),
// and constants nothing uses.
void eraseDeadResultsAndConstants(ir::Graph& graph);

// Whether values of `type` can never be mutated through an alias (1.13's AliasDb mutable
// types are the complement: tensors, lists, dicts, objects, futures and whatever contains
// one).
bool isImmutableType(const types::Type& type);

}  // namespace tscript::passes
