// A faster call for `tensor <op> number-constant` (aten::add/sub/mul/div.Scalar).
//
// Why: ATen implements these overloads by wrapping the number into a 0-dim double tensor
// and then, for a float32 tensor, converting that wrapped tensor to float32 (an extra
// allocation and copy in _to_copy) on every call — about half the cost of `x + 1.0` on a
// small tensor. When the number is a graph constant and the tensor is float32 on the CPU,
// the interpreter passes a wrapped-number tensor that is already float32, made once per call
// site, to the Tensor overload. The result is the same: a wrapped number keeps its low
// priority in type promotion, and the value is rounded to float32 exactly as the
// conversion would round it (float32's arithmetic type is float32 itself). Any other
// tensor goes through the ordinary overload.
#pragma once

#include <optional>

#include "runtime/code.h"

namespace tscript::ops {
class Operator;
}

namespace tscript::runtime {

// The fast call for `node` if it is one of these operators with a constant number, given
// `general` (the operation that handles every other case); nullopt otherwise.
std::optional<Operation> tensorScalarFastPath(const ir::Node& node, const ops::Operator& op,
                                              Operation general);

}  // namespace tscript::runtime
