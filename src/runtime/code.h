// Linear code for the interpreter: a graph is compiled once into this form, then run many
// times. This header is the instruction-set manual.
//
// The machine has a value stack (operators take their inputs from it and push their outputs)
// and a register file per frame (one register per live SSA value). Constants never occupy
// registers: each use loads them from the constant table, already boxed.
//
//   op           operands        effect
//   ----------   -------------   ---------------------------------------------------------
//   Load         a = reg         push reg[a]
//   Move         a = reg         push reg[a] and clear it (the value's last use)
//   Store        a = reg         reg[a] = pop()
//   Drop                         pop() and discard (an output nobody reads)
//   LoadConst    a = const       push constants[a]
//   Call         a = operation   operations[a](stack)
//   JumpIfFalse  a = offset      if !pop().toBool(): pc += a
//   Jump         a = offset      pc += a
//   LoopInit     a = reg         reg[a] = 0  (the trip counter; reg a+1 = max trips, a+2 = cond)
//   LoopTest     a = reg,        if !(reg[a] < reg[a+1] && reg[a+2]): pc += b  (leave the loop)
//                b = offset
//   LoopNext     a = reg,        reg[a] += 1; if (reg[a] < reg[a+1] && reg[a+2]): pc += b
//                b = offset      (back to the first instruction of the body)
//   Return                       stop; the outputs are on the stack
//   Enter        a = operation,  `with obj:` (prim::Enter): obj is on top. Remembers (obj, b) as
//                b = operation   entered, then operations[a](stack): obj.__enter__(), whose
//                                result replaces obj. b is the site's `__exit__` call.
//   Exit         a = operation   (prim::Exit) forgets the innermost entered object, then calls
//                                operations[a] on obj (on top), None, None, None: __exit__.
//                                When an instruction raises, __exit__ of every object still
//                                entered runs, innermost first (its own errors are dropped, as
//                                1.13 drops them), before the error leaves the frame.
//   IntAdd ...   a = reg,        reg[a] = operand(b) <op> operand(c), on ints or floats,
//   FloatLt ...  b, c = operand  without the stack: the scalar arithmetic of loops and
//                                shape code. An operand >= 0 is a register, a negative one
//                                the constant ~operand. Same results as the builtin
//                                operators they replace (ints wrap at 64 bits).
//
// A loop is LoopInit, LoopTest (entry check), the body, LoopNext (the check of every later
// iteration, so an iteration costs one loop instruction). Offsets are relative to the
// instruction after the jump. Every instruction that can fail
// (Call) has its node in `nodes` at the same index, for the TorchScript traceback.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/stack.h"
#include "runtime/value.h"

namespace tscript::ir {
class Graph;
class Node;
}  // namespace tscript::ir

namespace tscript::runtime {

enum class OpCode : uint8_t {
  Load, Move, Store, Drop, LoadConst, Call, JumpIfFalse, Jump, LoopInit, LoopTest, LoopNext,
  Return, Enter, Exit,
  // Scalar arithmetic on registers (see the table above); keep in the order of the
  // interpreter's handler table.
  IntAdd, IntSub, IntMul, IntLt, IntLe, IntGt, IntGe, IntEq, IntNe,
  FloatAdd, FloatSub, FloatMul, FloatLt, FloatLe, FloatGt, FloatGe,
};
const char* opCodeName(OpCode op);

struct Instruction {
  OpCode op;
  int32_t a = 0;
  int32_t b = 0;
  int32_t c = 0;
};

// An operator bound to a call site: a plain function, or a function with per-site context
// (a tuple size, a list type, a c10 operator handle). Two fields rather than std::function so
// that the common call is one indirect branch.
struct Operation {
  using Plain = void (*)(Stack&);
  using WithContext = void (*)(Stack&, const void* context);
  Plain plain = nullptr;
  WithContext withContext = nullptr;
  std::shared_ptr<const void> context;  // owned here; passed to withContext

  void operator()(Stack& stack) const {
    if (plain) {
      plain(stack);
    } else {
      withContext(stack, context.get());
    }
  }
};

// A graph, linearized. Immutable after construction, so one Code can be run by many threads
// at once (each run has its own frame).
class Code {
 public:
  // Compiles `graph`; throws a ScriptError naming the node if an operator cannot be resolved.
  // The graph must outlive the Code (instructions point at its nodes for tracebacks).
  explicit Code(std::shared_ptr<const ir::Graph> graph, std::string functionName = "forward");

  const std::vector<Instruction>& instructions() const { return instructions_; }
  const std::vector<Value>& constants() const { return constants_; }
  const std::vector<Operation>& operations() const { return operations_; }
  size_t registerCount() const { return registerCount_; }
  size_t inputCount() const { return inputCount_; }
  size_t outputCount() const { return outputCount_; }
  const ir::Node* nodeAt(size_t pc) const { return nodes_[pc]; }
  const std::string& functionName() const { return functionName_; }
  const ir::Graph& graph() const { return *graph_; }

  // A listing, one instruction a line (`tscript run-ir --dump-code`).
  std::string dump() const;

 private:
  friend class CodeBuilder;
  std::shared_ptr<const ir::Graph> graph_;
  std::string functionName_;
  std::vector<Instruction> instructions_;
  std::vector<const ir::Node*> nodes_;
  std::vector<Value> constants_;
  std::vector<Operation> operations_;
  size_t registerCount_ = 0;
  size_t inputCount_ = 0;
  size_t outputCount_ = 0;
};

}  // namespace tscript::runtime
