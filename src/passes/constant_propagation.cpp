// See constant_propagation.h.
#include "passes/constant_propagation.h"

#include <algorithm>
#include <unordered_set>

#include "types/type.h"

namespace tscript::passes {

namespace {

ir::Symbol prim(const char* name) { return ir::Symbol::make("prim", name); }
ir::Symbol aten(const char* name) { return ir::Symbol::make("aten", name); }

// Nodes never run at compile time whatever their inputs: structure (run by the pass itself or
// not at all), placeholders, and nodes whose running is the point (1.13's skip list and
// Node::hasSideEffects, as far as the nodes this project emits go).
bool neverFolded(const ir::Node& node) {
  static const std::unordered_set<ir::Symbol> kKinds = {
      ir::prim::Constant, ir::prim::If, ir::prim::Loop, ir::prim::Param, ir::prim::Return,
      prim("Uninitialized"), prim("unchecked_unwrap_optional"), prim("Closure"),
      prim("AutogradZero"), prim("Print"), prim("RaiseException"), prim("SetAttr"),
      prim("CallFunction"), prim("CallMethod"), prim("Enter"), prim("Exit"),
      prim("PythonOp"), prim("IgnoredPythonOp"), prim("AddStatValue"), prim("TimePoint"),
      aten("warn"), aten("save"), aten("manual_seed"), aten("wait"), aten("dequantize")};
  return kKinds.count(node.kind()) > 0 || !node.blocks().empty();
}

bool allImmutable(const std::vector<ir::Value*>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](const ir::Value* value) { return isImmutableType(*value->type()); });
}

bool allConstant(const std::vector<ir::Value*>& values) {
  return std::all_of(values.begin(), values.end(), [](const ir::Value* value) {
    return value->node()->kind() == ir::prim::Constant;
  });
}

class Propagation {
 public:
  explicit Propagation(const ConstantFolder& fold) : fold_(fold) {}

  void run(ir::Block& block) {
    ir::NodeRange nodes = block.nodes();
    for (ir::NodeIterator it = nodes.begin(); it != nodes.end();) {
      ir::Node* node = *it++;  // advanced first: `node` may be destroyed
      visit(*node);
    }
  }

  bool changed() const { return changed_; }

 private:
  void visit(ir::Node& node) {
    if (node.kind() == ir::prim::If) {
      if (allConstant(node.inputs())) {
        inlineTakenBranch(node);
      } else {
        for (ir::Block* branch : node.blocks()) run(*branch);
      }
      return;
    }
    if (node.kind() != ir::prim::Loop && allConstant(node.inputs()) && !neverFolded(node) &&
        allImmutable(node.inputs()) && allImmutable(node.outputs())) {
      std::vector<ir::Value*> results = fold_(node);
      if (!results.empty()) {
        for (size_t i = 0; i < results.size(); ++i) node.output(i)->replaceAllUsesWith(results[i]);
        removeWithUnusedConstantInputs(node);
        changed_ = true;
        return;
      }
    }
    for (ir::Block* block : node.blocks()) run(*block);
  }

  // The branch a constant condition takes, propagated, then moved in place of the If.
  void inlineTakenBranch(ir::Node& node) {
    ir::ConstantValue condition;
    if (!ir::constantValueOf(node.input(0)->node(), condition) ||
        condition.kind != ir::ConstantValue::Kind::Bool) {
      for (ir::Block* branch : node.blocks()) run(*branch);
      return;
    }
    ir::Block& taken = *node.blocks()[condition.boolValue ? 0 : 1];
    run(taken);
    while (!taken.empty()) (*taken.nodes().begin())->moveBefore(&node);
    for (size_t i = 0; i < node.outputs().size(); ++i) {
      ir::Value* result = taken.outputs()[i];
      ir::Value* output = node.output(i);
      // A named If result keeps naming the value in printed graphs.
      if (output->hasDebugName() && !result->hasDebugName()) result->setDebugName(output->debugNameBase());
      output->replaceAllUsesWith(result);
    }
    removeWithUnusedConstantInputs(node);
    changed_ = true;
  }

  // Destroys `node` (its outputs unused) and then the constants it used that nothing else
  // uses: dead code the fold made, which 1.13's dead code elimination removes.
  static void removeWithUnusedConstantInputs(ir::Node& node) {
    std::vector<ir::Node*> inputs;
    for (ir::Value* input : node.inputs()) inputs.push_back(input->node());
    node.destroy();
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    for (ir::Node* input : inputs) {
      if (input->kind() == ir::prim::Constant && !input->output(0)->hasUses()) input->destroy();
    }
  }

  const ConstantFolder& fold_;
  bool changed_ = false;
};

// Walks backwards, so that a result read only by a later dead one goes too.
void eraseDeadCodeIn(ir::Block& block) {
  ir::NodeRange nodes = block.reverseNodes();
  for (ir::NodeIterator it = nodes.begin(); it != nodes.end();) {
    ir::Node* node = *it++;  // advanced first: `node` may be destroyed
    if (node->kind() == ir::prim::Constant) {
      if (!node->output(0)->hasUses()) node->destroy();
      continue;
    }
    if (node->kind() == ir::prim::If) {
      for (size_t i = node->outputs().size(); i-- > 0;) {
        if (node->output(i)->hasUses()) continue;
        node->eraseOutput(i);
        for (ir::Block* branch : node->blocks()) branch->eraseOutput(i);
      }
    }
    for (ir::Block* nested : node->blocks()) eraseDeadCodeIn(*nested);
  }
}

}  // namespace

bool isImmutableType(const types::Type& type) {
  using types::TypeKind;
  switch (type.kind()) {
    case TypeKind::None:
    case TypeKind::Int:
    case TypeKind::Float:
    case TypeKind::Complex:
    case TypeKind::Bool:
    case TypeKind::Str:
    case TypeKind::Device:
    case TypeKind::Layout:
    case TypeKind::ScalarType:
    case TypeKind::MemoryFormat:
    case TypeKind::QScheme:
    case TypeKind::Number:
    case TypeKind::Enum:
      return true;
    case TypeKind::Tuple:
    case TypeKind::Optional:
    case TypeKind::Union: {
      std::vector<types::TypePtr> contained = type.containedTypes();
      return std::all_of(contained.begin(), contained.end(),
                         [](const types::TypePtr& element) { return isImmutableType(*element); });
    }
    default:
      return false;
  }
}

void eraseDeadResultsAndConstants(ir::Graph& graph) { eraseDeadCodeIn(*graph.block()); }

bool propagateImmutableConstants(ir::Graph& graph, const ConstantFolder& fold) {
  Propagation propagation(fold);
  propagation.run(*graph.block());
  return propagation.changed();
}

}  // namespace tscript::passes
