// Printing values, two ways: Python's repr()/str() (Value::repr, Value::str) and the way
// torch.jit 1.13 prints them (scriptStr), which TorchScript's print() and str() must match.
// The 1.13 rules below were measured with torch 1.13 (tests/cpp/runtime/value_test.cpp).
#include <ATen/core/Formatting.h>

#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "runtime/value.h"

namespace tscript::runtime {

// ---- floats ---------------------------------------------------------------------------------

namespace {

bool fitsInt64(double d) { return d >= -9223372036854775808.0 && d < 9223372036854775808.0; }

// Python's float formatting without the forced ".0" (complex parts print `1+2j`).
std::string pythonFloatText(double value, bool addDotZero) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Shortest round-trip digits in scientific form: "-1.2345e+17", "1e-05".
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string scientific(buffer, result.ptr);
  bool negative = scientific[0] == '-';
  size_t ePos = scientific.find('e');
  std::string mantissa = scientific.substr(negative ? 1 : 0, ePos - (negative ? 1 : 0));
  int exponent = std::stoi(scientific.substr(ePos + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  std::string text = negative ? "-" : "";
  // Python's repr switches to exponent notation below 1e-4 and from 1e16 up.
  if (exponent < -4 || exponent >= 16) {
    text += digits.substr(0, 1);
    if (digits.size() > 1) text += "." + digits.substr(1);
    char exponentText[16];
    std::snprintf(exponentText, sizeof exponentText, "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    return text + exponentText;
  }
  if (exponent < 0) {
    return text + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  }
  size_t integerDigits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integerDigits) {
    text += digits + std::string(integerDigits - digits.size(), '0');
    return addDotZero ? text + ".0" : text;
  }
  return text + digits.substr(0, integerDigits) + "." + digits.substr(integerDigits);
}

std::string pythonComplexRepr(c10::complex<double> c) {
  std::string imag = pythonFloatText(c.imag(), false) + "j";
  if (c.real() == 0.0 && !std::signbit(c.real())) return imag;
  bool imagNegative = std::signbit(c.imag()) && !std::isnan(c.imag());
  return "(" + pythonFloatText(c.real(), false) + (imagNegative ? "" : "+") + imag + ")";
}

std::string tensorText(const at::Tensor& tensor) {
  std::ostringstream out;
  out << tensor;
  return out.str();
}

std::string objectText(const types::TypePtr& type, const void* address) {
  char text[32];
  std::snprintf(text, sizeof text, "%p", address);
  return "<" + (type ? type->annotationStr() : std::string("object")) + " object at " + text +
         ">";
}

}  // namespace

std::string pythonFloatRepr(double value) { return pythonFloatText(value, true); }

std::string scriptFloatStr(double value) {
  // 1.13: an integral float within int64 prints as that int and a dot (`-0.0` too: `0.`);
  // everything else with 17 significant digits, as `%.17g`.
  if (std::isfinite(value) && value == std::trunc(value) && fitsInt64(value)) {
    return std::to_string(static_cast<int64_t>(value)) + ".";
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string pythonStringRepr(const std::string& text) {
  bool hasSingle = text.find('\'') != std::string::npos;
  bool hasDouble = text.find('"') != std::string::npos;
  char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : text) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);  // UTF-8 bytes of printable characters pass through
    }
  }
  out += quote;
  return out;
}

// ---- Python's repr / str --------------------------------------------------------------------

std::string Value::str() const {
  if (isString()) return toStringRef();
  if (isDevice()) return toDevice().str();
  if (isEnum()) {
    const EnumObject& member = toEnum();
    return member.type->annotationStr() + "." + member.name;
  }
  return repr();
}

std::string Value::repr() const {
  switch (kind_) {
    case ValueKind::None: return "None";
    case ValueKind::Bool: return toBool() ? "True" : "False";
    case ValueKind::Int: return std::to_string(toInt());
    case ValueKind::Float: return pythonFloatRepr(toFloat());
    case ValueKind::Complex: return pythonComplexRepr(toComplex());
    case ValueKind::String: return pythonStringRepr(toStringRef());
    case ValueKind::Device: return "device(type='" + toDevice().str() + "')";
    case ValueKind::Tensor: return tensorText(toTensor());  // ATen's text, not Python's
    case ValueKind::List: {
      std::string out = "[";
      const auto& elements = toList().elements;
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        out += elements[i].repr();
      }
      return out + "]";
    }
    case ValueKind::Dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& entry : toDict()) {
        if (!first) out += ", ";
        first = false;
        out += entry.key.repr() + ": " + entry.value.repr();
      }
      return out + "}";
    }
    case ValueKind::Tuple: {
      const TupleObject& tuple = toTuple();
      const auto* named = tuple.namedType ? tuple.namedType->as<types::TupleType>() : nullptr;
      std::string out;
      if (named) {
        const std::string& qualified = *named->qualifiedName();
        out = qualified.substr(qualified.rfind('.') + 1);
      }
      out += "(";
      for (size_t i = 0; i < tuple.elements.size(); ++i) {
        if (i) out += ", ";
        if (named && i < named->fieldNames().size()) out += named->fieldNames()[i] + "=";
        out += tuple.elements[i].repr();
      }
      if (tuple.elements.size() == 1 && !named) out += ",";
      return out + ")";
    }
    case ValueKind::Object: return objectText(toObject().type, identity());
    case ValueKind::Enum: {
      const EnumObject& member = toEnum();
      std::string name = member.type->annotationStr();
      name = name.substr(name.rfind('.') + 1);
      return "<" + name + "." + member.name + ": " + member.value.repr() + ">";
    }
    case ValueKind::Future: return "<Future>";
    case ValueKind::Function: return "<function>";
    case ValueKind::Capsule: return "<capsule>";
  }
  return "?";
}

// ---- torch.jit 1.13's printing --------------------------------------------------------------

namespace {

void appendScriptStr(std::string& out, const Value& value) {
  switch (value.kind()) {
    case ValueKind::Float:
      out += scriptFloatStr(value.toFloat());
      return;
    case ValueKind::Complex: {
      c10::complex<double> c = value.toComplex();
      out += scriptFloatStr(c.real());
      if (c.imag() >= 0 || std::isnan(c.imag())) out += "+";
      out += scriptFloatStr(c.imag());
      out += "j";
      return;
    }
    case ValueKind::String:
      out += value.toStringRef();  // unquoted, also inside containers
      return;
    case ValueKind::Device:
      out += value.toDevice().str();
      return;
    case ValueKind::List: {
      out += "[";
      const auto& elements = value.toList().elements;
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        appendScriptStr(out, elements[i]);
      }
      out += "]";
      return;
    }
    case ValueKind::Dict: {
      out += "{";
      bool first = true;
      for (const auto& entry : value.toDict()) {
        if (!first) out += ", ";
        first = false;
        appendScriptStr(out, entry.key);
        out += ": ";
        appendScriptStr(out, entry.value);
      }
      out += "}";
      return;
    }
    case ValueKind::Tuple: {
      // Named tuples print as plain tuples in 1.13.
      const auto& elements = value.toTuple().elements;
      out += "(";
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        appendScriptStr(out, elements[i]);
      }
      if (elements.size() == 1) out += ",";
      out += ")";
      return;
    }
    case ValueKind::Enum: {
      const EnumObject& member = value.toEnum();
      out += "Enum<" + member.type->annotationStr() + "." + member.name + ">";
      return;
    }
    default:
      out += value.repr();
      return;
  }
}

}  // namespace

std::string scriptStr(const Value& value) {
  std::string out;
  appendScriptStr(out, value);
  return out;
}

}  // namespace tscript::runtime
