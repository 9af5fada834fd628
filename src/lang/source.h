// Source text and ranges into it. Every AST node, IR node and diagnostic points back to the
// user's code through a SourceRange, so that errors can print `file:line:col` and a caret.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tscript::lang {

// One file (or string) of source code. Immutable once built; shared by every range into it.
class SourceFile {
 public:
  // `firstLine` lets a snippet cut out of a larger file (a function given by inspect) report
  // the line numbers of that larger file; `columnOffset` is the indentation the snippet was
  // dedented by (a method cut out of its class), so that columns are the file's too.
  SourceFile(std::string name, std::string text, uint32_t firstLine = 1, uint32_t columnOffset = 0);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // 1-based line and 0-based column (in bytes) of a byte offset, as torch.jit prints them.
  uint32_t lineOf(uint32_t offset) const;
  uint32_t columnOf(uint32_t offset) const;
  // The text of the line that holds `offset`, without its newline, as the file has it (with
  // the indentation the snippet was dedented by).
  std::string lineTextAt(uint32_t offset) const;

 private:
  std::string name_;
  std::string text_;
  uint32_t firstLine_;
  uint32_t columnOffset_;
  std::vector<uint32_t> lineStarts_;  // byte offset at which each line begins
};

using SourceFilePtr = std::shared_ptr<const SourceFile>;

// A half-open byte range [start, end) of one SourceFile. A default range points nowhere
// (nodes created by passes have no source).
struct SourceRange {
  SourceFilePtr file;
  uint32_t start = 0;
  uint32_t end = 0;

  SourceRange() = default;
  SourceRange(SourceFilePtr file, uint32_t start, uint32_t end)
      : file(std::move(file)), start(start), end(end) {}

  bool valid() const { return file != nullptr; }
  uint32_t line() const { return file ? file->lineOf(start) : 0; }
  uint32_t column() const { return file ? file->columnOf(start) : 0; }
  std::string_view text() const {
    return file ? std::string_view(file->text()).substr(start, end - start) : std::string_view();
  }
  // The smallest range covering both (both must be in the same file).
  SourceRange merge(const SourceRange& other) const;
  // `file:line:col`
  std::string location() const;
  // The source line followed by a line with a caret under the start of the range
  // (tildes under the rest of it, up to the end of that line).
  std::string excerpt() const;
};

}  // namespace tscript::lang
