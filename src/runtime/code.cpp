// Graph -> linear code (see code.h for the instruction set).
//
// One pass over the graph in program order. Registers: one per SSA value, except that a
// loop's carried block inputs share registers with the loop's outputs, and a loop's
// iteration-number input shares the trip counter's register (all are immutable inside one
// iteration, so sharing is safe and saves the copies). prim::If outputs are written by stores
// at the end of both branches.
#include "runtime/code.h"

#include <limits>
#include <sstream>
#include <unordered_map>

#include "ir/ir.h"
#include "runtime/constants.h"
#include "runtime/errors.h"
#include "runtime/method_dispatch.h"
#include "runtime/operation_resolver.h"

namespace tscript::runtime {

const char* opCodeName(OpCode op) {
  static const char* const kNames[] = {
      "Load",     "Move",     "Store",    "Drop",     "LoadConst", "Call",     "JumpIfFalse",
      "Jump",     "LoopInit", "LoopTest", "LoopNext", "Return",    "Enter",    "Exit",
      "IntAdd",   "IntSub",
      "IntMul",   "IntLt",    "IntLe",    "IntGt",    "IntGe",     "IntEq",    "IntNe",
      "FloatAdd", "FloatSub", "FloatMul", "FloatLt",  "FloatLe",   "FloatGt",  "FloatGe"};
  return kNames[static_cast<int>(op)];
}

class CodeBuilder {
 public:
  explicit CodeBuilder(Code& code) : code_(code) {}

  void build() {
    const ir::Graph& graph = *code_.graph_;
    computeLastUses(graph.block());
    code_.inputCount_ = graph.inputs().size();
    code_.outputCount_ = graph.outputs().size();
    // Inputs arrive on the stack in order; the last one is on top.
    const auto& inputs = graph.inputs();
    for (size_t i = inputs.size(); i-- > 0;) storeOrDrop(inputs[i]);
    emitBlockBody(graph.block());
    loadValues(graph.block()->returnNode());
    emit(OpCode::Return);
    code_.registerCount_ = nextRegister_;
  }

 private:
  // ---- registers and value loads -------------------------------------------------------
  int registerOf(const ir::Value* value) {
    auto it = registers_.find(value);
    if (it != registers_.end()) return it->second;
    int reg = nextRegister_++;
    registers_.emplace(value, reg);
    return reg;
  }
  void shareRegister(const ir::Value* value, int reg) { registers_[value] = reg; }

  size_t emit(OpCode op, int32_t a = 0, int32_t b = 0, const ir::Node* node = nullptr,
              int32_t c = 0) {
    code_.instructions_.push_back({op, a, b, c});
    code_.nodes_.push_back(node);
    return code_.instructions_.size() - 1;
  }
  // `Store reg`, or, right after `Int/FloatOp r <- ...; Move r`, the op retargeted to write
  // `reg` itself (the loop-carried update `s = s + i` becomes one instruction).
  void storeTo(int reg) {
    auto& instructions = code_.instructions_;
    size_t size = instructions.size();
    if (size >= 2 && jumpTarget_ + 1 < size && instructions[size - 1].op == OpCode::Move &&
        isScalarArithmetic(instructions[size - 2].op) &&
        instructions[size - 2].a == instructions[size - 1].a) {
      instructions[size - 2].a = reg;
      instructions.pop_back();
      code_.nodes_.pop_back();
      return;
    }
    emit(OpCode::Store, reg);
  }

  static bool isScalarArithmetic(OpCode op) { return op >= OpCode::IntAdd; }

  // Whether the last instruction is `Store reg` and nothing jumps to the next position, so a
  // `Move reg` there may cancel it.
  bool lastInstructionIsStoreTo(int reg) const {
    const auto& instructions = code_.instructions_;
    return !instructions.empty() && jumpTarget_ < instructions.size() &&
           instructions.back().op == OpCode::Store && instructions.back().a == reg;
  }
  void markJumpTarget() { jumpTarget_ = code_.instructions_.size(); }

  // Points the jump at `index` to the next instruction to be emitted.
  void patchJumpToHere(size_t index, bool secondOperand = false) {
    markJumpTarget();
    int32_t offset = static_cast<int32_t>(code_.instructions_.size() - index - 1);
    (secondOperand ? code_.instructions_[index].b : code_.instructions_[index].a) = offset;
  }

  void storeOrDrop(const ir::Value* value) {
    if (value->hasUses()) {
      storeTo(registerOf(value));
    } else {
      emit(OpCode::Drop);
    }
  }

  void loadValue(const ir::Value* value, const ir::Node* user, size_t inputIndex) {
    const ir::Node* producer = value->node();
    if (producer->kind() == ir::prim::Constant) {
      emit(OpCode::LoadConst, constantIndex(producer));
      return;
    }
    bool last = isLastUse(value, user, inputIndex);
    int reg = registerOf(value);
    if (last && lastInstructionIsStoreTo(reg)) {
      // `Store r; Move r`: the value is still on the stack; the register is never needed.
      code_.instructions_.pop_back();
      code_.nodes_.pop_back();
      return;
    }
    emit(last ? OpCode::Move : OpCode::Load, reg);
  }

  void loadValues(const ir::Node* user) {
    const auto& inputs = user->inputs();
    for (size_t i = 0; i < inputs.size(); ++i) loadValue(inputs[i], user, i);
  }

  int constantIndex(const ir::Node* constantNode) {
    auto it = constants_.find(constantNode);
    if (it != constants_.end()) return it->second;
    code_.constants_.push_back(constantValueOf(*constantNode));
    int index = static_cast<int>(code_.constants_.size() - 1);
    constants_.emplace(constantNode, index);
    return index;
  }

  // ---- last-use analysis: which loads may move the value out of its register ----------
  // Each node gets a position in program order; a use inside a loop that does not define the
  // value counts as a use at the loop's end, since the next iteration reads the value again.
  void computeLastUses(const ir::Block* block) {
    for (const ir::Node* node : block->nodes()) {
      for (const ir::Block* sub : node->blocks()) computeLastUses(sub);
      positions_[node] = nextPosition_++;
    }
    positions_[block->returnNode()] = nextPosition_++;
  }

  size_t effectivePosition(const ir::Value* value, const ir::Node* user) const {
    const ir::Node* outermost = user;
    for (const ir::Block* block = user->owningBlock(); block && block->owningNode();
         block = block->owningNode()->owningBlock()) {
      const ir::Node* owner = block->owningNode();
      if (owner->kind() == ir::prim::Loop && !definedInside(value, owner)) outermost = owner;
    }
    return positions_.at(outermost);
  }

  static bool definedInside(const ir::Value* value, const ir::Node* loop) {
    for (const ir::Block* block = value->node()->owningBlock(); block && block->owningNode();
         block = block->owningNode()->owningBlock()) {
      if (block->owningNode() == loop) return true;
    }
    return false;
  }

  bool isLastUse(const ir::Value* value, const ir::Node* user, size_t inputIndex) const {
    // A loop's carried inputs and loop registers must stay put; so must graph outputs read
    // more than once. Only plain SSA values defined by ordinary nodes are moved.
    const ir::Node* definer = value->node();
    if (definer->kind() == ir::prim::Loop) return false;
    if (definer == definer->owningBlock()->paramNode() && definer->owningBlock()->owningNode() &&
        definer->owningBlock()->owningNode()->kind() == ir::prim::Loop) {
      return false;
    }
    size_t mine = effectivePosition(value, user);
    if (mine != positions_.at(user)) return false;  // read again by a later iteration
    for (size_t i = inputIndex + 1; i < user->inputs().size(); ++i) {
      if (user->inputs()[i] == value) return false;  // read again by this very node
    }
    for (const ir::Use& use : value->uses()) {
      if (use.user == user) continue;
      if (effectivePosition(value, use.user) >= mine) return false;
    }
    return true;
  }

  // ---- nodes -----------------------------------------------------------------------------
  void emitBlockBody(const ir::Block* block) {
    for (const ir::Node* node : block->nodes()) emitNode(node);
  }

  void emitNode(const ir::Node* node) {
    ir::Symbol kind = node->kind();
    if (kind == ir::prim::Constant) return;  // loaded at each use
    if (kind == ir::prim::If) return emitIf(node);
    if (kind == ir::prim::Loop) return emitLoop(node);
    if (kind == enterKind() || kind == exitKind()) return emitEnterOrExit(node);
    if (emitScalarArithmetic(node)) return;
    loadValues(node);
    code_.operations_.push_back(operationFor(*node));
    emit(OpCode::Call, static_cast<int32_t>(code_.operations_.size() - 1), 0, node);
    const auto& outputs = node->outputs();
    for (size_t i = outputs.size(); i-- > 0;) storeOrDrop(outputs[i]);
  }

  // prim::Enter(obj) -> __enter__'s result; prim::Exit(obj) -> __exit__'s result (unused).
  // The methods are found by the object's class when they run (method_dispatch.h), as for
  // interface calls: the runtime does not compile, and the class's owner registers its code.
  void emitEnterOrExit(const ir::Node* node) {
    if (node->inputs().size() != 1 || node->outputs().size() != 1) {
      throw ScriptError("RuntimeError", std::string(node->kind().toQualString()) +
                                            " takes one object and has one output");
    }
    loadValues(node);
    code_.operations_.push_back(methodCallOperation("__exit__", 4));
    auto exitCall = static_cast<int32_t>(code_.operations_.size() - 1);
    if (node->kind() == enterKind()) {
      code_.operations_.push_back(methodCallOperation("__enter__", 1));
      emit(OpCode::Enter, static_cast<int32_t>(code_.operations_.size() - 1), exitCall, node);
    } else {
      emit(OpCode::Exit, exitCall, 0, node);
    }
    storeOrDrop(node->output(0));
  }

  static const ir::Symbol& enterKind() {
    static const ir::Symbol s = ir::Symbol::make("prim", "Enter");
    return s;
  }
  static const ir::Symbol& exitKind() {
    static const ir::Symbol s = ir::Symbol::make("prim", "Exit");
    return s;
  }

  // ---- scalar arithmetic on registers ----------------------------------------------------
  // An operand of a register instruction: a register, or ~index of a constant.
  int32_t operandOf(const ir::Value* value) {
    const ir::Node* producer = value->node();
    if (producer->kind() == ir::prim::Constant) return ~constantIndex(producer);
    return registerOf(value);
  }

  bool emitScalarArithmetic(const ir::Node* node) {
    if (node->inputs().size() != 2 || node->outputs().size() != 1) return false;
    types::TypeKind left = node->input(0)->type()->kind();
    types::TypeKind right = node->input(1)->type()->kind();
    bool ints = left == types::TypeKind::Int && right == types::TypeKind::Int;
    bool floats = left == types::TypeKind::Float && right == types::TypeKind::Float;
    if (!ints && !floats) return false;
    static const std::unordered_map<std::string_view, std::pair<OpCode, OpCode>> kOps = {
        {"aten::add", {OpCode::IntAdd, OpCode::FloatAdd}},
        {"aten::sub", {OpCode::IntSub, OpCode::FloatSub}},
        {"aten::mul", {OpCode::IntMul, OpCode::FloatMul}},
        {"aten::lt", {OpCode::IntLt, OpCode::FloatLt}},
        {"aten::le", {OpCode::IntLe, OpCode::FloatLe}},
        {"aten::gt", {OpCode::IntGt, OpCode::FloatGt}},
        {"aten::ge", {OpCode::IntGe, OpCode::FloatGe}},
        {"aten::eq", {OpCode::IntEq, OpCode::Return}},  // Return: no float form here
        {"aten::ne", {OpCode::IntNe, OpCode::Return}},
    };
    auto it = kOps.find(node->kind().toQualString());
    if (it == kOps.end()) return false;
    OpCode op = ints ? it->second.first : it->second.second;
    if (op == OpCode::Return) return false;
    const ir::Value* output = node->output(0);
    if (!output->hasUses()) return true;  // pure: nothing to compute
    emit(op, registerOf(output), operandOf(node->input(0)), node, operandOf(node->input(1)));
    return true;
  }

  // Stores the block's outputs into the node's output registers.
  void storeBlockOutputs(const ir::Block* block, const ir::Node* node) {
    loadValues(block->returnNode());
    const auto& outputs = node->outputs();
    for (size_t i = outputs.size(); i-- > 0;) {
      storeTo(registerOf(outputs[i]));  // If outputs always get a register
    }
  }

  void emitIf(const ir::Node* node) {
    loadValue(node->input(0), node, 0);
    size_t jumpToElse = emit(OpCode::JumpIfFalse);
    emitBlockBody(node->blocks()[0]);
    storeBlockOutputs(node->blocks()[0], node);
    size_t jumpToEnd = emit(OpCode::Jump);
    patchJumpToHere(jumpToElse);
    emitBlockBody(node->blocks()[1]);
    storeBlockOutputs(node->blocks()[1], node);
    patchJumpToHere(jumpToEnd);
  }

  // prim::Loop(max_trip_count, initial_condition, carried...)
  //   block(i, carried...) -> (condition, carried...)
  void emitLoop(const ir::Node* node) {
    const ir::Block* body = node->blocks()[0];
    size_t carried = node->inputs().size() - 2;
    // Three consecutive registers: counter, max trips, condition.
    int counter = nextRegister_;
    nextRegister_ += 3;
    // Carried values: block input j+1 and node output j share one register.
    std::vector<int> carriedRegisters(carried);
    for (size_t j = 0; j < carried; ++j) {
      carriedRegisters[j] = nextRegister_++;
      shareRegister(body->inputs()[j + 1], carriedRegisters[j]);
      shareRegister(node->outputs()[j], carriedRegisters[j]);
    }
    shareRegister(body->inputs()[0], counter);

    // A `for` loop's condition is the constant true on entry and after every iteration:
    // then the condition register is set once and the body does not store it.
    const ir::Node* bodyReturn = body->returnNode();
    bool alwaysTrue = isConstantTrue(node->input(1)) && isConstantTrue(bodyReturn->input(0));

    loadValues(node);  // max, cond, carried...
    for (size_t j = carried; j-- > 0;) emit(OpCode::Store, carriedRegisters[j]);
    emit(OpCode::Store, counter + 2);
    emit(OpCode::Store, counter + 1);
    emit(OpCode::LoopInit, counter);
    markJumpTarget();
    size_t test = emit(OpCode::LoopTest, counter);
    emitBlockBody(body);
    const auto& results = bodyReturn->inputs();
    for (size_t i = alwaysTrue ? 1 : 0; i < results.size(); ++i) loadValue(results[i], bodyReturn, i);
    for (size_t j = carried; j-- > 0;) storeTo(carriedRegisters[j]);
    if (!alwaysTrue) emit(OpCode::Store, counter + 2);
    size_t next = emit(OpCode::LoopNext, counter);
    code_.instructions_[next].b = static_cast<int32_t>(test) - static_cast<int32_t>(next);
    patchJumpToHere(test, /*secondOperand=*/true);
  }

  static bool isConstantTrue(const ir::Value* value) {
    const ir::Node* producer = value->node();
    if (producer->kind() != ir::prim::Constant) return false;
    const ir::AttributeValue* attribute = producer->findAttribute("value");
    return attribute && attribute->kind() == ir::AttributeKind::i && attribute->get<int64_t>() != 0;
  }

  Code& code_;
  size_t jumpTarget_ = 0;  // the last position a jump lands on (no peephole across it)
  int nextRegister_ = 0;
  size_t nextPosition_ = 0;
  std::unordered_map<const ir::Value*, int> registers_;
  std::unordered_map<const ir::Node*, int> constants_;
  std::unordered_map<const ir::Node*, size_t> positions_;
};

Code::Code(std::shared_ptr<const ir::Graph> graph, std::string functionName)
    : graph_(std::move(graph)), functionName_(std::move(functionName)) {
  CodeBuilder(*this).build();
}

std::string Code::dump() const {
  std::ostringstream out;
  for (size_t pc = 0; pc < instructions_.size(); ++pc) {
    const Instruction& instruction = instructions_[pc];
    out << pc << ": " << opCodeName(instruction.op) << " " << instruction.a;
    if (instruction.op == OpCode::LoopTest || instruction.op == OpCode::LoopNext ||
        instruction.op == OpCode::Enter) {
      out << " " << instruction.b;
    }
    if (instruction.op >= OpCode::IntAdd) {
      auto operand = [](int32_t x) { return x >= 0 ? "r" + std::to_string(x) : "c" + std::to_string(~x); };
      out << " " << operand(instruction.b) << " " << operand(instruction.c);
    }
    if ((instruction.op == OpCode::Call || instruction.op == OpCode::Enter ||
         instruction.op == OpCode::Exit) && nodes_[pc]) {
      out << "  # " << nodes_[pc]->kind().toQualString();
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace tscript::runtime
