#include "ir/attributes.h"

#include <cmath>
#include <cstdio>

namespace tscript::ir {

const char* attributeKindName(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::i: return "i";
    case AttributeKind::is: return "is";
    case AttributeKind::f: return "f";
    case AttributeKind::fs: return "fs";
    case AttributeKind::c: return "c";
    case AttributeKind::s: return "s";
    case AttributeKind::ss: return "ss";
    case AttributeKind::ty: return "ty";
    case AttributeKind::tys: return "tys";
    case AttributeKind::g: return "g";
    case AttributeKind::t: return "t";
    case AttributeKind::ts: return "ts";
    case AttributeKind::ival: return "ival";
  }
  return "?";
}

ConstantValue ConstantValue::fromBool(bool v) {
  ConstantValue c;
  c.kind = Kind::Bool;
  c.boolValue = v;
  return c;
}
ConstantValue ConstantValue::fromInt(int64_t v) {
  ConstantValue c;
  c.kind = Kind::Int;
  c.intValue = v;
  return c;
}
ConstantValue ConstantValue::fromDouble(double v) {
  ConstantValue c;
  c.kind = Kind::Double;
  c.doubleValue = v;
  return c;
}
ConstantValue ConstantValue::fromComplex(Complex v) {
  ConstantValue c;
  c.kind = Kind::Complex;
  c.complexValue = v;
  return c;
}
ConstantValue ConstantValue::fromString(std::string v) {
  ConstantValue c;
  c.kind = Kind::String;
  c.text = std::move(v);
  return c;
}
ConstantValue ConstantValue::fromDevice(std::string v) {
  ConstantValue c;
  c.kind = Kind::Device;
  c.text = std::move(v);
  return c;
}
ConstantValue ConstantValue::fromEnumCase(std::string v) {
  ConstantValue c;
  c.kind = Kind::EnumCase;
  c.text = std::move(v);
  return c;
}
ConstantValue ConstantValue::fromTensorText(std::string v) {
  ConstantValue c;
  c.kind = Kind::Tensor;
  c.text = std::move(v);
  return c;
}
ConstantValue ConstantValue::list(std::vector<ConstantValue> elements) {
  ConstantValue c;
  c.kind = Kind::List;
  c.elements = std::move(elements);
  return c;
}
ConstantValue ConstantValue::tuple(std::vector<ConstantValue> elements) {
  ConstantValue c;
  c.kind = Kind::Tuple;
  c.elements = std::move(elements);
  return c;
}

std::string formatDouble(double value) {
  // Integral values below 1e10 get PyTorch's `N.` form; everything else is `%.17g`
  // (max_digits10), which is also what yields the point-less 1e10..1e17 quirk.
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e10) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s%lld.", std::signbit(value) && value == 0 ? "-" : "",
                  static_cast<long long>(value));
    return buffer;
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::string formatComplex(Complex value) {
  return formatDouble(value.real) + (value.imag >= 0 ? "+" : "-") +
         formatDouble(std::fabs(value.imag)) + "j";
}

std::string quoteString(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c > 0x1f && c < 0x7f) {
          out += c;
        } else {
          // Deliberately signed arithmetic (see header): digits of a negative char are <= 0.
          int s = static_cast<signed char>(c);
          char digits[4] = "000";
          digits[2] = static_cast<char>(digits[2] + s % 8);
          s /= 8;
          digits[1] = static_cast<char>(digits[1] + s % 8);
          s /= 8;
          digits[0] = static_cast<char>(digits[0] + s);
          out += '\\';
          out += digits;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

template <typename T, typename Format>
std::string formatList(const std::vector<T>& items, Format format) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += format(items[i]);
  }
  return out + "]";
}

}  // namespace

std::string formatConstant(const ConstantValue& value) {
  using Kind = ConstantValue::Kind;
  switch (value.kind) {
    case Kind::None: return "None";
    case Kind::Bool: return value.boolValue ? "True" : "False";
    case Kind::Int: return std::to_string(value.intValue);
    case Kind::Double: return formatDouble(value.doubleValue);
    case Kind::Complex: return formatComplex(value.complexValue);
    case Kind::String: return quoteString(value.text);
    case Kind::Device: return "torch.device(" + quoteString(value.text) + ")";
    case Kind::EnumCase: return value.text;
    case Kind::Tensor: return value.text;
    case Kind::List: return formatList(value.elements, formatConstant);
    case Kind::Tuple: {
      std::string out = "(";
      for (size_t i = 0; i < value.elements.size(); ++i) {
        if (i) out += ", ";
        out += formatConstant(value.elements[i]);
      }
      // A one-element tuple keeps Python's trailing comma.
      return out + (value.elements.size() == 1 ? ",)" : ")");
    }
  }
  return "?";
}

std::string formatAttribute(const AttributeValue& value) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(const std::vector<int64_t>& v) const {
      return formatList(v, [](int64_t x) { return std::to_string(x); });
    }
    std::string operator()(double v) const { return formatDouble(v); }
    std::string operator()(const std::vector<double>& v) const { return formatList(v, formatDouble); }
    std::string operator()(const Complex& v) const { return formatComplex(v); }
    std::string operator()(const std::string& v) const { return quoteString(v); }
    std::string operator()(const std::vector<std::string>& v) const {
      return formatList(v, [](const std::string& s) { return quoteString(s); });
    }
    std::string operator()(const types::TypePtr& v) const { return v ? v->str() : "<null type>"; }
    std::string operator()(const std::vector<types::TypePtr>& v) const {
      return formatList(v, [](const types::TypePtr& t) { return t ? t->str() : "<null type>"; });
    }
    std::string operator()(const GraphPtr&) const { return "<Graph>"; }
    std::string operator()(const TensorText& v) const { return v.text; }
    std::string operator()(size_t) const { return "[<Tensors>]"; }
    std::string operator()(const ConstantValue& v) const { return formatConstant(v); }
  };
  return std::visit(Visitor{}, value.storage());
}

}  // namespace tscript::ir
