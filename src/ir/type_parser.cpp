#include "ir/type_parser.h"

#include <cctype>
#include <optional>
#include <unordered_map>

namespace tscript::ir {

namespace {

using types::TypePtr;

class TypeReader {
 public:
  TypeReader(std::string_view text, size_t pos, const NamedTypeHooks& hooks)
      : text_(text), pos_(pos), hooks_(hooks) {}

  size_t pos() const { return pos_; }

  TypePtr parse() {
    TypePtr type = parsePrimary();
    // Postfix operators bind left to right: `Tensor?[]` is a list of optional tensors.
    for (;;) {
      if (peek() == '?') {
        ++pos_;
        type = types::optionalOf(type);
      } else if (startsWith("[]")) {
        pos_ += 2;
        type = types::listOf(type);
      } else {
        return type;
      }
    }
  }

 private:
  [[noreturn]] void error(const std::string& message) const {
    throw TypeParseError(message, pos_);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool startsWith(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  void skipSpaces() {
    while (peek() == ' ') ++pos_;
  }
  void expect(char c) {
    skipSpaces();
    if (peek() != c) {
      error(std::string("expected '") + c + "' in type" +
            (pos_ < text_.size() ? std::string(" but found '") + peek() + "'" : " at end of text"));
    }
    ++pos_;
  }
  bool accept(char c) {
    skipSpaces();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  std::string identifier() {
    size_t start = pos_;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == '.') ++pos_;
    if (start == pos_) {
      error(pos_ < text_.size() ? std::string("expected a type but found '") + peek() + "'"
                                : "expected a type at end of text");
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  int64_t integer() {
    skipSpaces();
    size_t start = pos_;
    if (peek() == '-') ++pos_;
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    if (start == pos_ || (pos_ == start + 1 && text_[start] == '-')) error("expected an integer");
    return std::stoll(std::string(text_.substr(start, pos_ - start)));
  }

  // Comma-separated types up to `close` (the opening bracket is already consumed).
  std::vector<TypePtr> typeList(char close) {
    std::vector<TypePtr> result;
    skipSpaces();
    if (accept(close)) return result;
    do {
      skipSpaces();
      result.push_back(parse());
    } while (accept(','));
    expect(close);
    return result;
  }

  TypePtr parsePrimary() {
    skipSpaces();
    if (accept('(')) return types::tupleOf(typeList(')'));
    size_t start = pos_;
    std::string name = identifier();
    if (name == "Dict") {
      expect('(');
      std::vector<TypePtr> kv = typeList(')');
      if (kv.size() != 2) {
        pos_ = start;
        error("Dict takes a key and a value type");
      }
      return types::dictOf(kv[0], kv[1]);
    }
    if (name == "Union") {
      expect('(');
      return types::unionOf(typeList(')'));
    }
    if (name == "Future" || name == "RRef") {
      expect('[');
      TypePtr element = parse();
      expect(']');
      return name == "Future" ? types::futureOf(element) : types::rrefOf(element);
    }
    if (name == "Enum" && peek() == '<') {
      ++pos_;
      std::string qualified = identifier();
      expect('>');
      if (!hooks_.enumType) error("no resolver for enum type " + qualified);
      return hooks_.enumType(qualified);
    }
    if (name == "InterfaceType" && peek() == '<') {
      ++pos_;
      std::string interfaceName = identifier();
      expect('>');
      if (!hooks_.interfaceType) error("no resolver for interface type " + interfaceName);
      return hooks_.interfaceType(interfaceName);
    }
    if (name == "NamedTuple" && peek() == '(') {
      ++pos_;
      std::vector<std::pair<std::string, TypePtr>> fields;
      if (!accept(')')) {
        do {
          skipSpaces();
          std::string field = identifier();
          expect(':');
          skipSpaces();
          fields.emplace_back(field, parse());
        } while (accept(','));
        expect(')');
      }
      if (!hooks_.namedTuple) error("no resolver for NamedTuple types");
      return hooks_.namedTuple(fields);
    }
    if (name.starts_with("__torch__.") || name == "__torch__") {
      if (!hooks_.classType) error("no resolver for class type " + name);
      return hooks_.classType(name);
    }
    if (TypePtr simple = simpleType(name)) return simple;
    if (auto dtype = scalarKindNamed(name)) return tensorDetails(dtype, /*rankKnownByDefault=*/true);
    if (name.size() > 6 && name.ends_with("Tensor")) {
      // `FloatTensor`: the dtype is known but the rank is not.
      if (auto dtype = scalarKindNamed(name.substr(0, name.size() - 6))) {
        return tensorDetails(dtype, /*rankKnownByDefault=*/false);
      }
    }
    if (name == "Tensor") {
      if (peek() != '(') return types::tensorType();
      return tensorDetails(std::nullopt, /*rankKnownByDefault=*/false);
    }
    pos_ = start;
    error("unknown type '" + name + "'");
  }

  static TypePtr simpleType(const std::string& name) {
    static const std::unordered_map<std::string, TypePtr (*)()> table = {
        {"int", types::intType},           {"float", types::floatType},
        {"bool", types::boolType},         {"str", types::strType},
        {"complex", types::complexType},   {"NoneType", types::noneType},
        {"Any", types::anyType},           {"Device", types::deviceType},
        {"Stream", types::streamType},     {"Generator", types::generatorType},
        {"Layout", types::layoutType},     {"ScalarType", types::scalarTypeType},
        {"MemoryFormat", types::memoryFormatType}, {"Scalar", types::numberType},
        {"number", types::numberType},     {"Function", types::functionType},
        {"AnyList", types::anyListType},   {"AnyTuple", types::anyTupleType},
        // How 1.13 prints them (`prim::isinstance[types=[list]]`).
        {"list", types::anyListType},      {"tuple", types::anyTupleType},
        {"AnyClassType", types::anyClassType}, {"AnyEnumType", types::anyEnumType},
    };
    auto it = table.find(name);
    return it == table.end() ? nullptr : it->second();
  }

  static std::optional<types::ScalarKind> scalarKindNamed(const std::string& name) {
    for (int k = 0; k <= static_cast<int>(types::ScalarKind::BFloat16); ++k) {
      auto kind = static_cast<types::ScalarKind>(k);
      if (name == types::scalarKindName(kind)) return kind;
    }
    return std::nullopt;
  }

  // After `Float`, `FloatTensor` or `Tensor`: the optional `(sizes, strides=[..],
  // requires_grad=0, device=cpu)`. `Float(...)` always has a known rank (possibly 0); the
  // others know a rank only if sizes are listed.
  TypePtr tensorDetails(std::optional<types::ScalarKind> dtype, bool rankKnownByDefault) {
    types::TensorDetails details;
    details.dtype = dtype;
    if (rankKnownByDefault) details.sizes.emplace();
    if (peek() != '(') {
      if (rankKnownByDefault) error("expected '(' after a tensor dtype");
      return types::tensorTypeWith(details);
    }
    ++pos_;
    if (accept(')')) return types::tensorTypeWith(details);
    do {
      skipSpaces();
      if (accept('*')) {
        if (!details.sizes) details.sizes.emplace();
        details.sizes->push_back(std::nullopt);
      } else if (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '-') {
        if (!details.sizes) details.sizes.emplace();
        details.sizes->push_back(integer());
      } else {
        std::string key = identifier();
        expect('=');
        skipSpaces();
        if (key == "strides") {
          expect('[');
          std::vector<int64_t> strides;
          if (!accept(']')) {
            do strides.push_back(integer());
            while (accept(','));
            expect(']');
          }
          details.strides = std::move(strides);
        } else if (key == "requires_grad") {
          details.requiresGrad = integer() != 0;
        } else if (key == "device") {
          size_t start = pos_;
          while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == ':' || peek() == '_') {
            ++pos_;
          }
          if (start == pos_) error("expected a device after 'device='");
          details.device = std::string(text_.substr(start, pos_ - start));
        } else {
          error("unknown tensor type property '" + key + "'");
        }
      }
    } while (accept(','));
    expect(')');
    return types::tensorTypeWith(details);
  }

  std::string_view text_;
  size_t pos_;
  const NamedTypeHooks& hooks_;
};

}  // namespace

types::TypePtr parseTypeAt(std::string_view text, size_t& pos, const NamedTypeHooks& hooks) {
  TypeReader reader(text, pos, hooks);
  types::TypePtr type = reader.parse();
  pos = reader.pos();
  return type;
}

types::TypePtr parseType(std::string_view text, const NamedTypeHooks& hooks) {
  size_t pos = 0;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  types::TypePtr type = parseTypeAt(text, pos, hooks);
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (pos != text.size()) {
    throw TypeParseError("unexpected text after type: '" + std::string(text.substr(pos)) + "'", pos);
  }
  return type;
}

}  // namespace tscript::ir
