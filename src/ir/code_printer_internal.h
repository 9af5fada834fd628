// Private to the code printer (code_printer.cpp: statements, names, inlining;
// code_expressions.cpp: right-hand sides and constants).
//
// FunctionPrinter prints one function. Its state mirrors how 1.13 thinks about the text:
//   exprs_      what each value is written as at its use: a name, or (for inlined values) the
//               whole expression text; loop-carried block inputs share their loop output's
//               entry, so both print the same name.
//   inlined_    nodes whose single output is written into its use instead of being assigned
//               (decided up front by scanBlock, before any text is written).
//   level_      current indentation (2 spaces each); also part of the "long line" rule.
//
// Source ranges (CodePrinterOptions::recordSourceRanges): statements are written under the
// range of the node being printed (currentRange_), and each expression is TaggedText that
// carries the ranges of the nodes it was made from, so an inlined call keeps its own range
// inside its user's line, as 1.13's records do. The right-hand-side builders only concatenate
// strings; so that they need not know about ranges, useOf() hands them a placeholder token
// for an expression that carries ranges, and emit()/expand() splice the expression back in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/code_printer.h"

namespace tscript::ir::code_detail {

// [A-Za-z_][A-Za-z0-9_]*
bool isValidIdentifier(const std::string& name);

class FunctionPrinter {
 public:
  FunctionPrinter(const CodePrinterOptions& options, TaggedText& out,
                  std::vector<ConstantValue>& constants,
                  std::unordered_map<std::string, size_t>& nameCounts)
      : options_(options), out_(out), constants_(constants), nameCounts_(nameCounts),
        recording_(options.recordSourceRanges) {}

  void printFunction(const Graph& graph, const CodeSignature& signature, int level);

 private:
  // ---- names and expressions (code_printer.cpp) ----
  std::string genName(const std::string& candidate);
  std::string genUniqueNameFor(const Value* value);
  void assignExpression(const Value* value, std::string name);
  void assignExpression(const Value* value, TaggedText expression);
  void assignAlias(const Value* value, const Value* other);  // same entry as `other`
  void assignUniqueNames(const std::vector<Value*>& values);
  // What `value` is written as at its use: its text, or a placeholder token (see above).
  std::string useOf(const Value* value);
  const TaggedText& expressionOf(const Value* value) const;
  // The text of `value` alone (for decisions about its spelling, never for output).
  const std::string& textOf(const Value* value) const { return expressionOf(value).text; }
  std::string valueList(const std::vector<Value*>& values, const char* begin = "",
                        const char* end = "");

  // ---- source ranges ----
  // Appends `raw` (placeholder tokens spliced back) to the output under currentRange_.
  void emit(const std::string& raw);
  // `raw` as an expression printed from `range` (placeholder tokens spliced back).
  TaggedText expand(const std::string& raw, const lang::SourceRange& range) const;
  // The range a node's text is recorded with: for code read from an archive with debug
  // records, the original range that generated the node (as 1.13 re-saves loaded code).
  lang::SourceRange printedRangeOf(const Node* node) const;
  // Sets currentRange_ to a node's range for its lifetime.
  class RangeScope {
   public:
    RangeScope(FunctionPrinter& printer, const Node* node);
    ~RangeScope() { printer_.currentRange_ = std::move(saved_); }
    RangeScope(const RangeScope&) = delete;
    RangeScope& operator=(const RangeScope&) = delete;

   private:
    FunctionPrinter& printer_;
    lang::SourceRange saved_;
  };

  // ---- the inlining decision ----
  bool canInline(const Value* value) const;
  const Node* scanValue(const Node* blockPoint, const Value* value);
  const Node* scanNode(const Node* node);
  void scanBlock(const Block* block);
  bool isLongLine(const std::string& text) const;
  bool isNonConstantInline(const Value* value) const;
  void splitLongInlines(const Value* value);
  void scanLongInlines(const Node* user, int64_t offset, std::vector<const Value*>& reversed);

  // ---- statements ----
  void indent();
  void printBody(const Block* block);
  void printBlock(const Block* block, bool hasOtherStatements);
  void printNode(const Node* node, bool printConstant);
  void printOutputDefinition(const Node* node, const TaggedText& expression);
  void printAssignment(const std::vector<Value*>& lhs, const std::vector<Value*>& rhs);
  void printLoopInitialization(const std::vector<Value*>& lhs, const std::vector<Value*>& rhs);
  void printIf(const Node* node);
  void printLoop(const Node* node);
  void printFork(const Node* node);

  // ---- right-hand sides (code_expressions.cpp) ----
  std::string rhs(const Node* node);
  std::string callOperator(const Node* node);
  std::string constantNodeText(const Node* node);

 public:
  // A constant value in code spelling; `type` decides bool vs int and list annotations.
  std::string constantText(const ConstantValue& value, const types::TypePtr& type);

 private:
  std::string constantTableEntry(const ConstantValue& value);

  const CodePrinterOptions& options_;
  TaggedText& out_;
  std::vector<ConstantValue>& constants_;
  int level_ = 0;
  const bool recording_;
  lang::SourceRange currentRange_;
  // The expressions handed out as placeholder tokens, by token number.
  std::vector<std::shared_ptr<const TaggedText>> tokens_;

  std::unordered_set<std::string> usedNames_;
  std::unordered_map<std::string, size_t>& nameCounts_;  // the CodePrinter's (per file)
  std::unordered_map<const Value*, std::shared_ptr<const TaggedText>> exprs_;
  std::unordered_set<const Node*> inlined_;
  std::unordered_map<const Node*, int64_t> visitedSplitUses_;
  std::unordered_set<std::string> annotatedNames_;
};


}  // namespace tscript::ir::code_detail
