// See canonicalize_outputs.h.
#include "passes/canonicalize_outputs.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "ir/pass_registry.h"

namespace tscript::passes {

namespace {

// Each node's index in its block; a block's return node comes after every node of it.
class ProgramOrder {
 public:
  explicit ProgramOrder(const ir::Block* block) { number(block); }

  // 1.13's isBeforeOrAfter for uses: the same user orders by input offset; otherwise the
  // users' ancestors in their first common block decide, and users under one node (sibling
  // blocks, or the node and something inside it) are not before one another.
  bool isBefore(const ir::Use& a, const ir::Use& b) const {
    if (a.user == b.user) return a.offset < b.offset;
    std::vector<const ir::Node*> left = ancestry(a.user);
    std::vector<const ir::Node*> right = ancestry(b.user);
    for (size_t depth = 0; depth < left.size() && depth < right.size(); ++depth) {
      if (left[depth] != right[depth]) return index_.at(left[depth]) < index_.at(right[depth]);
    }
    return false;
  }

 private:
  void number(const ir::Block* block) {
    size_t index = 0;
    for (const ir::Node* node : block->nodes()) {
      index_[node] = index++;
      for (const ir::Block* sub : node->blocks()) number(sub);
    }
    index_[block->returnNode()] = index;
  }

  // The node and the nodes owning it, outermost first. Two chains agree up to the nodes
  // that hold both users, and the first entries that differ are in one block.
  static std::vector<const ir::Node*> ancestry(const ir::Node* node) {
    std::vector<const ir::Node*> chain;
    for (const ir::Node* n = node; n; n = n->owningBlock()->owningNode()) chain.push_back(n);
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  std::unordered_map<const ir::Node*, size_t> index_;
};

const ir::Use& firstUse(const ProgramOrder& order, const ir::Value* value) {
  const ir::Use* first = &value->uses().front();
  for (const ir::Use& use : value->uses()) {
    if (order.isBefore(use, *first)) first = &use;
  }
  return *first;
}

// The new order of `values` (indices into it), as 1.13's sort_indexes computes it.
std::vector<size_t> orderByFirstUse(const ProgramOrder& program, const std::vector<ir::Value*>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i1, size_t i2) {
    bool used1 = values[i1]->hasUses();
    bool used2 = values[i2]->hasUses();
    if (!used1 && !used2) return i1 < i2;
    if (!used1) return false;
    if (!used2) return true;
    return program.isBefore(firstUse(program, values[i1]), firstUse(program, values[i2]));
  });
  return order;
}

bool isIdentity(const std::vector<size_t>& order) {
  for (size_t k = 0; k < order.size(); ++k) {
    if (order[k] != k) return false;
  }
  return true;
}

bool canonicalizeBlock(const ProgramOrder& program, ir::Block* block) {
  bool changed = false;
  // Reverse order, as 1.13: a node's outputs are ordered by uses that follow it, which an
  // earlier reordering in this block does not move.
  std::vector<ir::Node*> nodes;
  for (ir::Node* node : block->nodes()) nodes.push_back(node);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    ir::Node* node = *it;
    if (node->kind() == ir::prim::If || node->kind() == ir::prim::Loop) {
      std::vector<size_t> order = orderByFirstUse(program, node->outputs());
      if (!isIdentity(order)) {
        changed = true;
        node->permuteTrailingOutputs(order);
        for (ir::Block* sub : node->blocks()) {
          sub->permuteTrailingOutputs(order);  // a loop body's condition output stays first
          // A loop's carried inputs follow its outputs, in the node and in the body.
          if (node->kind() == ir::prim::Loop) sub->permuteTrailingInputs(order);
        }
        if (node->kind() == ir::prim::Loop) node->permuteTrailingInputs(order);
      }
    }
    for (ir::Block* sub : node->blocks()) changed |= canonicalizeBlock(program, sub);
  }
  return changed;
}

const ir::PassRegistration kRegistration(
    "canonicalize-outputs",
    "order if outputs and loop-carried values by their first use, as torch.jit's cleanup does",
    [](ir::Graph& graph) { return canonicalizeOutputs(graph); });

}  // namespace

bool canonicalizeOutputs(ir::Graph& graph) {
  // Reordering outputs moves no node, so the numbering holds for the whole walk.
  ProgramOrder program(graph.block());
  return canonicalizeBlock(program, graph.block());
}

}  // namespace tscript::passes
