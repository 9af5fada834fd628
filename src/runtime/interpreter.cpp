// The interpreter loop (see code.h for the instruction set).
#include "runtime/interpreter.h"

#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>

#include "ir/ir.h"
#include "lang/source_origins.h"
#include "runtime/errors.h"

namespace tscript::runtime {

namespace {

// A traceback frame of the node at which an error surfaced: its text and, for code read from an
// archive with debug records, the frame in the original Python.
struct Frame {
  std::string text;
  std::optional<std::string> original;
};

std::string frameLines(const Code& code, const ir::Node* node);

Frame frameOf(const Code& code, const ir::Node* node) {
  if (node && node->sourceRange().valid()) {
    const lang::SourceRange& range = node->sourceRange();
    if (auto origins = lang::sourceOriginsOf(range.file.get())) {
      // Code read from an archive: 1.13's frames with context lines, in both parts.
      Frame frame{lang::tracebackFrame(range, code.functionName()), std::nullopt};
      if (auto original = origins->rangeThatGenerated(range.start)) {
        frame.original = lang::tracebackFrame(*original, code.functionName());
      }
      return frame;
    }
  }
  return Frame{frameLines(code, node), std::nullopt};
}

// The traceback lines for the node at which an error surfaced.
std::string frameLines(const Code& code, const ir::Node* node) {
  if (!node) return "";
  const lang::SourceRange& range = node->sourceRange();
  if (range.valid()) {
    std::string text = "  File \"" + range.file->name() + "\", line " +
                       std::to_string(range.line()) + ", in " + code.functionName() + "\n";
    std::string excerpt = range.excerpt();
    // Indent the excerpt like Python's traceback does, and point at it.
    size_t newline = excerpt.find('\n');
    text += "    " + excerpt.substr(0, newline) + "\n";
    text += "    " + excerpt.substr(newline + 1, excerpt.size() - newline - 2) + " <--- HERE\n";
    return text;
  }
  if (!node->printedLocation().empty()) {
    // A graph read from text knows only the `# file:line:col` comment torch.jit printed.
    const std::string& location = node->printedLocation();
    std::string file = location;
    std::string line;
    size_t lastColon = location.rfind(':');
    size_t lineColon = lastColon == std::string::npos ? lastColon : location.rfind(':', lastColon - 1);
    if (lineColon != std::string::npos) {
      file = location.substr(0, lineColon);
      line = location.substr(lineColon + 1, lastColon - lineColon - 1);
    }
    return "  File \"" + file + "\"" + (line.empty() ? "" : ", line " + line) + ", in " +
           code.functionName() + "\n    " + node->kind().toQualString() + " <--- HERE\n";
  }
  return "  In " + code.functionName() + ": " + node->kind().toQualString() + " <--- HERE\n";
}

[[noreturn]] void rethrowWithFrame(const Code& code, size_t pc) {
  const ir::Node* node = code.nodeAt(pc);
  try {
    throw;
  } catch (ScriptError& error) {
    Frame frame = frameOf(code, node);
    error.addFrame(std::move(frame.text), std::move(frame.original));
    throw;
  } catch (const c10::Error& error) {
    ScriptError wrapped("RuntimeError", error.what_without_backtrace());
    Frame frame = frameOf(code, node);
    wrapped.addFrame(std::move(frame.text), std::move(frame.original));
    throw wrapped;
  } catch (const std::exception& error) {
    ScriptError wrapped("RuntimeError", error.what());
    Frame frame = frameOf(code, node);
    wrapped.addFrame(std::move(frame.text), std::move(frame.original));
    throw wrapped;
  }
}

// An object a `with` has entered and the operation that calls its __exit__.
struct EnteredObject {
  Value object;
  int32_t exitCall;
};

// When the body of a `with` raises: __exit__(obj, None, None, None) of each object still
// entered, innermost first, as 1.13's interpreter does. The error being raised is the one that
// leaves (1.13 drops errors of these calls too; they must not hide the body's).
void exitAll(std::vector<EnteredObject>& entered, const Operation* operations) {
  while (!entered.empty()) {
    Stack stack{std::move(entered.back().object), Value(), Value(), Value()};
    int32_t exitCall = entered.back().exitCall;
    entered.pop_back();
    try {
      operations[exitCall](stack);
    } catch (...) {
    }
  }
}

}  // namespace

// The dispatch loop. With GCC/Clang each instruction jumps straight to the next one's
// handler through a table of label addresses ("threaded code"), which predicts better than
// one shared switch branch; other compilers get the switch.
#if defined(__GNUC__)
#define TSCRIPT_THREADED_DISPATCH 1
#endif

void run(const Code& code, Stack& stack) {
  // `with torch.no_grad():` compiles to set/restore calls around its body; when the body
  // raises, the restore is skipped, so the mode the code was entered with is restored here.
  const bool gradModeOnEntry = c10::GradMode::is_enabled();
  std::vector<Value> registers(code.registerCount());
  const Instruction* instructions = code.instructions().data();
  const Value* constants = code.constants().data();
  const Operation* operations = code.operations().data();
  const Instruction* instruction = instructions;
  std::vector<EnteredObject> entered;  // `with` objects, innermost last (no allocation if none)
  try {
#ifdef TSCRIPT_THREADED_DISPATCH
    // Indexed by OpCode; the order must match the enum in code.h.
    static void* const kHandlers[] = {&&Load,     &&Move,        &&Store, &&Drop,
                                      &&LoadConst, &&Call,       &&JumpIfFalse, &&Jump,
                                      &&LoopInit, &&LoopTest,    &&LoopNext, &&Return,
                                      &&Enter,    &&Exit,
                                      &&IntAdd,   &&IntSub,      &&IntMul,   &&IntLt,
                                      &&IntLe,    &&IntGt,       &&IntGe,    &&IntEq,
                                      &&IntNe,    &&FloatAdd,    &&FloatSub, &&FloatMul,
                                      &&FloatLt,  &&FloatLe,     &&FloatGt,  &&FloatGe};
#define DISPATCH() goto* kHandlers[static_cast<int>((++instruction)->op)]
#define CASE(name) name:
    goto* kHandlers[static_cast<int>(instruction->op)];
#else
#define DISPATCH() \
  ++instruction;   \
  continue
#define CASE(name) case OpCode::name:
    while (true) {
      switch (instruction->op) {
#endif
    CASE(Load) {
      stack.push_back(registers[instruction->a]);
      DISPATCH();
    }
    CASE(Move) {
      stack.push_back(std::move(registers[instruction->a]));
      DISPATCH();
    }
    CASE(Store) {
      registers[instruction->a] = std::move(stack.back());
      stack.pop_back();
      DISPATCH();
    }
    CASE(Drop) {
      stack.pop_back();
      DISPATCH();
    }
    CASE(LoadConst) {
      stack.push_back(constants[instruction->a]);
      DISPATCH();
    }
    CASE(Call) {
      operations[instruction->a](stack);
      DISPATCH();
    }
    CASE(JumpIfFalse) {
      bool condition = stack.back().toBool();
      stack.pop_back();
      if (!condition) instruction += instruction->a;
      DISPATCH();
    }
    CASE(Jump) {
      instruction += instruction->a;
      DISPATCH();
    }
    CASE(LoopInit) {
      registers[instruction->a] = Value(int64_t(0));
      DISPATCH();
    }
    CASE(LoopTest) {
      const Value* loop = &registers[instruction->a];
      if (!(loop[0].toInt() < loop[1].toInt() && loop[2].toBool())) instruction += instruction->b;
      DISPATCH();
    }
    CASE(LoopNext) {
      Value* loop = &registers[instruction->a];
      int64_t next = loop[0].toInt() + 1;
      loop[0] = Value(next);
      if (next < loop[1].toInt() && loop[2].toBool()) instruction += instruction->b;
      DISPATCH();
    }
    CASE(Return) {
      return;
    }
    CASE(Enter) {
      // Entered only once __enter__ succeeded: Python does not call __exit__ otherwise.
      Value object = stack.back();
      operations[instruction->a](stack);
      entered.push_back({std::move(object), instruction->b});
      DISPATCH();
    }
    CASE(Exit) {
      // The compiler pairs each prim::Exit with the innermost prim::Enter; a graph read from
      // text may not.
      if (entered.empty()) throw ScriptError("RuntimeError", "prim::Exit without a prim::Enter");
      entered.pop_back();
      stack.insert(stack.end(), 3, Value());
      operations[instruction->a](stack);
      DISPATCH();
    }
    // Operands: registers (>= 0) or constants (~index). Ints wrap at 64 bits like the
    // builtin operators (computed on uint64_t, where overflow is defined).
#define OPERAND(x) ((x) >= 0 ? registers[(x)] : constants[~(x)])
#define INT_OP(name, expression)                                              \
  CASE(name) {                                                                \
    uint64_t l = static_cast<uint64_t>(OPERAND(instruction->b).toInt());     \
    uint64_t r = static_cast<uint64_t>(OPERAND(instruction->c).toInt());     \
    (void)l;                                                                  \
    (void)r;                                                                  \
    registers[instruction->a] = Value(expression);                            \
    DISPATCH();                                                               \
  }
#define FLOAT_OP(name, expression)                                            \
  CASE(name) {                                                                \
    double l = OPERAND(instruction->b).toFloat();                             \
    double r = OPERAND(instruction->c).toFloat();                             \
    registers[instruction->a] = Value(expression);                            \
    DISPATCH();                                                               \
  }
    INT_OP(IntAdd, static_cast<int64_t>(l + r))
    INT_OP(IntSub, static_cast<int64_t>(l - r))
    INT_OP(IntMul, static_cast<int64_t>(l * r))
    INT_OP(IntLt, static_cast<int64_t>(l) < static_cast<int64_t>(r))
    INT_OP(IntLe, static_cast<int64_t>(l) <= static_cast<int64_t>(r))
    INT_OP(IntGt, static_cast<int64_t>(l) > static_cast<int64_t>(r))
    INT_OP(IntGe, static_cast<int64_t>(l) >= static_cast<int64_t>(r))
    INT_OP(IntEq, l == r)
    INT_OP(IntNe, l != r)
    FLOAT_OP(FloatAdd, l + r)
    FLOAT_OP(FloatSub, l - r)
    FLOAT_OP(FloatMul, l * r)
    FLOAT_OP(FloatLt, l < r)
    FLOAT_OP(FloatLe, l <= r)
    FLOAT_OP(FloatGt, l > r)
    FLOAT_OP(FloatGe, l >= r)
#undef INT_OP
#undef FLOAT_OP
#undef OPERAND
#ifndef TSCRIPT_THREADED_DISPATCH
      }
    }
#endif
#undef DISPATCH
#undef CASE
  } catch (...) {
    exitAll(entered, operations);
    c10::GradMode::set_enabled(gradModeOnEntry);
    rethrowWithFrame(code, static_cast<size_t>(instruction - instructions));
  }
}

}  // namespace tscript::runtime
