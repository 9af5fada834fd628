// What the `.code` printer (ir/code_printer.h) needs to know of a node's operator: the
// schema the node resolves to, chosen by input types exactly as the interpreter chooses it.
#pragma once

#include <optional>

#include "ir/code_printer.h"

namespace tscript::runtime {

std::optional<ir::OperatorInfo> operatorInfoForPrinting(const ir::Node& node);

}  // namespace tscript::runtime
