// Recursive-descent parser for Python 3 (3.8–3.11 grammar), producing lang::Module.
//
// The structure follows the grammar's precedence levels one function each, from
// parseStatement down to parseAtom. Every node gets the range from its first to its last
// token, with Python's conventions (a parenthesised tuple includes its parentheses; a call
// starts at its callee), so that positions agree with CPython's `ast`.
#include "lang/parser.h"

#include <unordered_map>

#include "lang/lexer.h"
#include "lang/literals.h"

namespace tscript::lang {

namespace {

class Parser {
 public:
  Parser(SourceFilePtr file, const ParseLimits& limits, uint32_t begin, uint32_t end,
         bool insideBrackets)
      : file_(file), limits_(limits), text_(file->text()) {
    Lexer lexer(file, limits, begin, end, insideBrackets);
    tokens_ = lexer.tokenize();
    for (const TypeComment& comment : lexer.typeComments()) {
      typeCommentsByLine_.emplace(comment.line, comment);
    }
  }

  Module parseFile() {
    Module module;
    module.file = file_;
    while (!atEnd()) {
      if (peek().kind == TokenKind::Newline) {
        ++pos_;
        continue;
      }
      if (peek().kind == TokenKind::Indent) fail(peek(), "unexpected indent");
      parseStatementInto(module.body);
    }
    return module;
  }

  ExprPtr parseStandaloneExpression() {
    ExprPtr expr = parseStarExpressions();
    if (!atEnd()) fail(peek(), "unexpected " + describe(peek()) + " after the expression");
    return expr;
  }

  TypeCommentSignature parseSignatureComment() {
    TypeCommentSignature signature;
    expectOp("(", "at the start of a type comment signature");
    if (isOp("...")) {
      ++pos_;
      signature.ellipsisArguments = true;
    } else {
      while (!isOp(")")) {
        if (isOp("*") || isOp("**")) {
          Token star = next();
          auto starred = std::make_unique<StarredExpr>(rangeOf(star));
          starred->value = parseExpression();
          starred->range = starred->range.merge(starred->value->range);
          signature.argumentTypes.push_back(std::move(starred));
        } else {
          signature.argumentTypes.push_back(parseExpression());
        }
        if (!acceptOp(",")) break;
      }
    }
    expectOp(")", "to close the argument types");
    if (acceptOp("->")) signature.returnType = parseExpression();
    if (!atEnd()) fail(peek(), "unexpected " + describe(peek()) + " in type comment");
    return signature;
  }

 private:
  // ---- tokens ----------------------------------------------------------------------------
  const Token& peek(size_t ahead = 0) const {
    size_t index = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool atEnd() const { return peek().kind == TokenKind::End; }
  std::string_view textOf(const Token& token) const {
    return text_.substr(token.start, token.end - token.start);
  }
  SourceRange rangeOf(const Token& token) const { return SourceRange(file_, token.start, token.end); }
  SourceRange rangeFrom(const Token& first) const {
    const Token& last = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    return SourceRange(file_, first.start, std::max(last.end, first.end));
  }
  SourceRange rangeFrom(uint32_t start) const {
    const Token& last = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    return SourceRange(file_, start, std::max(last.end, start));
  }
  bool isOp(std::string_view op, size_t ahead = 0) const {
    const Token& token = peek(ahead);
    return token.kind == TokenKind::Op && textOf(token) == op;
  }
  bool isKeyword(std::string_view word, size_t ahead = 0) const {
    const Token& token = peek(ahead);
    return token.kind == TokenKind::Name && textOf(token) == word;
  }
  bool isName(size_t ahead = 0) const {
    const Token& token = peek(ahead);
    return token.kind == TokenKind::Name && !lang::isKeyword(textOf(token));
  }
  bool acceptOp(std::string_view op) {
    if (!isOp(op)) return false;
    ++pos_;
    return true;
  }
  bool acceptKeyword(std::string_view word) {
    if (!isKeyword(word)) return false;
    ++pos_;
    return true;
  }
  Token expectOp(std::string_view op, std::string_view context) {
    if (!isOp(op)) {
      fail(peek(), "expected '" + std::string(op) + "' " + std::string(context) + ", found " +
                       describe(peek()));
    }
    return next();
  }
  Token expectKeyword(std::string_view word, std::string_view context) {
    if (!isKeyword(word)) {
      fail(peek(), "expected '" + std::string(word) + "' " + std::string(context) +
                       ", found " + describe(peek()));
    }
    return next();
  }
  std::string expectName(std::string_view context) {
    if (!isName()) {
      fail(peek(), "expected a name " + std::string(context) + ", found " + describe(peek()));
    }
    return std::string(textOf(next()));
  }
  std::string describe(const Token& token) const {
    switch (token.kind) {
      case TokenKind::Newline: return "end of line";
      case TokenKind::Indent: return "an indented block";
      case TokenKind::Dedent: return "the end of the block";
      case TokenKind::End: return "end of input";
      case TokenKind::String: return "a string";
      case TokenKind::Number: return "a number";
      default: return "'" + std::string(textOf(token)) + "'";
    }
  }
  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw CompileError(rangeOf(at), message);
  }
  [[noreturn]] void fail(const SourceRange& at, const std::string& message) const {
    throw CompileError(at, message);
  }

  // Guards recursion so that deeply nested input gives an error, not a stack overflow.
  struct DepthGuard {
    Parser& parser;
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > parser.limits_.maxNestingDepth) {
        parser.fail(parser.peek(), "expression or block nested too deeply (the limit is " +
                                       std::to_string(parser.limits_.maxNestingDepth) +
                                       " levels)");
      }
    }
    ~DepthGuard() { --parser.depth_; }
  };

  // ---- statements ------------------------------------------------------------------------
  void parseStatementInto(StmtList& out) {
    DepthGuard guard(*this);
    const Token& first = peek();
    if (first.kind == TokenKind::Name) {
      std::string_view word = textOf(first);
      if (word == "if") return out.push_back(parseIf());
      if (word == "while") return out.push_back(parseWhile());
      if (word == "for") return out.push_back(parseFor());
      if (word == "try") return out.push_back(parseTry());
      if (word == "with") return out.push_back(parseWith());
      if (word == "def") return out.push_back(parseFunctionDef({}, first));
      if (word == "class") return out.push_back(parseClassDef({}, first));
      if (word == "async") {
        fail(first, "'async' functions, loops and 'with' blocks are not supported "
                    "(TorchScript has no coroutines)");
      }
      if ((word == "match" || word == "case") && looksLikeMatchStatement()) {
        fail(first, "the 'match' statement is not supported; use 'if'/'elif' chains instead");
      }
    } else if (first.kind == TokenKind::Op && textOf(first) == "@") {
      return out.push_back(parseDecorated());
    } else if (first.kind == TokenKind::Indent) {
      fail(first, "unexpected indent");
    }
    parseSimpleStatements(out);
  }

  // `match x:` at statement level: a soft keyword followed by a subject and a colon that
  // ends the line, which no expression statement can do.
  bool looksLikeMatchStatement() const {
    if (peek(1).kind == TokenKind::Newline || peek(1).kind == TokenKind::End) return false;
    if (peek(1).kind == TokenKind::Op) {
      std::string_view op = textOf(peek(1));
      if (op != "(" && op != "[" && op != "{" && op != "-" && op != "*") return false;
    }
    int depth = 0;
    for (size_t k = 1; k < tokens_.size() - pos_; ++k) {
      const Token& token = peek(k);
      if (token.kind == TokenKind::Newline || token.kind == TokenKind::End) return false;
      if (token.kind != TokenKind::Op) continue;
      std::string_view op = textOf(token);
      if (op == "(" || op == "[" || op == "{") ++depth;
      if (op == ")" || op == "]" || op == "}") --depth;
      if (op == ":" && depth == 0) return peek(k + 1).kind == TokenKind::Newline;
      if (op == "=" && depth == 0) return false;
    }
    return false;
  }

  void parseSimpleStatements(StmtList& out) {
    while (true) {
      out.push_back(parseSimpleStatement());
      if (!acceptOp(";")) break;
      if (peek().kind == TokenKind::Newline || atEnd()) break;
    }
    if (peek().kind == TokenKind::Newline) {
      ++pos_;
    } else if (!atEnd()) {
      fail(peek(), "invalid syntax: unexpected " + describe(peek()) +
                       " (statements on one line must be separated by ';')");
    }
  }

  StmtPtr parseSimpleStatement() {
    const Token first = peek();
    if (first.kind == TokenKind::Name) {
      std::string_view word = textOf(first);
      if (word == "pass") { ++pos_; return std::make_unique<PassStmt>(rangeOf(first)); }
      if (word == "break") { ++pos_; return std::make_unique<BreakStmt>(rangeOf(first)); }
      if (word == "continue") { ++pos_; return std::make_unique<ContinueStmt>(rangeOf(first)); }
      if (word == "return") return parseReturn();
      if (word == "raise") return parseRaise();
      if (word == "assert") return parseAssert();
      if (word == "del") return parseDel();
      if (word == "global" || word == "nonlocal") return parseGlobal(word == "global");
      if (word == "import") return parseImport();
      if (word == "from") return parseImportFrom();
      if (word == "else" || word == "elif" || word == "except" || word == "finally") {
        fail(first, "'" + std::string(word) + "' without a matching statement before it");
      }
    }
    return parseExpressionStatement();
  }

  std::optional<std::string> trailingTypeComment() const {
    const Token& last = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    auto it = typeCommentsByLine_.find(file_->lineOf(last.end > 0 ? last.end - 1 : 0));
    if (it == typeCommentsByLine_.end() || it->second.standalone) return std::nullopt;
    if (it->second.text.substr(0, 6) == "ignore") return std::nullopt;
    return std::string(it->second.text);
  }

  StmtPtr parseExpressionStatement() {
    const Token first = peek();
    bool parenthesized = isOp("(");
    ExprPtr expr = isKeyword("yield") ? parseYield() : parseStarExpressions();
    if (isOp(":")) {  // annotated assignment
      ++pos_;
      auto stmt = std::make_unique<AnnAssignStmt>(SourceRange());
      if (!expr->as<NameExpr>() && !expr->as<AttributeExpr>() && !expr->as<SubscriptExpr>()) {
        fail(expr->range, std::string("only a single name, attribute or subscript can be annotated, not ") +
                              describeExpr(*expr));
      }
      stmt->simple = expr->as<NameExpr>() != nullptr && !parenthesized;
      setContext(*expr, ExprContext::Store);
      stmt->target = std::move(expr);
      stmt->annotation = parseExpression();
      if (acceptOp("=")) {
        stmt->value = isKeyword("yield") ? parseYield() : parseStarExpressions();
      }
      stmt->range = rangeFrom(first);
      return stmt;
    }
    if (isOp("=")) {
      auto stmt = std::make_unique<AssignStmt>(SourceRange());
      while (acceptOp("=")) {
        setContext(*expr, ExprContext::Store);
        stmt->targets.push_back(std::move(expr));
        expr = isKeyword("yield") ? parseYield() : parseStarExpressions();
      }
      stmt->value = std::move(expr);
      stmt->range = rangeFrom(first);
      stmt->typeComment = trailingTypeComment();
      return stmt;
    }
    if (std::optional<BinOpKind> op = augmentedOperator()) {
      ++pos_;
      if (!expr->as<NameExpr>() && !expr->as<AttributeExpr>() && !expr->as<SubscriptExpr>()) {
        fail(expr->range, std::string("'") + describeExpr(*expr) +
                              "' is an illegal expression for augmented assignment");
      }
      setContext(*expr, ExprContext::Store);
      auto stmt = std::make_unique<AugAssignStmt>(SourceRange());
      stmt->target = std::move(expr);
      stmt->op = *op;
      stmt->value = isKeyword("yield") ? parseYield() : parseStarExpressions();
      stmt->range = rangeFrom(first);
      return stmt;
    }
    auto stmt = std::make_unique<ExprStmt>(expr->range);
    stmt->value = std::move(expr);
    return stmt;
  }

  std::optional<BinOpKind> augmentedOperator() const {
    if (peek().kind != TokenKind::Op) return std::nullopt;
    static const std::unordered_map<std::string_view, BinOpKind> kAugmented = {
        {"+=", BinOpKind::Add},      {"-=", BinOpKind::Sub},     {"*=", BinOpKind::Mult},
        {"@=", BinOpKind::MatMult},  {"/=", BinOpKind::Div},     {"%=", BinOpKind::Mod},
        {"**=", BinOpKind::Pow},     {"<<=", BinOpKind::LShift}, {">>=", BinOpKind::RShift},
        {"|=", BinOpKind::BitOr},    {"^=", BinOpKind::BitXor},  {"&=", BinOpKind::BitAnd},
        {"//=", BinOpKind::FloorDiv},
    };
    auto it = kAugmented.find(textOf(peek()));
    if (it == kAugmented.end()) return std::nullopt;
    return it->second;
  }

  StmtPtr parseReturn() {
    Token first = next();
    auto stmt = std::make_unique<ReturnStmt>(SourceRange());
    if (!endsSimpleStatement()) stmt->value = parseStarExpressions();
    stmt->range = rangeFrom(first);
    return stmt;
  }

  bool endsSimpleStatement() const {
    return peek().kind == TokenKind::Newline || atEnd() || isOp(";");
  }

  StmtPtr parseRaise() {
    Token first = next();
    auto stmt = std::make_unique<RaiseStmt>(SourceRange());
    if (!endsSimpleStatement()) {
      stmt->exc = parseExpression();
      if (acceptKeyword("from")) stmt->cause = parseExpression();
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseAssert() {
    Token first = next();
    auto stmt = std::make_unique<AssertStmt>(SourceRange());
    stmt->test = parseExpression();
    if (acceptOp(",")) stmt->msg = parseExpression();
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseDel() {
    Token first = next();
    auto stmt = std::make_unique<DeleteStmt>(SourceRange());
    do {
      if (endsSimpleStatement()) break;
      ExprPtr target = parseTargetElement();
      setContext(*target, ExprContext::Del);
      stmt->targets.push_back(std::move(target));
    } while (acceptOp(","));
    if (stmt->targets.empty()) fail(peek(), "'del' needs something to delete");
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseGlobal(bool global) {
    Token first = next();
    std::vector<std::string> names;
    do {
      names.push_back(expectName(global ? "after 'global'" : "after 'nonlocal'"));
    } while (acceptOp(","));
    if (global) {
      auto stmt = std::make_unique<GlobalStmt>(rangeFrom(first));
      stmt->names = std::move(names);
      return stmt;
    }
    auto stmt = std::make_unique<NonlocalStmt>(rangeFrom(first));
    stmt->names = std::move(names);
    return stmt;
  }

  std::string parseDottedName() {
    std::string name = expectName("in the module path");
    while (acceptOp(".")) name += "." + expectName("after '.' in the module path");
    return name;
  }

  StmtPtr parseImport() {
    Token first = next();
    auto stmt = std::make_unique<ImportStmt>(SourceRange());
    do {
      Token aliasStart = peek();
      Alias alias;
      alias.name = parseDottedName();
      if (acceptKeyword("as")) alias.asname = expectName("after 'as'");
      alias.range = rangeFrom(aliasStart);
      stmt->names.push_back(std::move(alias));
    } while (acceptOp(","));
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseImportFrom() {
    Token first = next();
    auto stmt = std::make_unique<ImportFromStmt>(SourceRange());
    while (isOp(".") || isOp("...")) stmt->level += textOf(next()).size();
    if (!isKeyword("import")) stmt->module = parseDottedName();
    expectKeyword("import", "in 'from ... import'");
    if (isOp("*")) {
      Token star = next();
      stmt->names.push_back({rangeOf(star), "*", std::nullopt});
    } else {
      bool parenthesized = acceptOp("(");
      do {
        if (parenthesized && isOp(")")) break;
        Token aliasStart = peek();
        Alias alias;
        alias.name = expectName("to import");
        if (acceptKeyword("as")) alias.asname = expectName("after 'as'");
        alias.range = rangeFrom(aliasStart);
        stmt->names.push_back(std::move(alias));
      } while (acceptOp(","));
      if (parenthesized) expectOp(")", "to close the import list");
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  // A suite: either statements on the same line after ':' or an indented block.
  StmtList parseBlock(std::string_view owner) {
    StmtList body;
    if (peek().kind != TokenKind::Newline) {
      parseSimpleStatements(body);
      return body;
    }
    ++pos_;
    if (peek().kind != TokenKind::Indent) {
      fail(peek(), "expected an indented block after " + std::string(owner));
    }
    ++pos_;
    while (peek().kind != TokenKind::Dedent && !atEnd()) {
      if (peek().kind == TokenKind::Newline) {
        ++pos_;
        continue;
      }
      parseStatementInto(body);
    }
    if (peek().kind == TokenKind::Dedent) ++pos_;
    return body;
  }

  StmtPtr parseIf() {
    Token first = next();  // 'if' or 'elif'
    auto stmt = std::make_unique<IfStmt>(SourceRange());
    stmt->test = parseNamedExpression();
    expectOp(":", "after the condition of 'if'");
    stmt->body = parseBlock("'if' statement");
    if (isKeyword("elif")) {
      stmt->orelse.push_back(parseIf());
    } else if (acceptKeyword("else")) {
      expectOp(":", "after 'else'");
      stmt->orelse = parseBlock("'else'");
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseWhile() {
    Token first = next();
    auto stmt = std::make_unique<WhileStmt>(SourceRange());
    stmt->test = parseNamedExpression();
    expectOp(":", "after the condition of 'while'");
    stmt->body = parseBlock("'while' statement");
    if (acceptKeyword("else")) {
      expectOp(":", "after 'else'");
      stmt->orelse = parseBlock("'else'");
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseFor() {
    Token first = next();
    auto stmt = std::make_unique<ForStmt>(StmtKind::For, SourceRange());
    stmt->target = parseTargetList();
    expectKeyword("in", "in 'for' loop");
    stmt->iter = parseStarExpressions();
    expectOp(":", "after the 'for' loop header");
    stmt->typeComment = trailingTypeComment();
    stmt->body = parseBlock("'for' statement");
    if (acceptKeyword("else")) {
      expectOp(":", "after 'else'");
      stmt->orelse = parseBlock("'else'");
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseTry() {
    Token first = next();
    auto stmt = std::make_unique<TryStmt>(SourceRange());
    expectOp(":", "after 'try'");
    stmt->body = parseBlock("'try'");
    while (isKeyword("except")) {
      Token handlerStart = next();
      ExceptHandler handler;
      if (isOp("*")) fail(peek(), "'except*' (exception groups) is not supported");
      if (!isOp(":")) {
        handler.type = parseExpression();
        if (isOp(",")) {  // `except A, B:` is Python 2; Python 3 needs a tuple
          fail(peek(), "multiple exception types must be parenthesized: except (A, B):");
        }
        if (acceptKeyword("as")) handler.name = expectName("after 'as'");
      }
      expectOp(":", "after 'except'");
      handler.body = parseBlock("'except'");
      handler.range = rangeFrom(handlerStart);
      stmt->handlers.push_back(std::move(handler));
    }
    if (acceptKeyword("else")) {
      expectOp(":", "after 'else'");
      stmt->orelse = parseBlock("'else'");
    }
    if (acceptKeyword("finally")) {
      expectOp(":", "after 'finally'");
      stmt->finalbody = parseBlock("'finally'");
    }
    if (stmt->handlers.empty() && stmt->finalbody.empty()) {
      fail(peek(), "expected 'except' or 'finally' block after 'try'");
    }
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseWith() {
    Token first = next();
    auto stmt = std::make_unique<WithStmt>(StmtKind::With, SourceRange());
    // Python 3.9+: `with (a as b, c as d):`. Tell it apart from `with (a, b) as c:` and
    // `with (yield):` by looking for the closing parenthesis followed by ':'.
    bool parenthesized = false;
    if (isOp("(")) {
      int depth = 0;
      for (size_t k = 0; pos_ + k < tokens_.size(); ++k) {
        const Token& token = peek(k);
        if (token.kind == TokenKind::Op) {
          std::string_view op = textOf(token);
          if (op == "(" || op == "[" || op == "{") ++depth;
          if (op == ")" || op == "]" || op == "}") {
            if (--depth == 0) {
              parenthesized = isOp(":", k + 1);
              break;
            }
          }
        }
      }
      if (parenthesized) {
        // `with (a, b):` is a tuple context manager only if no item has 'as'; both parse
        // to the same item list except for a single parenthesised expression.
        ++pos_;
      }
    }
    do {
      if (parenthesized && isOp(")")) break;
      WithItem item;
      item.contextExpr = isKeyword("yield") ? parseYield() : parseExpression();
      if (acceptKeyword("as")) {
        item.optionalVars = parseTargetElement();
        setContext(*item.optionalVars, ExprContext::Store);
      }
      stmt->items.push_back(std::move(item));
    } while (acceptOp(","));
    if (parenthesized) expectOp(")", "to close the 'with' items");
    expectOp(":", "after the 'with' items");
    stmt->typeComment = trailingTypeComment();
    stmt->body = parseBlock("'with' statement");
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseDecorated() {
    ExprList decorators;
    Token firstAt = peek();
    while (isOp("@")) {
      ++pos_;
      decorators.push_back(parseNamedExpression());
      if (peek().kind != TokenKind::Newline) {
        fail(peek(), "expected end of line after the decorator, found " + describe(peek()));
      }
      ++pos_;
    }
    (void)firstAt;
    Token defToken = peek();
    if (isKeyword("def")) return parseFunctionDef(std::move(decorators), defToken);
    if (isKeyword("class")) return parseClassDef(std::move(decorators), defToken);
    if (isKeyword("async")) {
      fail(defToken, "'async' functions are not supported (TorchScript has no coroutines)");
    }
    fail(peek(), "expected 'def' or 'class' after decorators, found " + describe(peek()));
  }

  StmtPtr parseFunctionDef(ExprList decorators, Token first) {
    next();  // 'def'
    auto stmt = std::make_unique<FunctionDefStmt>(StmtKind::FunctionDef, SourceRange());
    stmt->decorators = std::move(decorators);
    Token nameToken = peek();
    stmt->name = expectName("after 'def'");
    stmt->nameRange = rangeOf(nameToken);
    Token open = expectOp("(", "after the function name");
    stmt->args = parseParameters(")", /*allowAnnotations=*/true);
    stmt->args->range = SourceRange(file_, open.start, peek().end);
    expectOp(")", "to close the parameter list");
    if (acceptOp("->")) stmt->returns = parseExpression();
    Token colon = expectOp(":", "after the function signature");
    // A signature type comment is on the def line or alone on the line after it.
    stmt->typeComment = trailingTypeComment();
    if (!stmt->typeComment && peek().kind == TokenKind::Newline) {
      uint32_t defLine = file_->lineOf(colon.start);
      uint32_t bodyLine = file_->lineOf(peek(2).start);
      for (uint32_t line = defLine + 1; line < bodyLine; ++line) {
        auto it = typeCommentsByLine_.find(line);
        if (it != typeCommentsByLine_.end() && it->second.standalone) {
          stmt->typeComment = std::string(it->second.text);
          break;
        }
      }
    }
    stmt->body = parseBlock("function definition on line " + std::to_string(file_->lineOf(first.start)));
    stmt->range = rangeFrom(first);
    return stmt;
  }

  StmtPtr parseClassDef(ExprList decorators, Token first) {
    next();  // 'class'
    auto stmt = std::make_unique<ClassDefStmt>(SourceRange());
    stmt->decorators = std::move(decorators);
    Token nameToken = peek();
    stmt->name = expectName("after 'class'");
    stmt->nameRange = rangeOf(nameToken);
    if (isOp("(")) {
      parseCallArguments(next().start, stmt->bases, stmt->keywords);
      expectOp(")", "to close the base class list");
    }
    expectOp(":", "after the class header");
    stmt->body = parseBlock("class definition");
    stmt->range = rangeFrom(first);
    return stmt;
  }

  // Parameters of a def (closed by ')') or a lambda (closed by ':').
  std::unique_ptr<Arguments> parseParameters(std::string_view closer, bool allowAnnotations) {
    auto arguments = std::make_unique<Arguments>();
    bool seenStar = false;
    bool seenDefault = false;
    auto parseArg = [&](bool annotate) {
      Token nameToken = peek();
      Arg arg;
      arg.name = expectName("for a parameter");
      if (annotate && allowAnnotations && acceptOp(":")) arg.annotation = parseExpression();
      arg.range = rangeFrom(nameToken);
      return arg;
    };
    while (!isOp(closer)) {
      if (isOp("/")) {
        Token slash = next();
        if (seenStar || !arguments->posonlyargs.empty() || arguments->args.empty()) {
          fail(slash, "'/' must come after at least one positional parameter and before '*'");
        }
        arguments->posonlyargs = std::move(arguments->args);
        arguments->args.clear();
      } else if (isOp("**")) {
        ++pos_;
        arguments->kwarg = parseArg(true);
        acceptOp(",");
        attachParameterTypeComment(*arguments);
        if (!isOp(closer)) fail(peek(), "parameters cannot follow '**" + arguments->kwarg->name + "'");
        break;
      } else if (isOp("*")) {
        Token star = next();
        if (seenStar) fail(star, "'*' can appear only once in a parameter list");
        seenStar = true;
        if (!isOp(",") && !isOp(closer)) arguments->vararg = parseArg(true);
      } else {
        Arg arg = parseArg(true);
        ExprPtr defaultValue;
        if (acceptOp("=")) defaultValue = parseExpression();
        if (seenStar) {
          arguments->kwonlyargs.push_back(std::move(arg));
          arguments->kwDefaults.push_back(std::move(defaultValue));
        } else {
          if (defaultValue) {
            seenDefault = true;
            arguments->defaults.push_back(std::move(defaultValue));
          } else if (seenDefault) {
            fail(arg.range, "parameter '" + arg.name + "' without a default follows a parameter with a default");
          }
          arguments->args.push_back(std::move(arg));
        }
      }
      bool more = acceptOp(",");
      attachParameterTypeComment(*arguments);
      if (!more) break;
    }
    if (seenStar && !arguments->vararg && arguments->kwonlyargs.empty()) {
      fail(peek(), "named arguments must follow a bare '*'");
    }
    return arguments;
  }

  // `def f(a,  # type: int` — a per-parameter type comment ends the line of the parameter
  // (after its comma, if any). It belongs to the parameter parsed last.
  void attachParameterTypeComment(Arguments& arguments) {
    std::optional<std::string> comment = trailingTypeComment();
    if (!comment) return;
    uint32_t lastLine = file_->lineOf(tokens_[pos_ - 1].start);
    if (file_->lineOf(peek().start) == lastLine) return;
    Arg* last = nullptr;
    if (arguments.kwarg) {
      last = &*arguments.kwarg;
    } else if (!arguments.kwonlyargs.empty()) {
      last = &arguments.kwonlyargs.back();
    } else if (arguments.vararg) {
      last = &*arguments.vararg;
    } else if (!arguments.args.empty()) {
      last = &arguments.args.back();
    } else if (!arguments.posonlyargs.empty()) {
      last = &arguments.posonlyargs.back();
    }
    if (last && !last->typeComment) last->typeComment = std::move(comment);
  }

  // ---- targets ---------------------------------------------------------------------------
  // A `for` target list: stops before 'in', so elements are parsed at bitwise-or level.
  ExprPtr parseTargetList() {
    Token first = peek();
    ExprPtr element = parseTargetElement();
    if (!isOp(",")) {
      setContext(*element, ExprContext::Store);
      return element;
    }
    auto tuple = std::make_unique<TupleExpr>(SourceRange());
    tuple->elts.push_back(std::move(element));
    while (acceptOp(",")) {
      if (isKeyword("in") || isOp("=") || isOp(":")) break;
      tuple->elts.push_back(parseTargetElement());
    }
    tuple->range = rangeFrom(first);
    setContext(*tuple, ExprContext::Store);
    return tuple;
  }

  ExprPtr parseTargetElement() {
    if (isOp("*")) {
      Token star = next();
      auto starred = std::make_unique<StarredExpr>(SourceRange());
      starred->value = parseBitwiseOr();
      starred->range = rangeFrom(star);
      return starred;
    }
    return parseBitwiseOr();
  }

  static std::string describeExpr(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::Call: return "function call";
      case ExprKind::Constant: return "literal";
      case ExprKind::BinOp: case ExprKind::UnaryOp: case ExprKind::BoolOp: return "expression";
      case ExprKind::Compare: return "comparison";
      case ExprKind::Lambda: return "lambda";
      case ExprKind::IfExp: return "conditional expression";
      case ExprKind::ListComp: return "list comprehension";
      case ExprKind::DictComp: return "dict comprehension";
      case ExprKind::SetComp: return "set comprehension";
      case ExprKind::GeneratorExp: return "generator expression";
      case ExprKind::Dict: return "dict literal";
      case ExprKind::Set: return "set display";
      case ExprKind::JoinedStr: return "f-string expression";
      case ExprKind::NamedExpr: return "named expression";
      case ExprKind::Yield: case ExprKind::YieldFrom: return "yield expression";
      case ExprKind::Await: return "await expression";
      default: return kindName(expr.kind);
    }
  }

  void setContext(Expr& expr, ExprContext ctx) {
    switch (expr.kind) {
      case ExprKind::Name: {
        auto& name = static_cast<NameExpr&>(expr);
        if (name.id == "__debug__") fail(expr.range, "cannot assign to __debug__");
        name.ctx = ctx;
        return;
      }
      case ExprKind::Attribute: static_cast<AttributeExpr&>(expr).ctx = ctx; return;
      case ExprKind::Subscript: static_cast<SubscriptExpr&>(expr).ctx = ctx; return;
      case ExprKind::Starred: {
        auto& starred = static_cast<StarredExpr&>(expr);
        if (ctx == ExprContext::Del) fail(expr.range, "cannot delete starred");
        starred.ctx = ctx;
        setContext(*starred.value, ctx);
        return;
      }
      case ExprKind::List:
        static_cast<ListExpr&>(expr).ctx = ctx;
        for (auto& element : static_cast<ListExpr&>(expr).elts) setContext(*element, ctx);
        return;
      case ExprKind::Tuple:
        static_cast<TupleExpr&>(expr).ctx = ctx;
        for (auto& element : static_cast<TupleExpr&>(expr).elts) setContext(*element, ctx);
        return;
      default:
        fail(expr.range, std::string("cannot ") + (ctx == ExprContext::Del ? "delete " : "assign to ") +
                             describeExpr(expr));
    }
  }

  // ---- expressions -----------------------------------------------------------------------
  // star_expressions: a, *b, c  -> Tuple when there is a comma
  ExprPtr parseStarExpressions() {
    Token first = peek();
    ExprPtr element = parseStarExpression();
    if (!isOp(",")) return element;
    auto tuple = std::make_unique<TupleExpr>(SourceRange());
    tuple->elts.push_back(std::move(element));
    while (acceptOp(",")) {
      if (!startsExpression()) break;
      tuple->elts.push_back(parseStarExpression());
    }
    tuple->range = rangeFrom(first);
    return tuple;
  }

  ExprPtr parseStarExpression() {
    if (isOp("*")) {
      Token star = next();
      auto starred = std::make_unique<StarredExpr>(SourceRange());
      starred->value = parseBitwiseOr();
      starred->range = rangeFrom(star);
      return starred;
    }
    return parseNamedExpression();
  }

  // Whether the next token can begin an expression (to tell `x,` from `x, y`).
  bool startsExpression() const {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::Name: {
        std::string_view word = textOf(token);
        return !lang::isKeyword(word) || word == "None" || word == "True" || word == "False" ||
               word == "not" || word == "lambda" || word == "await" || word == "yield";
      }
      case TokenKind::Number:
      case TokenKind::String:
        return true;
      case TokenKind::Op: {
        std::string_view op = textOf(token);
        return op == "(" || op == "[" || op == "{" || op == "-" || op == "+" || op == "~" ||
               op == "*" || op == "..." || op == "**";
      }
      default:
        return false;
    }
  }

  ExprPtr parseNamedExpression() {
    if (isName() && isOp(":=", 1)) {
      Token nameToken = next();
      ++pos_;  // ':='
      auto target = std::make_unique<NameExpr>(rangeOf(nameToken));
      target->id = std::string(textOf(nameToken));
      target->ctx = ExprContext::Store;
      auto named = std::make_unique<NamedExpr>(SourceRange());
      named->target = std::move(target);
      named->value = parseExpression();
      named->range = rangeFrom(nameToken);
      return named;
    }
    ExprPtr expr = parseExpression();
    if (isOp(":=")) fail(expr->range, std::string("cannot use assignment expressions with ") + describeExpr(*expr));
    return expr;
  }

  ExprPtr parseExpression() {
    DepthGuard guard(*this);
    if (isKeyword("lambda")) return parseLambda();
    Token first = peek();
    ExprPtr body = parseDisjunction();
    if (!isKeyword("if")) return body;
    ++pos_;
    auto ifExpr = std::make_unique<IfExpr>(SourceRange());
    ifExpr->body = std::move(body);
    ifExpr->test = parseDisjunction();
    expectKeyword("else", "in the conditional expression (x if cond else y)");
    ifExpr->orelse = parseExpression();
    ifExpr->range = rangeFrom(first);
    return ifExpr;
  }

  ExprPtr parseLambda() {
    Token first = next();
    auto lambda = std::make_unique<LambdaExpr>(SourceRange());
    Token paramsStart = peek();
    lambda->args = parseParameters(":", /*allowAnnotations=*/false);
    lambda->args->range = SourceRange(file_, paramsStart.start, paramsStart.start);
    expectOp(":", "after the lambda parameters");
    lambda->body = parseExpression();
    lambda->range = rangeFrom(first);
    return lambda;
  }

  ExprPtr parseDisjunction() { return parseBoolOp(BoolOpKind::Or); }

  ExprPtr parseBoolOp(BoolOpKind op) {
    const char* word = op == BoolOpKind::Or ? "or" : "and";
    uint32_t start = peek().start;  // includes an opening parenthesis, as in CPython
    ExprPtr first = op == BoolOpKind::Or ? parseBoolOp(BoolOpKind::And) : parseInversion();
    if (!isKeyword(word)) return first;
    auto boolOp = std::make_unique<BoolOpExpr>(SourceRange());
    boolOp->op = op;
    boolOp->values.push_back(std::move(first));
    while (acceptKeyword(word)) {
      boolOp->values.push_back(op == BoolOpKind::Or ? parseBoolOp(BoolOpKind::And) : parseInversion());
    }
    boolOp->range = rangeFrom(start);
    return boolOp;
  }

  ExprPtr parseInversion() {
    if (isKeyword("not")) {
      DepthGuard guard(*this);
      Token first = next();
      auto unary = std::make_unique<UnaryOpExpr>(SourceRange());
      unary->op = UnaryOpKind::Not;
      unary->operand = parseInversion();
      unary->range = rangeFrom(first);
      return unary;
    }
    return parseComparison();
  }

  std::optional<CmpOpKind> comparisonOperator() {
    const Token& token = peek();
    if (token.kind == TokenKind::Op) {
      std::string_view op = textOf(token);
      std::optional<CmpOpKind> kind;
      if (op == "==") kind = CmpOpKind::Eq;
      else if (op == "!=") kind = CmpOpKind::NotEq;
      else if (op == "<") kind = CmpOpKind::Lt;
      else if (op == "<=") kind = CmpOpKind::LtE;
      else if (op == ">") kind = CmpOpKind::Gt;
      else if (op == ">=") kind = CmpOpKind::GtE;
      if (kind) ++pos_;
      return kind;
    }
    if (isKeyword("in")) { ++pos_; return CmpOpKind::In; }
    if (isKeyword("not") && isKeyword("in", 1)) { pos_ += 2; return CmpOpKind::NotIn; }
    if (isKeyword("is")) {
      ++pos_;
      return acceptKeyword("not") ? CmpOpKind::IsNot : CmpOpKind::Is;
    }
    return std::nullopt;
  }

  ExprPtr parseComparison() {
    uint32_t start = peek().start;
    ExprPtr left = parseBitwiseOr();
    std::optional<CmpOpKind> op = comparisonOperator();
    if (!op) return left;
    auto compare = std::make_unique<CompareExpr>(SourceRange());
    compare->left = std::move(left);
    while (op) {
      compare->ops.push_back(*op);
      compare->comparators.push_back(parseBitwiseOr());
      op = comparisonOperator();
    }
    compare->range = rangeFrom(start);
    return compare;
  }

  // Binary operator levels, loosest first. Each level is left associative.
  struct BinaryLevel {
    std::initializer_list<std::pair<std::string_view, BinOpKind>> operators;
  };

  ExprPtr parseBinaryLevel(int level) {
    static const BinaryLevel kLevels[] = {
        {{{"|", BinOpKind::BitOr}}},
        {{{"^", BinOpKind::BitXor}}},
        {{{"&", BinOpKind::BitAnd}}},
        {{{"<<", BinOpKind::LShift}, {">>", BinOpKind::RShift}}},
        {{{"+", BinOpKind::Add}, {"-", BinOpKind::Sub}}},
        {{{"*", BinOpKind::Mult}, {"/", BinOpKind::Div}, {"//", BinOpKind::FloorDiv},
          {"%", BinOpKind::Mod}, {"@", BinOpKind::MatMult}}},
    };
    constexpr int kLevelCount = sizeof(kLevels) / sizeof(kLevels[0]);
    if (level == kLevelCount) return parseFactor();
    DepthGuard guard(*this);
    uint32_t start = peek().start;
    ExprPtr left = parseBinaryLevel(level + 1);
    while (peek().kind == TokenKind::Op) {
      std::string_view text = textOf(peek());
      const std::pair<std::string_view, BinOpKind>* match = nullptr;
      for (const auto& candidate : kLevels[level].operators) {
        if (candidate.first == text) match = &candidate;
      }
      if (!match) break;
      ++pos_;
      auto binary = std::make_unique<BinOpExpr>(SourceRange());
      binary->op = match->second;
      binary->right = parseBinaryLevel(level + 1);
      binary->range = rangeFrom(start);
      binary->left = std::move(left);
      left = std::move(binary);
    }
    return left;
  }

  ExprPtr parseBitwiseOr() { return parseBinaryLevel(0); }

  ExprPtr parseFactor() {
    if (peek().kind == TokenKind::Op) {
      std::string_view op = textOf(peek());
      std::optional<UnaryOpKind> kind;
      if (op == "-") kind = UnaryOpKind::USub;
      else if (op == "+") kind = UnaryOpKind::UAdd;
      else if (op == "~") kind = UnaryOpKind::Invert;
      if (kind) {
        DepthGuard guard(*this);
        Token first = next();
        auto unary = std::make_unique<UnaryOpExpr>(SourceRange());
        unary->op = *kind;
        unary->operand = parseFactor();
        unary->range = rangeFrom(first);
        return unary;
      }
    }
    return parsePower();
  }

  ExprPtr parsePower() {
    uint32_t start = peek().start;
    ExprPtr base = parseAwaitPrimary();
    if (!isOp("**")) return base;
    ++pos_;
    auto power = std::make_unique<BinOpExpr>(SourceRange());
    power->op = BinOpKind::Pow;
    power->right = parseFactor();  // right associative, and binds a unary minus on its right
    power->range = rangeFrom(start);
    power->left = std::move(base);
    return power;
  }

  ExprPtr parseAwaitPrimary() {
    if (isKeyword("await")) {
      fail(peek(), "'await' is not supported (TorchScript has no coroutines)");
    }
    return parsePrimary();
  }

  ExprPtr parsePrimary() {
    uint32_t start = peek().start;
    ExprPtr expr = parseAtom();
    while (peek().kind == TokenKind::Op) {
      std::string_view op = textOf(peek());
      if (op == ".") {
        ++pos_;
        auto attribute = std::make_unique<AttributeExpr>(SourceRange());
        attribute->attr = expectName("after '.'");
        attribute->range = rangeFrom(start);
        attribute->value = std::move(expr);
        expr = std::move(attribute);
      } else if (op == "(") {
        DepthGuard guard(*this);
        uint32_t openParen = next().start;
        auto call = std::make_unique<CallExpr>(SourceRange());
        parseCallArguments(openParen, call->args, call->keywords);
        expectOp(")", "to close the call");
        call->range = rangeFrom(start);
        call->func = std::move(expr);
        expr = std::move(call);
      } else if (op == "[") {
        DepthGuard guard(*this);
        ++pos_;
        auto subscript = std::make_unique<SubscriptExpr>(SourceRange());
        subscript->slice = parseSlices();
        expectOp("]", "to close the subscript");
        subscript->range = rangeFrom(start);
        subscript->value = std::move(expr);
        expr = std::move(subscript);
      } else {
        break;
      }
    }
    return expr;
  }

  // Arguments of a call or a class header, up to (not including) ')'.
  void parseCallArguments(uint32_t openParen, ExprList& args, std::vector<Keyword>& keywords) {
    bool seenKeyword = false;
    while (!isOp(")")) {
      Token first = peek();
      if (isOp("**")) {
        ++pos_;
        Keyword keyword;
        keyword.value = parseExpression();
        keyword.range = rangeFrom(first);
        keywords.push_back(std::move(keyword));
        seenKeyword = true;
      } else if (isOp("*")) {
        ++pos_;
        auto starred = std::make_unique<StarredExpr>(SourceRange());
        starred->value = parseExpression();
        starred->range = rangeFrom(first);
        args.push_back(std::move(starred));
      } else if (isName() && isOp("=", 1)) {
        Keyword keyword;
        keyword.arg = std::string(textOf(next()));
        ++pos_;  // '='
        keyword.value = parseExpression();
        keyword.range = rangeFrom(first);
        for (const Keyword& other : keywords) {
          if (other.arg == keyword.arg) fail(first, "keyword argument repeated: " + *keyword.arg);
        }
        keywords.push_back(std::move(keyword));
        seenKeyword = true;
      } else {
        ExprPtr value = parseNamedExpression();
        if (isKeyword("for") || isKeyword("async")) {
          // f(x for x in y): a generator argument; its range spans the call's parentheses
          // as in CPython.
          auto generator = std::make_unique<GeneratorExpr>(SourceRange());
          generator->elt = std::move(value);
          generator->generators = parseComprehensionClauses();
          uint32_t close = isOp(")") ? peek().end : tokens_[pos_ - 1].end;
          generator->range = SourceRange(file_, openParen, close);
          value = std::move(generator);
          if (!args.empty() || !keywords.empty() || !isOp(")")) {
            fail(value->range, "a generator expression must be parenthesized when it is not the only argument");
          }
        } else if (seenKeyword && !value->as<StarredExpr>()) {
          fail(value->range, "positional argument follows keyword argument");
        }
        args.push_back(std::move(value));
      }
      if (!acceptOp(",")) break;
    }
  }

  // The inside of `x[...]`: a single index/slice, or a tuple of them.
  ExprPtr parseSlices() {
    Token first = peek();
    ExprPtr element = parseSlice();
    if (!isOp(",")) return element;
    auto tuple = std::make_unique<TupleExpr>(SourceRange());
    tuple->elts.push_back(std::move(element));
    while (acceptOp(",")) {
      if (isOp("]")) break;
      tuple->elts.push_back(parseSlice());
    }
    tuple->range = rangeFrom(first);
    return tuple;
  }

  ExprPtr parseSlice() {
    Token first = peek();
    if (isOp("*")) return parseStarExpression();
    ExprPtr lower;
    if (!isOp(":")) {
      lower = parseNamedExpression();
      if (!isOp(":")) return lower;
    }
    ++pos_;  // ':'
    auto slice = std::make_unique<SliceExpr>(SourceRange());
    slice->lower = std::move(lower);
    if (!isOp(":") && !isOp("]") && !isOp(",")) slice->upper = parseExpression();
    if (acceptOp(":")) {
      if (!isOp("]") && !isOp(",")) slice->step = parseExpression();
    }
    slice->range = rangeFrom(first);
    return slice;
  }

  std::vector<Comprehension> parseComprehensionClauses() {
    std::vector<Comprehension> clauses;
    while (isKeyword("for") || isKeyword("async")) {
      if (isKeyword("async")) fail(peek(), "asynchronous comprehensions are not supported");
      Token first = next();
      Comprehension clause;
      clause.target = parseTargetList();
      expectKeyword("in", "in the comprehension");
      clause.iter = parseDisjunction();
      while (acceptKeyword("if")) clause.ifs.push_back(parseDisjunction());
      clause.range = rangeFrom(first);
      clauses.push_back(std::move(clause));
    }
    return clauses;
  }

  ExprPtr parseYield() {
    Token first = next();  // 'yield'
    if (acceptKeyword("from")) {
      auto yieldFrom = std::make_unique<YieldFromExpr>(SourceRange());
      yieldFrom->value = parseExpression();
      yieldFrom->range = rangeFrom(first);
      return yieldFrom;
    }
    auto yield = std::make_unique<YieldExpr>(SourceRange());
    if (startsExpression()) yield->value = parseStarExpressions();
    yield->range = rangeFrom(first);
    return yield;
  }

  ExprPtr makeConstant(const Token& token, ConstantValue::Kind kind) {
    auto constant = std::make_unique<ConstantExpr>(rangeOf(token));
    constant->value.kind = kind;
    return constant;
  }

  ExprPtr parseAtom() {
    DepthGuard guard(*this);
    const Token token = peek();
    switch (token.kind) {
      case TokenKind::Name: {
        std::string_view word = textOf(token);
        if (word == "None") { ++pos_; return makeConstant(token, ConstantValue::Kind::None); }
        if (word == "True") { ++pos_; return makeConstant(token, ConstantValue::Kind::True); }
        if (word == "False") { ++pos_; return makeConstant(token, ConstantValue::Kind::False); }
        if (lang::isKeyword(word)) {
          fail(token, "invalid syntax: unexpected keyword '" + std::string(word) + "'");
        }
        ++pos_;
        auto name = std::make_unique<NameExpr>(rangeOf(token));
        name->id = std::string(word);
        return name;
      }
      case TokenKind::Number: {
        ++pos_;
        auto constant = std::make_unique<ConstantExpr>(rangeOf(token));
        constant->value = decodeNumber(textOf(token));
        return constant;
      }
      case TokenKind::String:
        return parseStrings();
      case TokenKind::Op: {
        std::string_view op = textOf(token);
        if (op == "(") return parseParenthesized();
        if (op == "[") return parseListDisplay();
        if (op == "{") return parseBraceDisplay();
        if (op == "...") { ++pos_; return makeConstant(token, ConstantValue::Kind::Ellipsis); }
        break;
      }
      case TokenKind::Newline:
      case TokenKind::End:
        fail(token, "invalid syntax: the expression is incomplete at " + describe(token));
      default:
        break;
    }
    fail(token, "invalid syntax: expected an expression, found " + describe(token));
  }

  ExprPtr parseParenthesized() {
    Token open = next();
    if (isOp(")")) {
      ++pos_;
      return std::make_unique<TupleExpr>(rangeFrom(open));
    }
    if (isKeyword("yield")) {
      ExprPtr yield = parseYield();
      expectOp(")", "to close the parenthesis");
      return yield;
    }
    ExprPtr first = parseStarExpression();
    if (isKeyword("for") || isKeyword("async")) {
      auto generator = std::make_unique<GeneratorExpr>(SourceRange());
      generator->elt = std::move(first);
      generator->generators = parseComprehensionClauses();
      expectOp(")", "to close the generator expression");
      generator->range = rangeFrom(open);
      return generator;
    }
    if (acceptOp(")")) {
      if (first->as<StarredExpr>()) fail(first->range, "cannot use starred expression here");
      return first;  // a parenthesised expression keeps its own range, as in CPython
    }
    auto tuple = std::make_unique<TupleExpr>(SourceRange());
    tuple->elts.push_back(std::move(first));
    while (acceptOp(",")) {
      if (isOp(")")) break;
      tuple->elts.push_back(parseStarExpression());
    }
    expectOp(")", "to close the tuple");
    tuple->range = rangeFrom(open);
    return tuple;
  }

  ExprPtr parseListDisplay() {
    Token open = next();
    if (acceptOp("]")) return std::make_unique<ListExpr>(rangeFrom(open));
    ExprPtr first = parseStarExpression();
    if (isKeyword("for") || isKeyword("async")) {
      auto comprehension = std::make_unique<ListCompExpr>(SourceRange());
      comprehension->elt = std::move(first);
      comprehension->generators = parseComprehensionClauses();
      expectOp("]", "to close the list comprehension");
      comprehension->range = rangeFrom(open);
      return comprehension;
    }
    auto list = std::make_unique<ListExpr>(SourceRange());
    list->elts.push_back(std::move(first));
    while (acceptOp(",")) {
      if (isOp("]")) break;
      list->elts.push_back(parseStarExpression());
    }
    expectOp("]", "to close the list");
    list->range = rangeFrom(open);
    return list;
  }

  ExprPtr parseBraceDisplay() {
    Token open = next();
    if (acceptOp("}")) return std::make_unique<DictExpr>(rangeFrom(open));
    // Dict: `k: v`, `**m`; set: `x`, `*xs`.
    bool isDict = false;
    ExprPtr firstKey;
    ExprPtr firstValue;
    if (isOp("**")) {
      ++pos_;
      isDict = true;
      firstValue = parseBitwiseOr();
    } else {
      firstKey = parseStarExpression();
      if (acceptOp(":")) {
        isDict = true;
        firstValue = parseExpression();
      }
    }
    if (isDict) {
      if (firstKey && (isKeyword("for") || isKeyword("async"))) {
        auto comprehension = std::make_unique<DictCompExpr>(SourceRange());
        comprehension->key = std::move(firstKey);
        comprehension->value = std::move(firstValue);
        comprehension->generators = parseComprehensionClauses();
        expectOp("}", "to close the dict comprehension");
        comprehension->range = rangeFrom(open);
        return comprehension;
      }
      auto dict = std::make_unique<DictExpr>(SourceRange());
      dict->keys.push_back(std::move(firstKey));
      dict->values.push_back(std::move(firstValue));
      while (acceptOp(",")) {
        if (isOp("}")) break;
        if (acceptOp("**")) {
          dict->keys.push_back(nullptr);
          dict->values.push_back(parseBitwiseOr());
        } else {
          dict->keys.push_back(parseExpression());
          expectOp(":", "between a dict key and its value");
          dict->values.push_back(parseExpression());
        }
      }
      expectOp("}", "to close the dict");
      dict->range = rangeFrom(open);
      return dict;
    }
    if (isKeyword("for") || isKeyword("async")) {
      auto comprehension = std::make_unique<SetCompExpr>(SourceRange());
      comprehension->elt = std::move(firstKey);
      comprehension->generators = parseComprehensionClauses();
      expectOp("}", "to close the set comprehension");
      comprehension->range = rangeFrom(open);
      return comprehension;
    }
    auto set = std::make_unique<SetExpr>(SourceRange());
    set->elts.push_back(std::move(firstKey));
    while (acceptOp(",")) {
      if (isOp("}")) break;
      set->elts.push_back(parseStarExpression());
    }
    expectOp("}", "to close the set");
    set->range = rangeFrom(open);
    return set;
  }

  // ---- strings ---------------------------------------------------------------------------
  // Adjacent string tokens concatenate; any f-string among them makes the whole a JoinedStr.
  ExprPtr parseStrings() {
    Token first = peek();
    std::vector<Token> parts;
    bool anyFormatted = false;
    bool anyBytes = false;
    bool anyText = false;
    while (peek().kind == TokenKind::String) {
      Token token = next();
      StringPrefix prefix = stringPrefixOf(textOf(token));
      anyFormatted |= prefix.formatted;
      (prefix.bytes ? anyBytes : anyText) = true;
      parts.push_back(token);
    }
    if (anyBytes && anyText) fail(rangeFrom(first), "cannot mix bytes and nonbytes literals");
    SourceRange range = rangeFrom(first);
    if (!anyFormatted) {
      auto constant = std::make_unique<ConstantExpr>(range);
      constant->value.kind = anyBytes ? ConstantValue::Kind::Bytes : ConstantValue::Kind::Str;
      for (const Token& token : parts) constant->value.text += decodeStringToken(token);
      return constant;
    }
    auto joined = std::make_unique<JoinedStrExpr>(range);
    std::string pendingText;
    for (const Token& token : parts) {
      StringPrefix prefix = stringPrefixOf(textOf(token));
      if (!prefix.formatted) {
        pendingText += decodeStringToken(token);
        continue;
      }
      uint32_t bodyBegin = token.start + prefix.length + prefix.quoteLength;
      uint32_t bodyEnd = token.end - prefix.quoteLength;
      parseFStringBody(bodyBegin, bodyEnd, prefix, range, joined->values, pendingText, 0);
    }
    flushText(joined->values, pendingText, range);
    return joined;
  }

  std::string decodeStringToken(const Token& token) {
    std::string_view text = textOf(token);
    StringPrefix prefix = stringPrefixOf(text);
    std::string_view body = text.substr(prefix.length + prefix.quoteLength,
                                        text.size() - prefix.length - 2 * prefix.quoteLength);
    if (prefix.raw) return std::string(body);
    std::string out;
    size_t errorOffset = 0;
    std::string error;
    if (!decodeEscapes(body, prefix.bytes, out, errorOffset, error)) {
      uint32_t at = token.start + prefix.length + prefix.quoteLength + errorOffset;
      fail(SourceRange(file_, at, at + 2), error);
    }
    if (prefix.bytes) {
      for (unsigned char c : body) {
        if (c >= 0x80) fail(rangeOf(token), "bytes can only contain ASCII literal characters");
      }
    }
    return out;
  }

  void flushText(ExprList& values, std::string& pending, const SourceRange& range) {
    if (pending.empty()) return;
    auto constant = std::make_unique<ConstantExpr>(range);
    constant->value.kind = ConstantValue::Kind::Str;
    constant->value.text = std::move(pending);
    pending.clear();
    values.push_back(std::move(constant));
  }

  // Parses the body of an f-string (or of a format spec, at nesting > 0) between byte
  // offsets [begin, end), appending Constant and FormattedValue parts.
  void parseFStringBody(uint32_t begin, uint32_t end, const StringPrefix& prefix,
                        const SourceRange& range, ExprList& values, std::string& pendingText,
                        int nesting) {
    if (nesting > 2) fail(SourceRange(file_, begin, end), "f-string: expressions nested too deeply");
    uint32_t p = begin;
    uint32_t literalStart = p;
    auto flushLiteral = [&](uint32_t upTo) {
      std::string_view raw = text_.substr(literalStart, upTo - literalStart);
      if (prefix.raw) {
        pendingText += raw;
      } else {
        std::string decoded;
        size_t errorOffset = 0;
        std::string error;
        if (!decodeEscapes(raw, false, decoded, errorOffset, error)) {
          fail(SourceRange(file_, literalStart + errorOffset, literalStart + errorOffset + 2), error);
        }
        pendingText += decoded;
      }
    };
    while (p < end) {
      char c = text_[p];
      if (c == '\\' && !prefix.raw && p + 1 < end) {
        p += 2;
        continue;
      }
      if (c == '}') {
        if (p + 1 < end && text_[p + 1] == '}') {
          flushLiteral(p + 1);
          p += 2;
          literalStart = p;
          continue;
        }
        fail(SourceRange(file_, p, p + 1), "f-string: single '}' is not allowed");
      }
      if (c != '{') {
        ++p;
        continue;
      }
      if (p + 1 < end && text_[p + 1] == '{') {
        flushLiteral(p + 1);
        p += 2;
        literalStart = p;
        continue;
      }
      flushLiteral(p);
      p = parseReplacementField(p, end, prefix, range, values, pendingText, nesting);
      literalStart = p;
    }
    flushLiteral(end);
  }

  // `{expr[=][!conv][:spec]}` starting at the '{' at `open`; returns the offset after '}'.
  uint32_t parseReplacementField(uint32_t open, uint32_t end, const StringPrefix& prefix,
                                 const SourceRange& range, ExprList& values,
                                 std::string& pendingText, int nesting) {
    uint32_t exprBegin = open + 1;
    uint32_t p = exprBegin;
    int depth = 0;
    char inString = 0;
    while (p < end) {
      char c = text_[p];
      if (inString) {
        if (c == inString) inString = 0;
        ++p;
        continue;
      }
      if (c == '\'' || c == '"') {
        inString = c;
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) break;
        --depth;
      } else if (depth == 0) {
        if (c == '!' && p + 1 < end && text_[p + 1] != '=') break;
        if (c == ':' && !(p + 1 < end && text_[p + 1] == '=')) break;
        if (c == '=' && p + 1 < end && text_[p + 1] != '=' &&
            !(p > exprBegin && std::string_view("=!<>:").find(text_[p - 1]) != std::string_view::npos)) {
          break;
        }
        if (c == '\\') fail(SourceRange(file_, p, p + 1), "f-string expression part cannot include a backslash");
        if (c == '#') fail(SourceRange(file_, p, p + 1), "f-string expression part cannot include '#'");
      }
      ++p;
    }
    if (p >= end) fail(SourceRange(file_, open, open + 1), "f-string: expecting '}'");
    uint32_t exprEnd = p;
    if (std::string_view(text_.substr(exprBegin, exprEnd - exprBegin)).find_first_not_of(" \t\n\r") ==
        std::string_view::npos) {
      fail(SourceRange(file_, open, p + 1), "f-string: empty expression not allowed");
    }
    Parser inner(file_, limits_, exprBegin, exprEnd, /*insideBrackets=*/true);
    inner.depth_ = depth_;
    ExprPtr expr = inner.isKeyword("yield") ? inner.parseYield() : inner.parseStarExpressions();
    if (!inner.atEnd()) {
      fail(inner.rangeOf(inner.peek()), "f-string: invalid expression, unexpected " + inner.describe(inner.peek()));
    }
    auto formatted = std::make_unique<FormattedValueExpr>(range);
    bool debug = false;
    if (text_[p] == '=') {
      debug = true;
      ++p;
      while (p < end && (text_[p] == ' ' || text_[p] == '\t')) ++p;
      pendingText += text_.substr(exprBegin, p - exprBegin);
    }
    if (p < end && text_[p] == '!') {
      ++p;
      char conversion = p < end ? text_[p] : 0;
      if (conversion != 's' && conversion != 'r' && conversion != 'a') {
        fail(SourceRange(file_, p, p + 1), "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      }
      formatted->conversion = conversion;
      ++p;
    }
    if (p < end && text_[p] == ':') {
      ++p;
      uint32_t specBegin = p;
      int specDepth = 0;
      while (p < end) {
        if (text_[p] == '{') ++specDepth;
        if (text_[p] == '}') {
          if (specDepth == 0) break;
          --specDepth;
        }
        ++p;
      }
      auto spec = std::make_unique<JoinedStrExpr>(range);
      std::string specText;
      parseFStringBody(specBegin, p, prefix, range, spec->values, specText, nesting + 1);
      flushText(spec->values, specText, range);
      formatted->formatSpec = std::move(spec);
    }
    if (p >= end || text_[p] != '}') fail(SourceRange(file_, open, open + 1), "f-string: expecting '}'");
    if (debug && formatted->conversion == -1 && !formatted->formatSpec) formatted->conversion = 'r';
    flushText(values, pendingText, range);
    formatted->value = std::move(expr);
    values.push_back(std::move(formatted));
    return p + 1;
  }

  SourceFilePtr file_;
  const ParseLimits& limits_;
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  uint32_t depth_ = 0;
  std::unordered_multimap<uint32_t, TypeComment> typeCommentsByLine_;
};

}  // namespace

Module parseModule(SourceFilePtr file, const ParseLimits& limits) {
  Parser parser(file, limits, 0, file->text().size(), /*insideBrackets=*/false);
  return parser.parseFile();
}

ExprPtr parseExpression(SourceFilePtr file, const ParseLimits& limits) {
  Parser parser(file, limits, 0, file->text().size(), /*insideBrackets=*/true);
  return parser.parseStandaloneExpression();
}

TypeCommentSignature parseTypeCommentSignature(SourceFilePtr file) {
  ParseLimits limits;
  Parser parser(file, limits, 0, file->text().size(), /*insideBrackets=*/true);
  return parser.parseSignatureComment();
}

}  // namespace tscript::lang
