// See dead_code.h.
#include "compiler/dead_code.h"

#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ops/registry.h"

namespace tscript::compiler {

namespace {

ir::Symbol prim(const char* name) { return ir::Symbol::make("prim", name); }

bool isPureStructuralOp(ir::Symbol kind) {
  static const std::unordered_set<ir::Symbol> pure = {
      prim("Constant"),      prim("ListConstruct"), prim("TupleConstruct"),
      prim("DictConstruct"), prim("TupleUnpack"),   prim("TupleIndex"),
      prim("unchecked_cast"), prim("Uninitialized"), prim("NumToTensor"),
      prim("GetAttr"),       prim("isinstance"),
  };
  return pure.count(kind) > 0;
}

// Operators that consume the random generator: dropping a dead call would change every
// random number drawn after it.
bool drawsRandomNumbers(std::string_view name) {
  for (std::string_view word : {"rand", "dropout", "bernoulli", "multinomial", "normal",
                                "poisson", "seed", "uniform", "exponential", "cauchy",
                                "geometric"}) {
    if (name.find(word) != std::string_view::npos) return true;
  }
  return false;
}

bool isRemovableWhenUnused(const ir::Node* node) {
  if (node->outputs().empty()) return false;
  if (isPureStructuralOp(node->kind())) return true;
  if (node->kind().ns() != "aten") return false;
  if (drawsRandomNumbers(node->kind().toQualString())) return false;
  bool found = false;
  for (const ops::Operator* op : ops::overloadsOf(node->kind())) {
    const ops::Schema& schema = op->schema();
    // The compiler fills every argument, so the emitted overload has the node's arity.
    if (schema.arguments.size() != node->inputs().size() && !schema.isVararg) continue;
    found = true;
    for (const ops::Argument& argument : schema.arguments) {
      if (argument.isWrite()) return false;
    }
  }
  return found;
}

class DeadCodeEliminator {
 public:
  explicit DeadCodeEliminator(std::function<void(const ir::Node*)> beforeDestroy)
      : beforeDestroy_(std::move(beforeDestroy)) {}

  bool run(ir::Graph& graph) {
    for (ir::Value* output : graph.outputs()) markValue(output);
    markEffects(graph.block());
    sweep(graph.block());
    return changed_;
  }

 private:
  void markEffects(ir::Block* block) {
    for (ir::Node* node : block->nodes()) {
      bool controlFlow = node->kind() == ir::prim::If || node->kind() == ir::prim::Loop;
      if (!controlFlow && !isRemovableWhenUnused(node)) markNode(node);
      for (ir::Block* sub : node->blocks()) markEffects(sub);
    }
  }

  void markNode(ir::Node* node) {
    if (!live_.insert(node).second) return;
    for (ir::Value* input : node->inputs()) markValue(input);
    if (node->kind() == ir::prim::Loop) markValue(node->blocks()[0]->outputs()[0]);  // condition
    if (ir::Node* owner = node->owningBlock()->owningNode()) markNode(owner);
  }

  void markValue(ir::Value* value) {
    if (!liveValues_.insert(value).second) return;
    ir::Node* definer = value->node();
    if (definer->kind() == ir::prim::Param) {
      // A loop body's carried input: the value carried into the next iteration is needed.
      ir::Node* owner = definer->owningBlock()->owningNode();
      if (owner && owner->kind() == ir::prim::Loop && value->offset() >= 1) {
        markCarried(owner, value->offset() - 1);
      }
      return;
    }
    markNode(definer);
    if (definer->kind() == ir::prim::If) {
      for (ir::Block* branch : definer->blocks()) markValue(branch->outputs()[value->offset()]);
    } else if (definer->kind() == ir::prim::Loop) {
      markCarried(definer, value->offset());
    }
  }

  void markCarried(ir::Node* loop, size_t index) {
    if (!liveCarried_.insert({loop, index}).second) return;
    markNode(loop);
    markValue(loop->blocks()[0]->outputs()[index + 1]);
  }

  void sweep(ir::Block* block) {
    std::vector<ir::Node*> nodes;
    for (ir::Node* node : block->nodes()) nodes.push_back(node);
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
      ir::Node* node = *it;
      if (node->kind() == ir::prim::If) removeDeadIfOutputs(node);
      if (node->kind() == ir::prim::Loop) removeDeadLoopOutputs(node);
      for (ir::Block* sub : node->blocks()) sweep(sub);
      if (!live_.count(node) && !outputsAreRead(node)) {
        forEachNode(node, beforeDestroy_);
        node->destroy();
        changed_ = true;
      }
    }
  }

  void removeDeadIfOutputs(ir::Node* node) {
    for (size_t i = node->outputs().size(); i-- > 0;) {
      if (node->output(i)->hasUses()) continue;
      for (ir::Block* branch : node->blocks()) branch->eraseOutput(i);
      node->eraseOutput(i);
      changed_ = true;
    }
  }

  void removeDeadLoopOutputs(ir::Node* node) {
    ir::Block* body = node->blocks()[0];
    for (size_t i = node->outputs().size(); i-- > 0;) {
      if (node->output(i)->hasUses() || body->inputs()[i + 1]->hasUses()) continue;
      node->eraseOutput(i);
      node->removeInput(i + 2);  // after the trip count and the initial condition
      body->eraseInput(i + 1);   // after the iteration number
      body->eraseOutput(i + 1);  // after the next condition
      changed_ = true;
    }
  }

  static bool outputsAreRead(const ir::Node* node) {
    for (const ir::Value* output : node->outputs()) {
      if (output->hasUses()) return true;
    }
    return false;
  }

  static void forEachNode(const ir::Node* node, const std::function<void(const ir::Node*)>& visit) {
    if (!visit) return;
    for (const ir::Block* sub : node->blocks()) {
      for (const ir::Node* inner : sub->nodes()) forEachNode(inner, visit);
    }
    visit(node);
  }

  std::function<void(const ir::Node*)> beforeDestroy_;
  std::unordered_set<const ir::Node*> live_;
  std::unordered_set<const ir::Value*> liveValues_;
  std::set<std::pair<const ir::Node*, size_t>> liveCarried_;
  bool changed_ = false;
};

}  // namespace

bool eliminateDeadCode(ir::Graph& graph, const std::function<void(const ir::Node*)>& beforeDestroy) {
  return DeadCodeEliminator(beforeDestroy).run(graph);
}

}  // namespace tscript::compiler
