// Python 3 tokenizer.
//
// Produces the token stream the parser consumes: names, numbers, strings (raw text, decoded
// later by literals.cpp), operators, NEWLINE/INDENT/DEDENT and END. Newlines inside brackets
// and after a backslash are joined as Python does. Comments are dropped, except `# type:`
// comments, which are kept on the side (typeComments()) for the parser to attach to the def,
// argument or assignment they annotate.
#pragma once

#include <string_view>
#include <vector>

#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "lang/source.h"

namespace tscript::lang {

enum class TokenKind : uint8_t { Name, Number, String, Op, Newline, Indent, Dedent, End };

struct Token {
  TokenKind kind;
  uint32_t start;  // byte offsets into the file
  uint32_t end;
};

// A `# type: ...` comment. `standalone` is true when it is alone on its line.
struct TypeComment {
  uint32_t offset;       // of the text after "type:"
  uint32_t line;         // line it is on
  std::string_view text; // trimmed text after "type:"
  bool standalone;
};

class Lexer {
 public:
  // Tokenizes [begin, end) of `file`. With `insideBrackets`, the text is treated as if it
  // were inside parentheses (no NEWLINE/INDENT tokens): used for f-string replacement fields
  // and string annotations.
  Lexer(SourceFilePtr file, const ParseLimits& limits, uint32_t begin, uint32_t end,
        bool insideBrackets);

  // Tokenizes everything at once; throws CompileError on a lexical error.
  std::vector<Token> tokenize();
  const std::vector<TypeComment>& typeComments() const { return typeComments_; }

 private:
  [[noreturn]] void fail(uint32_t at, const std::string& message, uint32_t length = 1) const;
  void lexLineStart(std::vector<Token>& out);
  uint32_t lexNumber(uint32_t at) const;
  uint32_t lexString(uint32_t at, uint32_t prefixLength) const;
  uint32_t lexOperator(uint32_t at) const;
  void recordComment(uint32_t hashAt, uint32_t end, bool standalone);

  SourceFilePtr file_;
  const ParseLimits& limits_;
  std::string_view text_;
  uint32_t pos_;
  uint32_t end_;
  int bracketDepth_;
  std::vector<uint32_t> indentStack_{0};
  std::vector<uint32_t> openBrackets_;  // offsets of unclosed brackets, for error messages
  std::vector<TypeComment> typeComments_;
};

bool isKeyword(std::string_view word);

}  // namespace tscript::lang
