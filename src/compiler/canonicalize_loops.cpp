#include "compiler/canonicalize_loops.h"

#include <limits>
#include <vector>

#include "types/type.h"

namespace tscript::compiler {

namespace {

constexpr int64_t kMaxTripCount = std::numeric_limits<int64_t>::max();

bool isIntConstant(const ir::Value* value, int64_t expected) {
  const ir::Node* node = value->node();
  return node->kind() == ir::prim::Constant && value->type()->kind() == types::TypeKind::Int &&
         node->hasAttribute("value") && node->i("value") == expected;
}

bool isTrueConstant(const ir::Value* value) {
  const ir::Node* node = value->node();
  return node->kind() == ir::prim::Constant && value->type()->kind() == types::TypeKind::Bool &&
         node->hasAttribute("value") && node->i("value") == 1;
}

ir::Value* insertIntConstant(ir::Graph& graph, int64_t value) {
  ir::Node* node = graph.insert(ir::prim::Constant, {}, 1);
  node->i_("value", value);
  return node->output()->setType(types::intType());
}

ir::Value* insertOp(ir::Graph& graph, const char* op, std::vector<ir::Value*> inputs,
                    const types::TypePtr& type) {
  ir::Node* node = graph.insert(ir::Symbol::fromQualString(op), inputs, 1);
  return node->output()->setType(type);
}

void canonicalize(ir::Graph& graph, ir::Node* loop) {
  ir::Block* body = loop->blocks()[0];
  ir::Value* tripCount = loop->input(0);
  ir::Value* initialCondition = loop->input(1);
  {
    ir::WithInsertPoint guard(graph, loop);
    ir::Value* zero = insertIntConstant(graph, 0);
    ir::Value* entered = insertOp(graph, "aten::gt", {tripCount, zero}, types::boolType());
    if (!isTrueConstant(initialCondition)) {
      entered = insertOp(graph, "aten::__and__", {entered, initialCondition}, types::boolType());
    }
    loop->replaceInput(0, insertIntConstant(graph, kMaxTripCount));
    loop->replaceInput(1, entered);
    loop->addInput(zero);
  }
  ir::Value* counter = body->addInput()->setType(types::intType());
  ir::Value* index = body->inputs()[0];
  index->replaceAllUsesWith(counter);
  index->setDebugName("");  // the loop variable now lives in the counter, unnamed as in 1.13
  loop->addOutput()->setType(types::intType());
  ir::WithInsertPoint guard(graph, body);
  ir::Value* one = insertIntConstant(graph, 1);
  ir::Value* next = insertOp(graph, "aten::add", {counter, one}, types::intType());
  ir::Value* inRange = insertOp(graph, "aten::lt", {next, tripCount}, types::boolType());
  ir::Value* bodyCondition = body->outputs()[0];
  ir::Value* condition = insertOp(graph, "aten::__and__", {inRange, bodyCondition}, types::boolType());
  body->eraseOutput(0);
  body->insertOutput(0, condition);
  body->registerOutput(next);
}

void visit(ir::Graph& graph, ir::Block* block) {
  for (ir::Node* node : block->nodes()) {
    for (ir::Block* sub : node->blocks()) visit(graph, sub);
    if (node->kind() != ir::prim::Loop) continue;
    bool counted = !isIntConstant(node->input(0), kMaxTripCount);
    bool conditional = !isTrueConstant(node->blocks()[0]->outputs()[0]);
    if (counted && conditional) canonicalize(graph, node);
  }
}

}  // namespace

void canonicalizeModifiedLoops(ir::Graph& graph) { visit(graph, graph.block()); }

}  // namespace tscript::compiler
