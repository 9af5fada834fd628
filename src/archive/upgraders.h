// Operators whose meaning changed after an archive was written (1.13's "upgraders",
// ARCHIVE_FORMAT.md §1.4): code of an archive whose version record is older than an
// operator's bump runs with the operator's old meaning.
//
//   operator            bumped at   old meaning kept (the upgrader)
//   torch.div / div_    4           Tensor / Tensor or int: integer inputs divide with
//                                   rounding_mode="trunc" (true division only when a side is
//                                   floating point)
//   torch.full          5           an int fill value with no dtype makes a float tensor
//   torch.linspace      8           steps may be left out (None): 100 steps
//   torch.logspace      9           likewise
//   torch.gelu          10          nothing to do: the old schema had no `approximate`, whose
//                                   default ("none") is the old behaviour
//
// The upgraders are TorchScript functions (upgraderSource) compiled into the archive's unit;
// a call `torch.div(a, b)` in code of an old archive becomes a call of the fitting one, chosen
// by the argument types as 1.13 picks an upgrader by the overload the call resolved to.
// Calls that the change did not concern (div of two ints, a float fill value, `steps` given)
// stay the builtin operator.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "compiler/sugared_value.h"

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

}  // namespace tscript::archive
