// The TorchScript IR: a typed SSA graph with structured control flow.
//
//   Graph   owns every Block, Node and Value created in it (arena style); everything else holds
//           raw pointers that stay valid until the object is destroyed through the mutation API.
//   Block   an ordered, intrusive doubly linked list of Nodes between two sentinel nodes: a
//           `prim::Param` node whose outputs are the block's inputs and a `prim::Return` node
//           whose inputs are the block's outputs. Neither sentinel is printed as a node.
//   Node    kind (an interned Symbol), inputs, outputs, sub-blocks (prim::If has 2, prim::Loop
//           1), named attributes, a source range / printed location and an optional scope.
//   Value   defined by exactly one node output (or a block input); has a type, a unique id,
//           an optional debug name and a list of uses (so replaceAllUsesWith is O(uses)).
//
// Every mutation keeps the def-use lists consistent: Node::addInput records the use on the
// value, Node::replaceInput moves it, Node::destroy removes them. Code outside this file never
// edits a use list directly.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/attributes.h"
#include "ir/symbol.h"
#include "lang/source.h"
#include "types/type.h"

namespace tscript::ir {

class Block;
class Graph;
class Node;
class Value;

// One use of a value: input number `offset` of node `user`.
struct Use {
  Node* user;
  size_t offset;
  bool operator==(const Use&) const = default;
};

class Value {
 public:
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  Node* node() const { return node_; }        // the defining node (prim::Param for block inputs)
  size_t offset() const { return offset_; }   // which output of node() this is
  size_t unique() const { return unique_; }   // printed as `%N` when there is no debug name
  Graph* owningGraph() const;

  const types::TypePtr& type() const { return type_; }
  Value* setType(types::TypePtr type);

  bool hasDebugName() const { return !debugName_.empty(); }
  // The name the printer uses: the debug name, or the unique id.
  std::string debugName() const;
  // The debug name without a trailing `.digits` (`x.5` -> `x`).
  std::string debugNameBase() const;
  // Given: a name that is not all digits ("" clears the name).
  // Execute: takes the name; if another value of this graph owns it, that older value is
  //          renamed to `base.K` (K from a per-graph counter for `base`, see IR format §1).
  // Result: this value is named `name`; names stay unique per graph. Throws on invalid names.
  Value* setDebugName(const std::string& name);

  const std::vector<Use>& uses() const { return uses_; }
  bool hasUses() const { return !uses_.empty(); }

  // Given: `replacement` in the same graph, defined where it dominates every use of this.
  // Execute: rewrites every input that reads this value to read `replacement`.
  // Result: this value has no uses; cost O(uses).
  void replaceAllUsesWith(Value* replacement);

 private:
  friend class Node;
  friend class Graph;
  friend class Block;
  Value(Node* node, size_t offset, size_t unique) : node_(node), offset_(offset), unique_(unique) {}

  Node* node_;
  size_t offset_;
  size_t unique_;
  types::TypePtr type_;
  std::string debugName_;
  std::vector<Use> uses_;
  size_t arenaIndex_ = 0;  // position in Graph::values_, for O(1) destruction
};

class Node {
 public:
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Symbol kind() const { return kind_; }
  Graph* owningGraph() const { return graph_; }
  Block* owningBlock() const { return block_; }  // null until inserted
  bool isInserted() const { return block_ != nullptr; }
  Node* next() const { return next_; }
  Node* prev() const { return prev_; }

  // ---- inputs ----
  const std::vector<Value*>& inputs() const { return inputs_; }
  Value* input(size_t i) const { return inputs_.at(i); }
  Value* input() const;  // the only input; asserts there is exactly one
  // Given: a value of the same graph. Execute: appends it and records the use.
  Value* addInput(Value* value);
  Value* insertInput(size_t i, Value* value);
  // Given: i < inputs().size(). Execute: input i reads `value` instead (uses updated).
  // Result: the previous value, which lost this use.
  Value* replaceInput(size_t i, Value* value);
  // Replaces every occurrence of `from` among the inputs by `to`.
  void replaceInputWith(Value* from, Value* to);
  void removeInput(size_t i);
  void removeAllInputs();
  // Given: `order` is a permutation of [0, n) for the last n inputs (n = order.size()).
  // Execute: the input at position first+k becomes the one that was at first+order[k], where
  // first = inputs().size() - n; use offsets follow. Result: same values, reordered.
  void permuteTrailingInputs(const std::vector<size_t>& order);

  // ---- outputs ----
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* output(size_t i) const { return outputs_.at(i); }
  Value* output() const;  // the only output; asserts there is exactly one
  Value* addOutput();
  Value* insertOutput(size_t i);
  // Given: output i has no uses. Execute: destroys it; later outputs shift down.
  void eraseOutput(size_t i);
  // Given: `order` is a permutation of [0, n) for the last n outputs (n = order.size()).
  // Execute: the output at position first+k becomes the value that was at first+order[k]
  // (values, names and uses unchanged; only their offsets move).
  void permuteTrailingOutputs(const std::vector<size_t>& order);

  // ---- blocks ----
  const std::vector<Block*>& blocks() const { return blocks_; }
  Block* addBlock();
  void eraseBlock(size_t i);

  // ---- position ----
  // Given: this node is not in a block; `other` is. Execute: links this right before/after it.
  Node* insertBefore(Node* other);
  Node* insertAfter(Node* other);
  // Given: this node is in a block. Execute: unlinks it and reinserts before/after `other`.
  void moveBefore(Node* other);
  void moveAfter(Node* other);
  // Given: no output has uses. Execute: drops its input uses, destroys its blocks (and their
  // nodes), unlinks and frees it. Result: every pointer to it or its outputs is dangling.
  void destroy();
  // True when this node comes before `other` in program order; both must be in the same block.
  bool isBefore(const Node* other) const;

  // ---- attributes, in insertion order (the printer keeps that order) ----
  bool hasAttribute(const std::string& name) const;
  const AttributeValue& attribute(const std::string& name) const;  // throws if missing
  const AttributeValue* findAttribute(const std::string& name) const;
  // Replaces an existing attribute in place (keeping its position) or appends a new one.
  Node* setAttribute(const std::string& name, AttributeValue value);
  bool removeAttribute(const std::string& name);
  const std::vector<std::pair<std::string, AttributeValue>>& attributes() const {
    return attributes_;
  }
  // Typed shorthands for the common kinds (TorchScript's i_/f_/s_/g_ setters).
  Node* i_(const std::string& name, int64_t v) { return setAttribute(name, AttributeValue(v)); }
  Node* f_(const std::string& name, double v) { return setAttribute(name, AttributeValue(v)); }
  Node* s_(const std::string& name, std::string v) {
    return setAttribute(name, AttributeValue(std::move(v)));
  }
  Node* ty_(const std::string& name, types::TypePtr v) {
    return setAttribute(name, AttributeValue(std::move(v)));
  }
  Node* g_(const std::string& name, GraphPtr v) {
    return setAttribute(name, AttributeValue(std::move(v)));
  }
  int64_t i(const std::string& name) const { return attribute(name).get<int64_t>(); }
  double f(const std::string& name) const { return attribute(name).get<double>(); }
  const std::string& s(const std::string& name) const {
    return attribute(name).get<std::string>();
  }
  const types::TypePtr& ty(const std::string& name) const {
    return attribute(name).get<types::TypePtr>();
  }
  const GraphPtr& g(const std::string& name) const { return attribute(name).get<GraphPtr>(); }

  // ---- provenance ----
  const lang::SourceRange& sourceRange() const { return sourceRange_; }
  Node* setSourceRange(lang::SourceRange range);
  // A location known only as text (`file.py:3:8`), e.g. read back from a printed graph. The
  // printer shows sourceRange() when it is valid, otherwise this.
  const std::string& printedLocation() const { return printedLocation_; }
  Node* setPrintedLocation(std::string location);
  // Module scope of traced nodes, `__module.a/__module.a.b`; empty when none.
  const std::string& scope() const { return scope_; }
  Node* setScope(std::string scope);

  // The node as one line of `.graph` text (no blocks), for error messages.
  std::string toString() const;

 private:
  friend class Graph;
  friend class Block;
  friend class Value;
  Node(Graph* graph, Symbol kind) : kind_(kind), graph_(graph) {}
  void dropUseOf(size_t inputIndex);
  void unlink();
  void destroyValue(Value* value);

  Symbol kind_;
  Graph* graph_;
  Block* block_ = nullptr;
  Node* next_ = nullptr;
  Node* prev_ = nullptr;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Block*> blocks_;
  std::vector<std::pair<std::string, AttributeValue>> attributes_;
  lang::SourceRange sourceRange_;
  std::string printedLocation_;
  std::string scope_;
  size_t arenaIndex_ = 0;
};

// Iterates the nodes of a block in order (sentinels excluded). Safe against destroying the
// current node only if the caller advances first.
class NodeIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = Node*;
  using difference_type = std::ptrdiff_t;
  using pointer = Node**;
  using reference = Node*;
  NodeIterator() = default;
  explicit NodeIterator(Node* node, bool reverse = false) : node_(node), reverse_(reverse) {}
  Node* operator*() const { return node_; }
  NodeIterator& operator++() {
    node_ = reverse_ ? node_->prev() : node_->next();
    return *this;
  }
  NodeIterator operator++(int) {
    NodeIterator old = *this;
    ++*this;
    return old;
  }
  NodeIterator& operator--() {
    node_ = reverse_ ? node_->next() : node_->prev();
    return *this;
  }
  bool operator==(const NodeIterator& other) const { return node_ == other.node_; }

 private:
  Node* node_ = nullptr;
  bool reverse_ = false;
};

struct NodeRange {
  NodeIterator first, last;
  NodeIterator begin() const { return first; }
  NodeIterator end() const { return last; }
  bool empty() const { return first == last; }
};

class Block {
 public:
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  Graph* owningGraph() const { return graph_; }
  Node* owningNode() const { return owningNode_; }  // null for the graph's top block

  const std::vector<Value*>& inputs() const;
  const std::vector<Value*>& outputs() const;
  Value* addInput(const std::string& name = "");
  Value* insertInput(size_t i, const std::string& name = "");
  // Given: input i has no uses. Execute: removes it.
  void eraseInput(size_t i);
  // Appends `value` to the block's outputs (an input of the return node). Returns its index.
  size_t registerOutput(Value* value);
  void insertOutput(size_t i, Value* value);
  void eraseOutput(size_t i);
  // The Node::permuteTrailing* rules applied to the block's inputs / outputs.
  void permuteTrailingInputs(const std::vector<size_t>& order);
  void permuteTrailingOutputs(const std::vector<size_t>& order);

  Node* paramNode() const { return param_; }
  Node* returnNode() const { return return_; }
  NodeRange nodes() const {
    return {NodeIterator(return_->next()), NodeIterator(return_)};
  }
  NodeRange reverseNodes() const {
    return {NodeIterator(return_->prev(), true), NodeIterator(return_, true)};
  }
  bool empty() const { return return_->next() == return_; }
  Node* appendNode(Node* node) { return node->insertBefore(return_); }
  Node* prependNode(Node* node) { return node->insertAfter(return_); }

  // Given: `source` from any graph; `valueMap` maps every value used in `source` but defined
  // outside it to a value of this graph. Execute: copies inputs (with names), nodes (with their
  // blocks and attributes) and outputs of `source` into this (empty) block.
  void cloneFrom(const Block& source, const std::function<Value*(Value*)>& valueMap);

 private:
  friend class Graph;
  friend class Node;
  Block(Graph* graph, Node* owningNode);
  void destroyContents();

  Graph* graph_;
  Node* owningNode_;
  Node* param_;
  Node* return_;
  size_t arenaIndex_ = 0;
};

class Graph : public std::enable_shared_from_this<Graph> {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  Block* block() const { return block_; }
  const std::vector<Value*>& inputs() const { return block_->inputs(); }
  const std::vector<Value*>& outputs() const { return block_->outputs(); }
  Value* addInput(const std::string& name = "") { return block_->addInput(name); }
  Value* insertInput(size_t i, const std::string& name = "") {
    return block_->insertInput(i, name);
  }
  void eraseInput(size_t i) { block_->eraseInput(i); }
  size_t registerOutput(Value* value) { return block_->registerOutput(value); }
  void eraseOutput(size_t i) { block_->eraseOutput(i); }
  NodeRange nodes() const { return block_->nodes(); }
  Node* paramNode() const { return block_->paramNode(); }
  Node* returnNode() const { return block_->returnNode(); }

  // ---- node creation (not inserted) ----
  Node* create(Symbol kind, size_t numOutputs = 1);
  Node* create(Symbol kind, const std::vector<Value*>& inputs, size_t numOutputs = 1);
  // Given: `node` from any graph; `valueMap` maps its inputs (and values its blocks read from
  // outside) into this graph. Execute: a new, uninserted node with the same kind, attributes,
  // provenance and output types and debug names (TorchScript's copyMetadata: within one graph
  // the uniquing rule renames the original), and copies of its blocks when `copyBlocks`.
  Node* createClone(const Node* node, const std::function<Value*(Value*)>& valueMap,
                    bool copyBlocks = true);

  // ---- the insertion point: where insertNode puts new nodes ----
  // Nodes are inserted *before* the insertion point; pointing it at a block's return node
  // appends to that block. A new graph appends to its top block.
  Node* insertPoint() const { return insertBefore_; }
  void setInsertPoint(Node* before) { insertBefore_ = before; }
  void setInsertPoint(Block* block) { insertBefore_ = block->returnNode(); }
  Node* insertNode(Node* node) { return node->insertBefore(insertBefore_); }
  // create + insertNode.
  Node* insert(Symbol kind, const std::vector<Value*>& inputs, size_t numOutputs = 1) {
    return insertNode(create(kind, inputs, numOutputs));
  }

  // A deep copy (own names, types, attributes, subgraphs shared by pointer).
  std::shared_ptr<Graph> copy() const;

  // The `.graph` text (printer.cpp).
  std::string toString(bool printSourceLocations = true) const;

  // The next id a new value will get; the IR parser raises it above every `%N` in its input so
  // that numbered values can keep their number (see setValueUnique).
  size_t nextUnique() const { return nextUnique_; }
  void setNextUnique(size_t next) { nextUnique_ = next; }
  // Given: no other value of this graph has id `unique` (the caller guarantees it).
  // Execute: gives `value` that id. Used by the IR parser to keep `%42` as `%42`.
  void setValueUnique(Value* value, size_t unique) { value->unique_ = unique; }

  size_t numNodes() const { return nodes_.size(); }    // including sentinels
  size_t numValues() const { return values_.size(); }

 private:
  friend class Node;
  friend class Value;
  friend class Block;
  Value* newValue(Node* node, size_t offset);
  Block* newBlock(Node* owningNode);
  Node* newNode(Symbol kind);
  void freeNode(Node* node);
  void freeValue(Value* value);
  void freeBlock(Block* block);
  template <typename T>
  static void eraseFromArena(std::vector<std::unique_ptr<T>>& arena, T* object);

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Block>> blocks_;
  size_t nextUnique_ = 0;
  Block* block_ = nullptr;
  Node* insertBefore_ = nullptr;
  // Debug-name bookkeeping (Value::setDebugName).
  std::unordered_map<std::string, Value*> uniqueNames_;
  std::unordered_map<std::string, size_t> nameBaseSuffix_;
};

// Sets the insertion point for a scope and restores the previous one on exit.
// The node's prim::Constant value as a ConstantValue typed by its output (bool vs int,
// devices); false when the node is not a value constant (defined in code_expressions.cpp).
bool constantValueOf(const Node* node, ConstantValue& out);

class WithInsertPoint {
 public:
  WithInsertPoint(Graph& graph, Node* before) : graph_(graph), previous_(graph.insertPoint()) {
    graph.setInsertPoint(before);
  }
  WithInsertPoint(Graph& graph, Block* block) : WithInsertPoint(graph, block->returnNode()) {}
  ~WithInsertPoint() { graph_.setInsertPoint(previous_); }
  WithInsertPoint(const WithInsertPoint&) = delete;
  WithInsertPoint& operator=(const WithInsertPoint&) = delete;

 private:
  Graph& graph_;
  Node* previous_;
};

}  // namespace tscript::ir
