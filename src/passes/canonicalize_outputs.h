#pragma once

#include "ir/ir.h"

namespace tscript::passes {

// torch.jit 1.13's CanonicalizeOutputs, the last ordering step of its cleanup passes: the
// outputs of every prim::If, and the carried values of every prim::Loop, are reordered by the
// position of their first use after the node (program order, a use in a nested block counting
// at that block's place; two uses in sibling blocks of one node are unordered). Outputs
// nobody reads keep their order, after the read ones. The sort is std::sort with 1.13's
// comparator, so ties come out as in 1.13 too. Returns whether anything moved.
bool canonicalizeOutputs(ir::Graph& graph);

}  // namespace tscript::passes
