// The `.code` printer: function header, names, the inlining decision and statements.
// Right-hand sides and constants are in code_expressions.cpp.
#include "ir/code_printer.h"

#include <algorithm>

#include "ir/code_printer_internal.h"
#include "lang/source_origins.h"

namespace tscript::ir {
namespace code_detail {
namespace {

const Symbol kTupleUnpack = Symbol::fromQualString("prim::TupleUnpack");
const Symbol kListUnpack = Symbol::fromQualString("prim::ListUnpack");
const Symbol kSetAttr = Symbol::fromQualString("prim::SetAttr");
const Symbol kFork = Symbol::fromQualString("prim::fork");
const Symbol kRpcAsync = Symbol::fromQualString("prim::rpc_async");
const Symbol kRpcSync = Symbol::fromQualString("prim::rpc_sync");
const Symbol kRpcRemote = Symbol::fromQualString("prim::rpc_remote");
const Symbol kEnter = Symbol::fromQualString("prim::Enter");
const Symbol kExit = Symbol::fromQualString("prim::Exit");
const Symbol kIsinstance = Symbol::fromQualString("prim::isinstance");

// Names the printed code never uses as they are: Python keywords and the names the importer
// gives a meaning to.
const std::unordered_set<std::string>& reservedNames() {
  static const std::unordered_set<std::string> names = {
      "_", "as", "aten", "attribute", "CONSTANTS", "fork", "getattr", "inf", "nan", "infj",
      "nanj", "ops", "__torch__", "uninitialized", "unchecked_cast",
      // Python keywords
      "and", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
      "else", "except", "False", "finally", "for", "from", "global", "if", "import", "in",
      "is", "lambda", "None", "nonlocal", "not", "or", "pass", "raise", "return", "True",
      "try", "while", "with", "yield"};
  return names;
}

bool isIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Debug names may hold characters Python names cannot (`self.lin.weight`, `1x`).
std::string makeValidIdentifier(const std::string& name) {
  if (name.empty()) return "_";
  std::string result;
  if (name[0] >= '0' && name[0] <= '9') result += '_';
  for (char c : name) result += isIdentifierChar(c) ? c : '_';
  return result;
}

// The counted loop / while loop distinction (1.13's LoopView::loopType).
enum class LoopForm { For, While, Modified };

bool constantBool(const Value* value, bool& out) {
  ConstantValue constant;
  if (!constantValueOf(value->node(), constant)) return false;
  if (constant.kind == ConstantValue::Kind::Bool) {
    out = constant.boolValue;
    return true;
  }
  if (constant.kind == ConstantValue::Kind::Int) {
    out = constant.intValue != 0;
    return true;
  }
  return false;
}

LoopForm loopForm(const Node* loop) {
  const Block* body = loop->blocks().at(0);
  bool inputCond = false;
  bool nextCond = false;
  bool alwaysTrue = constantBool(loop->input(1), inputCond) && inputCond &&
                    constantBool(body->outputs().at(0), nextCond) && nextCond;
  ConstantValue tripCount;
  bool tripIsConstant = constantValueOf(loop->input(0)->node(), tripCount) &&
                        tripCount.kind == ConstantValue::Kind::Int;
  bool tripSpecified = !tripIsConstant || tripCount.intValue != INT64_MAX ||
                       body->inputs().at(0)->hasUses();
  if (alwaysTrue) return tripSpecified ? LoopForm::For : LoopForm::While;
  return tripSpecified ? LoopForm::Modified : LoopForm::While;
}

std::vector<Value*> slice(const std::vector<Value*>& values, size_t from) {
  if (from >= values.size()) return {};
  return std::vector<Value*>(values.begin() + static_cast<std::ptrdiff_t>(from), values.end());
}

bool isUnionLike(const types::TypePtr& type) {
  return type->kind() == types::TypeKind::Union || type->kind() == types::TypeKind::Optional;
}

}  // namespace

bool isValidIdentifier(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), isIdentifierChar);
}

// ---- names and expressions ----------------------------------------------------------------

// The candidate itself if free, else candidate + N with a counter per candidate (per file).
std::string FunctionPrinter::genName(const std::string& candidate) {
  std::string name = candidate;
  while (usedNames_.count(name) || reservedNames().count(name)) {
    name = candidate + std::to_string(nameCounts_[candidate]++);
  }
  usedNames_.insert(name);
  return name;
}

std::string FunctionPrinter::genUniqueNameFor(const Value* value) {
  return genName(value->hasDebugName() ? makeValidIdentifier(value->debugNameBase()) : "_");
}

void FunctionPrinter::assignExpression(const Value* value, std::string name) {
  auto expression = std::make_shared<TaggedText>();
  expression->text = std::move(name);
  exprs_[value] = std::move(expression);
}

void FunctionPrinter::assignExpression(const Value* value, TaggedText expression) {
  exprs_[value] = std::make_shared<const TaggedText>(std::move(expression));
}

void FunctionPrinter::assignAlias(const Value* value, const Value* other) {
  auto it = exprs_.find(other);
  if (it == exprs_.end()) throw CodePrintError("code printer: value used before it is named");
  exprs_[value] = it->second;
}

void FunctionPrinter::assignUniqueNames(const std::vector<Value*>& values) {
  for (const Value* value : values) assignExpression(value, genUniqueNameFor(value));
}

const TaggedText& FunctionPrinter::expressionOf(const Value* value) const {
  auto it = exprs_.find(value);
  if (it == exprs_.end()) {
    throw CodePrintError("code printer: %" + value->debugName() +
                         " is used where it has no name (is the graph well formed?)");
  }
  return *it->second;
}

namespace {
constexpr char kTokenBegin = '\x01';
constexpr char kTokenEnd = '\x02';
}  // namespace

std::string FunctionPrinter::useOf(const Value* value) {
  const TaggedText& expression = expressionOf(value);
  if (expression.ranges.empty()) return expression.text;
  tokens_.push_back(exprs_.find(value)->second);
  return kTokenBegin + std::to_string(tokens_.size() - 1) + kTokenEnd;
}

std::string FunctionPrinter::valueList(const std::vector<Value*>& values, const char* begin,
                                       const char* end) {
  std::string text = begin;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ", ";
    text += useOf(values[i]);
  }
  return text + end;
}

// ---- source ranges ------------------------------------------------------------------------

void TaggedText::append(std::string_view piece, const lang::SourceRange& range) {
  if (piece.empty()) return;
  if (recording) {
    bool sameAsLast = !ranges.empty() && ranges.back().range.file == range.file &&
                      ranges.back().range.start == range.start &&
                      ranges.back().range.end == range.end;
    if (!sameAsLast) ranges.push_back({text.size(), range});
  }
  text += piece;
}

void TaggedText::append(const TaggedText& other, const lang::SourceRange& around) {
  std::string_view otherText = other.text;
  size_t first = other.ranges.empty() ? otherText.size() : other.ranges.front().offset;
  append(otherText.substr(0, first), around);
  for (size_t i = 0; i < other.ranges.size(); ++i) {
    size_t from = other.ranges[i].offset;
    size_t to = i + 1 < other.ranges.size() ? other.ranges[i + 1].offset : otherText.size();
    append(otherText.substr(from, to - from), other.ranges[i].range);
  }
}

namespace {
// Calls piece(text) for the plain parts of `raw` and token(n) for each placeholder, in order.
template <typename Piece, typename Token>
void splitTokens(const std::string& raw, Piece piece, Token token) {
  size_t at = 0;
  while (at < raw.size()) {
    size_t begin = raw.find(kTokenBegin, at);
    if (begin == std::string::npos) {
      piece(std::string_view(raw).substr(at));
      return;
    }
    piece(std::string_view(raw).substr(at, begin - at));
    size_t end = raw.find(kTokenEnd, begin);
    token(static_cast<size_t>(std::stoul(raw.substr(begin + 1, end - begin - 1))));
    at = end + 1;
  }
}
}  // namespace

void FunctionPrinter::emit(const std::string& raw) {
  if (!recording_) {
    out_.text += raw;
    return;
  }
  splitTokens(
      raw, [&](std::string_view piece) { out_.append(piece, currentRange_); },
      [&](size_t token) { out_.append(*tokens_.at(token), currentRange_); });
}

TaggedText FunctionPrinter::expand(const std::string& raw, const lang::SourceRange& range) const {
  TaggedText expression;
  expression.recording = recording_;
  if (!recording_) {
    expression.text = raw;
    return expression;
  }
  splitTokens(
      raw, [&](std::string_view piece) { expression.append(piece, range); },
      [&](size_t token) { expression.append(*tokens_.at(token), range); });
  return expression;
}

lang::SourceRange FunctionPrinter::printedRangeOf(const Node* node) const {
  const lang::SourceRange& range = node->sourceRange();
  if (range.valid()) {
    if (auto origins = lang::sourceOriginsOf(range.file.get())) {
      if (auto original = origins->rangeThatGenerated(range.start)) return *original;
    }
  }
  return range;
}

FunctionPrinter::RangeScope::RangeScope(FunctionPrinter& printer, const Node* node)
    : printer_(printer), saved_(printer.currentRange_) {
  if (printer.recording_) printer.currentRange_ = printer.printedRangeOf(node);
}

// ---- the inlining decision ----------------------------------------------------------------
//
// A value is written into its use instead of being named when its node has one output, one
// use, no blocks, no debug name (or the use is a block's return), the use is not a loop's
// carried input nor a fork, and the node is not prim::isinstance (its refinement was already
// applied). Order is kept by scanning backwards: walking a node's inputs right to left, an
// input can only be inlined if its node is exactly the previous non-constant node, i.e. the
// expression tree reads the nodes in their program order. Constants are always inlined.

bool FunctionPrinter::canInline(const Value* value) const {
  const Node* node = value->node();
  if (node->outputs().size() != 1 || value->uses().size() != 1) return false;
  const Use& use = value->uses().front();
  if (value->hasDebugName() && use.user->kind() != prim::Return) return false;
  if (!node->blocks().empty()) return false;
  if (use.user->kind() == prim::Loop && use.offset >= 2) return false;
  Symbol user = use.user->kind();
  if (user == kFork || user == kRpcAsync || user == kRpcSync || user == kRpcRemote) return false;
  if (node->kind() == kIsinstance) return false;
  return true;
}

const Node* FunctionPrinter::scanValue(const Node* blockPoint, const Value* value) {
  const Node* node = value->node();
  if (node == blockPoint && canInline(value)) {
    blockPoint = scanNode(blockPoint);
    inlined_.insert(node);
  } else if (node->kind() == prim::Constant) {
    inlined_.insert(node);
  }
  return blockPoint;
}

const Node* FunctionPrinter::scanNode(const Node* node) {
  if (inlined_.count(node)) return node;
  for (const Block* block : node->blocks()) scanBlock(block);
  const Node* blockPoint = node;
  do {
    blockPoint = blockPoint->prev();
  } while (blockPoint->kind() == prim::Constant);
  const auto& inputs = node->inputs();
  for (auto it = inputs.rbegin(); it != inputs.rend(); ++it) {
    blockPoint = scanValue(blockPoint, *it);
  }
  return blockPoint;
}

void FunctionPrinter::scanBlock(const Block* block) {
  scanNode(block->returnNode());
  for (const Node* node : block->reverseNodes()) scanNode(node);
}

// An inlined expression is "long" from 40 columns on, counting the indentation.
bool FunctionPrinter::isLongLine(const std::string& text) const {
  return text.size() + static_cast<size_t>(level_) * 2 >= 40;
}

bool FunctionPrinter::isNonConstantInline(const Value* value) const {
  return value->node()->kind() != prim::Constant && inlined_.count(value->node());
}

// A long inlined expression is assigned to a name after all. To keep evaluation order, so
// are the inlined arguments before it in its user, and (once per user) the inlined arguments
// before the user in the user's own user, and so on up the expression tree.
void FunctionPrinter::splitLongInlines(const Value* value) {
  std::vector<const Value*> reversed;
  const Use& use = value->uses().front();
  scanLongInlines(use.user, static_cast<int64_t>(use.offset), reversed);
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) {
    TaggedText expression = expressionOf(*it);  // a copy: naming the value replaces its entry
    printOutputDefinition((*it)->node(), expression);
  }
}

void FunctionPrinter::scanLongInlines(const Node* user, int64_t offset,
                                      std::vector<const Value*>& reversed) {
  auto visited = visitedSplitUses_.find(user);
  bool present = visited != visitedSplitUses_.end();
  int64_t stop = present ? visited->second + 1 : 0;
  for (int64_t i = offset; i >= stop; --i) {
    const Value* argument = user->input(static_cast<size_t>(i));
    if (isNonConstantInline(argument)) reversed.push_back(argument);
  }
  visitedSplitUses_[user] = offset;
  if (!present && inlined_.count(user)) {
    const Use& use = user->output()->uses().front();
    // The user itself is still being written, so only the arguments before it move out.
    scanLongInlines(use.user, static_cast<int64_t>(use.offset) - 1, reversed);
  }
}

// ---- statements ---------------------------------------------------------------------------

void FunctionPrinter::indent() { emit(std::string(static_cast<size_t>(level_) * 2, ' ')); }

void FunctionPrinter::printFunction(const Graph& graph, const CodeSignature& signature,
                                    int level) {
  if (signature.arguments.size() != graph.inputs().size()) {
    throw CodePrintError("code printer: the signature of '" + signature.name + "' has " +
                         std::to_string(signature.arguments.size()) +
                         " arguments but the graph has " +
                         std::to_string(graph.inputs().size()) + " inputs");
  }
  level_ = level;
  indent();
  emit("def " + signature.name + "(");
  for (size_t i = 0; i < signature.arguments.size(); ++i) {
    const CodeArgument& argument = signature.arguments[i];
    std::string name = genName(argument.name);
    if (i == 0) {
      emit(name);
      if (options_.printFirstArgumentType) emit(": " + argument.type->annotationStr());
    } else {
      emit(",\n    " + name + ": " + argument.type->annotationStr());
    }
    if (argument.defaultValue) {
      emit("=");
      const ConstantValue& value = *argument.defaultValue;
      bool scalar = value.kind == ConstantValue::Kind::Int ||
                    value.kind == ConstantValue::Kind::Double ||
                    value.kind == ConstantValue::Kind::Bool;
      if (argument.type->kind() == types::TypeKind::List && scalar && argument.broadcastSize) {
        const auto* list = argument.type->as<types::ListType>();
        emit("[");
        for (size_t k = 0; k < *argument.broadcastSize; ++k) {
          if (k > 0) emit(", ");
          emit(constantText(value, list->element()));
        }
        emit("]");
      } else {
        emit(constantText(value, argument.type));
      }
    }
    assignExpression(graph.inputs()[i], name);
  }
  types::TypePtr returnType = signature.returnType;
  if (!returnType) {
    returnType = graph.outputs().size() == 1 ? graph.outputs()[0]->type() : types::noneType();
  }
  emit(") -> " + returnType->annotationStr() + ":\n");
  printBody(graph.block());
  level_ = level;
}

namespace {
// Every constant used in `block` (nested blocks included), in order of first use.
void collectConstants(const Node* node, std::vector<const Node*>& constants,
                      std::unordered_set<const Node*>& seen);
void collectConstants(const Block* block, std::vector<const Node*>& constants,
                      std::unordered_set<const Node*>& seen) {
  for (const Node* node : block->nodes()) collectConstants(node, constants, seen);
  collectConstants(block->returnNode(), constants, seen);
}
void collectConstants(const Node* node, std::vector<const Node*>& constants,
                      std::unordered_set<const Node*>& seen) {
  for (const Value* input : node->inputs()) {
    const Node* definition = input->node();
    if (definition->kind() == prim::Constant && seen.insert(definition).second) {
      constants.push_back(definition);
    }
  }
  for (const Block* block : node->blocks()) collectConstants(block, constants, seen);
}
}  // namespace

// Constants come first (most are only remembered for inlining; long ones are assigned
// here), then the statements, then `return`.
void FunctionPrinter::printBody(const Block* block) {
  std::vector<const Node*> constants;
  std::unordered_set<const Node*> seen;
  collectConstants(block, constants, seen);
  scanBlock(block);
  ++level_;
  for (const Node* constant : constants) printNode(constant, /*printConstant=*/true);
  printBlock(block, !block->outputs().empty());
  if (!block->outputs().empty()) {
    RangeScope scope(*this, block->returnNode());
    indent();
    emit("return " + valueList(block->outputs()) + "\n");
  }
  --level_;
}

// Python needs `pass` in an empty block, unless assignments of the block's outputs follow.
// A block that holds only constants prints nothing at all (as 1.13 does).
void FunctionPrinter::printBlock(const Block* block, bool hasOtherStatements) {
  if (!hasOtherStatements && block->empty()) {
    indent();
    emit("pass\n");
  }
  for (const Node* node : block->nodes()) printNode(node, /*printConstant=*/false);
}

void FunctionPrinter::printOutputDefinition(const Node* node, const TaggedText& expression) {
  assignUniqueNames(node->outputs());
  indent();
  if (!node->outputs().empty()) emit(valueList(node->outputs()) + " = ");
  if (recording_) {
    out_.append(expression, currentRange_);
  } else {
    out_.text += expression.text;
  }
  emit("\n");
}

// `a = b` or `a, b = c, d`. The first time a single name of Optional or Union type is
// assigned, it carries its annotation (`a : Optional[int] = None`), so that re-parsing gives
// the variable the wider type.
void FunctionPrinter::printAssignment(const std::vector<Value*>& lhs,
                                      const std::vector<Value*>& rhs) {
  if (lhs.empty()) return;
  indent();
  std::string names = valueList(lhs);
  emit(names);
  if (lhs.size() == 1 && isUnionLike(lhs[0]->type()) && annotatedNames_.insert(names).second) {
    emit(" : " + lhs[0]->type()->annotationStr());
  }
  emit(" = " + valueList(rhs) + "\n");
}

// The values a loop carries are initialized one per line, annotated (`b: Optional[int] = y`)
// when their type is Optional or Union.
void FunctionPrinter::printLoopInitialization(const std::vector<Value*>& lhs,
                                              const std::vector<Value*>& rhs) {
  for (size_t i = 0; i < lhs.size(); ++i) {
    indent();
    const std::string& name = useOf(lhs[i]);
    emit(name);
    if (isUnionLike(lhs[i]->type()) && annotatedNames_.insert(name).second) {
      emit(": " + lhs[i]->type()->annotationStr());
    }
    emit(" = " + useOf(rhs[i]) + "\n");
  }
}

void FunctionPrinter::printIf(const Node* node) {
  assignUniqueNames(node->outputs());
  indent();
  emit("if " + useOf(node->input(0)) + ":\n");
  for (size_t b = 0; b < 2; ++b) {
    if (b == 1) {
      indent();
      emit("else:\n");
    }
    const Block* block = node->blocks().at(b);
    ++level_;
    printBlock(block, !block->outputs().empty());
    printAssignment(node->outputs(), block->outputs());
    --level_;
  }
}

// prim::Loop(max_trip_count, cond, carried...) with block(i, carried...) -> (cond, carried...).
// The carried values take the loop outputs' names for the whole loop: initialized before it,
// reassigned at the end of the body.
void FunctionPrinter::printLoop(const Node* node) {
  LoopForm form = loopForm(node);
  if (form == LoopForm::Modified) {
    throw CodePrintError(
        "loop cannot be printed as python because it has gone through an optimization that "
        "combined while and for loops");
  }
  const Block* body = node->blocks().at(0);
  std::vector<Value*> carriedInputs = slice(node->inputs(), 2);
  assignUniqueNames(node->outputs());
  for (size_t i = 0; i < node->outputs().size(); ++i) {
    assignAlias(body->inputs().at(i + 1), node->outputs()[i]);
  }
  printLoopInitialization(node->outputs(), carriedInputs);
  Value* iteration = body->inputs().at(0);
  assignUniqueNames({iteration});
  if (form == LoopForm::For) {
    indent();
    emit("for " + useOf(iteration) + " in range(" + useOf(node->input(0)) + "):\n");
  } else {
    // The iteration number is unused in a while loop; its name stands for the condition.
    printAssignment({iteration}, {node->input(1)});
    indent();
    emit("while " + useOf(iteration) + ":\n");
  }
  size_t offset = form == LoopForm::For ? 1 : 0;
  std::vector<Value*> blockInputs = slice(body->inputs(), offset);
  ++level_;
  printBlock(body, !blockInputs.empty());
  printAssignment(blockInputs, slice(body->outputs(), offset));
  --level_;
}

// prim::fork: the subgraph becomes a nested function that reads the fork's inputs by name.
void FunctionPrinter::printFork(const Node* node) {
  const AttributeValue* attribute = node->findAttribute("Subgraph");
  if (!attribute || attribute->kind() != AttributeKind::g) {
    throw CodePrintError("code printer: prim::fork without a Subgraph");
  }
  const Graph& subgraph = *attribute->get<GraphPtr>();
  std::string name = genName("__forked_function");
  indent();
  emit("def " + name + "():\n");
  for (size_t i = 0; i < node->inputs().size() && i < subgraph.inputs().size(); ++i) {
    assignAlias(subgraph.inputs()[i], node->input(i));
  }
  printBody(subgraph.block());
  printOutputDefinition(node, expand("fork(" + name + ")", currentRange_));
}

void FunctionPrinter::printNode(const Node* node, bool printConstant) {
  Symbol kind = node->kind();
  if (!printConstant && kind == prim::Constant) return;
  RangeScope scope(*this, node);
  if (kind == prim::Loop) {
    printLoop(node);
  } else if (kind == prim::If) {
    printIf(node);
  } else if (kind == kTupleUnpack || kind == kListUnpack) {
    // `a, b, = t`: the trailing comma makes even a single name an unpacking.
    assignUniqueNames(node->outputs());
    indent();
    if (!node->outputs().empty()) emit(valueList(node->outputs(), "", ", = "));
    emit(useOf(node->input(0)) + "\n");
  } else if (kind == kSetAttr) {
    indent();
    emit(useOf(node->input(0)) + "." + node->s("name") + " = " + useOf(node->input(1)) + "\n");
  } else if (kind == kFork) {
    printFork(node);
  } else if (kind == kEnter) {
    const Value* object = node->input(0);
    indent();
    emit("with " + useOf(object));
    if (!node->outputs().empty() && node->output(0)->hasUses()) {
      assignExpression(node->output(0), genUniqueNameFor(node->output(0)));
      emit(" as " + useOf(node->output(0)));
    }
    emit(":\n");
    ++level_;
  } else if (kind == kExit) {
    if (node->prev()->kind() == kEnter) {
      indent();
      emit("pass\n");
    }
    --level_;
  } else {
    TaggedText expression = expand(rhs(node), currentRange_);
    bool inlined = inlined_.count(node) != 0;
    if (!inlined || (kind == prim::Constant && isLongLine(expression.text))) {
      printOutputDefinition(node, expression);
    } else {
      bool isLong = isLongLine(expression.text);
      assignExpression(node->output(0), std::move(expression));
      // Long constants were handled above; splitting other expressions must also move the
      // arguments evaluated before them (see splitLongInlines).
      if (isLong) splitLongInlines(node->output(0));
    }
  }
}

}  // namespace code_detail

// ---- public API ---------------------------------------------------------------------------

CodeSignature signatureFromGraph(const Graph& graph, std::string name) {
  CodeSignature signature;
  signature.name = std::move(name);
  for (const Value* input : graph.inputs()) {
    CodeArgument argument;
    argument.name = input->hasDebugName() ? input->debugNameBase() : "_";
    argument.type = input->type();
    signature.arguments.push_back(std::move(argument));
  }
  signature.returnType =
      graph.outputs().size() == 1 ? graph.outputs()[0]->type() : types::noneType();
  return signature;
}

CodePrinter::CodePrinter(CodePrinterOptions options) : options_(std::move(options)) {}
CodePrinter::~CodePrinter() = default;

void CodePrinter::printFunction(const Graph& graph, const CodeSignature& signature, int level) {
  // Each function starts with no names in use; the constant table and the name counters
  // are shared.
  text_.recording = options_.recordSourceRanges;
  code_detail::FunctionPrinter printer(options_, text_, constants_, nameCounts_);
  printer.printFunction(graph, signature, level);
}

const std::string& CodePrinter::text() const { return text_.text; }
const std::vector<PrintedSourceRange>& CodePrinter::sourceRanges() const { return text_.ranges; }
void CodePrinter::appendText(const std::string& text) {
  text_.recording = options_.recordSourceRanges;
  text_.append(text, lang::SourceRange());  // headers and declarations come from no node
}
const std::vector<ConstantValue>& CodePrinter::constantTable() const { return constants_; }

std::string printFunctionCode(const Graph& graph, const CodeSignature& signature,
                              const CodePrinterOptions& options) {
  CodePrinter printer(options);
  printer.printFunction(graph, signature);
  return printer.text();
}

std::string printFunctionCode(const Graph& graph, const std::string& name,
                              const CodePrinterOptions& options) {
  return printFunctionCode(graph, signatureFromGraph(graph, name), options);
}

}  // namespace tscript::ir
