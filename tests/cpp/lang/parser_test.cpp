// Parser and diagnostics: the shape of the tree for the constructs TorchScript cares about,
// and the exact text of syntax errors (location, message, source line, caret).
#include <gtest/gtest.h>

#include "lang/parser.h"

using namespace tscript::lang;

namespace {

SourceFilePtr source(const std::string& text, const std::string& name = "t.py") {
  return std::make_shared<SourceFile>(name, text);
}

Module parse(const std::string& text) { return parseModule(source(text)); }

// The full rendered error for a snippet that must fail to parse.
std::string errorOf(const std::string& text, const ParseLimits& limits = {}) {
  try {
    parseModule(source(text), limits);
  } catch (const CompileError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a syntax error for:\n" << text;
  return "";
}

TEST(Parser, FunctionWithAllParameterKinds) {
  Module m = parse("def f(a, b=1, /, c: int = 2, *args, d, e=3, **kw) -> int:\n    return a\n");
  ASSERT_EQ(m.body.size(), 1u);
  auto* f = m.body[0]->as<FunctionDefStmt>();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, "f");
  ASSERT_EQ(f->args->posonlyargs.size(), 2u);
  EXPECT_EQ(f->args->posonlyargs[1].name, "b");
  ASSERT_EQ(f->args->args.size(), 1u);
  EXPECT_EQ(f->args->args[0].name, "c");
  ASSERT_NE(f->args->args[0].annotation, nullptr);
  EXPECT_EQ(f->args->vararg->name, "args");
  ASSERT_EQ(f->args->kwonlyargs.size(), 2u);
  EXPECT_EQ(f->args->kwDefaults[0], nullptr);
  EXPECT_NE(f->args->kwDefaults[1], nullptr);
  EXPECT_EQ(f->args->kwarg->name, "kw");
  EXPECT_EQ(f->args->defaults.size(), 2u);
  EXPECT_NE(f->returns, nullptr);
}

TEST(Parser, SourceRangesAreLineAndZeroBasedColumn) {
  Module m = parse("x = 1\nif x:\n    y = x + 2\n");
  auto* ifStmt = m.body[1]->as<IfStmt>();
  ASSERT_NE(ifStmt, nullptr);
  auto* assign = ifStmt->body[0]->as<AssignStmt>();
  ASSERT_NE(assign, nullptr);
  EXPECT_EQ(assign->range.line(), 3u);
  EXPECT_EQ(assign->range.column(), 4u);
  EXPECT_EQ(assign->value->range.column(), 8u);
  EXPECT_EQ(assign->value->range.text(), "x + 2");
}

TEST(Parser, OperatorPrecedenceFollowsPython) {
  EXPECT_EQ(dumpExpr(*parseExpression(source("-a ** b"))),
            "UnaryOp@1:0 USub\n  .operand\n    BinOp@1:1 Pow\n      .left\n        Name@1:1 a Load\n"
            "      .right\n        Name@1:6 b Load\n");
  auto expr = parseExpression(source("a + b * c"));
  auto* add = expr->as<BinOpExpr>();
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op, BinOpKind::Add);
  EXPECT_EQ(add->right->as<BinOpExpr>()->op, BinOpKind::Mult);
  auto cmp = parseExpression(source("0 < x <= 10"));
  EXPECT_EQ(cmp->as<CompareExpr>()->ops.size(), 2u);
  auto logic = parseExpression(source("not a and b or c"));
  EXPECT_EQ(logic->as<BoolOpExpr>()->op, BoolOpKind::Or);
}

TEST(Parser, NumbersOfEveryForm) {
  auto value = [](const std::string& text) {
    auto expr = parseExpression(source(text));
    return expr->as<ConstantExpr>()->value;
  };
  EXPECT_EQ(value("0x_ff").intValue, 255);
  EXPECT_EQ(value("0o17").intValue, 15);
  EXPECT_EQ(value("0b1010").intValue, 10);
  EXPECT_EQ(value("1_000_000").intValue, 1000000);
  EXPECT_EQ(value("9223372036854775807").intValue, INT64_MAX);
  EXPECT_EQ(value("9223372036854775808").kind, ConstantValue::Kind::BigInt);
  EXPECT_DOUBLE_EQ(value("1e-3").floatValue, 1e-3);
  EXPECT_DOUBLE_EQ(value(".5").floatValue, 0.5);
  EXPECT_DOUBLE_EQ(value("5.").floatValue, 5.0);
  EXPECT_EQ(value("2j").kind, ConstantValue::Kind::Imaginary);
  EXPECT_DOUBLE_EQ(value("1.5J").floatValue, 1.5);
}

TEST(Parser, StringsOfEveryForm) {
  auto text = [](const std::string& literal) {
    auto expr = parseExpression(source(literal));
    auto* constant = expr->as<ConstantExpr>();
    EXPECT_NE(constant, nullptr) << literal;
    return constant ? constant->value.text : std::string();
  };
  EXPECT_EQ(text("'a' \"b\" '''c'''"), "abc");
  EXPECT_EQ(text(R"('\n\t\\\x41\101\u00e9')"), "\n\t\\AA\xc3\xa9");
  EXPECT_EQ(text(R"(r'\n')"), "\\n");
  EXPECT_EQ(text(R"('\q')"), "\\q");  // unknown escapes keep the backslash
  auto bytes = parseExpression(source(R"(b'\x00\u0041')"));
  EXPECT_EQ(bytes->as<ConstantExpr>()->value.kind, ConstantValue::Kind::Bytes);
  EXPECT_EQ(bytes->as<ConstantExpr>()->value.text, std::string("\0\\u0041", 7));
}

TEST(Parser, FStringsWithNestedFieldsConversionsAndSpecs) {
  auto expr = parseExpression(source(R"(f"a{x!r:>{w}}b{y=}{{c}}")"));
  auto* joined = expr->as<JoinedStrExpr>();
  ASSERT_NE(joined, nullptr);
  ASSERT_EQ(joined->values.size(), 5u);  // 'a', {x!r:...}, 'by=', {y!r}, '{c}'
  auto* first = joined->values[1]->as<FormattedValueExpr>();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->conversion, 'r');
  ASSERT_NE(first->formatSpec, nullptr);
  EXPECT_EQ(joined->values[2]->as<ConstantExpr>()->value.text, "by=");
  auto* debug = joined->values[3]->as<FormattedValueExpr>();
  EXPECT_EQ(debug->conversion, 'r');
  EXPECT_EQ(joined->values[4]->as<ConstantExpr>()->value.text, "{c}");
}

TEST(Parser, TypeCommentsOnFunctionsArgumentsAndAssignments) {
  Module m = parse(
      "def f(x, y):\n"
      "    # type: (int, Tensor) -> Tensor\n"
      "    z = []  # type: List[int]\n"
      "    return y\n"
      "def g(a,  # type: int\n"
      "      ):\n"
      "    pass\n");
  auto* f = m.body[0]->as<FunctionDefStmt>();
  EXPECT_EQ(f->typeComment.value_or(""), "(int, Tensor) -> Tensor");
  EXPECT_EQ(f->body[0]->as<AssignStmt>()->typeComment.value_or(""), "List[int]");
  auto* g = m.body[1]->as<FunctionDefStmt>();
  EXPECT_EQ(g->args->args[0].typeComment.value_or(""), "int");

  auto signature = parseTypeCommentSignature(source("(int, List[str]) -> Tensor"));
  EXPECT_EQ(signature.argumentTypes.size(), 2u);
  EXPECT_NE(signature.returnType, nullptr);
  EXPECT_TRUE(parseTypeCommentSignature(source("(...) -> None")).ellipsisArguments);
}

TEST(Parser, TorchScriptRejectedConstructsStillParse) {
  // The compiler, not the parser, reports these as unsupported.
  Module m = parse(
      "try:\n    x = lambda a: a\nexcept ValueError as e:\n    raise RuntimeError('x') from e\n"
      "finally:\n    pass\n"
      "def g():\n    global q\n    yield (n := 3)\n"
      "with a as b, c:\n    del b[0]\n");
  EXPECT_EQ(m.body.size(), 3u);
  EXPECT_NE(m.body[0]->as<TryStmt>(), nullptr);
}

// ---- diagnostics: exact texts ---------------------------------------------------------------

TEST(Diagnostics, MissingColon) {
  EXPECT_EQ(errorOf("def f(x)\n    return x\n"),
            "t.py:1:8: error: expected ':' after the function signature, found end of line\n"
            "def f(x)\n"
            "        ^\n");
}

TEST(Diagnostics, UnclosedBracketPointsAtTheBracket) {
  EXPECT_EQ(errorOf("x = [1, 2\ny = 3\n"),
            "t.py:1:4: error: '[' was never closed\n"
            "x = [1, 2\n"
            "    ^\n");
}

TEST(Diagnostics, MismatchedBracket) {
  EXPECT_EQ(errorOf("x = (1, 2]\n"),
            "t.py:1:9: error: closing parenthesis ']' does not match opening parenthesis '(' on line 1\n"
            "x = (1, 2]\n"
            "         ^\n");
}

TEST(Diagnostics, BadIndentation) {
  EXPECT_EQ(errorOf("if x:\n    a = 1\n  b = 2\n"),
            "t.py:3:2: error: unindent does not match any outer indentation level\n"
            "  b = 2\n"
            "  ^\n");
  EXPECT_EQ(errorOf("if x:\ny = 1\n"),
            "t.py:2:0: error: expected an indented block after 'if' statement\n"
            "y = 1\n"
            "^\n");
  EXPECT_EQ(errorOf("  x = 1\n"),
            "t.py:1:2: error: unexpected indent\n"
            "  x = 1\n"
            "  ^\n");
}

TEST(Diagnostics, InvalidAssignmentTargets) {
  EXPECT_EQ(errorOf("f() = 3\n"),
            "t.py:1:0: error: cannot assign to function call\n"
            "f() = 3\n"
            "^~~\n");
  EXPECT_EQ(errorOf("a + b += 1\n"),
            "t.py:1:0: error: 'expression' is an illegal expression for augmented assignment\n"
            "a + b += 1\n"
            "^~~~~\n");
}

TEST(Diagnostics, UnsupportedAsyncAwaitAndMatch) {
  EXPECT_EQ(errorOf("async def f():\n    pass\n"),
            "t.py:1:0: error: 'async' functions, loops and 'with' blocks are not supported "
            "(TorchScript has no coroutines)\n"
            "async def f():\n"
            "^~~~~\n");
  EXPECT_NE(errorOf("def f():\n    await g()\n").find("t.py:2:4: error: 'await' is not supported"),
            std::string::npos);
  EXPECT_EQ(errorOf("match x:\n    case 1:\n        pass\n"),
            "t.py:1:0: error: the 'match' statement is not supported; use 'if'/'elif' chains instead\n"
            "match x:\n"
            "^~~~~\n");
  // `match` stays an ordinary name elsewhere.
  EXPECT_NO_THROW(parse("match = 1\nmatch.x = 2\nprint(match)\n"));
}

TEST(Diagnostics, LiteralErrors) {
  EXPECT_EQ(errorOf("x = 'abc\n"),
            "t.py:1:4: error: unterminated string literal\n"
            "x = 'abc\n"
            "    ^\n");
  EXPECT_EQ(errorOf("x = 0123\n"),
            "t.py:1:4: error: leading zeros in decimal integer literals are not permitted; use an "
            "0o prefix for octal integers\n"
            "x = 0123\n"
            "    ^~~~\n");
  EXPECT_NE(errorOf("x = '\\N{DASH}'\n").find("\\N{...} escapes are not supported"), std::string::npos);
  EXPECT_NE(errorOf("x = b'a' 'b'\n").find("cannot mix bytes and nonbytes literals"), std::string::npos);
  EXPECT_NE(errorOf("x = f'{}'\n").find("f-string: empty expression not allowed"), std::string::npos);
  EXPECT_NE(errorOf("x = f'{a!x}'\n").find("invalid conversion character"), std::string::npos);
}

TEST(Diagnostics, CaretUnderRangeInTheMiddleOfALine) {
  EXPECT_EQ(errorOf("y = foo(1, x=2, 3)\n"),
            "t.py:1:16: error: positional argument follows keyword argument\n"
            "y = foo(1, x=2, 3)\n"
            "                ^\n");
}

TEST(Diagnostics, NotesFollowTheError) {
  CompileError error(SourceRange(source("a = b\n"), 4, 5), "undefined name 'b'");
  error.addNote(SourceRange(), "while compiling function 'f'");
  EXPECT_EQ(std::string(error.what()),
            "t.py:1:4: error: undefined name 'b'\na = b\n    ^\nnote: while compiling function 'f'\n");
}

// ---- limits: errors, not crashes ----------------------------------------------------------------

TEST(Limits, DeeplyNestedExpressionIsAnError) {
  std::string deep = "x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n";
  std::string message = errorOf(deep);
  EXPECT_NE(message.find("too many nested brackets (the limit is 200)"), std::string::npos) << message;
  std::string unary = "x = " + std::string(100000, '-') + "1\n";
  EXPECT_NE(errorOf(unary).find("nested too deeply"), std::string::npos);
  std::string nots = "x = " ;
  for (int i = 0; i < 50000; ++i) nots += "not ";
  EXPECT_NE(errorOf(nots + "y\n").find("nested too deeply"), std::string::npos);
}

TEST(Limits, DeeplyNestedBlocksAreAnError) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += std::string(i, ' ') + "if x:\n";
  text += std::string(300, ' ') + "pass\n";
  EXPECT_NE(errorOf(text).find("too many levels of indentation"), std::string::npos);
}

TEST(Limits, LongLinesAndHugeLiterals) {
  ParseLimits limits;
  limits.maxLineLength = 1000;
  limits.maxLiteralLength = 100;
  EXPECT_NE(errorOf("x = " + std::string(2000, '1') + "\n", limits).find("line is too long"),
            std::string::npos);
  EXPECT_NE(errorOf("x = " + std::string(500, '1') + "\n", limits).find("literal is too long"),
            std::string::npos);
  // Within the default limits a 100,000-digit integer parses (as a BigInt).
  Module m = parse("x = " + std::string(100000, '7') + "\n");
  auto* assign = m.body[0]->as<AssignStmt>();
  EXPECT_EQ(assign->value->as<ConstantExpr>()->value.kind, ConstantValue::Kind::BigInt);
}

TEST(Limits, VeryLongLineErrorExcerptIsCut) {
  std::string line = "x = " + std::string(5000, 'a') + " +\n";
  std::string message = errorOf(line);
  EXPECT_LT(message.size(), 600u) << message;
}

}  // namespace
