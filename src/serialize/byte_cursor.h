// Bounds-checked reading of little/big-endian fields from a byte span. Every read either
// returns in-range bytes or throws SerializeError naming the field and the offset, so parsers
// built on it cannot read past their input, whatever the input claims.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "serialize/serialize_error.h"

namespace tscript::serialize {

class ByteCursor {
 public:
  // `context` prefixes every error ("data.pkl", "zip central directory").
  ByteCursor(std::span<const uint8_t> bytes, std::string context)
      : bytes_(bytes), context_(std::move(context)) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return bytes_.size() - offset_; }
  bool atEnd() const { return offset_ == bytes_.size(); }
  void seek(size_t offset, const char* what) {
    if (offset > bytes_.size()) fail(std::string(what) + " at offset " + std::to_string(offset) +
                                     " lies outside the " + std::to_string(bytes_.size()) +
                                     "-byte input");
    offset_ = offset;
  }

  std::span<const uint8_t> take(uint64_t count, const char* what) {
    require(count, what);
    std::span<const uint8_t> out = bytes_.subspan(offset_, static_cast<size_t>(count));
    offset_ += static_cast<size_t>(count);
    return out;
  }
  std::string_view takeText(uint64_t count, const char* what) {
    auto span = take(count, what);
    return {reinterpret_cast<const char*>(span.data()), span.size()};
  }

  uint8_t u8(const char* what) { return take(1, what)[0]; }
  uint16_t u16le(const char* what) { return static_cast<uint16_t>(littleEndian(2, what)); }
  uint32_t u32le(const char* what) { return static_cast<uint32_t>(littleEndian(4, what)); }
  uint64_t u64le(const char* what) { return littleEndian(8, what); }
  uint64_t u64be(const char* what) {
    auto span = take(8, what);
    uint64_t value = 0;
    for (uint8_t byte : span) value = (value << 8) | byte;
    return value;
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw SerializeError(context_ + ": " + message);
  }

 private:
  void require(uint64_t count, const char* what) const {
    if (count > remaining()) {
      fail(std::string("truncated: ") + what + " needs " + std::to_string(count) +
           " bytes at offset " + std::to_string(offset_) + ", only " +
           std::to_string(remaining()) + " left");
    }
  }
  uint64_t littleEndian(int width, const char* what) {
    auto span = take(static_cast<uint64_t>(width), what);
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = (value << 8) | span[static_cast<size_t>(i)];
    return value;
  }

  std::span<const uint8_t> bytes_;
  std::string context_;
  size_t offset_ = 0;
};

}  // namespace tscript::serialize
