#include "ir/ir.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <unordered_set>

namespace tscript::ir {

namespace {

[[noreturn]] void fail(const std::string& message) { throw std::logic_error("IR: " + message); }

bool isAllDigits(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

}  // namespace

// ============================================================================ Value

Graph* Value::owningGraph() const { return node_->owningGraph(); }

Value* Value::setType(types::TypePtr type) {
  type_ = std::move(type);
  return this;
}

std::string Value::debugName() const {
  return hasDebugName() ? debugName_ : std::to_string(unique_);
}

std::string Value::debugNameBase() const {
  std::string name = debugName();
  size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot + 1 < name.size() && isAllDigits(name.substr(dot + 1))) {
    return name.substr(0, dot);
  }
  return name;
}

Value* Value::setDebugName(const std::string& name) {
  if (isAllDigits(name)) fail("invalid debug name '" + name + "' (names must not be all digits)");
  Graph* graph = owningGraph();
  auto& names = graph->uniqueNames_;
  if (hasDebugName()) {
    names.erase(debugName_);
    debugName_.clear();
  }
  if (name.empty()) return this;

  if (auto owner = names.find(name); owner != names.end()) {
    // The older owner moves to `base.K`; K starts at the name's own numeric suffix (or 1)
    // and never goes below what this base has already handed out.
    size_t suffix = 1;
    std::string base = name;
    size_t dot = name.find_last_of('.');
    if (dot != std::string::npos && dot + 1 < name.size() && isAllDigits(name.substr(dot + 1))) {
      suffix = std::stoull(name.substr(dot + 1));
      base = name.substr(0, dot);
    }
    auto& suffixes = graph->nameBaseSuffix_;
    if (auto it = suffixes.find(base); it != suffixes.end()) suffix = std::max(suffix, it->second + 1);
    std::string replacement;
    do {
      replacement = base + "." + std::to_string(suffix++);
    } while (names.count(replacement));
    suffixes[base] = suffix;
    owner->second->setDebugName(replacement);
  }
  names[name] = this;
  debugName_ = name;
  return this;
}

void Value::replaceAllUsesWith(Value* replacement) {
  if (replacement == this) return;
  if (replacement->owningGraph() != owningGraph()) fail("replaceAllUsesWith across graphs");
  // Each Use names a slot; rewriting the slot directly avoids the O(uses) search replaceInput
  // would do per use.
  for (const Use& use : uses_) {
    use.user->inputs_[use.offset] = replacement;
    replacement->uses_.push_back(use);
  }
  uses_.clear();
}

// ============================================================================ Node

Value* Node::input() const {
  if (inputs_.size() != 1) fail(kind_.toQualString() + " does not have exactly one input");
  return inputs_[0];
}

Value* Node::output() const {
  if (outputs_.size() != 1) fail(kind_.toQualString() + " does not have exactly one output");
  return outputs_[0];
}

Value* Node::addInput(Value* value) {
  return insertInput(inputs_.size(), value);
}

Value* Node::insertInput(size_t i, Value* value) {
  if (value->owningGraph() != graph_) fail("input from another graph added to " + toString());
  // Later inputs shift up by one: their recorded offsets must follow. Going from the back
  // keeps a value that is used twice from having the same use bumped twice.
  for (size_t j = inputs_.size(); j-- > i;) {
    for (Use& use : inputs_[j]->uses_) {
      if (use.user == this && use.offset == j) {
        ++use.offset;
        break;
      }
    }
  }
  inputs_.insert(inputs_.begin() + static_cast<std::ptrdiff_t>(i), value);
  value->uses_.push_back({this, i});
  return value;
}

void Node::dropUseOf(size_t inputIndex) {
  auto& uses = inputs_[inputIndex]->uses_;
  auto it = std::find(uses.begin(), uses.end(), Use{this, inputIndex});
  assert(it != uses.end() && "use list out of sync with inputs");
  uses.erase(it);
}

Value* Node::replaceInput(size_t i, Value* value) {
  if (value->owningGraph() != graph_) fail("input from another graph given to " + toString());
  Value* old = inputs_.at(i);
  dropUseOf(i);
  inputs_[i] = value;
  value->uses_.push_back({this, i});
  return old;
}

void Node::replaceInputWith(Value* from, Value* to) {
  for (size_t i = 0; i < inputs_.size(); ++i) {
    if (inputs_[i] == from) replaceInput(i, to);
  }
}

void Node::removeInput(size_t i) {
  dropUseOf(i);
  for (size_t j = i + 1; j < inputs_.size(); ++j) {
    for (Use& use : inputs_[j]->uses_) {
      if (use.user == this && use.offset == j) {
        --use.offset;
        break;
      }
    }
  }
  inputs_.erase(inputs_.begin() + static_cast<std::ptrdiff_t>(i));
}

void Node::removeAllInputs() {
  for (size_t i = 0; i < inputs_.size(); ++i) dropUseOf(i);
  inputs_.clear();
}

namespace {

// Given: `order` is a permutation of [0, order.size()) and `items` has at least that many.
// Result: the offset (in `items`) of the first permuted item.
template <typename T>
size_t checkedPermutationStart(const std::vector<T>& items, const std::vector<size_t>& order) {
  if (order.size() > items.size()) fail("permutation longer than the list it permutes");
  std::vector<bool> seen(order.size(), false);
  for (size_t index : order) {
    if (index >= order.size() || seen[index]) fail("not a permutation");
    seen[index] = true;
  }
  return items.size() - order.size();
}

}  // namespace

void Node::permuteTrailingInputs(const std::vector<size_t>& order) {
  size_t first = checkedPermutationStart(inputs_, order);
  std::vector<Value*> old(inputs_.begin() + static_cast<std::ptrdiff_t>(first), inputs_.end());
  std::vector<size_t> newOffsetOf(order.size());
  for (size_t k = 0; k < order.size(); ++k) newOffsetOf[order[k]] = first + k;
  // Each use of this node at a permuted offset moves once: a value read twice has two uses
  // with distinct offsets, so rewriting them from the old-offset table never clashes.
  std::unordered_set<Value*> visited;
  for (Value* value : old) {
    if (!visited.insert(value).second) continue;
    for (Use& use : value->uses_) {
      if (use.user == this && use.offset >= first) use.offset = newOffsetOf[use.offset - first];
    }
  }
  for (size_t k = 0; k < order.size(); ++k) inputs_[first + k] = old[order[k]];
}

void Node::permuteTrailingOutputs(const std::vector<size_t>& order) {
  size_t first = checkedPermutationStart(outputs_, order);
  std::vector<Value*> old(outputs_.begin() + static_cast<std::ptrdiff_t>(first), outputs_.end());
  for (size_t k = 0; k < order.size(); ++k) {
    outputs_[first + k] = old[order[k]];
    outputs_[first + k]->offset_ = first + k;
  }
}

Value* Node::addOutput() { return insertOutput(outputs_.size()); }

Value* Node::insertOutput(size_t i) {
  Value* value = graph_->newValue(this, i);
  outputs_.insert(outputs_.begin() + static_cast<std::ptrdiff_t>(i), value);
  for (size_t j = i + 1; j < outputs_.size(); ++j) outputs_[j]->offset_ = j;
  return value;
}

void Node::destroyValue(Value* value) {
  if (value->hasUses()) {
    fail("destroying %" + value->debugName() + " (output of " + kind_.toQualString() +
         ") which still has " + std::to_string(value->uses_.size()) + " use(s)");
  }
  value->setDebugName("");
  graph_->freeValue(value);
}

void Node::eraseOutput(size_t i) {
  destroyValue(outputs_.at(i));
  outputs_.erase(outputs_.begin() + static_cast<std::ptrdiff_t>(i));
  for (size_t j = i; j < outputs_.size(); ++j) outputs_[j]->offset_ = j;
}

Block* Node::addBlock() {
  Block* block = graph_->newBlock(this);
  blocks_.push_back(block);
  return block;
}

void Node::eraseBlock(size_t i) {
  Block* block = blocks_.at(i);
  block->destroyContents();
  graph_->freeBlock(block);
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
}

Node* Node::insertBefore(Node* other) {
  if (isInserted()) fail(kind_.toQualString() + " is already in a block");
  if (!other->isInserted() || other->kind_ == prim::Param) {
    fail("cannot insert next to a node that is not in a block");
  }
  block_ = other->block_;
  next_ = other;
  prev_ = other->prev_;
  prev_->next_ = this;
  other->prev_ = this;
  return this;
}

Node* Node::insertAfter(Node* other) {
  if (!other->isInserted() || other->kind_ == prim::Return) {
    fail("cannot insert after a node that is not in a block, or after a block's return");
  }
  return insertBefore(other->next_);
}

void Node::unlink() {
  if (!isInserted()) return;
  prev_->next_ = next_;
  next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  block_ = nullptr;
}

void Node::moveBefore(Node* other) {
  if (other == this) return;
  unlink();
  insertBefore(other);
}

void Node::moveAfter(Node* other) {
  if (other == this) return;
  unlink();
  insertAfter(other);
}

void Node::destroy() {
  if (kind_ == prim::Param || kind_ == prim::Return) fail("cannot destroy a block sentinel");
  for (Value* output : outputs_) {
    if (output->hasUses()) {
      fail("cannot destroy " + toString() + ": %" + output->debugName() + " still has uses");
    }
  }
  while (!blocks_.empty()) eraseBlock(blocks_.size() - 1);
  removeAllInputs();
  for (Value* output : outputs_) destroyValue(output);
  outputs_.clear();
  unlink();
  if (graph_->insertBefore_ == this) graph_->insertBefore_ = graph_->block_->return_;
  graph_->freeNode(this);
}

bool Node::isBefore(const Node* other) const {
  if (block_ != other->block_ || !block_) fail("isBefore on nodes of different blocks");
  for (const Node* n = next_; n != block_->return_; n = n->next_) {
    if (n == other) return true;
  }
  return false;
}

const AttributeValue* Node::findAttribute(const std::string& name) const {
  for (const auto& [key, value] : attributes_) {
    if (key == name) return &value;
  }
  return nullptr;
}

bool Node::hasAttribute(const std::string& name) const { return findAttribute(name) != nullptr; }

const AttributeValue& Node::attribute(const std::string& name) const {
  if (const AttributeValue* value = findAttribute(name)) return *value;
  fail(kind_.toQualString() + " has no attribute '" + name + "'");
}

Node* Node::setAttribute(const std::string& name, AttributeValue value) {
  for (auto& [key, existing] : attributes_) {
    if (key == name) {
      existing = std::move(value);
      return this;
    }
  }
  attributes_.emplace_back(name, std::move(value));
  return this;
}

bool Node::removeAttribute(const std::string& name) {
  auto it = std::find_if(attributes_.begin(), attributes_.end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it == attributes_.end()) return false;
  attributes_.erase(it);
  return true;
}

Node* Node::setSourceRange(lang::SourceRange range) {
  sourceRange_ = std::move(range);
  return this;
}

Node* Node::setPrintedLocation(std::string location) {
  printedLocation_ = std::move(location);
  return this;
}

Node* Node::setScope(std::string scope) {
  scope_ = std::move(scope);
  return this;
}

// ============================================================================ Block

Block::Block(Graph* graph, Node* owningNode) : graph_(graph), owningNode_(owningNode) {
  param_ = graph->newNode(prim::Param);
  return_ = graph->newNode(prim::Return);
  param_->block_ = this;
  // The return node is the sentinel of a circular list: an empty block links it to itself.
  return_->block_ = this;
  return_->next_ = return_->prev_ = return_;
}

const std::vector<Value*>& Block::inputs() const { return param_->outputs(); }
const std::vector<Value*>& Block::outputs() const { return return_->inputs(); }

Value* Block::addInput(const std::string& name) { return insertInput(inputs().size(), name); }

Value* Block::insertInput(size_t i, const std::string& name) {
  Value* value = param_->insertOutput(i);
  if (!name.empty()) value->setDebugName(name);
  return value;
}

void Block::eraseInput(size_t i) { param_->eraseOutput(i); }

size_t Block::registerOutput(Value* value) {
  return_->addInput(value);
  return return_->inputs().size() - 1;
}

void Block::insertOutput(size_t i, Value* value) { return_->insertInput(i, value); }
void Block::eraseOutput(size_t i) { return_->removeInput(i); }
void Block::permuteTrailingInputs(const std::vector<size_t>& order) {
  param_->permuteTrailingOutputs(order);
}
void Block::permuteTrailingOutputs(const std::vector<size_t>& order) {
  return_->permuteTrailingInputs(order);
}

void Block::destroyContents() {
  // Uses point backwards (a node reads values defined before it), so destroying in reverse
  // order never meets a value that still has uses inside this block.
  return_->removeAllInputs();
  while (!empty()) return_->prev()->destroy();
  for (Value* input : param_->outputs_) param_->destroyValue(input);
  param_->outputs_.clear();
  graph_->freeNode(param_);
  graph_->freeNode(return_);
}

void Block::cloneFrom(const Block& source, const std::function<Value*(Value*)>& valueMap) {
  std::unordered_map<const Value*, Value*> local;
  auto lookup = [&](Value* v) -> Value* {
    auto it = local.find(v);
    return it != local.end() ? it->second : valueMap(v);
  };
  for (Value* input : source.inputs()) {
    Value* copy = addInput();
    copy->setType(input->type());
    if (input->hasDebugName()) copy->setDebugName(input->debugName());
    local[input] = copy;
  }
  for (Node* node : source.nodes()) {
    Node* copy = graph_->createClone(node, lookup);
    appendNode(copy);
    for (size_t i = 0; i < node->outputs().size(); ++i) local[node->output(i)] = copy->output(i);
  }
  for (Value* output : source.outputs()) registerOutput(lookup(output));
}

// ============================================================================ Graph

Graph::Graph() {
  block_ = newBlock(nullptr);
  insertBefore_ = block_->return_;
}

// Members are freed by the unique_ptr arenas; nothing points outside the graph.
Graph::~Graph() = default;

Value* Graph::newValue(Node* node, size_t offset) {
  values_.push_back(std::unique_ptr<Value>(new Value(node, offset, nextUnique_++)));
  values_.back()->arenaIndex_ = values_.size() - 1;
  return values_.back().get();
}

Node* Graph::newNode(Symbol kind) {
  nodes_.push_back(std::unique_ptr<Node>(new Node(this, kind)));
  nodes_.back()->arenaIndex_ = nodes_.size() - 1;
  return nodes_.back().get();
}

Block* Graph::newBlock(Node* owningNode) {
  blocks_.push_back(std::unique_ptr<Block>(new Block(this, owningNode)));
  blocks_.back()->arenaIndex_ = blocks_.size() - 1;
  return blocks_.back().get();
}

// The arenas erase by swapping the last element into the freed slot: O(1) per object.
template <typename T>
void Graph::eraseFromArena(std::vector<std::unique_ptr<T>>& arena, T* object) {
  size_t index = object->arenaIndex_;
  assert(arena[index].get() == object);
  if (index + 1 != arena.size()) {
    std::swap(arena[index], arena.back());
    arena[index]->arenaIndex_ = index;
  }
  arena.pop_back();
}

void Graph::freeNode(Node* node) { eraseFromArena(nodes_, node); }
void Graph::freeValue(Value* value) { eraseFromArena(values_, value); }
void Graph::freeBlock(Block* block) { eraseFromArena(blocks_, block); }

Node* Graph::create(Symbol kind, size_t numOutputs) {
  Node* node = newNode(kind);
  for (size_t i = 0; i < numOutputs; ++i) node->addOutput();
  return node;
}

Node* Graph::create(Symbol kind, const std::vector<Value*>& inputs, size_t numOutputs) {
  Node* node = create(kind, numOutputs);
  for (Value* input : inputs) node->addInput(input);
  return node;
}

Node* Graph::createClone(const Node* node, const std::function<Value*(Value*)>& valueMap,
                         bool copyBlocks) {
  Node* copy = create(node->kind(), 0);
  for (Value* input : node->inputs()) copy->addInput(valueMap(input));
  for (Value* output : node->outputs()) {
    Value* out = copy->addOutput();
    out->setType(output->type());
    if (output->hasDebugName()) out->setDebugName(output->debugName());
  }
  copy->attributes_ = node->attributes_;
  copy->sourceRange_ = node->sourceRange_;
  copy->printedLocation_ = node->printedLocation_;
  copy->scope_ = node->scope_;
  if (copyBlocks) {
    for (Block* block : node->blocks()) copy->addBlock()->cloneFrom(*block, valueMap);
  }
  return copy;
}

std::shared_ptr<Graph> Graph::copy() const {
  auto result = std::make_shared<Graph>();
  result->nextUnique_ = nextUnique_;
  result->nameBaseSuffix_ = nameBaseSuffix_;
  std::unordered_map<const Value*, Value*> map;
  // Values keep their unique ids so that unnamed values print the same in the copy.
  std::function<Value*(Value*)> lookup = [&](Value* v) -> Value* {
    auto it = map.find(v);
    if (it == map.end()) fail("copy: value %" + v->debugName() + " is not defined in the graph");
    return it->second;
  };
  std::function<void(const Block&, Block&)> copyBlock = [&](const Block& from, Block& to) {
    for (Value* input : from.inputs()) {
      Value* copy = to.addInput();
      copy->setType(input->type());
      copy->unique_ = input->unique_;
      if (input->hasDebugName()) copy->setDebugName(input->debugName());
      map[input] = copy;
    }
    for (Node* node : from.nodes()) {
      Node* copy = result->createClone(node, lookup, /*copyBlocks=*/false);
      to.appendNode(copy);
      for (size_t i = 0; i < node->outputs().size(); ++i) {
        copy->output(i)->unique_ = node->output(i)->unique_;
        map[node->output(i)] = copy->output(i);
      }
      for (Block* block : node->blocks()) copyBlock(*block, *copy->addBlock());
    }
    for (Value* output : from.outputs()) to.registerOutput(lookup(output));
  };
  copyBlock(*block_, *result->block_);
  return result;
}

}  // namespace tscript::ir
