// Builtin functions that TorchScript 1.13 defines in its own language rather than as
// operators, found by overload resolution after an operator's schemas: `2 * x` has no
// aten::mul overload taking (int, Tensor), so it resolves to the builtin function
// `mul(a: int, b: Tensor) -> Tensor`, whose body is `b * a`; `x // 2` resolves to
// `floordiv(self: Tensor, other: number)`, whose body is `torch.floor_divide(self, other)`.
//
// 1.13 compiles these from source and inlines them; here each body is a few lines of C++
// emitting the same operators through the matcher, so the graphs come out the same.
#pragma once

#include <vector>

#include "compiler/schema_matching.h"

namespace tscript::compiler {

struct ScriptBuiltin {
  SchemaView schema;
  // Emits the body for the bound inputs (in schema order) and returns its result.
  ir::Value* (*body)(const OperatorMatcher& matcher, ir::Graph& graph,
                     const std::vector<ir::Value*>& inputs, const lang::SourceRange& range);
};

// The builtin functions named like `op` (aten::mul, aten::floordiv, ...); empty for most.
const std::vector<ScriptBuiltin>& scriptBuiltinsFor(ir::Symbol op);

}  // namespace tscript::compiler
