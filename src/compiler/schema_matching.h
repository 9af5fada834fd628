// Overload resolution for builtin operators: which schema of `aten::add` fits these
// arguments, and the node that calls it (TorchScript's schema matching rules).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/operator_matcher.h"
#include "ir/attributes.h"
#include "types/type.h"

namespace tscript::compiler {

// What matching needs to know of one overload; the registry's schemas are presented this way
// (registry_matcher.cpp), which keeps the compiler free of the operator layer's details.
struct ArgumentView {
  std::string name;
  types::TypePtr type;
  std::optional<int64_t> fixedListSize;      // `int[2]`: a single int is also accepted
  bool keywordOnly = false;
  bool isWritten = false;  // `(a!)`: the operator mutates it, so no converted copy may stand in
  std::optional<ir::ConstantValue> defaultValue;  // absent: the argument is required
};

struct SchemaView {
  std::string name;          // `aten::add`
  std::string overloadName;  // `Tensor`
  std::vector<ArgumentView> arguments;
  std::vector<types::TypePtr> returns;
  // The returns' names (`values`, `indices`), empty strings for unnamed ones; may be shorter
  // than `returns` when a caller has none to give.
  std::vector<std::string> returnNames;
  bool varargs = false;  // `...` in the arguments: extra positional arguments are accepted
  std::string text;      // the schema as written, for error messages
};

// Tries one overload. On success inserts the node (and any conversions and constants) and
// returns true with its result in `result`; on failure inserts nothing and explains why in
// `whyNot`. Without `allowConversions`, a Tensor is not accepted for a number.
bool tryEmitWithSchema(ir::Graph& graph, ir::Symbol op, const SchemaView& schema,
                       const std::vector<NamedValue>& args, const lang::SourceRange& range,
                       ir::Value*& result, std::string& whyNot, bool allowConversions = true);

// An OperatorMatcher over a fixed list of schemas (tests use it; the registry matcher
// presents the operator registry the same way).
class SchemaListMatcher : public OperatorMatcher {
 public:
  explicit SchemaListMatcher(std::vector<SchemaView> schemas);
  bool hasOperator(ir::Symbol op) const override;
  ir::Value* emit(ir::Graph& graph, ir::Symbol op, const std::vector<NamedValue>& args,
                  const lang::SourceRange& range) const override;

 protected:
  virtual std::vector<const SchemaView*> overloads(ir::Symbol op) const;

 private:
  std::vector<SchemaView> schemas_;
};

// Inserts a prim::Constant holding `constant` (a schema or parameter default) for a
// parameter of type `type`.
ir::Value* insertConstantValue(ir::Graph& graph, const ir::ConstantValue& constant,
                               const types::TypePtr& type, const lang::SourceRange& range);

// Emits with the first matching overload of `candidates` (or builtin function of
// script_builtins.h; their bodies emit through `matcher`), or throws the "no overload"
// CompileError listing each candidate and why it failed.
ir::Value* emitWithOverloads(const OperatorMatcher& matcher, ir::Graph& graph, ir::Symbol op,
                             const std::vector<const SchemaView*>& candidates,
                             const std::vector<NamedValue>& args, const lang::SourceRange& range);

// The matcher over the process's operator registry (src/ops); defined with the registry.
const OperatorMatcher& registryOperatorMatcher();

}  // namespace tscript::compiler
