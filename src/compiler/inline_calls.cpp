#include "compiler/inline_calls.h"

#include <unordered_map>
#include <vector>

namespace tscript::compiler {

namespace {

const ir::Symbol& callFunction() {
  static const ir::Symbol s = ir::Symbol::make("prim", "CallFunction");
  return s;
}

const ir::Symbol& callMethod() {
  static const ir::Symbol s = ir::Symbol::make("prim", "CallMethod");
  return s;
}

// Copies `callee`'s nodes before `call`, reading the call's arguments (from `firstArgument`
// on) for its inputs; returns the values that the callee returns.
std::vector<ir::Value*> insertCalleeBody(ir::Graph& graph, ir::Node* call, size_t firstArgument,
                                         const ir::Graph& callee) {
  std::unordered_map<const ir::Value*, ir::Value*> mapping;
  for (size_t i = 0; i < callee.inputs().size(); ++i) {
    mapping[callee.inputs()[i]] = call->input(i + firstArgument);
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
    size_t firstArgument;
    ir::Node* function = nullptr;
    if (node->kind() == callFunction()) {
      function = node->input(0)->node();
      if (function->kind() != ir::prim::Constant || !function->hasAttribute("name")) continue;
      firstArgument = 1;
    } else if (node->kind() == callMethod()) {
      firstArgument = 0;  // the object is the method's `self`
    } else {
      continue;
    }
    std::shared_ptr<const ir::Graph> callee = lookup(*node);
    if (!callee) continue;
    std::vector<ir::Value*> results = insertCalleeBody(graph, node, firstArgument, *callee);
    for (size_t i = 0; i < results.size(); ++i) node->output(i)->replaceAllUsesWith(results[i]);
    node->destroy();
    if (function && !function->output()->hasUses()) function->destroy();
    changed = true;
  }
  return changed;
}

}  // namespace

const std::string* calledFunctionName(const ir::Node& call) {
  if (call.kind() != callFunction()) return nullptr;
  const ir::Node* function = call.input(0)->node();
  if (function->kind() != ir::prim::Constant || !function->hasAttribute("name")) return nullptr;
  return &function->s("name");
}

bool inlineCalls(ir::Graph& graph, const CalleeLookup& lookup) {
  bool changed = false;
  // Each round inlines the calls present when it starts; the bodies it copies in may hold
  // calls of their own (a method's callee graphs are not inlined), so repeat until none is
  // left. Recursion is rejected when compiling, so this ends.
  while (inlineBlock(graph, graph.block(), lookup)) changed = true;
  return changed;
}

}  // namespace tscript::compiler
