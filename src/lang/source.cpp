#include "lang/source.h"

#include <algorithm>

namespace tscript::lang {

SourceFile::SourceFile(std::string name, std::string text, uint32_t firstLine,
                       uint32_t columnOffset)
    : name_(std::move(name)), text_(std::move(text)), firstLine_(firstLine),
      columnOffset_(columnOffset) {
  lineStarts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') lineStarts_.push_back(i + 1);
  }
}

static size_t lineIndex(const std::vector<uint32_t>& starts, uint32_t offset) {
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  return static_cast<size_t>(it - starts.begin()) - 1;
}

uint32_t SourceFile::lineOf(uint32_t offset) const {
  return static_cast<uint32_t>(lineIndex(lineStarts_, offset)) + firstLine_;
}

uint32_t SourceFile::columnOf(uint32_t offset) const {
  return offset - lineStarts_[lineIndex(lineStarts_, offset)] + columnOffset_;
}

std::string SourceFile::lineTextAt(uint32_t offset) const {
  size_t index = lineIndex(lineStarts_, offset);
  uint32_t begin = lineStarts_[index];
  uint32_t end = index + 1 < lineStarts_.size() ? lineStarts_[index + 1] : text_.size();
  std::string_view line(text_.data() + begin, end - begin);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(columnOffset_, ' ') + std::string(line);
}

SourceRange SourceRange::merge(const SourceRange& other) const {
  if (!valid()) return other;
  if (!other.valid()) return *this;
  return SourceRange(file, std::min(start, other.start), std::max(end, other.end));
}

std::string SourceRange::location() const {
  if (!file) return "<unknown>";
  return file->name() + ":" + std::to_string(line()) + ":" + std::to_string(column());
}

std::string SourceRange::excerpt() const {
  if (!file) return "";
  std::string lineText = file->lineTextAt(start);
  uint32_t col = column();
  // Very long lines are cut around the caret so the excerpt stays readable.
  constexpr uint32_t kMaxShown = 160;
  size_t shownFrom = 0;
  if (lineText.size() > kMaxShown && col > kMaxShown / 2) {
    shownFrom = col - kMaxShown / 2;
  }
  std::string_view shown = std::string_view(lineText).substr(shownFrom, kMaxShown);
  std::string out(shown);
  out += '\n';
  // Tabs are kept so the caret lines up under tabs in the source line.
  for (size_t i = shownFrom; i < col && i < lineText.size(); ++i) {
    out += lineText[i] == '\t' ? '\t' : ' ';
  }
  out += '^';
  uint32_t lineEnd = static_cast<uint32_t>(col + (lineText.size() - std::min<size_t>(col, lineText.size())));
  uint32_t last = std::min(end - start + col, lineEnd);
  for (uint32_t i = col + 1; i < last && i < shownFrom + kMaxShown; ++i) out += '~';
  out += '\n';
  return out;
}

}  // namespace tscript::lang
