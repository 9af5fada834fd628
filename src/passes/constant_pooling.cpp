// See constant_pooling.h.
#include "passes/constant_pooling.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/pass_registry.h"

namespace tscript::passes {

namespace {

// Two constants are interchangeable when their type and attributes print the same, unless a
// tensor attribute carries the tensor itself: tensors that print alike (`<Tensor>`) are only
// the same constant when they are the same tensor.
std::string constantKey(const ir::Node* node) {
  std::string key = node->output(0)->type()->str();
  for (const auto& [name, value] : node->attributes()) {
    key += '\0' + name + '=' + ir::formatAttribute(value);
    if (value.kind() == ir::AttributeKind::t) {
      if (const void* tensor = value.get<ir::TensorText>().value.get()) {
        key += '@' + std::to_string(reinterpret_cast<uintptr_t>(tensor));
      }
    }
  }
  return key;
}

void collectConstants(ir::Block* block, std::vector<ir::Node*>& constants) {
  for (ir::Node* node : block->nodes()) {
    for (ir::Block* sub : node->blocks()) collectConstants(sub, constants);
    if (node->kind() == ir::prim::Constant) constants.push_back(node);
  }
}

// Keeps the first of each group of equal constants in `order` (replacing the others) and
// places the survivors at the top of the graph in that order. Returns whether anything moved
// or was removed.
bool placeAtTop(ir::Graph& graph, const std::vector<ir::Node*>& order) {
  bool changed = false;
  std::unordered_map<std::string, ir::Node*> survivors;
  std::vector<ir::Node*> kept;
  for (ir::Node* node : order) {
    auto [it, inserted] = survivors.emplace(constantKey(node), node);
    if (inserted) {
      kept.push_back(node);
      continue;
    }
    node->output(0)->replaceAllUsesWith(it->second->output(0));
    node->destroy();
    changed = true;
  }
  // Insert the kept ones in order before the first node that is not one of them.
  ir::Node* cursor = nullptr;
  for (ir::Node* node : kept) {
    ir::Node* front = graph.block()->nodes().begin() == graph.block()->nodes().end()
                          ? nullptr
                          : *graph.block()->nodes().begin();
    ir::Node* target = cursor ? cursor->next() : front;
    if (target != node) {
      if (target) {
        node->moveBefore(target);
      } else {
        node->moveBefore(graph.block()->returnNode());
      }
      changed = true;
    }
    cursor = node;
  }
  return changed;
}

}  // namespace

bool poolConstants(ir::Graph& graph) {
  std::vector<ir::Node*> constants;
  collectConstants(graph.block(), constants);
  // Moving each newly seen constant to the front leaves them in reverse order of first
  // appearance; duplicates merge into the first seen.
  std::vector<ir::Node*> firstSeen;
  std::unordered_map<std::string, ir::Node*> seen;
  std::vector<ir::Node*> duplicates;
  for (ir::Node* node : constants) {
    if (seen.emplace(constantKey(node), node).second) firstSeen.push_back(node);
  }
  std::vector<ir::Node*> order(firstSeen.rbegin(), firstSeen.rend());
  // Duplicates follow their survivor so placeAtTop merges them into it.
  for (ir::Node* node : constants) {
    if (seen.at(constantKey(node)) != node) order.push_back(node);
  }
  return placeAtTop(graph, order);
}

bool poolConstantsAsEmitted(ir::Graph& graph,
                            const std::function<bool(const ir::Node*)>& isSourceLiteral) {
  std::vector<ir::Node*> constants;
  collectConstants(graph.block(), constants);
  std::vector<ir::Node*> literals;
  std::vector<ir::Node*> synthesized;
  for (ir::Node* node : constants) (isSourceLiteral(node) ? literals : synthesized).push_back(node);
  // Literals win over equal synthesized constants, so they are grouped first for merging;
  // the final order is synthesized (latest first), then literals in source order.
  std::unordered_map<std::string, ir::Node*> literalByKey;
  std::vector<ir::Node*> literalOrder;
  for (ir::Node* node : literals) {
    if (literalByKey.emplace(constantKey(node), node).second) literalOrder.push_back(node);
  }
  std::unordered_map<std::string, ir::Node*> synthesizedByKey;
  std::vector<ir::Node*> synthesizedOrder;
  for (ir::Node* node : synthesized) {
    std::string key = constantKey(node);
    if (!literalByKey.count(key) && synthesizedByKey.emplace(key, node).second) {
      synthesizedOrder.push_back(node);
    }
  }
  std::vector<ir::Node*> order(synthesizedOrder.rbegin(), synthesizedOrder.rend());
  order.insert(order.end(), literalOrder.begin(), literalOrder.end());
  for (ir::Node* node : constants) {
    std::string key = constantKey(node);
    auto literal = literalByKey.find(key);
    ir::Node* survivor = literal != literalByKey.end() ? literal->second : synthesizedByKey.at(key);
    if (survivor != node) order.push_back(node);
  }
  return placeAtTop(graph, order);
}

namespace {
const ir::PassRegistration kRegistration(
    "constant-pooling", "move constants to the top of the graph and merge equal ones",
    [](ir::Graph& graph) { return poolConstants(graph); });
}  // namespace

}  // namespace tscript::passes
