// The operator calling convention: a stack machine.
//
// An operator is a `void (*)(Stack&)`. It pops its inputs, the last input on top, and pushes
// its outputs in order. So for `aten::sub.int(int a, int b) -> int` the stack goes
// [..., a, b] -> [..., a - b]. Operators never look below their own inputs.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace tscript::runtime {

using Stack = std::vector<Value>;
using OperatorFunction = void (*)(Stack&);

// Removes and returns the top of the stack.
inline Value pop(Stack& stack) {
  Value top = std::move(stack.back());
  stack.pop_back();
  return top;
}

// The i-th of the top n values (i = 0 is the deepest of them, i = n - 1 the top).
inline Value& peek(Stack& stack, size_t i, size_t n) { return stack[stack.size() - n + i]; }

// Discards the top n values.
inline void drop(Stack& stack, size_t n) { stack.erase(stack.end() - n, stack.end()); }

// Pushes each argument in order (the last ends up on top).
template <typename... Values>
inline void push(Stack& stack, Values&&... values) {
  (stack.emplace_back(std::forward<Values>(values)), ...);
}

// Moves the top n values out, in stack order (the deepest first).
inline std::vector<Value> popN(Stack& stack, size_t n) {
  std::vector<Value> values(std::make_move_iterator(stack.end() - n),
                            std::make_move_iterator(stack.end()));
  drop(stack, n);
  return values;
}

}  // namespace tscript::runtime
