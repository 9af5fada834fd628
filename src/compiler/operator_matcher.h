// The bridge from the compiler to the operator registry: choosing an overload of a builtin
// operator for given arguments and emitting the node (src/compiler/schema_matching.cpp).
#pragma once

#include <vector>

#include "compiler/sugared_value.h"
#include "ir/ir.h"

namespace tscript::compiler {

class OperatorMatcher {
 public:
  virtual ~OperatorMatcher() = default;
  // Whether any overload of `op` exists (`torch.foo` is a builtin iff this is true).
  virtual bool hasOperator(ir::Symbol op) const = 0;
  // Emits `op(args)` at the graph's insertion point: picks the first overload whose schema
  // accepts the arguments (positional, keyword, defaults, varargs packing, int -> int[N],
  // implicit number conversions), and returns its output (a tuple for several outputs, null
  // for none). Throws CompileError listing every overload tried and why it did not match.
  virtual ir::Value* emit(ir::Graph& graph, ir::Symbol op, const std::vector<NamedValue>& args,
                          const lang::SourceRange& range) const = 0;
};

}  // namespace tscript::compiler
