// Decoding of number and string literal tokens into values.
#pragma once

#include <string>
#include <string_view>

#include "lang/ast.h"

namespace tscript::lang {

// A number token's text -> Int, BigInt, Float or Imaginary.
ConstantValue decodeNumber(std::string_view text);

struct StringPrefix {
  bool raw = false;
  bool bytes = false;
  bool formatted = false;  // f-string
  uint32_t length = 0;     // characters of prefix before the opening quote
  uint32_t quoteLength = 1;  // 1 or 3
};
StringPrefix stringPrefixOf(std::string_view token);

// Decodes the escapes of a (non-raw) string or bytes body. `error` receives the offset (into
// `body`) and message of a malformed escape; returns false then.
bool decodeEscapes(std::string_view body, bool bytes, std::string& out, size_t& errorOffset,
                   std::string& error);

}  // namespace tscript::lang
