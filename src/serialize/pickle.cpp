// PickleValue factories and accessors, and the text rendering used by `tscript archive-info`.
#include "serialize/pickle.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "serialize/pickle_node.h"
#include "serialize/serialize_error.h"

namespace tscript::serialize {

using detail::PickleNode;

const std::shared_ptr<PickleNode>& PickleNode::of(const PickleValue& value) { return value.node_; }

const char* pickleKindName(PickleKind kind) {
  switch (kind) {
    case PickleKind::None: return "None";
    case PickleKind::Bool: return "bool";
    case PickleKind::Int: return "int";
    case PickleKind::Float: return "float";
    case PickleKind::String: return "str";
    case PickleKind::Bytes: return "bytes";
    case PickleKind::List: return "list";
    case PickleKind::Tuple: return "tuple";
    case PickleKind::Dict: return "dict";
    case PickleKind::Global: return "global";
    case PickleKind::Object: return "object";
    case PickleKind::PersistentId: return "persistent id";
  }
  return "?";
}

namespace {

const PickleNode& expectKind(const std::shared_ptr<PickleNode>& node, PickleKind kind) {
  if (node->kind != kind) {
    throw SerializeError(std::string("pickle value is a ") + pickleKindName(node->kind) +
                         ", expected a " + pickleKindName(kind));
  }
  return *node;
}

}  // namespace

PickleValue::PickleValue() : node_(PickleNode::make(PickleKind::None)) {}

PickleValue PickleValue::none() { return PickleValue(); }

PickleValue PickleValue::boolean(bool value) {
  auto node = PickleNode::make(PickleKind::Bool);
  node->boolValue = value;
  return PickleValue(std::move(node));
}

PickleValue PickleValue::integer(int64_t value) {
  auto node = PickleNode::make(PickleKind::Int);
  node->intValue = value;
  return PickleValue(std::move(node));
}

PickleValue PickleValue::floating(double value) {
  auto node = PickleNode::make(PickleKind::Float);
  node->floatValue = value;
  return PickleValue(std::move(node));
}

PickleValue PickleValue::string(std::string value) {
  auto node = PickleNode::make(PickleKind::String);
  node->text = std::move(value);
  node->memoized = true;
  return PickleValue(std::move(node));
}

PickleValue PickleValue::bytes(std::string value) {
  auto node = PickleNode::make(PickleKind::Bytes);
  node->text = std::move(value);
  return PickleValue(std::move(node));
}

PickleValue PickleValue::list(std::vector<PickleValue> items) {
  auto node = PickleNode::make(PickleKind::List);
  for (const PickleValue& item : items) node->addChildStatistics(item);
  node->items = std::move(items);
  return PickleValue(std::move(node));
}

PickleValue PickleValue::tuple(std::vector<PickleValue> items, TupleEncoding encoding) {
  auto node = PickleNode::make(PickleKind::Tuple);
  for (const PickleValue& item : items) node->addChildStatistics(item);
  node->items = std::move(items);
  node->tupleEncoding = encoding;
  return PickleValue(std::move(node));
}

PickleValue PickleValue::dict(PickleDictEntries entries) {
  auto node = PickleNode::make(PickleKind::Dict);
  for (const auto& [key, value] : entries) {
    node->addChildStatistics(key);
    node->addChildStatistics(value);
  }
  node->entries = std::move(entries);
  return PickleValue(std::move(node));
}

PickleValue PickleValue::global(std::string module, std::string name) {
  auto node = PickleNode::make(PickleKind::Global);
  node->text = std::move(module);
  node->name = std::move(name);
  node->memoized = true;
  return PickleValue(std::move(node));
}

static PickleValue makeObject(ObjectConstruction how, PickleValue callable, PickleValue args) {
  auto node = PickleNode::make(PickleKind::Object);
  node->construction = how;
  node->addChildStatistics(callable);
  node->addChildStatistics(args);
  node->parts = {std::move(callable), std::move(args)};
  return PickleNode::wrap(std::move(node));
}

PickleValue PickleValue::reduce(PickleValue callable, PickleValue args) {
  return makeObject(ObjectConstruction::Reduce, std::move(callable), std::move(args));
}

PickleValue PickleValue::newObject(PickleValue cls, PickleValue args) {
  return makeObject(ObjectConstruction::NewObj, std::move(cls), std::move(args));
}

PickleValue PickleValue::persistentId(PickleValue id) {
  auto node = PickleNode::make(PickleKind::PersistentId);
  node->addChildStatistics(id);
  node->parts = {std::move(id)};
  return PickleValue(std::move(node));
}

PickleValue PickleValue::withState(PickleValue object, PickleValue state) {
  const PickleNode& source = expectKind(object.node_, PickleKind::Object);
  if (source.parts.size() != 2) throw SerializeError("object already has a BUILD state");
  auto node = std::make_shared<PickleNode>(source);
  node->addChildStatistics(state);
  node->parts.push_back(std::move(state));
  return PickleValue(std::move(node));
}

PickleKind PickleValue::kind() const { return node_->kind; }
bool PickleValue::toBool() const { return expectKind(node_, PickleKind::Bool).boolValue; }
int64_t PickleValue::toInt() const { return expectKind(node_, PickleKind::Int).intValue; }
double PickleValue::toDouble() const { return expectKind(node_, PickleKind::Float).floatValue; }
const std::string& PickleValue::toStringRef() const {
  return expectKind(node_, PickleKind::String).text;
}
const std::string& PickleValue::toBytesRef() const {
  return expectKind(node_, PickleKind::Bytes).text;
}
const std::vector<PickleValue>& PickleValue::items() const {
  if (node_->kind != PickleKind::List) expectKind(node_, PickleKind::Tuple);
  return node_->items;
}
TupleEncoding PickleValue::tupleEncoding() const {
  return expectKind(node_, PickleKind::Tuple).tupleEncoding;
}
const PickleDictEntries& PickleValue::entries() const {
  return expectKind(node_, PickleKind::Dict).entries;
}
const std::string& PickleValue::globalModule() const {
  return expectKind(node_, PickleKind::Global).text;
}
const std::string& PickleValue::globalName() const {
  return expectKind(node_, PickleKind::Global).name;
}
std::string PickleValue::globalQualifiedName() const {
  return globalModule() + "." + globalName();
}
ObjectConstruction PickleValue::construction() const {
  return expectKind(node_, PickleKind::Object).construction;
}
const PickleValue& PickleValue::callable() const {
  return expectKind(node_, PickleKind::Object).parts[0];
}
const PickleValue& PickleValue::args() const {
  return expectKind(node_, PickleKind::Object).parts[1];
}
bool PickleValue::hasState() const {
  return expectKind(node_, PickleKind::Object).parts.size() == 3;
}
const PickleValue& PickleValue::state() const {
  if (!hasState()) throw SerializeError("object has no BUILD state");
  return node_->parts[2];
}
const PickleValue& PickleValue::persistentIdValue() const {
  return expectKind(node_, PickleKind::PersistentId).parts[0];
}
bool PickleValue::memoized() const { return node_->memoized; }
PickleValue& PickleValue::setMemoized(bool memoized) {
  node_->memoized = memoized;
  return *this;
}
uint32_t PickleValue::depth() const { return node_->depth; }
uint64_t PickleValue::expandedSize() const { return node_->expandedSize; }

// ---------------------------------------------------------------------------------------------
// Rendering

std::string pythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  // Shortest round-trip digits in scientific form, then laid out as Python's repr does:
  // positional when -4 <= exponent < 16, otherwise d.ddde+XX.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string scientific(buffer, result.ptr);
  bool negative = scientific[0] == '-';
  if (negative) scientific.erase(0, 1);
  size_t ePos = scientific.find('e');
  int exponent = std::stoi(scientific.substr(ePos + 1));
  std::string digits;
  for (char c : scientific.substr(0, ePos)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
      out += digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exponentText[16];
  std::snprintf(exponentText, sizeof exponentText, "e%c%02d", exponent < 0 ? '-' : '+',
                exponent < 0 ? -exponent : exponent);
  return out + exponentText;
}

namespace {

constexpr size_t kInlineWidth = 100;

std::string quoted(const std::string& text, bool asBytes) {
  std::string out = asBytes ? "b\"" : "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f || (asBytes && c >= 0x80)) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A node is rendered as a head, a list of children, and a tail: "[" items "]",
// "f(" args ")". Scalars have no children and the whole text in the head.
struct Layout {
  std::string head;
  std::vector<PickleValue> children;
  std::vector<std::pair<PickleValue, PickleValue>> pairs;  // dict entries instead of children
  std::string tail;
  bool singleTupleComma = false;  // "(x,)"
  bool container = false;
};

Layout layoutOf(const PickleValue& value);

void renderInline(const PickleValue& value, std::string& out);

void renderChildrenInline(const Layout& layout, std::string& out) {
  out += layout.head;
  bool first = true;
  for (const PickleValue& child : layout.children) {
    if (!first) out += ", ";
    first = false;
    renderInline(child, out);
  }
  for (const auto& [key, item] : layout.pairs) {
    if (!first) out += ", ";
    first = false;
    renderInline(key, out);
    out += ": ";
    renderInline(item, out);
  }
  if (layout.singleTupleComma) out += ",";
  out += layout.tail;
}

Layout objectLayout(const PickleValue& value);

void renderInline(const PickleValue& value, std::string& out) {
  if (value.is(PickleKind::Object) && value.hasState()) {
    renderChildrenInline(objectLayout(value), out);
    out += ".__setstate__(";
    renderInline(value.state(), out);
    out += ")";
    return;
  }
  Layout layout = layoutOf(value);
  if (!layout.container) {
    out += layout.head;
    return;
  }
  renderChildrenInline(layout, out);
}

Layout objectLayout(const PickleValue& value) {
  Layout layout;
  layout.container = true;
  std::string callee;
  renderInline(value.callable(), callee);
  const PickleValue& args = value.args();
  const char* open = value.construction() == ObjectConstruction::NewObj ? ".__new__(" : "(";
  if (args.is(PickleKind::Tuple)) {
    layout.head = callee + open;
    layout.children = args.items();
  } else {
    layout.head = callee + open + "*";
    layout.children = {args};
  }
  layout.tail = ")";
  return layout;
}

Layout layoutOf(const PickleValue& value) {
  Layout layout;
  switch (value.kind()) {
    case PickleKind::None: layout.head = "None"; break;
    case PickleKind::Bool: layout.head = value.toBool() ? "True" : "False"; break;
    case PickleKind::Int: layout.head = std::to_string(value.toInt()); break;
    case PickleKind::Float: layout.head = pythonFloatRepr(value.toDouble()); break;
    case PickleKind::String: layout.head = quoted(value.toStringRef(), false); break;
    case PickleKind::Bytes: layout.head = quoted(value.toBytesRef(), true); break;
    case PickleKind::Global: layout.head = value.globalQualifiedName(); break;
    case PickleKind::List:
      layout = {"[", value.items(), {}, "]", false, true};
      break;
    case PickleKind::Tuple:
      layout = {"(", value.items(), {}, ")", value.items().size() == 1, true};
      break;
    case PickleKind::Dict:
      layout = {"{", {}, value.entries(), "}", false, true};
      break;
    case PickleKind::PersistentId:
      layout = {"persistent_id(", {value.persistentIdValue()}, {}, ")", false, true};
      break;
    case PickleKind::Object:
      layout = objectLayout(value);
      break;
  }
  return layout;
}

// Objects with a BUILD state render as "<construction>.__setstate__(state)": the
// construction and the state are laid out independently.
void render(const PickleValue& value, size_t indent, std::string& out);

void renderLayout(const Layout& layout, size_t indent, std::string& out) {
  std::string oneLine;
  renderChildrenInline(layout, oneLine);
  if (indent + oneLine.size() <= kInlineWidth || (layout.children.empty() && layout.pairs.empty())) {
    out += oneLine;
    return;
  }
  std::string pad(indent + 2, ' ');
  out += layout.head + "\n";
  for (const PickleValue& child : layout.children) {
    out += pad;
    render(child, indent + 2, out);
    out += ",\n";
  }
  for (const auto& [key, item] : layout.pairs) {
    out += pad;
    render(key, indent + 2, out);
    out += ": ";
    render(item, indent + 2, out);
    out += ",\n";
  }
  out += std::string(indent, ' ') + layout.tail;
}

void render(const PickleValue& value, size_t indent, std::string& out) {
  if (value.is(PickleKind::Object) && value.hasState()) {
    Layout construction = objectLayout(value);
    renderLayout(construction, indent, out);
    Layout setState{".__setstate__(", {value.state()}, {}, ")", false, true};
    renderLayout(setState, indent, out);
    return;
  }
  Layout layout = layoutOf(value);
  if (!layout.container) {
    out += layout.head;
    return;
  }
  renderLayout(layout, indent, out);
}

}  // namespace

std::string formatPickleValue(const PickleValue& value) {
  std::string out;
  render(value, 0, out);
  return out;
}

}  // namespace tscript::serialize
