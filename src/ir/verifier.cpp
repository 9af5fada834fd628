#include "ir/verifier.h"

#include <unordered_set>
#include <vector>

namespace tscript::ir {

namespace {

class Verifier {
 public:
  Verifier(const Graph& graph, const VerifyOptions& options) : graph_(graph), options_(options) {}

  void run() { verifyBlock(*graph_.block()); }

 private:
  [[noreturn]] void fail(const Node& node, const std::string& message) const {
    std::string where = node.kind() == prim::Return
                            ? std::string("the return of a block")
                            : "node " + node.kind().toQualString() + ":\n  " + node.toString();
    throw VerifyError("verify: " + message + "\n  in " + where);
  }

  std::string typeName(const Value* v) const { return v->type() ? v->type()->str() : "<no type>"; }

  void define(const Node& node, Value* value) {
    if (value->owningGraph() != &graph_) fail(node, "defines %" + value->debugName() + " of another graph");
    if (!value->type()) fail(node, "%" + value->debugName() + " has no type");
    visible_.insert(value);
  }

  void checkUses(const Node& node) {
    for (size_t i = 0; i < node.inputs().size(); ++i) {
      Value* input = node.input(i);
      if (input->owningGraph() != &graph_) {
        fail(node, "input " + std::to_string(i) + " (%" + input->debugName() + ") belongs to another graph");
      }
      if (!visible_.count(input)) {
        fail(node, "%" + input->debugName() + " is used where its definition does not dominate the use");
      }
      bool recorded = false;
      for (const Use& use : input->uses()) recorded |= use.user == &node && use.offset == i;
      if (!recorded) fail(node, "input " + std::to_string(i) + " is missing from the use list of %" + input->debugName());
    }
  }

  void verifyBlock(const Block& block) {
    // Values defined in this block go out of scope when it ends.
    std::vector<Value*> definedHere;
    for (Value* input : block.inputs()) {
      define(*block.paramNode(), input);
      definedHere.push_back(input);
    }
    for (const Node* node : block.nodes()) {
      if (node->owningBlock() != &block) fail(*node, "node's owning block is not the block it is in");
      if (node->next()->prev() != node) fail(*node, "broken node list links");
      checkUses(*node);
      for (const Block* inner : node->blocks()) {
        if (inner->owningNode() != node) fail(*node, "sub-block does not point back to its node");
        verifyBlock(*inner);
      }
      checkControlFlow(*node);
      if (options_.checkNode) {
        if (std::optional<std::string> problem = options_.checkNode(*node)) fail(*node, *problem);
      }
      for (size_t i = 0; i < node->outputs().size(); ++i) {
        Value* output = node->output(i);
        if (output->node() != node || output->offset() != i) {
          fail(*node, "output " + std::to_string(i) + " does not point back to its node and offset");
        }
        define(*node, output);
        definedHere.push_back(output);
      }
    }
    checkUses(*block.returnNode());
    for (Value* value : definedHere) visible_.erase(value);
  }

  void checkOutputTypes(const Node& node, const Block& block, size_t blockIndex, size_t firstOutput) {
    for (size_t i = 0; i < node.outputs().size(); ++i) {
      Value* produced = block.outputs()[firstOutput + i];
      Value* result = node.output(i);
      if (produced->type() && result->type() && !types::isSubtypeOf(produced->type(), result->type())) {
        fail(node, "block" + std::to_string(blockIndex) + " output %" + produced->debugName() +
                       " has type " + typeName(produced) + ", which is not a subtype of output %" +
                       result->debugName() + " : " + typeName(result));
      }
    }
  }

  void checkControlFlow(const Node& node) {
    if (node.kind() == prim::If) {
      if (node.inputs().size() != 1) fail(node, "prim::If takes exactly one input (the condition)");
      if (node.blocks().size() != 2) {
        fail(node, "prim::If must have 2 blocks, found " + std::to_string(node.blocks().size()));
      }
      for (size_t b = 0; b < 2; ++b) {
        const Block& block = *node.blocks()[b];
        if (!block.inputs().empty()) fail(node, "prim::If block" + std::to_string(b) + " must not have inputs");
        if (block.outputs().size() != node.outputs().size()) {
          fail(node, "prim::If block" + std::to_string(b) + " returns " + std::to_string(block.outputs().size()) +
                         " value(s) but the node has " + std::to_string(node.outputs().size()) + " output(s)");
        }
        checkOutputTypes(node, block, b, 0);
      }
    } else if (node.kind() == prim::Loop) {
      if (node.blocks().size() != 1) {
        fail(node, "prim::Loop must have 1 block, found " + std::to_string(node.blocks().size()));
      }
      if (node.inputs().size() < 2) fail(node, "prim::Loop takes (max_trip_count, cond, carried...)");
      size_t carried = node.inputs().size() - 2;
      const Block& body = *node.blocks()[0];
      if (node.outputs().size() != carried) {
        fail(node, "prim::Loop has " + std::to_string(carried) + " loop-carried input(s) but " +
                       std::to_string(node.outputs().size()) + " output(s)");
      }
      if (body.inputs().size() != 1 + carried) {
        fail(node, "prim::Loop block must take 1 + " + std::to_string(carried) +
                       " inputs (the iteration number, then the carried values), found " +
                       std::to_string(body.inputs().size()));
      }
      if (body.outputs().size() != 1 + carried) {
        fail(node, "prim::Loop block must return 1 + " + std::to_string(carried) +
                       " values (the continue condition, then the carried values), found " +
                       std::to_string(body.outputs().size()));
      }
      checkOutputTypes(node, body, 0, 1);
    }
  }

  const Graph& graph_;
  const VerifyOptions& options_;
  std::unordered_set<const Value*> visible_;
};

}  // namespace

void verify(const Graph& graph, const VerifyOptions& options) { Verifier(graph, options).run(); }

}  // namespace tscript::ir
