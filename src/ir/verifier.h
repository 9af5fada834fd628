// Structural checks of a Graph, run between passes and by `tscript opt --passes=verify`.
//
// Checked:
//   * every value used is a value of this graph and its use list agrees with the inputs;
//   * SSA dominance: a use sees only values defined earlier in its block or in an enclosing
//     block (block inputs are visible inside the block, never after it);
//   * prim::If: one input, two blocks without inputs, each block returns as many values as
//     the node has outputs, and each block output's type is a subtype of the node output's;
//   * prim::Loop (max_trip_count, cond, carried...): one block with 1 + carried inputs and
//     1 + carried outputs, carried node outputs, block output types subtypes of node outputs;
//   * optional per-node checks (operator schemas live in src/ops) through a callback.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "ir/ir.h"

namespace tscript::ir {

class VerifyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns an error message for a node that is wrong by its own rules (e.g. no schema accepts
// its inputs), nullopt when it is fine.
using NodeCheck = std::function<std::optional<std::string>(const Node&)>;

struct VerifyOptions {
  NodeCheck checkNode;  // may be empty
};

// Throws VerifyError naming the first problem and printing the node involved.
void verify(const Graph& graph, const VerifyOptions& options = {});

}  // namespace tscript::ir
