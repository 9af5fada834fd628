// Rewrites `for` loops that can exit early into the while form TorchScript prints.
//
// A for loop with break/continue/return has both a trip count and a condition computed by
// its body; `.code` can print only one of the two (a `for` needs a constant-true condition,
// a `while` no trip count). As torch.jit 1.13 does, the trip count becomes an explicit
// counter carried by the loop and folded into the condition:
//   cond0 = n > 0 [and cond]; loop(max, cond0, ..., counter=0):
//     body (the index is the counter) ... next = counter + 1
//     -> (next < n and body_condition, ..., next)
#pragma once

#include "ir/ir.h"

namespace tscript::compiler {

void canonicalizeModifiedLoops(ir::Graph& graph);

}  // namespace tscript::compiler
