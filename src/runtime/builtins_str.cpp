// str operators and methods.
//
// torch.jit 1.13 treats a str as a string of BYTES (its std::string): len('λ') == 2,
// ord('λ') fails ("must be 1 character, found 2"), s[i] and slices cut bytes, the is*()
// and case methods look at ASCII only. We do the same so that programs print what they
// print under torch.jit; Python counts code points instead.
//
// Varargs operators (`format(str self, ...)`) find the number of their inputs, as an int, on
// top of the stack above the inputs (the interpreter pushes it, as 1.13's does).
#include <algorithm>
#include <cctype>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

const std::string& str(const Value& v) { return v.toStringRef(); }

template <typename Cmp>
void compareStrings(Stack& stack) {
  Value b = pop(stack);
  stack.back() = Value(Cmp()(str(stack.back()), str(b)));
}

// Python's [start:end] window for the methods taking `start=0, end=-1`. 1.13 reads end=-1
// as "to the end" (its default), and other negatives from the end.
std::pair<size_t, size_t> window(const std::string& s, int64_t start, int64_t end) {
  int64_t n = static_cast<int64_t>(s.size());
  if (start < 0) start = std::max<int64_t>(start + n, 0);
  if (end == -1) {
    end = n;
  } else if (end < 0) {
    end = std::max<int64_t>(end + n, 0);
  }
  start = std::min(start, n);
  end = std::min(end, n);
  return {static_cast<size_t>(start), static_cast<size_t>(std::max(start, end))};
}

// Pops (self, substr, start, end) and returns the searched window.
struct Search {
  std::string self;
  std::string needle;
  size_t begin;
  size_t end;
};
Search popSearch(Stack& stack) {
  int64_t end = pop(stack).toInt();
  int64_t start = pop(stack).toInt();
  Value needle = pop(stack);
  Value self = pop(stack);
  auto [b, e] = window(str(self), start, end);
  return {str(self), str(needle), b, e};
}

int64_t findIn(const Search& s, bool fromRight) {
  if (s.needle.size() > s.end - s.begin) return -1;
  std::string_view hay(s.self.data() + s.begin, s.end - s.begin);
  size_t at = fromRight ? hay.rfind(s.needle) : hay.find(s.needle);
  return at == std::string_view::npos ? -1 : static_cast<int64_t>(at + s.begin);
}

void getChar(Stack& stack) {
  int64_t index = pop(stack).toInt();
  Value self = pop(stack);
  int64_t position = normalizeIndex(index, str(self).size());
  if (position < 0) throwError("RuntimeError", "string index out of range");
  stack.push_back(Value(std::string(1, str(self)[position])));
}

void sliceString(Stack& stack) {
  int64_t step = pop(stack).toInt();
  Value end = pop(stack);
  Value start = pop(stack);
  Value self = pop(stack);
  const std::string& s = str(self);
  SliceBounds bounds = adjustSlice(static_cast<int64_t>(s.size()), start, end, step);
  std::string result;
  result.reserve(bounds.count);
  for (int64_t i = 0, at = bounds.start; i < bounds.count; ++i, at += bounds.step) result += s[at];
  stack.push_back(Value(std::move(result)));
}

bool isBlank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// strip/lstrip/rstrip(chars)
template <bool Left, bool Right>
void stripChars(Stack& stack) {
  Value chars = pop(stack);
  const std::string& s = str(stack.back());
  const std::string& set = str(chars);
  size_t begin = 0;
  size_t end = s.size();
  if (Left) {
    while (begin < end && set.find(s[begin]) != std::string::npos) ++begin;
  }
  if (Right) {
    while (end > begin && set.find(s[end - 1]) != std::string::npos) --end;
  }
  stack.back() = Value(s.substr(begin, end - begin));
}

// split(separator=None, max=-1): None splits on runs of whitespace, as Python.
void split(Stack& stack) {
  int64_t max = pop(stack).toInt();
  Value separator = pop(stack);
  Value self = pop(stack);
  const std::string& s = str(self);
  std::vector<Value> parts;
  if (separator.isNone()) {
    size_t i = 0;
    while (true) {
      while (i < s.size() && isBlank(s[i])) ++i;
      if (i == s.size()) break;
      if (max >= 0 && static_cast<int64_t>(parts.size()) == max) {
        parts.emplace_back(s.substr(i));  // the rest, trailing blanks included
        break;
      }
      size_t j = i;
      while (j < s.size() && !isBlank(s[j])) ++j;
      parts.emplace_back(s.substr(i, j - i));
      i = j;
    }
  } else {
    const std::string& sep = str(separator);
    if (sep.empty()) throwError("RuntimeError", "ValueError: empty separator");
    size_t start = 0;
    while (max < 0 || static_cast<int64_t>(parts.size()) < max) {
      size_t at = s.find(sep, start);
      if (at == std::string::npos) break;
      parts.emplace_back(s.substr(start, at - start));
      start = at + sep.size();
    }
    parts.emplace_back(s.substr(start));
  }
  stack.push_back(makeList(types::strType(), std::move(parts)));
}

void join(Stack& stack) {
  Value values = pop(stack);
  Value self = pop(stack);
  std::string result;
  bool first = true;
  for (const Value& v : values.toList().elements) {
    if (!first) result += str(self);
    first = false;
    result += str(v);
  }
  stack.push_back(Value(std::move(result)));
}

void replace(Stack& stack) {
  int64_t max = pop(stack).toInt();
  Value replacement = pop(stack);
  Value old = pop(stack);
  Value self = pop(stack);
  const std::string& s = str(self);
  const std::string& from = str(old);
  const std::string& to = str(replacement);
  std::string result;
  size_t start = 0;
  int64_t done = 0;
  if (from.empty()) {
    // Python inserts `to` between every character (and at both ends).
    for (size_t i = 0; i <= s.size(); ++i) {
      if (max < 0 || done < max) {
        result += to;
        ++done;
      }
      if (i < s.size()) result += s[i];
    }
    stack.push_back(Value(std::move(result)));
    return;
  }
  while (max < 0 || done < max) {
    size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    result.append(s, start, at - start);
    result += to;
    start = at + from.size();
    ++done;
  }
  result.append(s, start, std::string::npos);
  stack.push_back(Value(std::move(result)));
}

template <int (*Transform)(int)>
void mapChars(Stack& stack) {
  std::string s = str(stack.back());
  for (char& c : s) c = static_cast<char>(Transform(static_cast<unsigned char>(c)));
  stack.back() = Value(std::move(s));
}

// isdigit() and friends: true when non-empty and every byte qualifies.
template <int (*Predicate)(int)>
void allChars(Stack& stack) {
  const std::string& s = str(stack.back());
  bool result = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return Predicate(static_cast<unsigned char>(c)) != 0;
  });
  stack.back() = Value(result);
}

// islower()/isupper(): at least one cased character, and none of the other case.
template <bool Lower>
void caseCheck(Stack& stack) {
  const std::string& s = str(stack.back());
  bool cased = false;
  bool ok = true;
  for (unsigned char c : s) {
    if (std::islower(c)) {
      cased |= Lower;
      ok &= Lower;
    } else if (std::isupper(c)) {
      cased |= !Lower;
      ok &= !Lower;
    }
  }
  stack.back() = Value(cased && ok);
}

std::string integerText(int64_t value, int base, const char* prefix) {
  // Python spells negatives as -0x..., so format the magnitude (as unsigned: -2**63 works).
  uint64_t magnitude = value < 0 ? uint64_t(0) - uint64_t(value) : uint64_t(value);
  std::string digits;
  do {
    digits += "0123456789abcdef"[magnitude % base];
    magnitude /= base;
  } while (magnitude);
  std::reverse(digits.begin(), digits.end());
  return (value < 0 ? "-" : "") + std::string(prefix) + digits;
}

// "{}" placeholders filled in order with scriptStr of the arguments (what 1.13 supports).
void format(Stack& stack) {
  size_t inputCount = static_cast<size_t>(pop(stack).toInt());
  std::vector<Value> inputs = popN(stack, inputCount);
  const std::string& pattern = str(inputs.at(0));
  std::string result;
  size_t next = 1;
  size_t at = 0;
  while (true) {
    size_t open = pattern.find("{}", at);
    if (open == std::string::npos) break;
    result.append(pattern, at, open - at);
    if (next >= inputs.size()) {
      throwError("RuntimeError", "Too few arguments for format string: " + pattern);
    }
    result += scriptStr(inputs[next++]);
    at = open + 2;
  }
  result.append(pattern, at, std::string::npos);
  stack.push_back(Value(std::move(result)));
}

// title(): a letter is upper-cased after a non-letter and lower-cased after a letter (ASCII
// letters only, so the bytes of 'É' separate words: 1.13 gives 'ÉCole').
void title(Stack& stack) {
  std::string s = str(stack.back());
  bool afterLetter = false;
  for (char& c : s) {
    auto byte = static_cast<unsigned char>(c);
    c = static_cast<char>(afterLetter ? std::tolower(byte) : std::toupper(byte));
    afterLetter = std::isalpha(byte) != 0;
  }
  stack.back() = Value(std::move(s));
}

// istitle(): some cased letter, upper-case letters only after uncased bytes and lower-case
// letters only after cased ones.
void isTitle(Stack& stack) {
  const std::string& s = str(stack.back());
  bool sawCased = false;
  bool afterCased = false;
  bool ok = true;
  for (unsigned char c : s) {
    if (std::isupper(c)) {
      ok &= !afterCased;
      sawCased = afterCased = true;
    } else if (std::islower(c)) {
      ok &= afterCased;
      sawCased = afterCased = true;
    } else {
      afterCased = false;
    }
  }
  stack.back() = Value(ok && sawCased);
}

void capitalize(Stack& stack) {
  std::string s = str(stack.back());
  for (size_t i = 0; i < s.size(); ++i) {
    auto byte = static_cast<unsigned char>(s[i]);
    s[i] = static_cast<char>(i == 0 ? std::toupper(byte) : std::tolower(byte));
  }
  stack.back() = Value(std::move(s));
}

// isidentifier(): 1.13 keeps Python 2's rule for ASCII identifiers without underscores (it
// warns so): a letter, then letters and digits. "snake_case" and "_x" are False there.
void isIdentifier(Stack& stack) {
  const std::string& s = str(stack.back());
  bool result = !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
                std::all_of(s.begin() + 1, s.end(),
                            [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  stack.back() = Value(result);
}

// isprintable(): every byte is printable ASCII (so any non-ASCII text is not); "" is True.
void isPrintable(Stack& stack) {
  const std::string& s = str(stack.back());
  stack.back() = Value(std::all_of(s.begin(), s.end(), [](char c) {
    return std::isprint(static_cast<unsigned char>(c)) != 0;
  }));
}

// center/ljust/rjust(width, fillchar): widths and the one-character fill count bytes.
enum class Align { Left, Center, Right };
template <Align How>
void pad(Stack& stack) {
  Value fill = pop(stack);
  int64_t width = pop(stack).toInt();
  const std::string& s = str(stack.back());
  if (str(fill).size() != 1) {
    throwError("RuntimeError", "TypeError: The fill character must be exactly one character long");
  }
  int64_t length = static_cast<int64_t>(s.size());
  if (width <= length) return;
  int64_t padding = width - length;
  int64_t left = 0;
  if (How == Align::Right) left = padding;
  // Python's rule: an odd padding puts the extra fill on the left iff the width is odd.
  if (How == Align::Center) left = padding / 2 + (padding & width & 1);
  char c = str(fill)[0];
  stack.back() = Value(std::string(left, c) + s + std::string(padding - left, c));
}

// partition/rpartition(separator): (before, separator, after) around the first (last)
// occurrence, or the whole string with two empty ones. An empty separator is found at
// the start (the end), as in 1.13, where Python raises ValueError.
template <bool FromRight>
void partition(Stack& stack) {
  Value separator = pop(stack);
  Value self = pop(stack);
  const std::string& s = str(self);
  const std::string& sep = str(separator);
  size_t at = FromRight ? s.rfind(sep) : s.find(sep);
  if (at == std::string::npos) {
    stack.push_back(Value(FromRight ? std::string() : s));
    stack.push_back(Value(std::string()));
    stack.push_back(Value(FromRight ? s : std::string()));
    return;
  }
  stack.push_back(Value(s.substr(0, at)));
  stack.push_back(Value(sep));
  stack.push_back(Value(s.substr(at + sep.size())));
}

// rsplit(separator=" ", max=-1): split at the last `max` occurrences. Unlike split(), the
// default is one space, not runs of whitespace ("  x ".rsplit() is ['', '', 'x', ''] in 1.13).
void rsplit(Stack& stack) {
  int64_t max = pop(stack).toInt();
  Value separator = pop(stack);
  Value self = pop(stack);
  const std::string& s = str(self);
  const std::string& sep = str(separator);
  // 1.13 loops forever on an empty separator; Python's error is the useful answer.
  if (sep.empty()) throwError("RuntimeError", "ValueError: empty separator");
  std::vector<Value> parts;
  size_t end = s.size();
  while (max < 0 || static_cast<int64_t>(parts.size()) < max) {
    if (end < sep.size()) break;
    size_t at = s.rfind(sep, end - sep.size());
    if (at == std::string::npos) break;
    parts.emplace_back(s.substr(at + sep.size(), end - at - sep.size()));
    end = at;
  }
  parts.emplace_back(s.substr(0, end));
  std::reverse(parts.begin(), parts.end());
  stack.push_back(makeList(types::strType(), std::move(parts)));
}

// splitlines(keepends=False). 1.13 breaks lines at single BYTES of its delimiter set, which
// holds "\n\r\v\f\x1c\x1d\x1e", the byte 0x85, and the UTF-8 bytes of U+2028/U+2029
// (0xe2 0x80 0xa8 0xa9). So "\r\n" is two breaks (an empty line between), and keepends
// gives each break as an element of its own after its line. No element follows a final break.
void splitLines(Stack& stack) {
  bool keepEnds = pop(stack).toBool();
  Value self = pop(stack);
  const std::string& s = str(self);
  static const std::string kBreaks = "\n\r\v\f\x1c\x1d\x1e\x85\xe2\x80\xa8\xa9";
  std::vector<Value> lines;
  size_t start = 0;
  for (size_t at = s.find_first_of(kBreaks); at != std::string::npos;
       at = s.find_first_of(kBreaks, start)) {
    lines.emplace_back(s.substr(start, at - start));
    if (keepEnds) lines.emplace_back(s.substr(at, 1));
    start = at + 1;
  }
  if (start < s.size()) lines.emplace_back(s.substr(start));
  stack.push_back(makeList(types::strType(), std::move(lines)));
}

// expandtabs(tabsize=8): a tab becomes spaces up to the next multiple of tabsize. The column
// counts every byte since the start (1.13 does not restart it after '\n' or '\r'); a
// tabsize <= 0 removes tabs.
void expandTabs(Stack& stack) {
  int64_t tabSize = pop(stack).toInt();
  const std::string& s = str(stack.back());
  std::string result;
  for (char c : s) {
    if (c != '\t') {
      result += c;
    } else if (tabSize > 0) {
      result.append(tabSize - static_cast<int64_t>(result.size()) % tabSize, ' ');
    }
  }
  stack.back() = Value(std::move(result));
}

int lowerChar(int c) { return std::tolower(c); }
int upperChar(int c) { return std::toupper(c); }
int swapChar(int c) { return std::islower(c) ? std::toupper(c) : std::tolower(c); }
int isDigit(int c) { return std::isdigit(c); }
int isAlpha(int c) { return std::isalpha(c); }
int isAlnum(int c) { return std::isalnum(c); }
int isSpace(int c) { return std::isspace(c); }

const std::vector<BuiltinOperator> kOperators = {
    {"aten::str(t elem) -> str", [](Stack& s) { s.back() = Value(scriptStr(s.back())); }},
    {"aten::add.str(str a, str b) -> str",
     [](Stack& s) {
       Value b = pop(s);
       s.back() = Value(str(s.back()) + str(b));
     }},
    {"aten::len.str(str s) -> int", [](Stack& s) { s.back() = Value(str(s.back()).size()); }},
    {"aten::__getitem__.str(str s, int index) -> str", getChar},
    {"prim::StringIndex(str string, int index) -> str", getChar},
    {"aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str",
     sliceString},
    {"aten::eq.str(str a, str b) -> bool", compareStrings<std::equal_to<std::string>>},
    {"aten::ne.str(str a, str b) -> bool", compareStrings<std::not_equal_to<std::string>>},
    {"aten::lt.str(str a, str b) -> bool", compareStrings<std::less<std::string>>},
    {"aten::le.str(str a, str b) -> bool", compareStrings<std::less_equal<std::string>>},
    {"aten::gt.str(str a, str b) -> bool", compareStrings<std::greater<std::string>>},
    {"aten::ge.str(str a, str b) -> bool", compareStrings<std::greater_equal<std::string>>},
    {"aten::list(str t) -> str[]",
     [](Stack& s) {
       std::vector<Value> chars;
       for (char c : str(s.back())) chars.emplace_back(std::string(1, c));
       s.back() = makeList(types::strType(), std::move(chars));
     }},
    {"aten::join(str self, str[] values) -> str", join},
    {"aten::split.str(str self, str? separator=None, int max=-1) -> str[]", split},
    {"aten::replace(str self, str old, str new, int max=-1) -> str", replace},
    {"aten::strip(str self, str chars=\" \\n\\t\\f\\v\") -> str", stripChars<true, true>},
    {"aten::lstrip(str self, str chars=\" \\n\\t\\f\\v\") -> str", stripChars<true, false>},
    {"aten::rstrip(str self, str chars=\" \\n\\t\\f\\v\") -> str", stripChars<false, true>},
    {"aten::lower(str self) -> str", mapChars<lowerChar>},
    {"aten::upper(str self) -> str", mapChars<upperChar>},
    {"aten::swapcase(str self) -> str", mapChars<swapChar>},
    {"aten::isdigit(str self) -> bool", allChars<isDigit>},
    {"aten::isalpha(str self) -> bool", allChars<isAlpha>},
    {"aten::isalnum(str self) -> bool", allChars<isAlnum>},
    {"aten::isspace(str self) -> bool", allChars<isSpace>},
    {"aten::islower(str self) -> bool", caseCheck<true>},
    {"aten::isupper(str self) -> bool", caseCheck<false>},
    {"aten::isdecimal(str self) -> bool", allChars<isDigit>},
    {"aten::isnumeric(str self) -> bool", allChars<isDigit>},
    {"aten::isprintable(str self) -> bool", isPrintable},
    {"aten::isidentifier(str self) -> bool", isIdentifier},
    {"aten::istitle(str self) -> bool", isTitle},
    {"aten::title(str self) -> str", title},
    {"aten::capitalize(str self) -> str", capitalize},
    {"aten::center(str self, int width, str fillchar=\" \") -> str", pad<Align::Center>},
    {"aten::ljust(str self, int width, str fillchar=\" \") -> str", pad<Align::Left>},
    {"aten::rjust(str self, int width, str fillchar=\" \") -> str", pad<Align::Right>},
    {"aten::partition(str self, str separator) -> (str, str, str)", partition<false>},
    {"aten::rpartition(str self, str separator) -> (str, str, str)", partition<true>},
    {"aten::rsplit(str self, str separator=\" \", int max=-1) -> str[]", rsplit},
    {"aten::splitlines(str self, bool keepends=False) -> str[]", splitLines},
    {"aten::expandtabs(str self, int tabsize=8) -> str", expandTabs},
    {"aten::startswith(str self, str substr, int start=0, int end=-1) -> bool",
     [](Stack& s) {
       Search q = popSearch(s);
       std::string_view w(q.self.data() + q.begin, q.end - q.begin);
       s.push_back(Value(w.substr(0, q.needle.size()) == q.needle));
     }},
    {"aten::endswith(str self, str substr, int start=0, int end=-1) -> bool",
     [](Stack& s) {
       Search q = popSearch(s);
       std::string_view w(q.self.data() + q.begin, q.end - q.begin);
       s.push_back(Value(w.size() >= q.needle.size() &&
                         w.substr(w.size() - q.needle.size()) == q.needle));
     }},
    {"aten::find(str self, str substr, int start=0, int end=-1) -> int",
     [](Stack& s) { s.push_back(Value(findIn(popSearch(s), false))); }},
    {"aten::rfind(str self, str substr, int start=0, int end=-1) -> int",
     [](Stack& s) { s.push_back(Value(findIn(popSearch(s), true))); }},
    {"aten::index.str(str self, str substr, int start=0, int end=-1) -> int",
     [](Stack& s) {
       int64_t at = findIn(popSearch(s), false);
       if (at < 0) throwError("RuntimeError", "ValueError: substring not found");
       s.push_back(Value(at));
     }},
    {"aten::rindex(str self, str substr, int start=0, int end=-1) -> int",
     [](Stack& s) {
       int64_t at = findIn(popSearch(s), true);
       if (at < 0) throwError("RuntimeError", "ValueError: substring not found");
       s.push_back(Value(at));
     }},
    {"aten::count(str self, str substr, int start=0, int end=-1) -> int",
     [](Stack& s) {
       Search q = popSearch(s);
       std::string_view w(q.self.data() + q.begin, q.end - q.begin);
       int64_t count = 0;
       if (q.needle.empty()) {
         count = static_cast<int64_t>(w.size()) + 1;
       } else {
         for (size_t at = w.find(q.needle); at != std::string_view::npos;
              at = w.find(q.needle, at + q.needle.size())) {
           ++count;
         }
       }
       s.push_back(Value(count));
     }},
    {"aten::zfill(str self, int width) -> str",
     [](Stack& s) {
       int64_t width = pop(s).toInt();
       std::string text = str(s.back());
       if (static_cast<int64_t>(text.size()) < width) {
         size_t sign = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
         text.insert(sign, std::string(width - text.size(), '0'));
       }
       s.back() = Value(std::move(text));
     }},
    {"aten::format(str self, ...) -> str", format},
    {"aten::ord(str string) -> int",
     [](Stack& s) {
       const std::string& text = str(s.back());
       if (text.size() != 1) {
         throwError("RuntimeError", "String for ord() must be 1 character, found " +
                                        std::to_string(text.size()));
       }
       s.back() = Value(int64_t(static_cast<unsigned char>(text[0])));
     }},
    {"aten::chr(int i) -> str",
     [](Stack& s) {
       int64_t code = s.back().toInt();
       if (code < 0 || code >= 0x110000) {
         throwError("RuntimeError",
                    "chr() arg not in range(0x110000), found " + std::to_string(code));
       }
       // 1.13 makes a one-byte string (so chr(955) is not 'λ'); we do the same.
       s.back() = Value(std::string(1, static_cast<char>(code)));
     }},
    {"aten::hex(int i) -> str",
     [](Stack& s) { s.back() = Value(integerText(s.back().toInt(), 16, "0x")); }},
    {"aten::oct(int i) -> str",
     [](Stack& s) { s.back() = Value(integerText(s.back().toInt(), 8, "0o")); }},
    {"aten::bin(int i) -> str",
     [](Stack& s) { s.back() = Value(integerText(s.back().toInt(), 2, "0b")); }},
};

}  // namespace

const std::vector<BuiltinOperator>& stringOperators() { return kOperators; }

}  // namespace tscript::runtime
