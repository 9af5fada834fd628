#include "lang/lexer.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace tscript::lang {

namespace {

bool isIdentifierStart(unsigned char c) {
  // Bytes >= 0x80 are parts of UTF-8 encoded identifier characters; Python allows most of
  // them in names and we do not need the exact Unicode tables to parse.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool isIdentifierChar(unsigned char c) { return isIdentifierStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Every operator and delimiter of Python 3, longest first so that the first match wins.
constexpr std::array<std::string_view, 47> kOperators = {
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==",
    "!=",  "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", "@=", "+",  "-",  "*",  "/",
    "%",   "@",   "&",   "|",   "^",   "~",  "<",  ">",  "(",  ")",  "[",  "]",  "{",  "}",
    ",",   ":",   ".",   ";",   "=",
};

bool isStringPrefix(std::string_view word) {
  if (word.size() > 2) return false;
  std::string lower;
  for (char c : word) lower += static_cast<char>(c | 0x20);
  return lower == "r" || lower == "u" || lower == "b" || lower == "f" || lower == "br" ||
         lower == "rb" || lower == "fr" || lower == "rf";
}

}  // namespace

bool isKeyword(std::string_view word) {
  static constexpr std::array<std::string_view, 35> kKeywords = {
      "False", "None",   "True",    "and",      "as",     "assert", "async",
      "await", "break",  "class",   "continue", "def",    "del",    "elif",
      "else",  "except", "finally", "for",      "from",   "global", "if",
      "import", "in",    "is",      "lambda",   "nonlocal", "not",  "or",
      "pass",  "raise",  "return",  "try",      "while",  "with",   "yield",
  };
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

Lexer::Lexer(SourceFilePtr file, const ParseLimits& limits, uint32_t begin, uint32_t end,
             bool insideBrackets)
    : file_(std::move(file)),
      limits_(limits),
      text_(file_->text()),
      pos_(begin),
      end_(end),
      bracketDepth_(insideBrackets ? 1 : 0) {}

void Lexer::fail(uint32_t at, const std::string& message, uint32_t length) const {
  throw CompileError(SourceRange(file_, at, std::min<uint32_t>(at + length, text_.size())),
                     message);
}

void Lexer::recordComment(uint32_t hashAt, uint32_t end, bool standalone) {
  uint32_t p = hashAt + 1;
  while (p < end && (text_[p] == ' ' || text_[p] == '\t')) ++p;
  if (text_.compare(p, 5, "type:") != 0) return;
  p += 5;
  while (p < end && (text_[p] == ' ' || text_[p] == '\t')) ++p;
  uint32_t stop = end;
  while (stop > p && (text_[stop - 1] == ' ' || text_[stop - 1] == '\t' || text_[stop - 1] == '\r')) --stop;
  typeComments_.push_back({p, file_->lineOf(p), text_.substr(p, stop - p), standalone});
}

// At the start of a logical line: measure indentation, skip blank and comment-only lines,
// and emit INDENT/DEDENT tokens.
void Lexer::lexLineStart(std::vector<Token>& out) {
  while (pos_ < end_) {
    uint32_t lineBegin = pos_;
    uint32_t column = 0;
    while (pos_ < end_) {
      char c = text_[pos_];
      if (c == ' ') {
        ++column;
      } else if (c == '\t') {
        column = (column / 8 + 1) * 8;  // Python's tab stops
      } else if (c == '\f') {
        column = 0;
      } else {
        break;
      }
      ++pos_;
    }
    uint32_t lineEnd = pos_;
    while (lineEnd < end_ && text_[lineEnd] != '\n') ++lineEnd;
    if (lineEnd - lineBegin > limits_.maxLineLength) {
      fail(lineBegin, "line is too long (" + std::to_string(lineEnd - lineBegin) +
                          " bytes; the limit is " + std::to_string(limits_.maxLineLength) + ")");
    }
    if (pos_ >= end_) return;
    char c = text_[pos_];
    if (c == '#' || c == '\n' || c == '\r') {
      if (c == '#') recordComment(pos_, lineEnd, true);
      pos_ = lineEnd < end_ ? lineEnd + 1 : lineEnd;
      continue;  // blank or comment-only line: no tokens, no indentation change
    }
    if (c == '\\' && pos_ + 1 < end_ && (text_[pos_ + 1] == '\n' || text_[pos_ + 1] == '\r')) {
      break;  // a continuation right at the start of a line: let the main loop join it
    }
    if (column > indentStack_.back()) {
      if (indentStack_.size() > limits_.maxNestingDepth) {
        fail(pos_, "too many levels of indentation (the limit is " +
                       std::to_string(limits_.maxNestingDepth) + ")");
      }
      indentStack_.push_back(column);
      out.push_back({TokenKind::Indent, pos_, pos_});
    } else {
      while (column < indentStack_.back()) {
        indentStack_.pop_back();
        out.push_back({TokenKind::Dedent, pos_, pos_});
      }
      if (column != indentStack_.back()) {
        fail(pos_, "unindent does not match any outer indentation level");
      }
    }
    return;
  }
}

uint32_t Lexer::lexNumber(uint32_t at) const {
  uint32_t p = at;
  auto digitsWithUnderscores = [&](auto isValidDigit) {
    uint32_t begin = p;
    while (p < end_ && (isValidDigit(text_[p]) || text_[p] == '_')) {
      if (text_[p] == '_' && (p + 1 >= end_ || !isValidDigit(text_[p + 1]))) {
        fail(p, "invalid number literal: '_' must separate digits");
      }
      ++p;
    }
    return p > begin;
  };
  if (text_[p] == '0' && p + 1 < end_ && std::strchr("xXoObB", text_[p + 1])) {
    char base = text_[p + 1] | 0x20;
    p += 2;
    if (p < end_ && text_[p] == '_') ++p;
    bool any = digitsWithUnderscores([base](char c) {
      if (base == 'x') return isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
      if (base == 'o') return c >= '0' && c <= '7';
      return c == '0' || c == '1';
    });
    if (!any || (p < end_ && isIdentifierChar(text_[p]))) {
      fail(at, std::string("invalid ") + (base == 'x' ? "hexadecimal" : base == 'o' ? "octal" : "binary") +
                   " literal", p - at + 1);
    }
    return p;
  }
  bool isFloat = false;
  digitsWithUnderscores(isDigit);
  if (p < end_ && text_[p] == '.') {
    isFloat = true;
    ++p;
    if (p < end_ && isDigit(text_[p])) digitsWithUnderscores(isDigit);
  }
  if (p < end_ && (text_[p] | 0x20) == 'e') {
    uint32_t save = p;
    ++p;
    if (p < end_ && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p < end_ && isDigit(text_[p])) {
      digitsWithUnderscores(isDigit);
      isFloat = true;
    } else {
      p = save;
    }
  }
  if (p < end_ && (text_[p] | 0x20) == 'j') {
    ++p;
  } else if (!isFloat) {
    // "0123" is not a Python literal (it would be octal in Python 2).
    std::string_view digits = text_.substr(at, p - at);
    if (digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of("0_") != std::string_view::npos) {
      fail(at, "leading zeros in decimal integer literals are not permitted; use an 0o prefix "
               "for octal integers", p - at);
    }
  }
  return p;
}

uint32_t Lexer::lexString(uint32_t at, uint32_t prefixLength) const {
  uint32_t p = at + prefixLength;
  char quote = text_[p];
  bool triple = p + 2 < end_ && text_[p + 1] == quote && text_[p + 2] == quote;
  p += triple ? 3 : 1;
  while (p < end_) {
    char c = text_[p];
    if (c == '\\') {
      p += 2;
      continue;
    }
    if (c == quote) {
      if (!triple) return p + 1;
      if (p + 2 < end_ && text_[p + 1] == quote && text_[p + 2] == quote) return p + 3;
    } else if (c == '\n' && !triple) {
      break;
    }
    ++p;
  }
  fail(at, triple ? "unterminated triple-quoted string literal"
                  : "unterminated string literal", prefixLength + (triple ? 3 : 1));
}

uint32_t Lexer::lexOperator(uint32_t at) const {
  std::string_view rest = text_.substr(at, std::min<uint32_t>(3, end_ - at));
  for (std::string_view op : kOperators) {
    if (rest.substr(0, op.size()) == op) return at + op.size();
  }
  char c = text_[at];
  if (c == '!') fail(at, "invalid syntax: '!' is not an operator (did you mean '!=' or 'not'?)");
  if (c == '$' || c == '?' || c == '`') {
    fail(at, std::string("invalid character '") + c + "' in source");
  }
  fail(at, "invalid character in source (byte 0x" +
               std::string(1, "0123456789abcdef"[(unsigned char)c >> 4]) +
               std::string(1, "0123456789abcdef"[c & 15]) + ")");
}

std::vector<Token> Lexer::tokenize() {
  std::vector<Token> out;
  bool atLineStart = bracketDepth_ == 0;
  while (true) {
    if (atLineStart) {
      lexLineStart(out);
      atLineStart = false;
    }
    if (pos_ >= end_) break;
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      ++pos_;
      if (bracketDepth_ == 0) {
        if (!out.empty() && out.back().kind != TokenKind::Newline &&
            out.back().kind != TokenKind::Indent && out.back().kind != TokenKind::Dedent) {
          out.push_back({TokenKind::Newline, pos_ - 1, pos_});
        }
        atLineStart = true;
      }
      continue;
    }
    if (c == '#') {
      uint32_t lineEnd = pos_;
      while (lineEnd < end_ && text_[lineEnd] != '\n') ++lineEnd;
      recordComment(pos_, lineEnd, false);
      pos_ = lineEnd;
      continue;
    }
    if (c == '\\') {
      uint32_t next = pos_ + 1;
      if (next < end_ && text_[next] == '\r') ++next;
      if (next < end_ && text_[next] == '\n') {
        pos_ = next + 1;
        continue;
      }
      if (next >= end_) fail(pos_, "unexpected end of file after line continuation character");
      fail(pos_, "unexpected character after line continuation character");
    }
    uint32_t start = pos_;
    if (isIdentifierStart(c)) {
      uint32_t p = pos_;
      while (p < end_ && isIdentifierChar(text_[p])) ++p;
      if (p < end_ && (text_[p] == '\'' || text_[p] == '"') &&
          isStringPrefix(text_.substr(start, p - start))) {
        pos_ = lexString(start, p - start);
        out.push_back({TokenKind::String, start, pos_});
      } else {
        pos_ = p;
        out.push_back({TokenKind::Name, start, pos_});
      }
    } else if (isDigit(c) || (c == '.' && pos_ + 1 < end_ && isDigit(text_[pos_ + 1]))) {
      pos_ = lexNumber(pos_);
      out.push_back({TokenKind::Number, start, pos_});
    } else if (c == '\'' || c == '"') {
      pos_ = lexString(start, 0);
      out.push_back({TokenKind::String, start, pos_});
    } else {
      pos_ = lexOperator(pos_);
      if (c == '(' || c == '[' || c == '{') {
        openBrackets_.push_back(start);
        if (openBrackets_.size() > limits_.maxNestingDepth) {
          fail(start, "too many nested brackets (the limit is " +
                          std::to_string(limits_.maxNestingDepth) + ")");
        }
        ++bracketDepth_;
      } else if (c == ')' || c == ']' || c == '}') {
        if (openBrackets_.empty()) {
          if (bracketDepth_ > 0 && out.empty()) fail(start, std::string("unmatched '") + c + "'");
          fail(start, std::string("unmatched '") + c + "'");
        }
        char open = text_[openBrackets_.back()];
        char expected = open == '(' ? ')' : open == '[' ? ']' : '}';
        if (c != expected) {
          fail(start, std::string("closing parenthesis '") + c +
                          "' does not match opening parenthesis '" + open + "' on line " +
                          std::to_string(file_->lineOf(openBrackets_.back())));
        }
        openBrackets_.pop_back();
        --bracketDepth_;
      }
      out.push_back({TokenKind::Op, start, pos_});
    }
    if (pos_ - start > limits_.maxLiteralLength) {
      fail(start, "literal is too long (" + std::to_string(pos_ - start) +
                      " bytes; the limit is " + std::to_string(limits_.maxLiteralLength) + ")");
    }
  }
  if (!openBrackets_.empty()) {
    fail(openBrackets_.back(),
         std::string("'") + text_[openBrackets_.back()] + "' was never closed");
  }
  bool topLevel = bracketDepth_ == 0;
  if (topLevel) {
    if (!out.empty() && out.back().kind != TokenKind::Newline &&
        out.back().kind != TokenKind::Dedent && out.back().kind != TokenKind::Indent) {
      out.push_back({TokenKind::Newline, end_, end_});
    }
    while (indentStack_.size() > 1) {
      indentStack_.pop_back();
      out.push_back({TokenKind::Dedent, end_, end_});
    }
  }
  out.push_back({TokenKind::End, end_, end_});
  return out;
}

}  // namespace tscript::lang
