// zlib-backed CRC-32, deflate and inflate (see deflate.h).
#include "serialize/deflate.h"

#include <zlib.h>

#include <limits>

#include "serialize/serialize_error.h"

namespace tscript::serialize {

namespace {
// zlib counts in uInt; feed large buffers in pieces of this size.
constexpr size_t kZlibChunk = size_t{1} << 30;
}  // namespace

uint32_t crc32Of(std::span<const uint8_t> bytes) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    size_t piece = std::min(bytes.size(), kZlibChunk);
    crc = ::crc32(crc, bytes.data(), static_cast<uInt>(piece));
    bytes = bytes.subspan(piece);
  }
  return static_cast<uint32_t>(crc);
}

std::vector<uint8_t> deflateRaw(std::span<const uint8_t> bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw SerializeError("zlib: deflateInit2 failed");
  }
  std::vector<uint8_t> out(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 64);
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.next_out = out.data();
  size_t inputLeft = bytes.size();
  int status;
  do {
    size_t piece = std::min(inputLeft, kZlibChunk);
    stream.avail_in = static_cast<uInt>(piece);
    inputLeft -= piece;
    if (out.size() - stream.total_out < 64) {
      out.resize(out.size() * 2);
      stream.next_out = out.data() + stream.total_out;
    }
    stream.avail_out = static_cast<uInt>(std::min(out.size() - stream.total_out, kZlibChunk));
    status = deflate(&stream, inputLeft == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (status == Z_STREAM_ERROR) break;
  } while (status != Z_STREAM_END);
  size_t produced = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw SerializeError("zlib: deflate failed");
  out.resize(produced);
  return out;
}

std::vector<uint8_t> inflateExact(std::span<const uint8_t> compressed, uint64_t expectedSize,
                                  const std::string& what) {
  if (expectedSize > std::numeric_limits<size_t>::max() / 2) {
    throw SerializeError(what + ": declared size " + std::to_string(expectedSize) +
                         " is too large for this machine");
  }
  std::vector<uint8_t> out(static_cast<size_t>(expectedSize));
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw SerializeError("zlib: inflateInit2 failed");
  stream.next_in = const_cast<Bytef*>(compressed.data());
  stream.next_out = out.data();
  size_t inputLeft = compressed.size();
  size_t outputLeft = out.size();
  std::string problem;
  while (true) {
    // Refill the windows; zlib keeps next_in/next_out advancing across calls.
    if (stream.avail_in == 0 && inputLeft > 0) {
      size_t piece = std::min(inputLeft, kZlibChunk);
      stream.avail_in = static_cast<uInt>(piece);
      inputLeft -= piece;
    }
    if (stream.avail_out == 0 && outputLeft > 0) {
      size_t piece = std::min(outputLeft, kZlibChunk);
      stream.avail_out = static_cast<uInt>(piece);
      outputLeft -= piece;
    }
    uLong before = stream.total_out;
    uLong consumedBefore = stream.total_in;
    int status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_STREAM_END) {
      if (stream.total_out != expectedSize) {
        problem = "inflates to " + std::to_string(stream.total_out) + " bytes but declares " +
                  std::to_string(expectedSize);
      } else if (stream.avail_in != 0 || inputLeft != 0) {
        problem = std::to_string(stream.avail_in + inputLeft) +
                  " bytes follow the end of the deflate stream";
      }
      break;
    }
    if (status == Z_DATA_ERROR || status == Z_NEED_DICT || status == Z_MEM_ERROR ||
        status == Z_STREAM_ERROR) {
      problem = std::string("corrupt deflate data (") + (stream.msg ? stream.msg : "zlib error") +
                ")";
      break;
    }
    bool outputFull = stream.avail_out == 0 && outputLeft == 0;
    bool inputDone = stream.avail_in == 0 && inputLeft == 0;
    if (outputFull && !inputDone) {
      // The declared size is reached but the stream goes on: probe one more byte to tell
      // "too long" from "ends exactly here" (an end-of-block code may still be pending).
      uint8_t probe;
      stream.next_out = &probe;
      stream.avail_out = 1;
      status = inflate(&stream, Z_NO_FLUSH);
      if (status == Z_STREAM_END && stream.total_out == expectedSize) {
        if (stream.avail_in != 0 || inputLeft != 0) {
          problem = std::to_string(stream.avail_in + inputLeft) +
                    " bytes follow the end of the deflate stream";
        }
      } else if (stream.total_out > expectedSize) {
        problem = "inflates past its declared size of " + std::to_string(expectedSize) + " bytes";
      } else if (status == Z_DATA_ERROR) {
        problem = std::string("corrupt deflate data (") + (stream.msg ? stream.msg : "zlib") + ")";
      } else {
        problem = "truncated deflate data";
      }
      break;
    }
    if (inputDone && stream.total_out == before && stream.total_in == consumedBefore) {
      problem = outputFull ? "truncated deflate data (no end-of-stream marker)"
                           : "truncated deflate data: inflated " +
                                 std::to_string(stream.total_out) + " of " +
                                 std::to_string(expectedSize) + " declared bytes";
      break;
    }
  }
  inflateEnd(&stream);
  if (!problem.empty()) throw SerializeError(what + ": " + problem);
  return out;
}

}  // namespace tscript::serialize
