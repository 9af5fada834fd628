// ConvertToSSA: turns the emitter's variable accesses into SSA form.
//
// The emitter writes every variable access as a node: `prim::Store[name="x"](%v)` and
// `%x : T = prim::Load[name="x"]()`, and emits control flow with no block inputs or outputs
// for variables. This pass (1) threads variables through control flow — a variable assigned
// in a branch becomes an output of the prim::If, a variable assigned in a loop body and
// defined before the loop becomes loop-carried — and then (2) replaces every Load by the value
// last stored to its variable and deletes all Stores and Loads. The result is the graph shape
// TorchScript prints.
//
// Errors (a compile error at the Load or Store's source range): reading a variable that is not
// defined on every path ("y is not defined in the false branch"), branches or iterations that
// assign different types to one variable.
#pragma once

#include "ir/ir.h"

namespace tscript::compiler {

void convertToSSA(ir::Graph& graph);

}  // namespace tscript::compiler
