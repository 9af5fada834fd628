// The verifier: dominance, control-flow arities and types, the per-node hook.
#include <gtest/gtest.h>

#include "ir/parser.h"
#include "ir/verifier.h"
#include "ir/pass_registry.h"
#include <cstdlib>

namespace tscript::ir {
namespace {

std::string verifyError(const Graph& graph, const VerifyOptions& options = {}) {
  try {
    verify(graph, options);
  } catch (const VerifyError& e) {
    return e.what();
  }
  return "(ok)";
}

std::string verifyText(const std::string& text) { return verifyError(*parseGraph(text)); }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Verifier, AcceptsWellFormedControlFlow) {
  EXPECT_EQ(verifyText("graph(%x.1 : Tensor,\n      %n.1 : int):\n"
                       "  %t : bool = prim::Constant[value=1]()\n"
                       "  %x : Tensor = prim::Loop(%n.1, %t, %x.1)\n"
                       "    block0(%i : int, %x.2 : Tensor):\n"
                       "      %y : Tensor = prim::If(%t)\n"
                       "        block0():\n"
                       "          -> (%x.2)\n"
                       "        block1():\n"
                       "          -> (%x.1)\n"
                       "      -> (%t, %y)\n"
                       "  return (%x)\n"),
            "(ok)");
}

TEST(Verifier, UseNotDominatedByDefinition) {
  // %y is defined inside block0 and used after the If.
  auto graph = parseGraph("graph(%c : bool):\n"
                          "  %r : int = prim::If(%c)\n"
                          "    block0():\n"
                          "      %y : int = prim::Constant[value=1]()\n"
                          "      -> (%y)\n"
                          "    block1():\n"
                          "      %z : int = prim::Constant[value=2]()\n"
                          "      -> (%z)\n"
                          "  return (%r)\n");
  Node* ifNode = *graph->nodes().begin();
  Value* inner = (*ifNode->blocks()[0]->nodes().begin())->output();
  Node* use = graph->create(Symbol::fromQualString("aten::neg"), {inner});
  use->output()->setType(types::intType());
  use->insertAfter(ifNode);
  std::string message = verifyError(*graph);
  EXPECT_TRUE(contains(message, "%y is used where its definition does not dominate the use")) << message;
  EXPECT_TRUE(contains(message, "in node aten::neg:\n  %")) << message;
}

TEST(Verifier, UseBeforeDefinitionInTheSameBlock) {
  auto graph = parseGraph("graph(%a : int):\n"
                          "  %b : int = aten::neg(%a)\n"
                          "  %c : int = aten::neg(%b)\n"
                          "  return (%c)\n");
  Node* first = *graph->nodes().begin();
  first->next()->moveBefore(first);
  EXPECT_TRUE(contains(verifyError(*graph), "%b is used where its definition does not dominate"));
}

TEST(Verifier, IfArity) {
  std::string message = verifyText("graph(%c : bool):\n"
                                   "  %r : int = prim::If(%c)\n"
                                   "    block0():\n"
                                   "      -> ()\n"
                                   "    block1():\n"
                                   "      -> ()\n"
                                   "  return (%c)\n");
  EXPECT_TRUE(contains(message, "prim::If block0 returns 0 value(s) but the node has 1 output(s)")) << message;
  message = verifyText("graph(%c : bool):\n   = prim::If(%c)\n    block0():\n      -> ()\n  return (%c)\n");
  EXPECT_TRUE(contains(message, "prim::If must have 2 blocks, found 1")) << message;
}

TEST(Verifier, IfOutputTypes) {
  std::string message = verifyText("graph(%c : bool,\n      %s : str):\n"
                                   "  %r : int = prim::If(%c)\n"
                                   "    block0():\n"
                                   "      -> (%s)\n"
                                   "    block1():\n"
                                   "      -> (%s)\n"
                                   "  return (%r)\n");
  EXPECT_TRUE(contains(message, "block0 output %s has type str, which is not a subtype of output %r : int"))
      << message;
}

TEST(Verifier, LoopArity) {
  std::string message = verifyText("graph(%n : int,\n      %c : bool,\n      %x : int):\n"
                                   "  %y : int = prim::Loop(%n, %c, %x)\n"
                                   "    block0(%i : int):\n"
                                   "      -> (%c, %x)\n"
                                   "  return (%y)\n");
  EXPECT_TRUE(contains(message, "prim::Loop block must take 1 + 1 inputs")) << message;
  message = verifyText("graph(%n : int,\n      %c : bool,\n      %x : int):\n"
                       "  %y : int = prim::Loop(%n, %c, %x)\n"
                       "    block0(%i : int, %x.1 : int):\n"
                       "      -> (%c)\n"
                       "  return (%y)\n");
  EXPECT_TRUE(contains(message, "prim::Loop block must return 1 + 1 values")) << message;
  message = verifyText("graph(%n : int,\n      %c : bool):\n"
                       "  %y : int = prim::Loop(%n, %c)\n"
                       "    block0(%i : int):\n"
                       "      -> (%c)\n"
                       "  return (%y)\n");
  EXPECT_TRUE(contains(message, "prim::Loop has 0 loop-carried input(s) but 1 output(s)")) << message;
}

TEST(Verifier, NodeCheckHook) {
  auto graph = parseGraph("graph(%a : int):\n  %b : int = aten::frobnicate(%a)\n  return (%b)\n");
  VerifyOptions options;
  options.checkNode = [](const Node& node) -> std::optional<std::string> {
    if (node.kind().toQualString() == "aten::frobnicate") return "no schema for aten::frobnicate(int)";
    return std::nullopt;
  };
  std::string message = verifyError(*graph, options);
  EXPECT_EQ(message, "verify: no schema for aten::frobnicate(int)\n  in node aten::frobnicate:\n"
                     "  %b : int = aten::frobnicate(%a)");
}

TEST(Verifier, ValueFromAnotherGraph) {
  auto graph = parseGraph("graph(%a : int):\n  return (%a)\n");
  auto other = parseGraph("graph(%a : int):\n  return (%a)\n");
  // The mutation API refuses cross-graph inputs; the verifier still guards the invariant for
  // graphs whose lists were corrupted, which we can only simulate through the API that checks.
  EXPECT_THROW(graph->returnNode()->addInput(other->inputs()[0]), std::logic_error);
  EXPECT_EQ(verifyError(*graph), "(ok)");
}

}  // namespace
}  // namespace tscript::ir

// With verification on (TSCRIPT_VERIFY=1, as `make test` sets it), a pass that leaves the
// graph broken is reported by name.
TEST(VerifyAfterEachPass, NamesThePassThatBrokeTheGraph) {
  setenv("TSCRIPT_VERIFY", "1", 1);
  ASSERT_TRUE(tscript::ir::verifyAfterEachPass());
  static bool registered = false;
  if (!registered) {
    tscript::ir::registerPass({"test-move-use-before-definition", "breaks dominance on purpose",
                               [](tscript::ir::Graph& graph) {
                                 auto nodes = graph.block()->nodes();
                                 auto it = nodes.begin();
                                 tscript::ir::Node* first = *it;
                                 tscript::ir::Node* second = *++it;
                                 second->moveBefore(first);
                                 return true;
                               }});
    registered = true;
  }
  auto graph = tscript::ir::parseGraph(
      "graph(%a : int):\n  %b : int = aten::neg(%a)\n  %c : int = aten::neg(%b)\n  return (%c)\n");
  try {
    tscript::ir::runPasses(*graph, {"test-move-use-before-definition"});
    FAIL() << "the broken graph was not reported";
  } catch (const std::logic_error& error) {
    EXPECT_NE(std::string(error.what()).find("after pass 'test-move-use-before-definition'"),
              std::string::npos)
        << error.what();
  }
}
