#include "compiler/inline_calls.h"

#include <unordered_map>
#include <vector>

namespace tscript::compiler {

namespace {

const ir::Symbol& callFunction() {
  static const ir::Symbol s = ir::Symbol::make("prim", "CallFunction");
  return s;
}

// Copies `callee`'s nodes before `call`, reading the call's arguments for its inputs; returns
// the values that the callee returns.
std::vector<ir::Value*> insertCalleeBody(ir::Graph& graph, ir::Node* call, const ir::Graph& callee) {
  std::unordered_map<const ir::Value*, ir::Value*> mapping;
  for (size_t i = 0; i < callee.inputs().size(); ++i) {
    mapping[callee.inputs()[i]] = call->input(i + 1);  // input 0 is the function
  }
  auto lookup = [&](ir::Value* value) { return mapping.at(value); };
  for (const ir::Node* node : callee.nodes()) {
    ir::Node* copy = graph.createClone(node, lookup);
    copy->insertBefore(call);
    // Keep the call site's location for nodes that have none of their own.
    if (!copy->sourceRange().valid() && copy->printedLocation().empty()) {
      copy->setSourceRange(call->sourceRange());
    }
    for (size_t i = 0; i < node->outputs().size(); ++i) mapping[node->output(i)] = copy->output(i);
  }
  std::vector<ir::Value*> results;
  for (const ir::Value* output : callee.outputs()) results.push_back(mapping.at(output));
  return results;
}

bool inlineBlock(ir::Graph& graph, ir::Block* block, const CalleeLookup& lookup) {
  bool changed = false;
  for (auto it = block->nodes().begin(); it != block->nodes().end();) {
    ir::Node* node = *it;
    ++it;
    for (ir::Block* sub : node->blocks()) changed |= inlineBlock(graph, sub, lookup);
    if (node->kind() != callFunction()) continue;
    ir::Node* function = node->input(0)->node();
    if (function->kind() != ir::prim::Constant || !function->hasAttribute("name")) continue;
    std::shared_ptr<const ir::Graph> callee = lookup(function->s("name"));
    if (!callee) continue;
    std::vector<ir::Value*> results = insertCalleeBody(graph, node, *callee);
    for (size_t i = 0; i < results.size(); ++i) node->output(i)->replaceAllUsesWith(results[i]);
    node->destroy();
    if (!function->output()->hasUses()) function->destroy();
    changed = true;
  }
  return changed;
}

}  // namespace

bool inlineCalls(ir::Graph& graph, const CalleeLookup& lookup) {
  return inlineBlock(graph, graph.block(), lookup);
}

}  // namespace tscript::compiler
