// Removes attribute reads (prim::GetAttr) whose value nobody uses.
//
// Reading a module container for a compile-time answer (`len(self.layers)`, a loop over it
// that was unrolled away) emits the reads of its elements before the compiler knows they
// are not needed. Reads have no effect, so unused ones are dropped, as torch.jit's graphs
// do not have them either.
#pragma once

#include "ir/ir.h"

namespace tscript::compiler {

void eraseUnusedAttributeReads(ir::Graph& graph);

}  // namespace tscript::compiler
