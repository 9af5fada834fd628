// The builtin operators on Python values (int/float/str/list/dict/math/prim), as data.
//
// Each family file (builtins_int_float.cpp, builtins_str.cpp, ...) owns one table of
// {schema, function} entries: the schema exactly as torch 1.13 spells it (its own
// TorchScript operators, those not in the c10 dispatcher), the function in the stack calling
// convention of stack.h. These tables are the single source of truth: registration, lookup
// and the schema test (every schema appears verbatim in 1.13's list) all read them.
//
// Generic operators (schemas with type variables such as `t[]`) have one implementation for
// every element type: containers carry their element types at run time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/stack.h"

namespace tscript::runtime {

struct BuiltinOperator {
  std::string schema;
  OperatorFunction function;
};

// The family tables.
const std::vector<BuiltinOperator>& intFloatOperators();
const std::vector<BuiltinOperator>& stringOperators();
const std::vector<BuiltinOperator>& stringFormatOperators();  // `%` formatting
const std::vector<BuiltinOperator>& listOperators();
const std::vector<BuiltinOperator>& dictOperators();
const std::vector<BuiltinOperator>& mathOperators();
const std::vector<BuiltinOperator>& primOperators();
const std::vector<BuiltinOperator>& tensorOperators();  // numel, to.prim_*, torch.tensor(list), ...
const std::vector<BuiltinOperator>& scriptOperators();  // what the compiler emits itself

// All families, in the order above.
std::vector<BuiltinOperator> allBuiltinOperators();

// Adds every builtin operator to the operator registry (ops/registry.h), once; later calls
// do nothing. The interpreter and the compiler call it before their first lookup.
void registerBuiltinOperators();

// The operator whose schema name is `qualifiedName` ("aten::add.int", "prim::min.self_int",
// "aten::str"), or nullptr.
const BuiltinOperator* findBuiltinOperator(std::string_view qualifiedName);

// The "aten::add.int" part of a schema string.
std::string_view schemaQualifiedName(std::string_view schema);

// Dict operators come in one overload per key type; their tables are written once with
// `{K}` standing for the key type and expanded with this (str, int, bool, float, complex,
// Tensor, the order 1.13 registers them in).
std::vector<BuiltinOperator> expandForDictKeyTypes(
    const std::vector<BuiltinOperator>& templates);

// Python's slice arithmetic (PySlice_AdjustIndices), shared by lists and strings: the
// positions start, start + step, ... (count of them) of a sequence of `length` elements.
// Throws for a zero step ("slice step cannot be zero").
struct SliceBounds {
  int64_t start;
  int64_t step;
  int64_t count;
};
SliceBounds adjustSlice(int64_t length, const Value& start, const Value& end, int64_t step);

// A sequence index as Python takes it: negative counts from the end. Returns -1 when out of
// range.
inline int64_t normalizeIndex(int64_t index, size_t length) {
  int64_t n = static_cast<int64_t>(length);
  if (index < 0) index += n;
  return (index < 0 || index >= n) ? -1 : index;
}

}  // namespace tscript::runtime
