// zlib wrappers: CRC-32, raw deflate (as zip's method 8 stores it) and a bounded inflate that
// never produces more than the size the archive declared.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tscript::serialize {

uint32_t crc32Of(std::span<const uint8_t> bytes);

// Raw deflate (no zlib header) at the best compression level. The bytes differ from miniz's
// (1.13's writer), but any inflater reads them back to the same data.
std::vector<uint8_t> deflateRaw(std::span<const uint8_t> bytes);

// Inflates a raw deflate stream that must produce exactly `expectedSize` bytes and end exactly
// at the end of `compressed`. Throws SerializeError ("<what>: ...") when the stream is corrupt
// or truncated, would produce more or fewer bytes than declared, or has trailing bytes.
std::vector<uint8_t> inflateExact(std::span<const uint8_t> compressed, uint64_t expectedSize,
                                  const std::string& what);

}  // namespace tscript::serialize
