#include "ir/parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tscript::ir {

namespace {

// Characters that may appear in a value name after `%` (`x.1`, `self.lin.weight`, `42`).
bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

bool isKindChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.';
}

bool isAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class GraphTextParser {
 public:
  GraphTextParser(std::string_view text, const NamedTypeHooks& hooks) : text_(text), hooks_(hooks) {
    scanSubgraphNames();
  }

  std::shared_ptr<Graph> parseTopLevel() {
    skipCommentLines();
    std::shared_ptr<Graph> graph = parseOneGraph();
    skipCommentLines();
    skipSpaces();
    if (startsWith("with ")) {
      error("'with' section names no node of the graph (subgraph groups are numbered from 0 in "
            "the order their nodes are printed)");
    }
    if (pos_ < text_.size()) error("unexpected text after the graph");
    return graph;
  }

 private:
  // One graph's scope: its values by printed name, and the group nodes waiting for their
  // `with kind_N = graph(...)` sections.
  struct GraphScope {
    Graph* graph = nullptr;
    std::unordered_map<std::string, Value*> values;
    std::vector<Node*> groups;
  };

  // ------------------------------------------------------------------ errors and positions

  [[noreturn]] void errorAt(size_t offset, const std::string& message) const {
    size_t lineStart = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
    lineStart = (lineStart == std::string_view::npos || offset == 0) ? 0 : lineStart + 1;
    if (offset > 0 && text_[offset - 1] == '\n') lineStart = offset;
    size_t line = 1;
    for (size_t i = 0; i < lineStart; ++i) line += text_[i] == '\n';
    size_t lineEnd = text_.find('\n', lineStart);
    if (lineEnd == std::string_view::npos) lineEnd = text_.size();
    size_t column = offset - lineStart + 1;
    std::string what = std::to_string(line) + ":" + std::to_string(column) + ": " + message +
                       "\n" + std::string(text_.substr(lineStart, lineEnd - lineStart)) + "\n" +
                       std::string(column - 1, ' ') + "^";
    throw IRParseError(what, line, column);
  }
  [[noreturn]] void error(const std::string& message) const { errorAt(pos_, message); }

  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool startsWith(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  std::string describeHere() const {
    if (pos_ >= text_.size()) return "end of input";
    if (peek() == '\n') return "end of line";
    size_t end = pos_;
    while (end < text_.size() && end < pos_ + 20 && text_[end] != '\n') ++end;
    return "'" + std::string(text_.substr(pos_, end - pos_)) + "'";
  }
  void expect(std::string_view s) {
    if (!startsWith(s)) error("expected '" + std::string(s) + "' but found " + describeHere());
    pos_ += s.size();
  }
  bool accept(std::string_view s) {
    if (!startsWith(s)) return false;
    pos_ += s.size();
    return true;
  }
  void skipSpaces() {
    while (peek() == ' ') ++pos_;
  }
  void skipWhitespace() {
    while (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t') ++pos_;
  }
  void expectEndOfLine() {
    if (peek() == '\r') ++pos_;
    if (pos_ >= text_.size()) return;
    if (peek() != '\n') error("expected end of line but found " + describeHere());
    ++pos_;
  }
  // Skips blank lines and `#` comment lines, leaving pos_ at the start of a content line.
  void skipCommentLines() {
    for (;;) {
      size_t p = pos_;
      while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
      if (p < text_.size() && text_[p] == '\n') {
        pos_ = p + 1;
      } else if (p < text_.size() && text_[p] == '#') {
        size_t end = text_.find('\n', p);
        pos_ = end == std::string_view::npos ? text_.size() : end + 1;
      } else if (p >= text_.size()) {
        pos_ = p;
        return;
      } else {
        return;
      }
    }
  }
  // The first non-blank text of the current line, without moving.
  std::string_view lineContent() const {
    size_t p = pos_;
    while (p < text_.size() && text_[p] == ' ') ++p;
    size_t end = text_.find('\n', p);
    return text_.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p);
  }

  // `with NAME = graph(` headers decide which `kind_N` nodes own a subgraph (see parseNode).
  void scanSubgraphNames() {
    size_t p = 0;
    while ((p = text_.find("with ", p)) != std::string_view::npos) {
      if (p == 0 || text_[p - 1] == '\n') {
        size_t eq = text_.find(" = graph(", p);
        size_t nl = text_.find('\n', p);
        if (eq != std::string_view::npos && eq < nl) {
          subgraphNames_.insert(std::string(text_.substr(p + 5, eq - p - 5)));
        }
      }
      p += 5;
    }
    // Every `%N` must keep its number, so fresh ids start above the largest one.
    p = 0;
    while ((p = text_.find('%', p)) != std::string_view::npos) {
      size_t q = ++p;
      while (q < text_.size() && std::isdigit(static_cast<unsigned char>(text_[q]))) ++q;
      if (q > p && q - p < 18 && (q == text_.size() || !isNameChar(text_[q]))) {
        maxNumericName_ = std::max<size_t>(maxNumericName_, std::stoull(std::string(text_.substr(p, q - p))) + 1);
      }
    }
  }

  // ------------------------------------------------------------------ graphs and blocks

  std::shared_ptr<Graph> parseOneGraph() {
    auto graph = std::make_shared<Graph>();
    graph->setNextUnique(maxNumericName_);
    GraphScope scope;
    scope.graph = graph.get();
    expect("graph(");
    parseParams(scope, *graph->block(), ")");
    expect("):");
    expectEndOfLine();
    parseNodesUntil(scope, *graph->block(), "return (");
    expect("return (");
    for (Value* output : parseValueUses(scope, ')')) graph->registerOutput(output);
    expect(")");
    expectEndOfLine();
    for (size_t i = 0; i < scope.groups.size(); ++i) {
      skipCommentLines();
      Node* group = scope.groups[i];
      std::string header = "with " + group->kind().toQualString() + "_" + std::to_string(i) + " = ";
      if (!startsWith(header)) error("expected '" + header + "graph(...)' for the subgraph of a node");
      pos_ += header.size();
      group->g_("Subgraph", parseOneGraph());
    }
    return graph;
  }

  // `%a : T, %b : T` up to (not including) `close`; newlines allowed after commas.
  void parseParams(GraphScope& scope, Block& block, std::string_view close) {
    if (startsWith(close)) return;
    for (;;) {
      auto [name, nameAt] = parseValueName();
      expect(" : ");
      types::TypePtr type = parseTypeHere();
      Value* value = block.addInput();
      value->setType(type);
      define(scope, value, name, nameAt);
      if (!accept(",")) return;
      skipWhitespace();
    }
  }

  // Node lines (and their blocks) until a line that starts with `terminator`.
  void parseNodesUntil(GraphScope& scope, Block& block, std::string_view terminator) {
    for (;;) {
      skipCommentLines();
      if (pos_ >= text_.size()) error("unexpected end of input: expected '" + std::string(terminator) + "...'");
      skipSpaces();
      if (startsWith(terminator)) return;
      parseNode(scope, block);
    }
  }

  void parseNode(GraphScope& scope, Block& block) {
    // Outputs: `%a : T, %b : T` (none for `   = prim::Print(...)`).
    std::vector<std::tuple<std::string, size_t, types::TypePtr>> outputs;
    if (peek() == '%') {
      for (;;) {
        auto [name, nameAt] = parseValueName();
        expect(" : ");
        outputs.emplace_back(name, nameAt, parseTypeHere());
        if (!accept(", ")) break;
      }
      expect(" = ");
    } else if (!accept("= ")) {
      error("expected a node ('%name : Type = kind(...)'), 'return (...)' or '-> (...)' but found " +
            describeHere());
    }

    Node* node;
    if (peek() == '^') {  // `^name[]()(...)`: a call into Python (prim::PythonOp)
      ++pos_;
      size_t nameAt = pos_;
      while (isKindChar(peek()) && peek() != ':') ++pos_;
      if (pos_ == nameAt) errorAt(nameAt, "expected the Python function's name after '^'");
      node = scope.graph->create(Symbol::fromQualString("prim::PythonOp"), 0);
      node->s_("name", std::string(text_.substr(nameAt, pos_ - nameAt)));
      expect("[]()");
    } else {
      size_t kindAt = pos_;
      while (isKindChar(peek())) ++pos_;
      std::string kindText(text_.substr(kindAt, pos_ - kindAt));
      if (kindText.find("::") == std::string::npos || kindText.starts_with(":") ||
          kindText.ends_with(":")) {
        errorAt(kindAt, "expected a node kind like 'aten::add' but found '" + kindText + "'");
      }
      // `prim::fork_0` stands for kind prim::fork with the subgraph printed as `with prim::fork_0`.
      bool isGroup = false;
      std::string groupSuffix = "_" + std::to_string(scope.groups.size());
      if (subgraphNames_.count(kindText) && kindText.ends_with(groupSuffix)) {
        isGroup = true;
        kindText.resize(kindText.size() - groupSuffix.size());
      }
      node = scope.graph->create(Symbol::fromQualString(kindText), 0);
      if (isGroup) scope.groups.push_back(node);

      if (peek() == '[') parseAttributes(*node);
    }
    expect("(");
    for (Value* input : parseValueUses(scope, ')')) node->addInput(input);
    expect(")");
    if (accept(", scope: ")) {
      size_t start = pos_;
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      size_t comment = text_.substr(start, end - start).find(" # ");
      if (comment != std::string_view::npos) end = start + comment;
      node->setScope(std::string(text_.substr(start, end - start)));
      pos_ = end;
    }
    if (accept(" # ")) {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      node->setPrintedLocation(std::string(text_.substr(pos_, end - pos_)));
      pos_ = end;
    }
    expectEndOfLine();

    block.appendNode(node);
    // Outputs are defined after the inputs were resolved: a node cannot read its own outputs.
    for (auto& [name, nameAt, type] : outputs) {
      Value* value = node->addOutput();
      value->setType(type);
      define(scope, value, name, nameAt);
    }

    // Blocks: `blockK(%p : T, ...):`, nodes, `-> (...)`.
    for (;;) {
      skipCommentLines();
      std::string_view content = lineContent();
      std::string expected = "block" + std::to_string(node->blocks().size()) + "(";
      if (!content.starts_with(expected)) break;
      skipSpaces();
      pos_ += expected.size();
      Block* inner = node->addBlock();
      parseParams(scope, *inner, ")");
      expect("):");
      expectEndOfLine();
      parseNodesUntil(scope, *inner, "-> (");
      expect("-> (");
      for (Value* output : parseValueUses(scope, ')')) inner->registerOutput(output);
      expect(")");
      expectEndOfLine();
    }
  }

  // ------------------------------------------------------------------ values

  std::pair<std::string, size_t> parseValueName() {
    size_t at = pos_;
    expect("%");
    size_t start = pos_;
    while (isNameChar(peek())) ++pos_;
    if (start == pos_) errorAt(at, "expected a value name after '%'");
    return {std::string(text_.substr(start, pos_ - start)), at};
  }

  void define(GraphScope& scope, Value* value, const std::string& name, size_t nameAt) {
    if (!scope.values.emplace(name, value).second) errorAt(nameAt, "value %" + name + " is defined twice");
    if (isAllDigits(name)) {
      scope.graph->setValueUnique(value, std::stoull(name));
    } else {
      value->setDebugName(name);
    }
  }

  // `%a, %b` up to (not including) `close`.
  std::vector<Value*> parseValueUses(GraphScope& scope, char close) {
    std::vector<Value*> values;
    if (peek() == close) return values;
    for (;;) {
      auto [name, nameAt] = parseValueName();
      auto it = scope.values.find(name);
      if (it == scope.values.end()) errorAt(nameAt, "use of undefined value %" + name);
      values.push_back(it->second);
      if (!accept(", ")) return values;
    }
  }

  types::TypePtr parseTypeHere() {
    size_t start = pos_;
    try {
      return parseTypeAt(text_, pos_, hooks_);
    } catch (const TypeParseError& e) {
      errorAt(e.offset() >= start ? e.offset() : start, e.what());
    }
  }

  // ------------------------------------------------------------------ attributes

  void parseAttributes(Node& node) {
    expect("[");
    for (;;) {
      size_t nameStart = pos_;
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') ++pos_;
      if (nameStart == pos_) error("expected an attribute name but found " + describeHere());
      std::string name(text_.substr(nameStart, pos_ - nameStart));
      expect("=");
      // A prim::Constant holding an enum case prints its qualified name, which would otherwise
      // read as a class type.
      if (node.kind() == prim::Constant && name == "value" && startsWith("__torch__.")) {
        size_t start = pos_;
        while (isNameChar(peek())) ++pos_;
        node.setAttribute(name, AttributeValue(ConstantValue::fromEnumCase(
                                    std::string(text_.substr(start, pos_ - start)))));
      } else {
        node.setAttribute(name, parseAttributeValue());
      }
      if (accept(", ")) continue;
      expect("]");
      return;
    }
  }

  AttributeValue parseAttributeValue() {
    if (peek() == ',' || peek() == ']') error("expected an attribute value after '='");
    if (looksLikePrintedTensor()) return AttributeValue(TensorText{readPrintedTensor()});
    if (accept("<Tensor>")) return AttributeValue(TensorText{"<Tensor>"});
    if (accept("<Graph>")) return AttributeValue(std::make_shared<Graph>());
    if (accept("[<Tensors>]")) return AttributeValue(size_t(0));
    if (peek() == '{') return AttributeValue(TensorText{readBraced()});
    size_t start = pos_;
    // A constant if it reads as one; otherwise a type (`int`, `(int, str)`, `Float(2)`, lists
    // of types).
    if (std::optional<ConstantValue> constant = tryParseConstant()) {
      if (peek() == ',' || peek() == ']') return narrow(std::move(*constant));
    }
    pos_ = start;
    if (peek() == '[') {
      ++pos_;
      std::vector<types::TypePtr> list;
      if (!accept("]")) {
        do list.push_back(parseTypeHere());
        while (accept(", "));
        expect("]");
      }
      return AttributeValue(std::move(list));
    }
    return AttributeValue(parseTypeHere());
  }

  // The most specific attribute kind that prints the constant the same way.
  static AttributeValue narrow(ConstantValue constant) {
    using Kind = ConstantValue::Kind;
    switch (constant.kind) {
      case Kind::Int: return AttributeValue(constant.intValue);
      case Kind::Double: return AttributeValue(constant.doubleValue);
      case Kind::Complex: return AttributeValue(constant.complexValue);
      case Kind::String: return AttributeValue(std::move(constant.text));
      case Kind::Tensor: return AttributeValue(TensorText{std::move(constant.text)});
      case Kind::List: break;
      default: return AttributeValue(std::move(constant));
    }
    bool allInts = true, allNumbers = true, allStrings = true;
    for (const ConstantValue& e : constant.elements) {
      allInts &= e.kind == Kind::Int;
      allNumbers &= e.kind == Kind::Int || e.kind == Kind::Double;
      allStrings &= e.kind == Kind::String;
    }
    if (allInts) {
      std::vector<int64_t> ints;
      for (const ConstantValue& e : constant.elements) ints.push_back(e.intValue);
      return AttributeValue(std::move(ints));
    }
    if (allNumbers) {
      // Integral doubles in [1e10, 1e17) print without a point, so read back as ints.
      std::vector<double> doubles;
      for (const ConstantValue& e : constant.elements) {
        doubles.push_back(e.kind == Kind::Int ? static_cast<double>(e.intValue) : e.doubleValue);
      }
      return AttributeValue(std::move(doubles));
    }
    if (allStrings) {
      std::vector<std::string> strings;
      for (ConstantValue& e : constant.elements) strings.push_back(std::move(e.text));
      return AttributeValue(std::move(strings));
    }
    return AttributeValue(std::move(constant));
  }

  std::optional<ConstantValue> tryParseConstant() {
    char c = peek();
    if (c == '"') return ConstantValue::fromString(readString());
    if (c == '{') return ConstantValue::fromTensorText(readBraced());
    if (startsWith("<Tensor>")) {
      pos_ += 8;
      return ConstantValue::fromTensorText("<Tensor>");
    }
    if (c == '[' || c == '(') {
      bool isList = c == '[';
      ++pos_;
      std::vector<ConstantValue> elements;
      char close = isList ? ']' : ')';
      bool trailingComma = false;
      if (peek() != close) {
        for (;;) {
          std::optional<ConstantValue> element = tryParseConstant();
          if (!element) return std::nullopt;
          elements.push_back(std::move(*element));
          if (accept(", ")) continue;
          if (!isList && accept(",")) trailingComma = true;
          break;
        }
      }
      if (peek() != close) return std::nullopt;
      ++pos_;
      if (!isList && elements.size() == 1 && !trailingComma) return std::nullopt;
      return isList ? ConstantValue::list(std::move(elements))
                    : ConstantValue::tuple(std::move(elements));
    }
    if (accept("torch.device(")) {
      if (peek() != '"') return std::nullopt;
      std::string device = readString();
      if (!accept(")")) return std::nullopt;
      return ConstantValue::fromDevice(device);
    }
    if (accept("True")) return ConstantValue::fromBool(true);
    if (accept("False")) return ConstantValue::fromBool(false);
    if (accept("None")) return ConstantValue::none();
    if (startsWith("object(")) {
      size_t end = text_.find(')', pos_);
      if (end == std::string_view::npos) return std::nullopt;
      std::string text(text_.substr(pos_, end + 1 - pos_));
      pos_ = end + 1;
      return ConstantValue::fromTensorText(text);
    }
    return tryParseNumber();
  }

  // int, float (`1.`, `2.5`, `1e+17`, `inf`, `-nan`) or complex (`0.+2.j`).
  std::optional<ConstantValue> tryParseNumber() {
    bool isFloat = false;
    std::optional<double> real = tryParseReal(isFloat);
    if (!real) return std::nullopt;
    if (peek() == '+' || peek() == '-') {
      size_t save = pos_;
      bool negative = peek() == '-';
      ++pos_;
      bool imagIsFloat = false;
      std::optional<double> imag = tryParseReal(imagIsFloat);
      if (imag && accept("j")) {
        return ConstantValue::fromComplex({*real, negative ? -*imag : *imag});
      }
      pos_ = save;
    }
    if (isFloat) return ConstantValue::fromDouble(*real);
    return ConstantValue::fromInt(lastInt_);
  }

  std::optional<double> tryParseReal(bool& isFloat) {
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (accept("inf") || accept("nan")) {
      isFloat = true;
      return std::strtod(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr);
    }
    size_t digitsStart = pos_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    if (pos_ == digitsStart) {
      pos_ = start;
      return std::nullopt;
    }
    if (peek() == '.') {
      isFloat = true;
      ++pos_;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(peek(1))) ||
         ((peek(1) == '+' || peek(1) == '-') && std::isdigit(static_cast<unsigned char>(peek(2)))))) {
      isFloat = true;
      pos_ += 2;
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    }
    std::string number(text_.substr(start, pos_ - start));
    if (!isFloat) {
      errno = 0;
      lastInt_ = std::strtoll(number.c_str(), nullptr, 10);
      if (errno == ERANGE) errorAt(start, "integer constant " + number + " does not fit in 64 bits");
      return static_cast<double>(lastInt_);
    }
    return std::strtod(number.c_str(), nullptr);
  }

  // A string literal, undoing quoteString (attributes.h), including its signed-octal quirk.
  std::string readString() {
    size_t start = pos_;
    expect("\"");
    std::string value;
    for (;;) {
      if (pos_ >= text_.size() || peek() == '\n') errorAt(start, "unterminated string");
      char c = text_[pos_++];
      if (c == '"') return value;
      if (c != '\\') {
        value += c;
        continue;
      }
      char e = peek();
      ++pos_;
      switch (e) {
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'v': value += '\v'; break;
        default: {
          // Three "digits", each '0' + d with d in -7..7 (negative for bytes >= 0x80).
          if (pos_ + 1 >= text_.size()) errorAt(pos_ - 2, "bad escape in string");
          int d0 = e - '0', d1 = text_[pos_] - '0', d2 = text_[pos_ + 1] - '0';
          if (d0 < -7 || d0 > 7 || d1 < -7 || d1 > 7 || d2 < -7 || d2 > 7) {
            errorAt(pos_ - 2, std::string("unknown escape '\\") + e + "' in string");
          }
          pos_ += 2;
          value += static_cast<char>(d0 * 64 + d1 * 8 + d2);
        }
      }
    }
  }

  // `{...}` with nesting, returned with the braces.
  std::string readBraced() {
    size_t start = pos_;
    int depth = 0;
    do {
      if (pos_ >= text_.size() || peek() == '\n') errorAt(start, "unterminated '{'");
      if (peek() == '{') ++depth;
      if (peek() == '}') --depth;
      ++pos_;
    } while (depth > 0);
    return std::string(text_.substr(start, pos_ - start));
  }

  // Whether the text at pos_ is a tensor printed inline: elements (numbers, possibly with a
  // scale prefix such as `0.01 *`, or an `MKLDNN Tensor:` header) up to `[ CPUFloatType{2} ]`
  // on the same line.
  bool looksLikePrintedTensor() const {
    size_t lineEnd = text_.find('\n', pos_);
    if (lineEnd == std::string_view::npos) lineEnd = text_.size();
    size_t open = text_.find("[ ", pos_);
    if (open == std::string_view::npos || open >= lineEnd || open == pos_) return false;
    for (size_t i = pos_; i < open; ++i) {
      char c = text_[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" .-+*e(),:").find(c) != std::string_view::npos)) {
        return false;
      }
    }
    size_t close = text_.find(']', open);
    size_t typeBrace = text_.find("Type{", open);
    return close != std::string_view::npos && close < lineEnd && typeBrace < close;
  }

  // A small tensor printed inline: ` 1  2  3 [ CPULongType{3} ]`.
  std::string readPrintedTensor() {
    size_t start = pos_;
    size_t lineEnd = text_.find('\n', pos_);
    size_t open = text_.find("[ ", pos_);
    size_t close = open == std::string_view::npos ? open : text_.find(']', open);
    if (close == std::string_view::npos || close > lineEnd) {
      error("expected an attribute value (a printed tensor ending in '[ ...Type{...} ]')");
    }
    pos_ = close + 1;
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  const NamedTypeHooks& hooks_;
  size_t pos_ = 0;
  int64_t lastInt_ = 0;
  size_t maxNumericName_ = 0;
  std::unordered_set<std::string> subgraphNames_;
};

}  // namespace

std::shared_ptr<Graph> parseGraph(std::string_view text, const NamedTypeHooks& hooks) {
  return GraphTextParser(text, hooks).parseTopLevel();
}

}  // namespace tscript::ir
