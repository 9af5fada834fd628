// Operators whose meaning changed after an archive was written (1.13's "upgraders",
// ARCHIVE_FORMAT.md §1.4): code of an archive whose version record is older than an
// operator's bump runs with the operator's old meaning.
//
//   operator            bumped at   old meaning kept (the upgrader, 1.13's name)
//   div / div_          4           Tensor by Tensor or Scalar (div_Tensor_0_3, div_Scalar_0_3,
//                                   div__Tensor_0_3, div__Scalar_0_3) and div.out (div_out_0_3):
//                                   true division only when a side (or `out`) is floating
//                                   point, else rounding_mode="trunc". The *_mode overloads
//                                   (a rounding_mode given, None included) did not change.
//   full                5           an int fill value with no dtype makes a float tensor
//                                   (full_0_4); full.names and full.out did not change
//   linspace            8           steps may be left out (None): 100 steps (linspace_0_7,
//                                   linspace_out_0_7)
//   logspace            9           likewise (logspace_0_8, logspace_out_0_8)
//   gelu                10          nothing to do: the old schema had no `approximate`, whose
//                                   default ("none") is the old behaviour (gelu_0_9, gelu_out_0_9
//                                   are the identity)
//
// The upgraders are TorchScript functions (upgraderSource) compiled into the archive's unit
// and applied in two places:
// - div at the graph level (upgradeDivisions): every aten::div / div_ node of an old
//   archive's graph, whatever spelling emitted it (torch.div, a.div(b), a / b, a /= b),
//   becomes a call of the upgrader of the overload its input types select, as 1.13 replaces
//   nodes after compiling.
// - full, linspace, logspace at the call (upgradedOperator): `torch.linspace(0., 1.)` does not
//   match today's schema at all, so it must be redirected before schema matching, from the
//   argument types, as 1.13 matches it against the old schema. These have no method or
//   operator spelling, so `torch.<op>` is the only way code reaches them.
// Calls the change did not concern (div of numbers, a float fill value, `steps` given) stay
// the builtin operator.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "compiler/sugared_value.h"

namespace tscript::ir {
class Graph;
}

namespace tscript::archive {

// The file-format version at which `name` (an aten operator) last changed meaning; 0 for
// operators that never did.
uint64_t operatorBumpVersion(const std::string& name);

// The source text of every upgrader function (`def div_Tensor_0_3(...)`), compiled under the
// qualified names `kUpgraderQualifier + "." + name`.
const std::string& upgraderSource();
inline constexpr const char* kUpgraderQualifier = "__torch__.__upgraders__";

// `torch.<name>` in code of an archive of `version` older than the operator's bump: calls go
// to an upgrader when the arguments are those the change concerned, to `builtin` otherwise.
// `upgrader(name)` is the sugared value of upgrader function `name`.
compiler::SugaredValuePtr upgradedOperator(
    const std::string& name, compiler::SugaredValuePtr builtin,
    std::function<compiler::SugaredValuePtr(const std::string& upgrader)> upgrader);

// In a graph emitted from code of an archive older than version 4: each aten::div / div_ node
// whose overload changed meaning becomes prim::CallFunction of its upgrader.
// `compiledUpgrader(name)` compiles upgrader `name` into the unit and returns its qualified name.
void upgradeDivisions(ir::Graph& graph,
                      const std::function<std::string(const std::string& upgrader)>& compiledUpgrader);

// Everything 1.13 does to a graph of an archive of `version` (older than 10) for its upgraders,
// so that `.graph` and `.code` print as 1.13's: divisions upgraded (upgradeDivisions), the calls
// of every upgrader inlined (`functionGraph(qualified name)` is its compiled graph), then
// constants propagated (passes/constant_propagation.h, 1.13's cleanup after inlining: an
// upgrader's `if steps is None` on a constant folds to the branch it takes). Results of upgraded
// nodes lose their names, as the values 1.13's replacement leaves are the upgrader's; that holds
// for the upgraders that are the identity too (div with a rounding_mode, full.names, full.out,
// gelu), whose nodes stay.
void applyUpgraders(ir::Graph& graph, uint64_t version,
                    const std::function<std::string(const std::string& upgrader)>& compiledUpgrader,
                    const std::function<std::shared_ptr<const ir::Graph>(const std::string& qualified)>& functionGraph);

}  // namespace tscript::archive
