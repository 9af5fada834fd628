// Graph construction and mutation: use lists stay consistent, nodes move and die cleanly.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "ir/ir.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace tscript::ir {
namespace {

const Symbol kAdd = Symbol::fromQualString("aten::add");
const Symbol kMul = Symbol::fromQualString("aten::mul");
const Symbol kNeg = Symbol::fromQualString("aten::neg");

// graph(%a, %b): %c = add(a, b); %d = mul(c, c); return (d)
struct SmallGraph {
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  Value* a;
  Value* b;
  Node* add;
  Node* mul;
  SmallGraph() {
    a = graph->addInput("a")->setType(types::intType());
    b = graph->addInput("b")->setType(types::intType());
    add = graph->insert(kAdd, {a, b});
    add->output()->setType(types::intType());
    mul = graph->insert(kMul, {add->output(), add->output()});
    mul->output()->setType(types::intType());
    graph->registerOutput(mul->output());
  }
};

TEST(Symbol, InternsQualifiedNames) {
  Symbol s = Symbol::fromQualString("aten::add");
  EXPECT_EQ(s, kAdd);
  EXPECT_NE(s, kMul);
  EXPECT_EQ(s.ns(), "aten");
  EXPECT_EQ(s.name(), "add");
  EXPECT_EQ(Symbol::make("prim", "If"), prim::If);
  EXPECT_THROW(Symbol::fromQualString("add"), std::invalid_argument);
}

TEST(IRMutation, UsesTrackInputs) {
  SmallGraph g;
  ASSERT_EQ(g.add->output()->uses().size(), 2u);
  EXPECT_EQ(g.add->output()->uses()[0], (Use{g.mul, 0}));
  EXPECT_EQ(g.add->output()->uses()[1], (Use{g.mul, 1}));
  EXPECT_EQ(g.a->uses().size(), 1u);
  EXPECT_EQ(g.mul->output()->uses()[0].user, g.graph->returnNode());
}

TEST(IRMutation, ReplaceInputMovesTheUse) {
  SmallGraph g;
  Value* old = g.mul->replaceInput(1, g.b);
  EXPECT_EQ(old, g.add->output());
  EXPECT_EQ(g.add->output()->uses().size(), 1u);
  EXPECT_EQ(g.b->uses().size(), 2u);
  EXPECT_EQ(g.mul->input(1), g.b);
  verify(*g.graph);
}

TEST(IRMutation, ReplaceAllUsesWith) {
  SmallGraph g;
  g.add->output()->replaceAllUsesWith(g.a);
  EXPECT_FALSE(g.add->output()->hasUses());
  EXPECT_EQ(g.mul->input(0), g.a);
  EXPECT_EQ(g.mul->input(1), g.a);
  EXPECT_EQ(g.a->uses().size(), 3u);
  g.add->destroy();
  verify(*g.graph);
  EXPECT_EQ(g.graph->toString(), "graph(%a : int,\n      %b : int):\n"
                                 "  %3 : int = aten::mul(%a, %a)\n  return (%3)\n");
}

TEST(IRMutation, DestroyRefusesLiveOutputs) {
  SmallGraph g;
  EXPECT_THROW(g.add->destroy(), std::logic_error);
}

TEST(IRMutation, InsertInputShiftsUseOffsets) {
  SmallGraph g;
  g.mul->insertInput(0, g.b);
  EXPECT_EQ(g.add->output()->uses()[0], (Use{g.mul, 1}));
  EXPECT_EQ(g.add->output()->uses()[1], (Use{g.mul, 2}));
  g.mul->removeInput(0);
  EXPECT_EQ(g.add->output()->uses()[0], (Use{g.mul, 0}));
  EXPECT_FALSE(g.b->uses().size() > 1);
  verify(*g.graph);
}

TEST(IRMutation, PermuteTrailingInputsMovesUsesOnce) {
  SmallGraph g;
  // mul(c, c) -> mul(b, c, c, a): permute the last three to (a, c, c): a value read twice
  // keeps two uses with distinct offsets.
  g.mul->insertInput(0, g.b);
  g.mul->addInput(g.a);
  g.mul->permuteTrailingInputs({2, 0, 1});
  ASSERT_EQ(g.mul->inputs(), (std::vector<Value*>{g.b, g.a, g.add->output(), g.add->output()}));
  EXPECT_EQ(g.a->uses().back(), (Use{g.mul, 1}));
  EXPECT_EQ(g.add->output()->uses()[0], (Use{g.mul, 2}));
  EXPECT_EQ(g.add->output()->uses()[1], (Use{g.mul, 3}));
  EXPECT_THROW(g.mul->permuteTrailingInputs({0, 0}), std::logic_error);
  EXPECT_THROW(g.mul->permuteTrailingInputs({0, 1, 2, 3, 4}), std::logic_error);
  verify(*g.graph);
}

TEST(IRMutation, PermuteTrailingOutputsKeepsValues) {
  auto graph = std::make_shared<Graph>();
  Node* node = graph->insert(kAdd, {}, 3);
  Value* first = node->output(0);
  Value* second = node->output(1);
  Value* third = node->output(2);
  second->setDebugName("s");
  node->permuteTrailingOutputs({1, 0});  // the last two swap
  EXPECT_EQ(node->outputs(), (std::vector<Value*>{first, third, second}));
  EXPECT_EQ(third->offset(), 1u);
  EXPECT_EQ(second->offset(), 2u);
  EXPECT_EQ(second->debugName(), "s");
}

TEST(IRMutation, InsertionPointAndMove) {
  SmallGraph g;
  {
    WithInsertPoint guard(*g.graph, g.mul);
    Node* neg = g.graph->insert(kNeg, {g.a});
    neg->output()->setType(types::intType());
    EXPECT_EQ(neg->next(), g.mul);
    EXPECT_EQ(neg->prev(), g.add);
    EXPECT_TRUE(g.add->isBefore(neg));
    neg->moveBefore(g.add);
    EXPECT_EQ(g.graph->nodes().begin().operator*(), neg);
    neg->moveAfter(g.mul);
    EXPECT_EQ(g.mul->next(), neg);
    EXPECT_EQ(neg->next(), g.graph->returnNode());
  }
  EXPECT_EQ(g.graph->insertPoint(), g.graph->returnNode());
  std::vector<Node*> order(g.graph->nodes().begin(), g.graph->nodes().end());
  ASSERT_EQ(order.size(), 3u);
  std::vector<Node*> reversed(g.graph->block()->reverseNodes().begin(),
                              g.graph->block()->reverseNodes().end());
  EXPECT_EQ(reversed.front(), order.back());
}

TEST(IRMutation, BlocksAndDestroyRecursively) {
  auto graph = std::make_shared<Graph>();
  Value* cond = graph->addInput("c")->setType(types::boolType());
  Value* x = graph->addInput("x")->setType(types::intType());
  Node* ifNode = graph->insert(prim::If, {cond});
  ifNode->output()->setType(types::intType());
  Block* thenBlock = ifNode->addBlock();
  Block* elseBlock = ifNode->addBlock();
  {
    WithInsertPoint guard(*graph, thenBlock);
    Node* neg = graph->insert(kNeg, {x});
    neg->output()->setType(types::intType());
    thenBlock->registerOutput(neg->output());
  }
  elseBlock->registerOutput(x);
  graph->registerOutput(ifNode->output());
  verify(*graph);
  EXPECT_EQ(graph->toString(),
            "graph(%c : bool,\n      %x : int):\n"
            "  %2 : int = prim::If(%c)\n"
            "    block0():\n"
            "      %3 : int = aten::neg(%x)\n"
            "      -> (%3)\n"
            "    block1():\n"
            "      -> (%x)\n"
            "  return (%2)\n");
  size_t nodesBefore = graph->numNodes();
  graph->eraseOutput(0);
  ifNode->destroy();
  EXPECT_EQ(x->uses().size(), 0u);
  // The If, its neg and the four block sentinels are gone.
  EXPECT_EQ(graph->numNodes(), nodesBefore - 6);
}

TEST(IRMutation, CloneNodeIntoAnotherGraph) {
  SmallGraph g;
  g.add->s_("note", "hi")->setScope("__module.a");
  auto other = std::make_shared<Graph>();
  Value* p = other->addInput("p")->setType(types::intType());
  Node* copy = other->createClone(g.add, [&](Value*) { return p; });
  other->insertNode(copy);
  other->registerOutput(copy->output());
  EXPECT_EQ(copy->kind(), kAdd);
  EXPECT_EQ(copy->s("note"), "hi");
  EXPECT_EQ(copy->scope(), "__module.a");
  EXPECT_EQ(p->uses().size(), 2u);
  verify(*other);
}

TEST(IRMutation, CopyGraphKeepsTextAndIsIndependent) {
  SmallGraph g;
  auto copy = g.graph->copy();
  EXPECT_EQ(copy->toString(), g.graph->toString());
  copy->inputs()[0]->setDebugName("renamed");
  EXPECT_EQ(g.a->debugName(), "a");
  EXPECT_NE(copy->toString(), g.graph->toString());
}

TEST(IRMutation, CloneBlockWithNestedBlocks) {
  const std::string text =
      "graph(%c : bool,\n      %x : int):\n"
      "  %y : int = prim::If(%c)\n"
      "    block0():\n"
      "      %z : int = aten::neg(%x)\n"
      "      -> (%z)\n"
      "    block1():\n"
      "      -> (%x)\n"
      "  %w : int = aten::add(%y, %x)\n"
      "  return (%w)\n";
  auto source = parseGraph(text);
  auto target = std::make_shared<Graph>();
  target->block()->cloneFrom(*source->block(), [](Value* v) -> Value* {
    ADD_FAILURE() << "no outside values expected, asked for %" << v->debugName();
    return v;
  });
  EXPECT_EQ(target->toString(), text);
  verify(*target);
  // The clone shares nothing with the source.
  Node* ifCopy = *target->nodes().begin();
  EXPECT_EQ(ifCopy->blocks()[0]->owningGraph(), target.get());
  EXPECT_EQ(ifCopy->blocks()[1]->outputs()[0], target->inputs()[1]);
}

TEST(IRMutation, CrossGraphInputIsRejected) {
  SmallGraph g;
  SmallGraph other;
  EXPECT_THROW(g.mul->addInput(other.a), std::logic_error);
}

TEST(IRMutation, AttributesKeepOrderAndReplaceInPlace) {
  SmallGraph g;
  g.add->i_("b", 1)->f_("a", 2.5)->s_("c", "x");
  g.add->i_("b", 7);
  ASSERT_EQ(g.add->attributes().size(), 3u);
  EXPECT_EQ(g.add->attributes()[0].first, "b");
  EXPECT_EQ(g.add->i("b"), 7);
  EXPECT_EQ(g.add->attribute("a").kind(), AttributeKind::f);
  EXPECT_TRUE(g.add->removeAttribute("a"));
  EXPECT_FALSE(g.add->hasAttribute("a"));
  EXPECT_THROW(g.add->attribute("a"), std::logic_error);
}

TEST(IRMutation, EraseOutputRenumbersOffsets) {
  auto graph = std::make_shared<Graph>();
  Node* n = graph->insertNode(graph->create(Symbol::fromQualString("prim::TupleUnpack"), 3));
  n->eraseOutput(0);
  EXPECT_EQ(n->output(0)->offset(), 0u);
  EXPECT_EQ(n->output(1)->offset(), 1u);
}

}  // namespace
}  // namespace tscript::ir
