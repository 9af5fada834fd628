// Reads the `.graph` text (what printer.h writes, i.e. PyTorch 1.13's `str(graph)`) back into
// a Graph. The contract is print(parse(text)) == text, byte for byte: value names (`%x.1`, and
// numbered values such as `%42` keep their number), types, attributes, blocks, scopes, source
// comments (kept as the node's printedLocation) and `with kind_N = graph(...)` subgraphs.
//
// Also accepted, for golden test files: blank lines and lines whose first non-blank character
// is `#` (FileCheck directives such as `# CHECK: ...`) anywhere between lines of the graph.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ir/ir.h"
#include "ir/type_parser.h"

namespace tscript::ir {

// A malformed graph text. what() is `line:col: message` followed by the offending line and a
// caret under the column.
class IRParseError : public std::runtime_error {
 public:
  IRParseError(const std::string& what, size_t line, size_t column)
      : std::runtime_error(what), line_(line), column_(column) {}
  size_t line() const { return line_; }      // 1-based
  size_t column() const { return column_; }  // 1-based

 private:
  size_t line_;
  size_t column_;
};

std::shared_ptr<Graph> parseGraph(std::string_view text, const NamedTypeHooks& hooks = {});

}  // namespace tscript::ir
