// Python 3 parser: source text -> lang::Module (see ast.h).
//
// Hand-written recursive descent over the token stream of lexer.h, following the grammar of
// Python 3.8–3.11. `async`/`await` constructs and the `match` statement are reported as
// unsupported; everything else parses. Errors are thrown as CompileError with a caret.
#pragma once

#include <string>

#include "lang/ast.h"
#include "lang/diagnostics.h"

namespace tscript::lang {

// Defined limits instead of crashes: past these the parser reports an error rather than
// overflowing the stack or allocating without bound.
struct ParseLimits {
  uint32_t maxNestingDepth = 200;       // nested brackets/expressions/blocks
  uint32_t maxLineLength = 1u << 20;    // bytes in one physical line
  uint32_t maxLiteralLength = 1u << 24; // bytes in one string or number literal
};

// Parses a whole file. Throws CompileError on the first syntax error.
Module parseModule(SourceFilePtr file, const ParseLimits& limits = {});

// Parses a single expression (for string annotations such as 'Optional[int]').
ExprPtr parseExpression(SourceFilePtr file, const ParseLimits& limits = {});

// A `# type: (int, List[str]) -> Tensor` signature comment, parsed.
struct TypeCommentSignature {
  ExprList argumentTypes;  // an entry of `*` types is a Starred
  ExprPtr returnType;      // null when absent
  bool ellipsisArguments = false;  // `(...) -> T`
};

// `text` is the comment after "type:". `file` is a SourceFile made from it (ranges then point
// into the comment text).
TypeCommentSignature parseTypeCommentSignature(SourceFilePtr file);

}  // namespace tscript::lang
