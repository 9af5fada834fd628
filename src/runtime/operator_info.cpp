#include "runtime/operator_info.h"

#include "ops/registry.h"
#include "runtime/operation_resolver.h"

namespace tscript::runtime {

std::optional<ir::OperatorInfo> operatorInfoForPrinting(const ir::Node& node) {
  const ops::Operator* op = matchOverloadForNode(node);
  if (!op) return std::nullopt;
  const ops::Schema& schema = op->schema();
  ir::OperatorInfo info;
  info.isVararg = schema.isVararg;
  for (const ops::Argument& argument : schema.arguments) {
    ir::OperatorArgumentInfo printed;
    printed.name = argument.name;
    printed.defaultValue = argument.defaultValue;
    printed.keywordOnly = argument.keywordOnly;
    printed.isOut = argument.isOut;
    info.arguments.push_back(std::move(printed));
  }
  return info;
}

}  // namespace tscript::runtime
