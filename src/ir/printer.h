// The `.graph` text printer: exactly what PyTorch 1.13 prints for `str(graph)` (see
// IR_AND_CODE_FORMAT.md §2), so that golden texts can be compared byte for byte.
#pragma once

#include <ostream>
#include <string>

#include "ir/ir.h"

namespace tscript::ir {

// `printSourceLocations` controls the ` # file:line:col` comments of the top-level nodes.
// As in PyTorch, nodes nested in blocks and subgraphs printed after `with` always show them.
void printGraph(std::ostream& out, const Graph& graph, bool printSourceLocations = true);
std::ostream& operator<<(std::ostream& out, const Graph& graph);

}  // namespace tscript::ir
