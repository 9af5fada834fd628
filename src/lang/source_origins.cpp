// Origins of generated sources, and 1.13's traceback frames.
#include "lang/source_origins.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace tscript::lang {

namespace {

struct Registered {
  std::weak_ptr<const SourceFile> file;
  std::weak_ptr<const SourceOrigins> origins;
};

std::mutex& registryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<const SourceFile*, Registered>& registry() {
  static std::map<const SourceFile*, Registered> entries;
  return entries;
}

}  // namespace

void setSourceOrigins(const SourceFilePtr& file, const std::shared_ptr<const SourceOrigins>& origins) {
  std::lock_guard<std::mutex> lock(registryMutex());
  auto& entries = registry();
  // Entries of files or origins that are gone are dropped as new ones come.
  for (auto it = entries.begin(); it != entries.end();) {
    it = it->second.file.expired() || it->second.origins.expired() ? entries.erase(it) : std::next(it);
  }
  entries[file.get()] = Registered{file, origins};
}

std::shared_ptr<const SourceOrigins> sourceOriginsOf(const SourceFile* file) {
  if (!file) return nullptr;
  std::lock_guard<std::mutex> lock(registryMutex());
  auto& entries = registry();
  auto found = entries.find(file);
  if (found == entries.end()) return nullptr;
  // Another file may live at the address of one that is gone.
  std::shared_ptr<const SourceFile> alive = found->second.file.lock();
  if (alive.get() != file) return nullptr;
  return found->second.origins.lock();
}

// The line structure follows what 1.13 prints (print_with_context, 3 lines of context counted
// from the range's own line): two whole lines before, two after.
std::string tracebackFrame(const SourceRange& range, const std::string& functionName) {
  if (!range.valid()) return "";
  const std::string& text = range.file->text();
  const uint32_t start = range.start;
  if (start > text.size()) return "";
  const size_t rangeEnd = std::min<size_t>(range.end, text.size());
  auto lineStart = [&](size_t offset) {
    while (offset > 0 && text[offset - 1] != '\n') --offset;
    return offset;
  };
  auto lineEnd = [&](size_t offset) {  // the '\n' ending the line, or the end of the text
    while (offset < text.size() && text[offset] != '\n') ++offset;
    return offset;
  };
  constexpr int kContextLines = 2;
  size_t contextBegin = lineStart(start);
  for (int i = 0; i < kContextLines && contextBegin > 0; ++i) contextBegin = lineStart(contextBegin - 1);

  std::string out = "  File \"" + range.file->name() + "\", line " + std::to_string(range.line());
  if (!functionName.empty()) out += ", in " + functionName;
  out += "\n";
  out.append(text, contextBegin, lineStart(start) - contextBegin);

  size_t lineBegin = lineStart(start);
  size_t afterRange = lineEnd(rangeEnd);
  while (true) {
    size_t thisEnd = lineEnd(lineBegin);
    out.append(text, lineBegin, thisEnd - lineBegin);
    out += '\n';
    // Blanks before the range (or before the first non-blank of a continuation line) are
    // not underlined.
    size_t highlightEnd = std::min(thisEnd, rangeEnd);
    size_t blank = lineBegin;
    while (blank < highlightEnd && (blank < start || text[blank] == ' ')) ++blank;
    if (blank < highlightEnd) {
      bool moreLines = false;
      for (size_t i = thisEnd; i < rangeEnd; ++i) {
        if (text[i] != '\n' && text[i] != ' ') moreLines = true;
      }
      out.append(blank - lineBegin, ' ');
      out.append(highlightEnd - blank, '~');
      out += moreLines ? "\n" : " <--- HERE\n";
    }
    if (thisEnd >= afterRange || thisEnd >= text.size()) break;
    lineBegin = thisEnd + 1;
  }

  size_t contextEnd = afterRange;
  for (int i = 0; i < kContextLines && contextEnd < text.size(); ++i) contextEnd = lineEnd(contextEnd + 1);
  if (afterRange < text.size() && contextEnd > afterRange + 1) {
    out.append(text, afterRange + 1, contextEnd - afterRange - 1);
    out += '\n';
  }
  return out;
}

}  // namespace tscript::lang
