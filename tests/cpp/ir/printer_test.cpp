// The `.graph` printer: attribute formatting edge cases and layout, as PyTorch 1.13 prints.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ir/ir.h"
#include "ir/printer.h"

namespace tscript::ir {
namespace {

TEST(FormatDouble, IntegralBelow1e10GetsATrailingPoint) {
  EXPECT_EQ(formatDouble(1.0), "1.");
  EXPECT_EQ(formatDouble(-2.0), "-2.");
  EXPECT_EQ(formatDouble(0.0), "0.");
  EXPECT_EQ(formatDouble(-0.0), "-0.");
  EXPECT_EQ(formatDouble(9999999999.0), "9999999999.");
}

TEST(FormatDouble, SeventeenSignificantDigits) {
  EXPECT_EQ(formatDouble(2.5), "2.5");
  EXPECT_EQ(formatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(formatDouble(M_PI), "3.1415926535897931");
  EXPECT_EQ(formatDouble(1.5e-10), "1.5e-10");
  EXPECT_EQ(formatDouble(1e-7), "9.9999999999999995e-08");
  EXPECT_EQ(formatDouble(4.9406564584124654e-324), "4.9406564584124654e-324");
}

TEST(FormatDouble, IntegralFrom1e10To1e17HasNoPoint) {
  EXPECT_EQ(formatDouble(1e10), "10000000000");
  EXPECT_EQ(formatDouble(1e16), "10000000000000000");
  EXPECT_EQ(formatDouble(12345678901234567.0), "12345678901234568");
  EXPECT_EQ(formatDouble(1e17), "1e+17");
  EXPECT_EQ(formatDouble(1e20), "1e+20");
}

TEST(FormatDouble, NonFinite) {
  EXPECT_EQ(formatDouble(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(formatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(formatDouble(std::nan("")), "nan");
}

TEST(FormatComplex, RealThenSignedImaginary) {
  EXPECT_EQ(formatComplex({0, 2}), "0.+2.j");
  EXPECT_EQ(formatComplex({1.5, -2}), "1.5-2.j");
}

TEST(QuoteString, CEscapesAndSignedOctal) {
  EXPECT_EQ(quoteString("a\"b'c\n\t\\"), "\"a\\\"b\\'c\\n\\t\\\\\"");
  EXPECT_EQ(quoteString(std::string("\x01\x7f", 2)), "\"\\001\\177\"");
  EXPECT_EQ(quoteString("\a\b\f\r\v"), "\"\\a\\b\\f\\r\\v\"");
  // UTF-8 'é' (C3 A9) comes out garbled exactly as in 1.13 (see the gallery in §5.7).
  EXPECT_EQ(quoteString("\xc3\xa9"), "\"\\0)+\\/.)\"");
}

TEST(FormatAttribute, Kinds) {
  EXPECT_EQ(formatAttribute(AttributeValue(int64_t(9223372036854775807))), "9223372036854775807");
  EXPECT_EQ(formatAttribute(AttributeValue(std::vector<int64_t>{1, 2})), "[1, 2]");
  EXPECT_EQ(formatAttribute(AttributeValue(std::vector<int64_t>{})), "[]");
  EXPECT_EQ(formatAttribute(AttributeValue(std::vector<double>{1.0, 0.5})), "[1., 0.5]");
  EXPECT_EQ(formatAttribute(AttributeValue(std::vector<std::string>{"a", "b"})), "[\"a\", \"b\"]");
  EXPECT_EQ(formatAttribute(AttributeValue(types::intType())), "int");
  EXPECT_EQ(formatAttribute(AttributeValue(std::vector<types::TypePtr>{types::intType(), types::strType()})),
            "[int, str]");
  EXPECT_EQ(formatAttribute(AttributeValue(std::make_shared<Graph>())), "<Graph>");
  EXPECT_EQ(formatAttribute(AttributeValue(TensorText{"{2.5}"})), "{2.5}");
  EXPECT_EQ(formatAttribute(AttributeValue(size_t(2))), "[<Tensors>]");
}

TEST(FormatConstant, NestedListsAndTuples) {
  using C = ConstantValue;
  EXPECT_EQ(formatConstant(C::tuple({C::fromInt(1), C::fromString("a")})), "(1, \"a\")");
  EXPECT_EQ(formatConstant(C::tuple({C::fromInt(1)})), "(1,)");
  EXPECT_EQ(formatConstant(C::list({C::fromDevice("cuda:1")})), "[torch.device(\"cuda:1\")]");
  EXPECT_EQ(formatConstant(C::list({C::fromBool(true), C::none()})), "[True, None]");
  EXPECT_EQ(formatConstant(C::list({C::list({C::fromDouble(1.0)}), C::list({})})), "[[1.], []]");
}

TEST(Printer, NoOutputsScopeAndLocations) {
  Graph graph;
  Value* s = graph.addInput("s")->setType(types::strType());
  Node* print = graph.insert(Symbol::fromQualString("prim::Print"), {s}, 0);
  print->setScope("__module.a/__module.a.b");
  print->setPrintedLocation("f.py:3:4");
  Node* constant = graph.insert(prim::Constant, {});
  constant->output()->setType(types::noneType());
  graph.registerOutput(constant->output());
  EXPECT_EQ(graph.toString(),
            "graph(%s : str):\n"
            "   = prim::Print(%s), scope: __module.a/__module.a.b # f.py:3:4\n"
            "  %1 : NoneType = prim::Constant()\n"
            "  return (%1)\n");
  EXPECT_EQ(graph.toString(false),
            "graph(%s : str):\n"
            "   = prim::Print(%s), scope: __module.a/__module.a.b\n"
            "  %1 : NoneType = prim::Constant()\n"
            "  return (%1)\n");
}

TEST(Printer, SourceRangeWinsOverPrintedLocation) {
  auto file = std::make_shared<lang::SourceFile>("m.py", "x = 1\ny = x + 2\n");
  Graph graph;
  Node* n = graph.insert(prim::Constant, {});
  n->output()->setType(types::intType());
  n->i_("value", 2);
  n->setPrintedLocation("ignored.py:1:1");
  n->setSourceRange(lang::SourceRange(file, 14, 15));
  graph.registerOutput(n->output());
  EXPECT_EQ(graph.toString(), "graph():\n  %0 : int = prim::Constant[value=2]() # m.py:2:8\n  return (%0)\n");
}

TEST(Printer, SubgraphsPrintAfterTheGraph) {
  auto sub = std::make_shared<Graph>();
  Value* in = sub->addInput("x.1")->setType(types::tensorType());
  Node* neg = sub->insert(Symbol::fromQualString("aten::neg"), {in});
  neg->output()->setType(types::tensorType());
  sub->registerOutput(neg->output());

  Graph graph;
  Value* x = graph.addInput("x")->setType(types::tensorType());
  Node* fork = graph.insert(Symbol::fromQualString("prim::fork"), {x});
  fork->output()->setType(types::futureOf(types::tensorType()));
  fork->g_("Subgraph", sub);
  Node* other = graph.insert(Symbol::fromQualString("prim::FusionGroup"), {x});
  other->output()->setType(types::tensorType());
  other->g_("Subgraph", sub)->i_("device", 0);
  graph.registerOutput(other->output());
  EXPECT_EQ(graph.toString(),
            "graph(%x : Tensor):\n"
            "  %1 : Future[Tensor] = prim::fork_0(%x)\n"
            "  %2 : Tensor = prim::FusionGroup_1[device=0](%x)\n"
            "  return (%2)\n"
            "with prim::fork_0 = graph(%x.1 : Tensor):\n"
            "  %1 : Tensor = aten::neg(%x.1)\n"
            "  return (%1)\n"
            "with prim::FusionGroup_1 = graph(%x.1 : Tensor):\n"
            "  %1 : Tensor = aten::neg(%x.1)\n"
            "  return (%1)\n");
}

TEST(Printer, NodeToStringForMessages) {
  Graph graph;
  Value* a = graph.addInput("a")->setType(types::intType());
  Node* n = graph.insert(Symbol::fromQualString("aten::neg"), {a});
  n->output()->setType(types::intType());
  EXPECT_EQ(n->toString(), "%1 : int = aten::neg(%a)");
}

}  // namespace
}  // namespace tscript::ir
