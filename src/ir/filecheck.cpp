#include "ir/filecheck.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

namespace tscript::ir {

namespace {

const char* directiveName(CheckKind kind) {
  switch (kind) {
    case CheckKind::Check: return "CHECK";
    case CheckKind::Next: return "CHECK-NEXT";
    case CheckKind::Same: return "CHECK-SAME";
    case CheckKind::Not: return "CHECK-NOT";
    case CheckKind::Dag: return "CHECK-DAG";
    case CheckKind::Count: return "CHECK-COUNT";
    case CheckKind::Label: return "CHECK-LABEL";
  }
  return "CHECK";
}

std::string describe(const CheckDirective& d) {
  std::string name = directiveName(d.kind);
  if (d.kind == CheckKind::Count) name += "-" + std::to_string(d.count);
  std::string text = name + ": " + d.pattern;
  if (d.sourceLine) text += "  (check file line " + std::to_string(d.sourceLine) + ")";
  return text;
}

struct Match {
  size_t start;
  size_t end;
};

// A pattern compiled once: plain text, or a regex when it contains `{{...}}`.
class Pattern {
 public:
  explicit Pattern(const std::string& text) : text_(text) {
    if (text.find("{{") == std::string::npos) return;
    std::string regex;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t open = text.find("{{", pos);
      if (open == std::string::npos) {
        regex += escape(text.substr(pos));
        break;
      }
      size_t close = text.find("}}", open + 2);
      if (close == std::string::npos) throw FileCheckError("unterminated '{{' in pattern: " + text);
      regex += escape(text.substr(pos, open - pos));
      regex += "(?:" + text.substr(open + 2, close - open - 2) + ")";
      pos = close + 2;
    }
    try {
      // multiline: `{{$}}` and `{{^}}` anchor at line ends, as FileCheck users expect.
      regex_ = std::regex(regex, std::regex::ECMAScript | std::regex::multiline);
    } catch (const std::regex_error& e) {
      throw FileCheckError("bad regex in pattern '" + text + "': " + e.what());
    }
    isRegex_ = true;
  }

  // The first match that starts at or after `from` and ends at or before `to`.
  std::optional<Match> find(std::string_view input, size_t from, size_t to) const {
    if (from > to) return std::nullopt;
    std::string_view window = input.substr(from, to - from);
    if (!isRegex_) {
      size_t at = window.find(text_);
      if (at == std::string_view::npos) return std::nullopt;
      return Match{from + at, from + at + text_.size()};
    }
    std::match_results<std::string_view::const_iterator> m;
    // When the window starts mid-input, `^` and `\b` must see the character before it.
    auto flags = from > 0 ? std::regex_constants::match_prev_avail : std::regex_constants::match_default;
    if (!std::regex_search(input.begin() + static_cast<std::ptrdiff_t>(from),
                           input.begin() + static_cast<std::ptrdiff_t>(to), m, regex_, flags)) {
      return std::nullopt;
    }
    size_t start = from + static_cast<size_t>(m.position(0));
    return Match{start, start + static_cast<size_t>(m.length(0))};
  }

 private:
  static std::string escape(const std::string& literal) {
    std::string out;
    for (char c : literal) {
      if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    return out;
  }

  std::string text_;
  bool isRegex_ = false;
  std::regex regex_;
};

// Runs the directives over one region [begin, end) of the input.
class Matcher {
 public:
  Matcher(std::string_view input) : input_(input) {}

  // Returns the failure message, or nullopt.
  std::optional<std::string> runRegion(const std::vector<const CheckDirective*>& directives,
                                       size_t begin, size_t end, std::optional<size_t> lastMatchEnd) {
    size_t cursor = begin;
    std::optional<size_t> previousEnd = lastMatchEnd;
    std::vector<const CheckDirective*> pendingNots;
    auto checkNots = [&](size_t upTo) -> std::optional<std::string> {
      for (const CheckDirective* d : pendingNots) {
        if (auto m = Pattern(d->pattern).find(input_, cursor, upTo)) {
          return failure(*d, "found a match where none is allowed", m->start, true);
        }
      }
      pendingNots.clear();
      return std::nullopt;
    };

    for (size_t i = 0; i < directives.size(); ++i) {
      const CheckDirective& d = *directives[i];
      Pattern pattern(d.pattern);
      switch (d.kind) {
        case CheckKind::Not:
          pendingNots.push_back(&d);
          break;
        case CheckKind::Dag: {
          // The whole run of consecutive DAG checks is one group.
          std::vector<Match> used;
          size_t groupStart = end, groupEnd = cursor;
          size_t j = i;
          for (; j < directives.size() && directives[j]->kind == CheckKind::Dag; ++j) {
            Pattern p(directives[j]->pattern);
            size_t from = cursor;
            std::optional<Match> found;
            while (auto m = p.find(input_, from, end)) {
              bool overlaps = std::any_of(used.begin(), used.end(), [&](const Match& u) {
                return m->start < u.end && u.start < m->end;
              });
              if (!overlaps) {
                found = m;
                break;
              }
              from = m->start + 1;
            }
            if (!found) return failure(*directives[j], "expected string not found", cursor, false);
            used.push_back(*found);
            groupStart = std::min(groupStart, found->start);
            groupEnd = std::max(groupEnd, found->end);
          }
          if (auto message = checkNots(groupStart)) return message;
          cursor = groupEnd;
          previousEnd = groupEnd;
          i = j - 1;
          break;
        }
        case CheckKind::Check:
        case CheckKind::Label:
        case CheckKind::Count:
        case CheckKind::Next:
        case CheckKind::Same: {
          size_t firstStart = end;
          size_t lastEnd = cursor;
          size_t from = cursor;
          for (size_t n = 0; n < d.count; ++n) {
            auto m = pattern.find(input_, from, end);
            if (!m) {
              std::string what = "expected string not found";
              if (d.kind == CheckKind::Count) {
                what += " (found " + std::to_string(n) + " of " + std::to_string(d.count) + " occurrences)";
              }
              return failure(d, what, from, false);
            }
            firstStart = std::min(firstStart, m->start);
            lastEnd = m->end;
            from = m->end;
          }
          if (d.kind == CheckKind::Next || d.kind == CheckKind::Same) {
            size_t anchor = previousEnd.value_or(begin);
            size_t newlines = static_cast<size_t>(
                std::count(input_.begin() + anchor, input_.begin() + firstStart, '\n'));
            if (d.kind == CheckKind::Next && newlines != 1) {
              return failure(d, newlines == 0 ? "match is on the same line as the previous match"
                                              : "match is not on the line after the previous match",
                             firstStart, true);
            }
            if (d.kind == CheckKind::Same && newlines != 0) {
              return failure(d, "match is not on the same line as the previous match", firstStart, true);
            }
          }
          if (auto message = checkNots(firstStart)) return message;
          cursor = lastEnd;
          previousEnd = lastEnd;
          break;
        }
      }
    }
    return checkNots(end);
  }

  std::optional<size_t> findLabel(const CheckDirective& label, size_t from) const {
    if (auto m = Pattern(label.pattern).find(input_, from, input_.size())) return m->end;
    return std::nullopt;
  }

  std::string failure(const CheckDirective& d, const std::string& what, size_t at, bool atMatch) const {
    size_t lineStart = input_.rfind('\n', at == 0 ? 0 : at - 1);
    lineStart = (at == 0 || lineStart == std::string_view::npos) ? 0 : lineStart + 1;
    size_t lineEnd = input_.find('\n', at);
    if (lineEnd == std::string_view::npos) lineEnd = input_.size();
    if (at < input_.size() && input_[at] == '\n') lineEnd = at;
    size_t lineNo = 1 + static_cast<size_t>(std::count(input_.begin(), input_.begin() + lineStart, '\n'));
    std::string message = describe(d) + "\n  error: " + what + "\n  " +
                          (atMatch ? "at" : "scanning from") + " input line " +
                          std::to_string(lineNo) + ":\n    " +
                          std::string(input_.substr(lineStart, lineEnd - lineStart)) + "\n    " +
                          std::string(at - lineStart, ' ') + "^";
    return message;
  }

 private:
  std::string_view input_;
};

}  // namespace

FileCheck& FileCheck::checkCount(std::string pattern, size_t count) {
  return add(CheckKind::Count, std::move(pattern), count);
}

FileCheck& FileCheck::add(CheckKind kind, std::string pattern, size_t count, size_t line) {
  size_t first = pattern.find_first_not_of(" \t");
  size_t last = pattern.find_last_not_of(" \t\r");
  pattern = first == std::string::npos ? "" : pattern.substr(first, last - first + 1);
  std::string where = line ? " at check file line " + std::to_string(line) : "";
  if (pattern.empty()) throw FileCheckError(std::string(directiveName(kind)) + " with an empty pattern" + where);
  // After a label, NEXT/SAME refer to the label's match (as in LLVM).
  if ((kind == CheckKind::Next || kind == CheckKind::Same) && directives_.empty()) {
    throw FileCheckError(std::string(directiveName(kind)) + " has no previous match to refer to" + where);
  }
  if (kind == CheckKind::Count && count == 0) throw FileCheckError("CHECK-COUNT-0 is not allowed" + where);
  Pattern validate(pattern);  // reports bad regexes when the check is built, not when it runs
  directives_.push_back({kind, std::move(pattern), count, line});
  return *this;
}

FileCheck FileCheck::fromCheckText(std::string_view checkText, std::string_view prefix) {
  FileCheck fc;
  size_t lineNo = 0;
  size_t pos = 0;
  while (pos <= checkText.size()) {
    size_t eol = checkText.find('\n', pos);
    if (eol == std::string_view::npos) eol = checkText.size();
    std::string_view line = checkText.substr(pos, eol - pos);
    ++lineNo;
    pos = eol + 1;
    size_t at = 0;
    while ((at = line.find(prefix, at)) != std::string_view::npos) {
      bool boundary = at == 0 || !(std::isalnum(static_cast<unsigned char>(line[at - 1])) ||
                                   line[at - 1] == '_' || line[at - 1] == '-');
      size_t colon = line.find(':', at);
      if (!boundary || colon == std::string_view::npos) {
        at += prefix.size();
        continue;
      }
      std::string_view suffix = line.substr(at + prefix.size(), colon - at - prefix.size());
      std::string pattern(line.substr(colon + 1));
      CheckKind kind;
      size_t count = 1;
      if (suffix.empty()) kind = CheckKind::Check;
      else if (suffix == "-NEXT") kind = CheckKind::Next;
      else if (suffix == "-SAME") kind = CheckKind::Same;
      else if (suffix == "-NOT") kind = CheckKind::Not;
      else if (suffix == "-DAG") kind = CheckKind::Dag;
      else if (suffix == "-LABEL") kind = CheckKind::Label;
      else if (suffix.starts_with("-COUNT-") && suffix.size() > 7 &&
               std::all_of(suffix.begin() + 7, suffix.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        kind = CheckKind::Count;
        count = std::stoull(std::string(suffix.substr(7)));
      } else {
        // `CHECKS:` or `CHECK foo:` are not directives; a dashed unknown suffix is a typo.
        if (suffix.starts_with("-") && suffix.find(' ') == std::string_view::npos) {
          throw FileCheckError("unknown directive '" + std::string(prefix) + std::string(suffix) +
                               ":' at check file line " + std::to_string(lineNo));
        }
        at += prefix.size();
        continue;
      }
      fc.add(kind, std::move(pattern), count, lineNo);
      break;
    }
    if (eol == checkText.size()) break;
  }
  if (fc.directives_.empty()) {
    throw FileCheckError("no " + std::string(prefix) + ": directives found in the check text");
  }
  return fc;
}

FileCheckResult FileCheck::run(std::string_view input) const {
  Matcher matcher(input);
  // Labels first: each is searched after the previous one and bounds the checks around it.
  std::vector<std::vector<const CheckDirective*>> regions(1);
  std::vector<size_t> regionBegins{0};
  std::vector<std::optional<size_t>> regionAnchors{std::nullopt};
  std::vector<size_t> labelStarts;
  size_t from = 0;
  for (const CheckDirective& d : directives_) {
    if (d.kind != CheckKind::Label) {
      regions.back().push_back(&d);
      continue;
    }
    Pattern pattern(d.pattern);
    auto m = pattern.find(input, from, input.size());
    if (!m) return {false, matcher.failure(d, "label not found", from, false)};
    labelStarts.push_back(m->start);
    regions.emplace_back();
    regionBegins.push_back(m->end);
    regionAnchors.push_back(m->end);
    from = m->end;
  }
  for (size_t r = 0; r < regions.size(); ++r) {
    size_t end = r < labelStarts.size() ? labelStarts[r] : input.size();
    if (auto message = matcher.runRegion(regions[r], regionBegins[r], end, regionAnchors[r])) {
      return {false, *message};
    }
  }
  return {};
}

void FileCheck::runOrThrow(std::string_view input) const {
  FileCheckResult result = run(input);
  if (!result.ok) throw FileCheckError(result.message);
}

}  // namespace tscript::ir
