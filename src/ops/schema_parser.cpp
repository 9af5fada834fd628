// The schema parser: recursive descent over the characters of one schema (the syntax is
// small enough that a separate token stream would only add code). It accepts what PyTorch
// 1.13's schema parser accepts and builds the same structure (see schema.h); where 1.13 is
// looser than it needs to be for printed schemas (an operator name without a namespace) we
// are stricter, and where it rejects something harmless (a list default of an Optional list)
// we accept it.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <unordered_map>

#include "ops/schema.h"
#include "types/named_types.h"

namespace tscript::ops {

namespace {

using types::TypeKind;
using types::TypePtr;

bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A parsed type with what travels with it up to the argument.
struct ParsedType {
  TypePtr realType;
  bool symInt = false;
  std::optional<AliasAnnotation> alias;
};

// The base type names of the schema language (besides Tensor, Dict, Future, RRef, tuples,
// custom classes and type variables, which have their own syntax).
const std::unordered_map<std::string_view, TypePtr (*)()>& baseTypes() {
  static const auto* const table = new std::unordered_map<std::string_view, TypePtr (*)()>{
      {"int", types::intType},
      {"SymInt", types::intType},  // spelling recorded in ParsedType::symInt
      {"float", types::floatType},
      {"bool", types::boolType},
      {"str", types::strType},
      {"Dimname", types::strType},  // 1.13 maps it to str and prints `str`
      {"complex", types::complexType},
      {"Scalar", types::numberType},
      {"None", types::noneType},
      {"NoneType", types::noneType},  // what c10 prints for the None type
      {"Device", types::deviceType},
      {"Stream", types::streamType},
      {"Generator", types::generatorType},
      {"Layout", types::layoutType},
      {"ScalarType", types::scalarTypeType},
      {"MemoryFormat", types::memoryFormatType},
      {"QScheme", types::qschemeType},
      {"Storage", types::storageType},
      {"Capsule", types::capsuleType},
      {"ConstQuantizerPtr", types::intType},  // 1.13 parses this legacy name as int
      {"Any", types::anyType},
      {"AnyClassType", types::anyClassType},
      {"AnyEnumType", types::anyEnumType},
  };
  return *table;
}

// The type TorchScript checks values against: ScalarType, Layout and MemoryFormat are ints
// (c10's fake type). Returns `type` itself when nothing inside it changes.
TypePtr fakeTypeOf(const TypePtr& type) {
  switch (type->kind()) {
    case TypeKind::ScalarType:
    case TypeKind::Layout:
    case TypeKind::MemoryFormat:
      return types::intType();
    case TypeKind::List: {
      TypePtr element = fakeTypeOf(type->as<types::ListType>()->element());
      return element == type->as<types::ListType>()->element() ? type : types::listOf(element);
    }
    case TypeKind::Optional: {
      TypePtr element = fakeTypeOf(type->as<types::OptionalType>()->element());
      return element == type->as<types::OptionalType>()->element() ? type
                                                                   : types::optionalOf(element);
    }
    default:
      // Tuples, dicts and futures of these do not occur in 1.13 schemas; c10 does not
      // rewrite inside them either.
      return type;
  }
}

class SchemaParser {
 public:
  explicit SchemaParser(std::string_view text) : text_(text) {}

  Schema parse() {
    Schema schema;
    parseName(schema);
    parseArguments(schema);
    skipSpaces();
    if (!acceptText("->")) fail("expected '->'");
    parseReturns(schema);
    skipSpaces();
    if (pos_ != text_.size()) fail("unexpected text after the schema");
    return schema;
  }

 private:
  // ---- characters ---------------------------------------------------------------------
  void skipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // The next non-space character, or '\0' at the end.
  char peek() {
    skipSpaces();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool acceptText(std::string_view word) {
    skipSpaces();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }
  bool atIdentifier() { return isIdentifierStart(peek()); }
  // The identifier at the cursor, without consuming it (empty when there is none).
  std::string_view peekIdentifier() {
    if (!atIdentifier()) return {};
    size_t end = pos_;
    while (end < text_.size() && isIdentifierChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }
  std::string_view identifier(const char* what) {
    std::string_view word = peekIdentifier();
    if (word.empty()) fail(std::string("expected ") + what);
    pos_ += word.size();
    return word;
  }
  // Consumes `word` only when it is the whole identifier at the cursor.
  bool acceptKeyword(std::string_view word) {
    if (peekIdentifier() != word) return false;
    pos_ += word.size();
    return true;
  }

  [[noreturn]] void fail(std::string message) { failAt(pos_, std::move(message)); }
  [[noreturn]] void failAt(size_t at, std::string message) {
    throw SchemaParseError(text_, at, std::move(message));
  }

  // ---- schema structure -------------------------------------------------------------------
  void parseName(Schema& schema) {
    std::string_view ns = identifier("an operator name `namespace::name`");
    if (!acceptText("::")) fail("expected '::' after the namespace (operator names are `ns::name`)");
    std::string_view name = identifier("an operator name after '::'");
    schema.name = std::string(ns) + "::" + std::string(name);
    // `.` directly after the name starts the overload name; `...` cannot follow a name.
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      schema.overloadName = std::string(identifier("an overload name after '.'"));
    }
  }

  void parseArguments(Schema& schema) {
    expect('(');
    bool keywordOnly = false;
    if (accept(')')) return;
    do {
      if (schema.isVararg) {
        skipSpaces();
        fail("'...' must be the last element of the argument list");
      }
      if (acceptText("...")) {
        schema.isVararg = true;
      } else if (accept('*')) {
        if (keywordOnly) fail("'*' appears twice in the argument list");
        keywordOnly = true;
      } else {
        schema.arguments.push_back(parseArgument(/*isReturn=*/false, keywordOnly));
      }
    } while (accept(','));
    expect(')');
  }

  void parseReturns(Schema& schema) {
    if (acceptText("...")) {
      schema.isVarret = true;
      return;
    }
    // A parenthesized list of returns; a single return whose type is a tuple is written
    // with an extra pair of parentheses (`-> ((str, t)[])`), as 1.13 prints it.
    if (peek() != '(') {
      schema.returns.push_back(parseArgument(/*isReturn=*/true, false));
      return;
    }
    expect('(');
    if (accept(')')) return;
    do {
      if (schema.isVarret) {
        skipSpaces();
        fail("'...' must be the last element of the return list");
      }
      if (acceptText("...")) {
        schema.isVarret = true;
      } else {
        schema.returns.push_back(parseArgument(/*isReturn=*/true, false));
      }
    } while (accept(','));
    expect(')');
  }

  Argument parseArgument(bool isReturn, bool keywordOnly) {
    skipSpaces();
    ParsedType parsed = parseType();
    Argument argument;
    // `int[2]`: the size only occurs at the argument level, after the whole element type.
    if (peek() == '[') {
      ++pos_;
      skipSpaces();
      size_t digitsAt = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ == digitsAt) fail("expected a list size or ']'");
      argument.fixedSize = std::atoi(std::string(text_.substr(digitsAt, pos_ - digitsAt)).c_str());
      expect(']');
      parsed.realType = types::listOf(parsed.realType);
      parsed.alias = wrapInListAnnotation(std::move(parsed.alias), parseAliasAnnotation());
      if (accept('?')) parsed.realType = types::optionalOf(parsed.realType);
    }
    argument.realType = parsed.realType;
    argument.type = fakeTypeOf(parsed.realType);
    argument.symInt = parsed.symInt;
    argument.alias = std::move(parsed.alias);
    if (isReturn) {
      if (atIdentifier()) argument.name = std::string(identifier("a return name"));
      return argument;
    }
    argument.name = std::string(identifier("an argument name"));
    argument.keywordOnly = keywordOnly;
    argument.isOut = keywordOnly && argument.isWrite();
    if (accept('=')) argument.defaultValue = parseDefaultValue(argument);
    return argument;
  }

  // ---- types ------------------------------------------------------------------------------
  ParsedType parseType() {
    ParsedType parsed;
    size_t typeAt = (skipSpaces(), pos_);
    if (accept('(')) {
      // A tuple. As in c10, annotations of tuple elements are not kept.
      std::vector<TypePtr> elements;
      if (!accept(')')) {
        do {
          ParsedType element = parseType();
          parsed.symInt |= element.symInt;
          elements.push_back(element.realType);
        } while (accept(','));
        expect(')');
      }
      parsed.realType = types::tupleOf(std::move(elements));
    } else if (acceptKeyword("Future") || acceptKeyword("RRef")) {
      bool isFuture = text_.substr(typeAt).starts_with("Future");
      expect('(');
      ParsedType element = parseType();
      expect(')');
      parsed.symInt = element.symInt;
      parsed.realType =
          isFuture ? types::futureOf(element.realType) : types::rrefOf(element.realType);
    } else if (acceptKeyword("Tensor")) {
      parsed.realType = types::tensorType();
      parsed.alias = parseAliasAnnotation();
    } else if (acceptKeyword("Dict")) {
      expect('(');
      ParsedType key = parseType();
      expect(',');
      ParsedType value = parseType();
      expect(')');
      parsed.symInt = key.symInt || value.symInt;
      parsed.realType = types::dictOf(key.realType, value.realType);
      parsed.alias = parseAliasAnnotation();
    } else if (peekIdentifier() == "__torch__") {
      parsed.realType = parseCustomClass();
    } else {
      std::string_view name = identifier("a type");
      auto found = baseTypes().find(name);
      if (found != baseTypes().end()) {
        parsed.realType = found->second();
        parsed.symInt = name == "SymInt";
      } else if (std::islower(static_cast<unsigned char>(name[0]))) {
        // Lower-case names that are not types are type variables (`t`, `t1`), as in c10.
        parsed.realType = types::typeVar(std::string(name));
      } else {
        failAt(typeAt, "unknown type '" + std::string(name) + "'");
      }
      parsed.alias = parseAliasAnnotation();
    }
    // Suffixes: `[]` (list, with an optional annotation of the list itself) and `?`.
    while (true) {
      size_t suffixAt = pos_;
      if (accept('[')) {
        if (!accept(']')) {
          pos_ = suffixAt;  // `[N]`: the argument parser handles sized lists
          break;
        }
        parsed.realType = types::listOf(parsed.realType);
        parsed.alias = wrapInListAnnotation(std::move(parsed.alias), parseAliasAnnotation());
      } else if (accept('?')) {
        parsed.realType = types::optionalOf(parsed.realType);
      } else {
        break;
      }
    }
    return parsed;
  }

  // `__torch__.torch.classes.ns.Name`: a custom class, kept by its qualified name.
  TypePtr parseCustomClass() {
    size_t at = pos_;
    std::string qualifiedName(identifier("a class name"));
    while (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      qualifiedName += '.';
      qualifiedName += identifier("a name after '.'");
    }
    if (qualifiedName == "__torch__") failAt(at, "expected a qualified class name after __torch__");
    return types::ClassType::create(std::move(qualifiedName));
  }

  // A list's annotation: its own (`t[](*)`), containing the element's (`Tensor(a)[]`). As in
  // c10, a list whose elements are annotated gets an annotation with no sets of its own
  // that is written to when the element is.
  static std::optional<AliasAnnotation> wrapInListAnnotation(
      std::optional<AliasAnnotation> element, std::optional<AliasAnnotation> container) {
    if (!element) return container;
    if (!container) {
      container.emplace();
      container->isWrite = element->isWrite;
    }
    container->contained.push_back(std::move(*element));
    return container;
  }

  // `(a)`, `(a!)`, `(a|b)`, `(a -> *)`, `(*)`, or the shorthand `!` for a fresh set.
  std::optional<AliasAnnotation> parseAliasAnnotation() {
    if (accept('!')) {
      AliasAnnotation annotation;
      annotation.beforeSets.push_back("$" + std::to_string(nextFreshSet_++));
      annotation.afterSets = annotation.beforeSets;
      annotation.isWrite = true;
      return annotation;
    }
    size_t openAt = (skipSpaces(), pos_);
    if (!accept('(')) return std::nullopt;
    // `(` after a type is an annotation only when a set name, `*` or `!` follows; anything
    // else (a tuple or argument list) is not ours to consume.
    char next = peek();
    if (!(isIdentifierStart(next) || next == '*' || next == '!')) {
      pos_ = openAt;
      return std::nullopt;
    }
    AliasAnnotation annotation;
    parseAliasSets(annotation.beforeSets);
    annotation.isWrite = accept('!');
    if (acceptText("->")) {
      parseAliasSets(annotation.afterSets);
    } else {
      annotation.afterSets = annotation.beforeSets;
    }
    expect(')');
    return annotation;
  }

  void parseAliasSets(std::vector<std::string>& sets) {
    if (peek() == '!' || peek() == ')') return;  // `(!)`: written, no named set
    do {
      bool wildcardSeen = !sets.empty() && sets.front() == "*";
      std::string set = accept('*') ? "*" : std::string(identifier("an alias set name or '*'"));
      if (!wildcardSeen) {
        if (set == "*") sets.clear();
        sets.push_back(std::move(set));
      }
    } while (accept('|'));
  }

  // ---- default values -------------------------------------------------------------------------
  DefaultValue parseDefaultValue(const Argument& argument) {
    skipSpaces();
    size_t valueAt = pos_;
    const TypePtr* type = &argument.type;
    if (acceptKeyword("None")) return DefaultValue::none();
    if ((*type)->kind() == TypeKind::Optional) type = &(*type)->as<types::OptionalType>()->element();
    switch ((*type)->kind()) {
      case TypeKind::Str:
      case TypeKind::Int:
      case TypeKind::Float:
      case TypeKind::Bool:
      case TypeKind::Number:
        return parseSingleConstant((*type)->kind());
      case TypeKind::Device: {
        if (peek() != '"' && peek() != '\'') fail("expected a device string such as \"cpu\"");
        return DefaultValue::fromDevice(parseStringLiteral());
      }
      case TypeKind::List: {
        TypeKind elementKind = (*type)->as<types::ListType>()->element()->kind();
        if (argument.fixedSize && peek() != '[') {
          // `int[2] stride=1` means [1, 1].
          DefaultValue single = parseSingleConstant(elementKind);
          std::vector<DefaultValue> repeated(static_cast<size_t>(*argument.fixedSize), single);
          return convertList(elementKind, std::move(repeated), valueAt);
        }
        expect('[');
        std::vector<DefaultValue> elements;
        if (!accept(']')) {
          do elements.push_back(parseSingleConstant(elementKind));
          while (accept(','));
          expect(']');
        }
        return convertList(elementKind, std::move(elements), valueAt);
      }
      default:
        failAt(valueAt, "a default value of type " + schemaTypeString(**type) +
                            " can only be None");
    }
  }

  DefaultValue convertList(TypeKind elementKind, std::vector<DefaultValue> elements,
                           size_t valueAt) {
    using Kind = DefaultValue::Kind;
    for (DefaultValue& element : elements) {
      bool ok = false;
      switch (elementKind) {
        case TypeKind::Float:
          if (element.kind == Kind::Int) element = DefaultValue::fromDouble(double(element.intValue));
          ok = element.kind == Kind::Double;
          break;
        case TypeKind::Int:
          ok = element.kind == Kind::Int;
          break;
        case TypeKind::Bool:
          ok = element.kind == Kind::Bool;
          break;
        default:
          failAt(valueAt, "list defaults are only supported for int, float and bool lists");
      }
      if (!ok) failAt(valueAt, "list default has an element of the wrong type");
    }
    return DefaultValue::list(std::move(elements));
  }

  DefaultValue parseSingleConstant(TypeKind kind) {
    skipSpaces();
    size_t at = pos_;
    if (acceptKeyword("True")) return DefaultValue::fromBool(true);
    if (acceptKeyword("False")) return DefaultValue::fromBool(false);
    if (acceptKeyword("None")) return DefaultValue::none();
    if (peek() == '"' || peek() == '\'') return DefaultValue::fromString(parseStringLiteral());
    if (atIdentifier()) {
      // The named constants of native_functions.yaml, folded to their values as c10 does.
      static const std::unordered_map<std::string_view, int64_t> namedConstants = {
          {"float", 6},              // at::kFloat
          {"long", 4},               // at::kLong
          {"strided", 0},            // at::kStrided
          {"Mean", 1},               // at::Reduction::Mean
          {"contiguous_format", 0},  // c10::MemoryFormat::Contiguous
      };
      std::string_view name = identifier("a constant");
      auto found = namedConstants.find(name);
      if (found == namedConstants.end()) failAt(at, "unknown constant '" + std::string(name) + "'");
      return DefaultValue::fromInt(found->second);
    }
    return parseNumber(kind);
  }

  // `-12`, `1.`, `0.5`, `1e-08`, `-inf`. Integral spellings give an int unless the type is
  // float (c10's rule: a '.' or 'e' makes it a double).
  DefaultValue parseNumber(TypeKind kind) {
    size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (text_.substr(pos_, 3) == "inf" || text_.substr(pos_, 3) == "nan") {
      pos_ += 3;
      return DefaultValue::fromDouble(std::strtod(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr));
    }
    size_t digitsAt = pos_;
    bool isDouble = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '.') {
        isDouble = true;
        ++pos_;
      } else if ((c == 'e' || c == 'E') && pos_ > digitsAt) {
        isDouble = true;
        ++pos_;
        if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      } else {
        break;
      }
    }
    std::string number(text_.substr(start, pos_ - start));
    if (pos_ == digitsAt || number == "-" || number == "." || number == "-.") {
      failAt(start, "expected a default value");
    }
    if (isDouble || kind == TypeKind::Float) {
      char* end = nullptr;
      double value = std::strtod(number.c_str(), &end);
      if (*end != '\0') failAt(start, "malformed number '" + number + "'");
      return DefaultValue::fromDouble(value);
    }
    errno = 0;
    long long value = std::strtoll(number.c_str(), nullptr, 10);
    if (errno == ERANGE) failAt(start, "integer default out of range: " + number);
    return DefaultValue::fromInt(value);
  }

  // A quoted string with Python's escapes (the ones c10's printer writes, and octal).
  std::string parseStringLiteral() {
    skipSpaces();
    size_t start = pos_;
    char quote = text_[pos_++];
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) failAt(start, "unterminated string");
      char c = text_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= text_.size()) failAt(start, "unterminated string");
      char escaped = text_[pos_++];
      switch (escaped) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case 'f': value += '\f'; break;
        case 'v': value += '\v'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case '\\': case '\'': case '"': value += escaped; break;
        default:
          if (escaped >= '0' && escaped <= '7') {
            int code = escaped - '0';
            for (int digits = 1; digits < 3 && pos_ < text_.size() && text_[pos_] >= '0' &&
                                 text_[pos_] <= '7';
                 ++digits) {
              code = code * 8 + (text_[pos_++] - '0');
            }
            value += static_cast<char>(code);
          } else {
            failAt(pos_ - 2, std::string("unknown escape '\\") + escaped + "' in string");
          }
      }
    }
    return value;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int nextFreshSet_ = 0;  // `Tensor!` gets the set `$0`, then `$1`, ... (as c10 names them)
};

std::string caretLine(std::string_view text, size_t column) {
  std::string line(std::min(column, text.size()), ' ');
  return line + "^";
}

}  // namespace

SchemaParseError::SchemaParseError(std::string_view schemaText, size_t column, std::string message)
    : std::runtime_error("schema error at column " + std::to_string(column) + ": " + message +
                         "\n" + std::string(schemaText) + "\n" + caretLine(schemaText, column)),
      column_(column),
      message_(std::move(message)) {}

Schema parseSchema(std::string_view text) { return SchemaParser(text).parse(); }

}  // namespace tscript::ops
