// See hoist_uninitialized.h.
#include "passes/hoist_uninitialized.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "ir/pass_registry.h"

namespace tscript::passes {

namespace {

const ir::Symbol& uninitializedKind() {
  static const ir::Symbol kind = ir::Symbol::make("prim", "Uninitialized");
  return kind;
}

void collect(ir::Block* block, std::vector<ir::Node*>& found) {
  for (ir::Node* node : block->nodes()) {
    if (node->kind() == uninitializedKind()) found.push_back(node);
    for (ir::Block* sub : node->blocks()) collect(sub, found);
  }
}

const ir::PassRegistration kRegistration(
    "hoist-uninitialized",
    "move prim::Uninitialized placeholders to the top of the graph, one per type",
    [](ir::Graph& graph) { return hoistUninitialized(graph); });

}  // namespace

bool hoistUninitialized(ir::Graph& graph) {
  std::vector<ir::Node*> placeholders;
  collect(graph.block(), placeholders);
  bool changed = false;
  std::unordered_map<std::string, ir::Node*> byType;  // keyed by the graph spelling
  for (ir::Node* node : placeholders) {
    auto [kept, inserted] = byType.emplace(node->output()->type()->str(), node);
    if (!inserted) {
      // A value that means nothing: any placeholder of the type will do for its uses.
      node->output()->replaceAllUsesWith(kept->second->output());
      node->destroy();
      changed = true;
      continue;
    }
    // Each kept placeholder goes first, so the last one found ends up on top. (The graph's
    // block is not empty: it holds this node or the node whose block holds it.)
    ir::Node* top = *graph.block()->nodes().begin();
    if (top != node) {
      node->moveBefore(top);
      changed = true;
    }
  }
  return changed;
}

}  // namespace tscript::passes
