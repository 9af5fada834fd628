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
  FunctionPrinter(const CodePrinterOptions& options, std::string& out,
                  std::vector<ConstantValue>& constants,
                  std::unordered_map<std::string, size_t>& nameCounts)
      : options_(options), out_(out), constants_(constants), nameCounts_(nameCounts) {}

  void printFunction(const Graph& graph, const CodeSignature& signature, int level);

 private:
  // ---- names and expressions (code_printer.cpp) ----
  std::string genName(const std::string& candidate);
  std::string genUniqueNameFor(const Value* value);
  void assignExpression(const Value* value, std::string text);
  void assignAlias(const Value* value, const Value* other);  // same entry as `other`
  void assignUniqueNames(const std::vector<Value*>& values);
  const std::string& useOf(const Value* value) const;
  std::string valueList(const std::vector<Value*>& values, const char* begin = "",
                        const char* end = "") const;

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
  void printOutputDefinition(const Node* node, const std::string& expression);
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
  std::string& out_;
  std::vector<ConstantValue>& constants_;
  int level_ = 0;

  std::unordered_set<std::string> usedNames_;
  std::unordered_map<std::string, size_t>& nameCounts_;  // the CodePrinter's (per file)
  std::unordered_map<const Value*, std::shared_ptr<const std::string>> exprs_;
  std::unordered_set<const Node*> inlined_;
  std::unordered_map<const Node*, int64_t> visitedSplitUses_;
  std::unordered_set<std::string> annotatedNames_;
};


}  // namespace tscript::ir::code_detail
