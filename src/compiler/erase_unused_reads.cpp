#include "compiler/erase_unused_reads.h"

#include <vector>

namespace tscript::compiler {

namespace {

// Last node first, so that a read used only by a later unused read goes too.
void eraseInBlock(ir::Block* block) {
  static const ir::Symbol kGetAttr = ir::Symbol::make("prim", "GetAttr");
  std::vector<ir::Node*> nodes;
  for (ir::Node* node : block->nodes()) nodes.push_back(node);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    ir::Node* node = *it;
    for (ir::Block* sub : node->blocks()) eraseInBlock(sub);
    if (node->kind() == kGetAttr && !node->output()->hasUses()) node->destroy();
  }
}

}  // namespace

void eraseUnusedAttributeReads(ir::Graph& graph) { eraseInBlock(graph.block()); }

}  // namespace tscript::compiler
