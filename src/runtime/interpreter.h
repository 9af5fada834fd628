// The interpreter: runs linear Code (code.h) on a value stack.
//
// A run owns a frame (the register file); the Code is shared and immutable, so any number of
// threads may run the same Code at once. Errors raised inside a run leave as a ScriptError
// whose traceback lists the TorchScript source lines, innermost last, as torch.jit prints them.
//
// Extension points, by design: a call to another function is an operator that runs a nested
// Code (so calls need no special instruction), and a fused kernel is just another Operation.
// fork/wait will suspend a frame: the frame is a plain object (registers + pc), so it can be
// parked on a future and resumed on a thread pool without changing the instruction set.
#pragma once

#include "runtime/code.h"

namespace tscript::runtime {

// Runs `code`: pops code.inputCount() inputs (the last on top) and pushes its outputs.
void run(const Code& code, Stack& stack);

}  // namespace tscript::runtime
