// Debug-name uniquing, checked against what torch._C.Graph does for the same calls.
#include <gtest/gtest.h>

#include "ir/ir.h"

namespace tscript::ir {
namespace {

TEST(DebugNames, OlderOwnerIsRenamedWithPerBaseCounter) {
  Graph graph;
  std::vector<Value*> v;
  for (int i = 0; i < 6; ++i) v.push_back(graph.addInput());
  v[0]->setDebugName("x");
  v[1]->setDebugName("x");
  v[2]->setDebugName("x");
  v[3]->setDebugName("x.1");
  v[4]->setDebugName("y.5");
  v[5]->setDebugName("y.5");
  // torch 1.13 prints ['x.5', 'x.3', 'x', 'x.1', 'y.6', 'y.5'] for these calls.
  EXPECT_EQ(v[0]->debugName(), "x.5");
  EXPECT_EQ(v[1]->debugName(), "x.3");
  EXPECT_EQ(v[2]->debugName(), "x");
  EXPECT_EQ(v[3]->debugName(), "x.1");
  EXPECT_EQ(v[4]->debugName(), "y.6");
  EXPECT_EQ(v[5]->debugName(), "y.5");
}

TEST(DebugNames, UnnamedValuesPrintTheirUniqueId) {
  Graph graph;
  Value* a = graph.addInput();
  Value* b = graph.addInput();
  EXPECT_EQ(a->debugName(), std::to_string(a->unique()));
  EXPECT_NE(a->unique(), b->unique());
  EXPECT_FALSE(a->hasDebugName());
}

TEST(DebugNames, AllDigitNamesAreInvalid) {
  Graph graph;
  EXPECT_THROW(graph.addInput()->setDebugName("12"), std::logic_error);
}

TEST(DebugNames, ClearingFreesTheName) {
  Graph graph;
  Value* a = graph.addInput("x");
  a->setDebugName("");
  Value* b = graph.addInput("x");
  EXPECT_FALSE(a->hasDebugName());
  EXPECT_EQ(b->debugName(), "x");
}

TEST(DebugNames, DestroyedValueReleasesItsName) {
  Graph graph;
  Node* n = graph.insertNode(graph.create(Symbol::fromQualString("aten::zero"), 1));
  n->output()->setDebugName("t");
  n->destroy();
  Value* fresh = graph.addInput("t");
  EXPECT_EQ(fresh->debugName(), "t");
}

TEST(DebugNames, Base) {
  Graph graph;
  EXPECT_EQ(graph.addInput("x.12")->debugNameBase(), "x");
  EXPECT_EQ(graph.addInput("self.lin.weight")->debugNameBase(), "self.lin.weight");
  EXPECT_EQ(graph.addInput("a.")->debugNameBase(), "a.");
}

}  // namespace
}  // namespace tscript::ir
