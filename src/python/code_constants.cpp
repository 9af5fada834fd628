// See code_constants.h.
#include "python/code_constants.h"

#include "runtime/constants.h"
#include "python/value_conversion.h"

namespace py = pybind11;

namespace tscript::python {

CodeConstants::CodeConstants() : table_(std::make_shared<Table>()) {}

void CodeConstants::attachTo(ir::CodePrinterOptions& options, TensorLookup tensorOf) {
  options.tensorConstantIndex = [table = table_, tensorOf](const ir::Node& node) {
    for (size_t i = 0; i < table->nodes.size(); ++i) {
      if (table->nodes[i] == &node) return i;
    }
    table->nodes.push_back(&node);
    const at::Tensor* known = tensorOf ? tensorOf(node) : nullptr;
    table->values.push_back(known ? runtime::Value(*known) : runtime::constantValueOf(node));
    return table->nodes.size() - 1;
  };
}

py::dict CodeConstants::mapping(const ir::CodePrinter& printer) const {
  py::dict result;
  const std::vector<ir::ConstantValue>& printed = printer.constantTable();
  for (size_t i = 0; i < printed.size(); ++i) {
    if (printed[i].kind == ir::ConstantValue::Kind::String) {
      result[py::str("c" + std::to_string(i))] = py::str(printed[i].text);
    }
  }
  for (size_t i = 0; i < table_->values.size(); ++i) {
    result[py::str("c" + std::to_string(i))] = toPython(table_->values[i]);
  }
  return result;
}

}  // namespace tscript::python
