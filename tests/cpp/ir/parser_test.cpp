// The IR parser: print(parse(text)) == text, and malformed text reports line:col.
#include <gtest/gtest.h>

#include "ir/parser.h"
#include "ir/printer.h"

namespace tscript::ir {
namespace {

void expectRoundTrip(const std::string& text) {
  std::shared_ptr<Graph> graph = parseGraph(text);
  EXPECT_EQ(graph->toString(), text);
}

std::string parseErrorOf(const std::string& text) {
  try {
    parseGraph(text);
  } catch (const IRParseError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Parser, LoopsAndIfsFromTheGallery) {
  expectRoundTrip(
      "graph(%x.1 : Tensor,\n"
      "      %n.1 : int):\n"
      "  %24 : bool = prim::Constant[value=1]() # ir1.py:18:4\n"
      "  %i.1 : int = prim::Constant[value=0]() # ir1.py:12:8\n"
      "  %3 : int = prim::Constant[value=9223372036854775807]() # ir1.py:13:4\n"
      "  %48 : bool = prim::Constant[value=0]()\n"
      "  %54 : bool = aten::lt(%i.1, %n.1) # ir1.py:13:10\n"
      "  %x.19 : Tensor, %i : int = prim::Loop(%3, %54, %x.1, %i.1) # ir1.py:13:4\n"
      "    block0(%8 : int, %x.17 : Tensor, %i.13 : int):\n"
      "      %19 : bool = aten::gt(%i.13, %8) # ir1.py:16:11\n"
      "      %98 : bool = prim::If(%19) # ir1.py:16:8\n"
      "        block0():\n"
      "          -> (%48)\n"
      "        block1():\n"
      "          %89 : bool = aten::lt(%i.13, %n.1) # ir1.py:13:10\n"
      "          -> (%89)\n"
      "      -> (%98, %x.17, %i.13)\n"
      "   = prim::Print(%x.19)\n"
      "  return (%x.19)\n");
}

// isinstance(x, list) / isinstance(x, tuple): 1.13 prints the Python names of the "any
// list/tuple" types.
TEST(Parser, IsinstanceTypeListUsesPythonNames) {
  expectRoundTrip(
      "graph(%x.1 : Union(Tensor, (int, int), int[])):\n"
      "  %1 : bool = prim::isinstance[types=[list]](%x.1)\n"
      "  %2 : bool = prim::isinstance[types=[tuple, int]](%x.1)\n"
      "  %3 : (bool, bool) = prim::TupleConstruct(%1, %2)\n"
      "  return (%3)\n");
}

TEST(Parser, NumberedValuesKeepTheirNumber) {
  std::shared_ptr<Graph> graph = parseGraph(
      "graph(%7 : int):\n  %42 : int = aten::neg(%7)\n  %x : int = aten::neg(%42)\n  return (%x)\n");
  EXPECT_EQ(graph->inputs()[0]->unique(), 7u);
  EXPECT_FALSE(graph->inputs()[0]->hasDebugName());
  EXPECT_EQ(graph->outputs()[0]->node()->input()->unique(), 42u);
  // New values never collide with the numbers in the text.
  EXPECT_GT(graph->outputs()[0]->unique(), 42u);
}

TEST(Parser, AttributeKinds) {
  std::string text =
      "graph():\n"
      "  %0 : float = prim::Constant[value=1.]()\n"
      "  %1 : int = prim::Constant[value=10000000000]()\n"
      "  %2 : float = prim::Constant[value=-inf]()\n"
      "  %3 : complex = prim::Constant[value=0.+2.j]()\n"
      "  %4 : str = prim::Constant[value=\"a\\\"b\\'c\\n\\t\\\\\\001\\0)+\\/.)\"]()\n"
      "  %5 : float[] = prim::Constant[value=[1., 2.5, 10000000000]]()\n"
      "  %6 : (int, str) = prim::Constant[value=(1, \"a\")]()\n"
      "  %7 : Tensor = prim::Constant[value={2.5}]()\n"
      "  %8 : Tensor = prim::Constant[value= 1.5000  2.0000 [ CPUFloatType{2} ]]()\n"
      "  %9 : Tensor = prim::Constant[value=-0.4108 -0.2921 [ CPUFloatType{2} ]]()\n"
      "  %10 : Tensor = prim::Constant[value=<Tensor>]()\n"
      "  %11 : int = prim::profile[profiled_type=int, types=[int, str], seen_none=0](%1)\n"
      "  %12 : str[] = prim::Constant[value=[\"x\", \"y\"]]()\n"
      "  %13 : bool[] = prim::Constant[value=[True, False]]()\n"
      "  %14 : int[] = prim::Constant[value=[]]()\n"
      "  %15 : (int) = prim::Constant[value=(1,)]()\n"
      "  return (%0)\n";
  std::shared_ptr<Graph> graph = parseGraph(text);
  EXPECT_EQ(graph->toString(), text);
  std::vector<Node*> nodes(graph->nodes().begin(), graph->nodes().end());
  EXPECT_EQ(nodes[0]->attribute("value").kind(), AttributeKind::f);
  EXPECT_EQ(nodes[1]->attribute("value").kind(), AttributeKind::i);
  EXPECT_EQ(nodes[3]->attribute("value").kind(), AttributeKind::c);
  EXPECT_EQ(nodes[4]->s("value"), std::string("a\"b'c\n\t\\\x01\xc3\xa9"));
  EXPECT_EQ(nodes[5]->attribute("value").kind(), AttributeKind::fs);
  EXPECT_EQ(nodes[6]->attribute("value").kind(), AttributeKind::ival);
  EXPECT_EQ(nodes[7]->attribute("value").kind(), AttributeKind::t);
  EXPECT_EQ(nodes[11]->attribute("profiled_type").kind(), AttributeKind::ty);
  EXPECT_EQ(nodes[11]->attribute("types").kind(), AttributeKind::tys);
  EXPECT_EQ(nodes[12]->attribute("value").kind(), AttributeKind::ss);
}

TEST(Parser, SubgraphsScopesAndNestedGroups) {
  expectRoundTrip(
      "graph(%x.1 : Tensor):\n"
      "  %f.1 : Future[Tensor] = prim::fork_0(%x.1), scope: __module.a # ir2.py:33:8\n"
      "  %6 : Tensor = aten::wait(%f.1) # ir2.py:34:11\n"
      "  return (%6)\n"
      "with prim::fork_0 = graph(%x.1 : Tensor):\n"
      "  %f : Future[Tensor] = prim::fork_0(%x.1)\n"
      "  %2 : Tensor = aten::wait(%f)\n"
      "  return (%2)\n"
      "with prim::fork_0 = graph(%x.1 : Tensor):\n"
      "  %2 : Tensor = aten::neg(%x.1)\n"
      "  return (%2)\n");
}

TEST(Parser, TensorTypes) {
  expectRoundTrip(
      "graph(%x : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu),\n"
      "      %y : Long(requires_grad=0, device=cpu),\n"
      "      %z : Tensor(requires_grad=1),\n"
      "      %w : Float(*, *, device=cpu),\n"
      "      %v : Tensor?[],\n"
      "      %u : Dict(str, (int, float[])),\n"
      "      %t : Union(int, str)):\n"
      "  return (%x)\n");
}

TEST(Parser, SkipsCommentLinesForGoldenFiles) {
  std::shared_ptr<Graph> graph = parseGraph(
      "# RUN: tscript opt %s\n"
      "graph(%a : int):\n"
      "  # CHECK: aten::neg\n"
      "  %b : int = aten::neg(%a)\n"
      "\n"
      "  return (%b)\n"
      "# CHECK: return\n");
  EXPECT_EQ(graph->toString(), "graph(%a : int):\n  %b : int = aten::neg(%a)\n  return (%b)\n");
}

TEST(Parser, EnumConstantIsAValueNotAType) {
  NamedTypeHooks hooks;
  hooks.enumType = [](const std::string&) { return types::anyType(); };
  std::string text =
      "graph():\n"
      "  %2 : Enum<__torch__.Color> = prim::Constant[value=__torch__.Color.RED]()\n"
      "  return (%2)\n";
  std::shared_ptr<Graph> graph = parseGraph(text, hooks);
  // (The hook stands in Any for the enum type; the constant itself prints back unchanged.)
  EXPECT_NE(graph->toString().find("prim::Constant[value=__torch__.Color.RED]()"), std::string::npos);
  const auto& value = (*graph->nodes().begin())->attribute("value");
  ASSERT_EQ(value.kind(), AttributeKind::ival);
  EXPECT_EQ(value.get<ConstantValue>().kind, ConstantValue::Kind::EnumCase);
}

TEST(Parser, ClassTypesGoThroughTheHook) {
  NamedTypeHooks hooks;
  std::vector<std::string> asked;
  hooks.classType = [&](const std::string& name) {
    asked.push_back(name);
    return types::anyType();
  };
  parseGraph("graph(%self : __torch__.M):\n  return (%self)\n", hooks);
  EXPECT_EQ(asked, std::vector<std::string>{"__torch__.M"});
  EXPECT_NE(parseErrorOf("graph(%self : __torch__.M):\n  return (%self)\n").find("no resolver for class type __torch__.M"),
            std::string::npos);
}

TEST(ParserErrors, UndefinedValue) {
  EXPECT_EQ(parseErrorOf("graph(%a : int):\n  %b : int = aten::neg(%c)\n  return (%b)\n"),
            "2:24: use of undefined value %c\n  %b : int = aten::neg(%c)\n                       ^");
}

TEST(ParserErrors, DuplicateDefinition) {
  EXPECT_EQ(parseErrorOf("graph(%a : int):\n  %a : int = aten::neg(%a)\n  return (%a)\n").substr(0, 30),
            "2:3: value %a is defined twice");
}

TEST(ParserErrors, UnknownType) {
  std::string message = parseErrorOf("graph(%a : Integer):\n  return (%a)\n");
  EXPECT_EQ(message.substr(0, message.find('\n')), "1:12: unknown type 'Integer'");
}

TEST(ParserErrors, MissingReturn) {
  std::string message = parseErrorOf("graph(%a : int):\n  %b : int = aten::neg(%a)\n");
  EXPECT_NE(message.find("unexpected end of input: expected 'return (...'"), std::string::npos);
}

TEST(ParserErrors, BadKindAndBadLine) {
  std::string message = parseErrorOf("graph(%a : int):\n  %b : int = neg(%a)\n  return (%b)\n");
  EXPECT_EQ(message.substr(0, message.find('\n')),
            "2:14: expected a node kind like 'aten::add' but found 'neg'");
  message = parseErrorOf("graph(%a : int):\n  b = aten::neg(%a)\n  return (%b)\n");
  EXPECT_EQ(message.substr(0, 4), "2:3:");
}

TEST(ParserErrors, UnterminatedStringAndMissingSubgraph) {
  std::string message = parseErrorOf("graph():\n  %0 : str = prim::Constant[value=\"abc]()\n  return (%0)\n");
  EXPECT_NE(message.find("unterminated string"), std::string::npos);
  // A `with` header names the group, but the text for the second group is missing.
  message = parseErrorOf(
      "graph(%x : Tensor):\n"
      "  %1 : Tensor = prim::fork_0(%x)\n"
      "  return (%1)\n");
  EXPECT_EQ(message, "(no error)");  // without a `with` section it is an ordinary kind
}

TEST(ParserErrors, EmptyAttributeAndStrayWithSection) {
  std::string message = parseErrorOf("graph():\n  %0 : int = prim::Constant[value=]()\n  return (%0)\n");
  EXPECT_EQ(message.substr(0, message.find('\n')), "2:35: expected an attribute value after '='");
  message = parseErrorOf("graph(%a : int):\n  %f : int = prim::fork_0(%a)\n  return (%f)\n"
                         "with prim::fork_1 = graph(%x : int):\n  return (%x)\n");
  EXPECT_EQ(message.substr(0, 30), "4:1: 'with' section names no n");
  message = parseErrorOf("graph(%a : int):\n  return (%a)\n  junk\n");
  EXPECT_EQ(message.substr(0, message.find('\n')), "3:3: unexpected text after the graph");
}

TEST(ParserErrors, IntegerOverflow) {
  std::string message = parseErrorOf("graph():\n  %0 : int = prim::Constant[value=99999999999999999999]()\n  return (%0)\n");
  EXPECT_NE(message.find("does not fit in 64 bits"), std::string::npos);
}

}  // namespace
}  // namespace tscript::ir
