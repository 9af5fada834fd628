// The constants a printed function refers to as `CONSTANTS.cN`, for `code_with_constants`
// (1.13 returns the code with a map {"c0": value, ...}; a module's wraps it in a ConstMap).
#pragma once

#include <functional>
#include <memory>
#include <pybind11/pybind11.h>
#include <vector>

#include "ir/code_printer.h"
#include "runtime/value.h"

namespace tscript::python {

class CodeConstants {
 public:
  CodeConstants();
  // Numbers the tensor constants the printer meets (options.tensorConstantIndex) and keeps
  // their values. Printing must happen with the GIL held and while the graph lives.
  // `tensorOf` gives the tensor of a constant node whose attribute holds only its printed
  // form (a traced method keeps its constants beside its graph).
  using TensorLookup = std::function<const at::Tensor*(const ir::Node& node)>;
  void attachTo(ir::CodePrinterOptions& options, TensorLookup tensorOf = nullptr);
  // {"cN": value} after printing with `printer`: the tensors numbered here and the printer's
  // own table (non-ASCII strings). Both tables count from 0, so a function with both kinds
  // would repeat a name: the tensors' entries win (1.13 keeps one table; no model we script
  // has both).
  pybind11::dict mapping(const ir::CodePrinter& printer) const;

 private:
  struct Table {
    std::vector<const ir::Node*> nodes;
    std::vector<runtime::Value> values;
  };
  std::shared_ptr<Table> table_;
};

}  // namespace tscript::python
