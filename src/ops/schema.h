// Operator schemas: `aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor`.
//
// Our own model of what c10's FunctionSchema holds, parsed from (and printed back to) the
// schema syntax of PyTorch 1.13. The printer writes exactly what 1.13 prints for the same
// schema (`c10::toString(schema)`, `str(schema)` in Python), so `printSchema(parseSchema(s))
// == s` for every schema 1.13 prints; the registry checks that on every dispatcher schema.
//
// No ATen here: types are `types::TypePtr`, default values are `ir::ConstantValue`, alias
// annotations are plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ir/attributes.h"
#include "types/type.h"

namespace tscript::ops {

// `Tensor(a!)`, `Tensor(a -> *)`, `Tensor(b|a)`: which alias sets a value belongs to before
// and after the call, and whether the call writes to it. Kept as data for alias analysis.
struct AliasAnnotation {
  // Set names without the `alias::` prefix, in the order written; "*" is the wildcard set
  // (once it is seen, further names in the same list are ignored, as in c10).
  std::vector<std::string> beforeSets;
  // Equal to beforeSets unless `-> ...` was written.
  std::vector<std::string> afterSets;
  bool isWrite = false;  // `!`
  // The annotation of a list's elements: `Tensor(a)[]` is a list annotation (no sets of its
  // own, isWrite copied from the element) containing `(a)`. Mirrors c10's containedTypes.
  std::vector<AliasAnnotation> contained;

  bool operator==(const AliasAnnotation&) const = default;
};

// A default value. c10 folds the named constants of native_functions.yaml into ints when
// parsing (`long` -> 4, `float` -> 6, `strided` -> 0, `Mean` -> 1, `contiguous_format` -> 0),
// and so do we: the printed schema then shows the int, as 1.13 prints it. `int[2] x=1` is
// stored as the list [1, 1].
using DefaultValue = ir::ConstantValue;

struct Argument {
  // Empty only for unnamed returns.
  std::string name;
  // The type TorchScript checks values against: c10's "fake" type, where ScalarType, Layout
  // and MemoryFormat are `int` (a dtype is an int in TorchScript).
  types::TypePtr type;
  // The type as the schema spells it (ScalarType, Layout, MemoryFormat kept). `SymInt` has
  // no type of its own in tscript: it is `int` in both, and `symInt` records the spelling.
  types::TypePtr realType;
  // True when the schema spells this argument's int as `SymInt` (1.13's symbolic-shape int;
  // a plain int to TorchScript). Every int inside realType is then printed as SymInt.
  bool symInt = false;
  // `int[2]`: a fixed-size list; a single int is also accepted for it.
  std::optional<int32_t> fixedSize;
  std::optional<DefaultValue> defaultValue;
  std::optional<AliasAnnotation> alias;
  // After the `*` marker: may only be passed by keyword. Never set on returns.
  bool keywordOnly = false;
  // A keyword-only argument that the call writes to (`*, Tensor(a!) out`): c10's is_out.
  bool isOut = false;

  bool isWrite() const { return alias && alias->isWrite; }
};

struct Schema {
  std::string name;          // "aten::add": always `namespace::name`
  std::string overloadName;  // "Tensor"; empty for the default overload
  std::vector<Argument> arguments;
  std::vector<Argument> returns;
  bool isVararg = false;  // `...` ends the arguments: any further arguments are accepted
  bool isVarret = false;  // `-> ...`: any number of results

  // "aten::add.Tensor", or "aten::add" for the default overload.
  std::string qualifiedOverloadName() const;
  std::string_view ns() const;  // "aten"
  // Index of the first keyword-only argument (where `*` was written), if any.
  std::optional<size_t> firstKeywordOnlyIndex() const;
  // True when some argument is written to (an alias annotation with `!`).
  bool isMutable() const;
};

// A syntax error in a schema: `column` is the 0-based byte offset of the problem. what() is
// "schema error at column N: message", then the schema and a caret under the column.
class SchemaParseError : public std::runtime_error {
 public:
  SchemaParseError(std::string_view schemaText, size_t column, std::string message);
  size_t column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  size_t column_;
  std::string message_;
};

// Parses one schema in 1.13's syntax. Throws SchemaParseError.
Schema parseSchema(std::string_view text);

// The schema as 1.13 prints it (see file comment).
std::string printSchema(const Schema& schema);
// One argument or return as it appears in the printed schema: `Tensor(a!) out`, `int[2] x=1`.
std::string printArgument(const Argument& argument);
// The schema spelling of a type: `Tensor?[]`, `Dict(str, t)`, `Scalar`, `(int, str)`.
// With `symInt`, every int is spelled `SymInt`.
std::string schemaTypeString(const types::Type& type, bool symInt = false);
// A default value as 1.13 prints it after `=` (strings quoted, doubles as `1.`, lists).
std::string printDefaultValue(const Argument& argument);

}  // namespace tscript::ops
