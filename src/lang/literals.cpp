#include "lang/literals.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace tscript::lang {

ConstantValue decodeNumber(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') digits += c;
  }
  ConstantValue value;
  char last = digits.back() | 0x20;
  if (last == 'j') {
    value.kind = ConstantValue::Kind::Imaginary;
    digits.pop_back();
    value.floatValue = std::strtod(digits.c_str(), nullptr);
    return value;
  }
  bool prefixed = digits.size() > 2 && digits[0] == '0' && std::isalpha((unsigned char)digits[1]);
  bool isFloat = !prefixed && digits.find_first_of(".eE") != std::string::npos;
  if (isFloat) {
    value.kind = ConstantValue::Kind::Float;
    value.floatValue = std::strtod(digits.c_str(), nullptr);  // inf on overflow, as Python
    return value;
  }
  int base = 10;
  std::string body = digits;
  if (prefixed) {
    char b = digits[1] | 0x20;
    base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
    body = digits.substr(2);
  }
  errno = 0;
  unsigned long long magnitude = std::strtoull(body.c_str(), nullptr, base);
  if (errno == ERANGE || magnitude > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
    // Python ints are unbounded; TorchScript's are int64. Keep the digits so that the
    // compiler can say which literal does not fit.
    value.kind = ConstantValue::Kind::BigInt;
    value.text = digits;
    return value;
  }
  value.kind = ConstantValue::Kind::Int;
  value.intValue = static_cast<int64_t>(magnitude);
  return value;
}

StringPrefix stringPrefixOf(std::string_view token) {
  StringPrefix prefix;
  while (prefix.length < token.size() && token[prefix.length] != '\'' && token[prefix.length] != '"') {
    char c = token[prefix.length] | 0x20;
    prefix.raw |= c == 'r';
    prefix.bytes |= c == 'b';
    prefix.formatted |= c == 'f';
    ++prefix.length;
  }
  char quote = token[prefix.length];
  if (token.size() >= prefix.length + 6 && token[prefix.length + 1] == quote &&
      token[prefix.length + 2] == quote) {
    prefix.quoteLength = 3;
  }
  return prefix;
}

static void appendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool decodeEscapes(std::string_view body, bool bytes, std::string& out, size_t& errorOffset,
                   std::string& error) {
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    switch (e) {
      case '\n': break;  // line continuation inside a string
      case '\r':
        if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
        break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        uint32_t code = 0;
        size_t n = 0;
        while (n < 3 && i < body.size() && body[i] >= '0' && body[i] <= '7') {
          code = code * 8 + (body[i] - '0');
          ++i;
          ++n;
        }
        --i;
        if (bytes) {
          out += static_cast<char>(code & 0xFF);
        } else {
          appendUtf8(out, code);
        }
        break;
      }
      case 'N':
        if (!bytes) {
          // Named characters need the Unicode name tables, which tscript does not carry.
          errorOffset = i - 1;
          error = "\\N{...} escapes are not supported; write the character itself or use \\uXXXX";
          return false;
        }
        out += "\\N";
        break;
      case 'x': case 'u': case 'U': {
        if (e != 'x' && bytes) {  // \u is not an escape in bytes
          out += '\\';
          out += e;
          break;
        }
        size_t count = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t code = 0;
        for (size_t k = 1; k <= count; ++k) {
          int h = i + k < body.size() ? hexValue(body[i + k]) : -1;
          if (h < 0) {
            errorOffset = i - 1;
            error = std::string("truncated \\") + e + " escape";
            return false;
          }
          code = code * 16 + h;
        }
        i += count;
        if (code > 0x10FFFF) {
          errorOffset = i - count - 1;
          error = "illegal Unicode character in \\U escape";
          return false;
        }
        if (bytes) {
          out += static_cast<char>(code);
        } else {
          appendUtf8(out, code);
        }
        break;
      }
      default:
        // Unknown escapes keep their backslash, as in Python (which only warns).
        out += '\\';
        out += e;
    }
  }
  return true;
}

}  // namespace tscript::lang
