// The `.code` printer: IR graph -> TorchScript source, exactly as PyTorch 1.13 prints
// `fn.code` (and, inside class bodies, the archive's `code/__torch__/*.py`).
//
// What it reproduces (IR_AND_CODE_FORMAT.md §3): the `def` header with Python-spelled types
// and printed defaults; 1.13's value naming (debug-name bases made unique with a counter per
// base, `_0`, `_1`, ... for unnamed values, reserved words avoided); inlining of single-use
// expressions into their use when that keeps evaluation order, with "long" inlines (40
// columns including indentation) split back out; `if`/`else` with block outputs assigned at
// the end of each branch (first assignment of an Optional/Union annotated); `prim::Loop` as
// `for i in range(n):` or `c = cond` / `while c:`; constants in code spelling (`1.`,
// `True`, `torch.device("cpu")`, tensors and non-ASCII strings as `CONSTANTS.cN`); operator
// calls as `torch.op(...)` / `ops.ns.op(...)` with trailing default arguments dropped and
// keyword-only arguments named, which needs the operator's schema (`OperatorInfoLookup`).
//
// This layer knows no operator registry: whoever prints supplies the lookup (tools/cmd_code
// answers it from src/ops + the runtime's overload matcher).
//
// Methods and classes: `CodePrinter` keeps the state that is shared across the functions of
// one archive file (the `CONSTANTS.cN` table, the output text), and printFunction() takes the
// indentation level and whether the first argument's type is printed, which is all that
// `def forward(self, ...)` in `.code` (untyped self) and a method inside `class M(Module):`
// (level 1, typed self) need.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/attributes.h"
#include "ir/ir.h"
#include "types/type.h"

namespace tscript::ir {

// "The printed text from `offset` up to the next record was generated from `range`" (an
// invalid range: from no source, e.g. class headers and `return`). One record per change of
// range, offsets increasing: 1.13's TaggedStringStream records.
struct PrintedSourceRange {
  size_t offset = 0;
  lang::SourceRange range;
};

namespace code_detail {
// Text with the source ranges it was printed from (code_printer_internal.h).
struct TaggedText {
  std::string text;
  std::vector<PrintedSourceRange> ranges;
  bool recording = false;

  // Appends `piece` printed from `range` (records nothing when not recording).
  void append(std::string_view piece, const lang::SourceRange& range);
  // Appends `other` with its ranges; its text before its first record goes under `around`.
  void append(const TaggedText& other, const lang::SourceRange& around);
};
}  // namespace code_detail

// One parameter of the printed function (the function's schema argument).
struct CodeArgument {
  std::string name;
  types::TypePtr type;
  std::optional<ConstantValue> defaultValue;
  // For a broadcasting-list parameter (`BroadcastingList2[int] = 1`, schema `int[2] x=1`):
  // the list size, so that a scalar default prints as `[1, 1]`.
  std::optional<size_t> broadcastSize;
};

// The printed function's signature. A graph alone knows parameter types and debug names but
// not defaults nor the declared return type (`-> Optional[int]` returning None has a
// NoneType output); signatureFromGraph() gives the best guess from the graph.
struct CodeSignature {
  std::string name;
  std::vector<CodeArgument> arguments;
  types::TypePtr returnType;
};
CodeSignature signatureFromGraph(const Graph& graph, std::string name);

// What the printer needs of the schema a node's operator resolved to.
struct OperatorArgumentInfo {
  std::string name;
  std::optional<ConstantValue> defaultValue;
  bool keywordOnly = false;
  bool isOut = false;
};
struct OperatorInfo {
  std::vector<OperatorArgumentInfo> arguments;
  bool isVararg = false;
};
// nullopt: no schema known; then every input is printed positionally.
using OperatorInfoLookup = std::function<std::optional<OperatorInfo>(const Node& node)>;

struct CodePrinterOptions {
  OperatorInfoLookup operatorInfo;
  // The printed name of a function constant (`prim::Constant[name="helper"]`) called through
  // prim::CallFunction. Default: `__torch__.<name>` (a function defined in `__main__`).
  std::function<std::string(const std::string& name)> qualifiedFunctionName;
  // `.code` of a method omits `self`'s type; archive files print it.
  bool printFirstArgumentType = true;
  // When set, a tensor constant node prints as `CONSTANTS.c<index>` with the index this
  // returns (an archive writer that keeps one table of real tensors for every file); unset,
  // tensors go into the printer's own table, identified by their printed text.
  std::function<size_t(const Node& node)> tensorConstantIndex;
  // When set and it returns a name for a prim::CallMethod node, the call prints as a function
  // call `name(object, args, )`: how 1.13's archives call a submodule's forward hooks
  // (`__torch__.M.pre(m, (x,), )`), which are not methods to its loader.
  std::function<std::optional<std::string>(const Node& callMethod)> methodCallAsFunction;
  // Record, for each piece of printed text, the source range of the node that produced it
  // (CodePrinter::sourceRanges): what an archive's `.debug_pkl` holds. Off for `.code`.
  bool recordSourceRanges = false;
};


// Raised for graphs that 1.13 cannot print either (a loop that is both counted and
// conditional, "ModifiedLoop") and for malformed structure.
class CodePrintError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CodePrinter {
 public:
  explicit CodePrinter(CodePrinterOptions options = {});
  ~CodePrinter();
  CodePrinter(const CodePrinter&) = delete;
  CodePrinter& operator=(const CodePrinter&) = delete;

  // Appends `def name(args) -> T:` and the body; the `def` line is indented by `level`
  // (2 spaces each), the body one level deeper.
  void printFunction(const Graph& graph, const CodeSignature& signature, int level = 0);

  const std::string& text() const;
  // With CodePrinterOptions::recordSourceRanges, the ranges of text() (else empty).
  const std::vector<PrintedSourceRange>& sourceRanges() const;
  // Appends raw lines (a class header, attribute declarations) between printed functions.
  void appendText(const std::string& text);
  // The constants printed as `CONSTANTS.c<N>` (tensors, non-ASCII strings), index N.
  const std::vector<ConstantValue>& constantTable() const;

 private:
  CodePrinterOptions options_;
  code_detail::TaggedText text_;
  std::vector<ConstantValue> constants_;
  // The N of the next `name<N>` per base name, kept across the printer's functions: 1.13
  // numbers a file's names (`x0`, `_3`) with one counter per base for the whole file, while
  // each function starts with no name in use.
  std::unordered_map<std::string, size_t> nameCounts_;
};

// Convenience: the `.code` of one function (signature from the graph when none is given).
std::string printFunctionCode(const Graph& graph, const CodeSignature& signature,
                              const CodePrinterOptions& options = {});
std::string printFunctionCode(const Graph& graph, const std::string& name,
                              const CodePrinterOptions& options = {});

}  // namespace tscript::ir
