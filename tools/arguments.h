// Program inputs given on the command line (`tscript run-ir --arg`, `tscript compile --run`),
// read as the type of the input they feed:
//   int / float / bool / str    42, 2.5, true, hello
//   Tensor                      tensor:3x4 (zeros), tensor:3x4:1.5 (filled), tensor:2x2:randn
//                               (normal samples, seed 0), tensor:scalar:2 (0-dim)
//   List[int] / List[float]     1,2,3 (empty: the empty string)
//   Optional[T]                 none, or a T
//   any but str                 FILE.pt: what torch.save wrote there (a tensor, a list of
//                               tensors, ...), if its type fits the input
#pragma once

#include <string>

#include "runtime/value.h"
#include "types/type.h"

namespace tscript::tools {

// `index` (0-based) numbers the argument in error messages. Throws std::invalid_argument.
runtime::Value parseArgument(size_t index, const std::string& text, const types::TypePtr& type);

}  // namespace tscript::tools
