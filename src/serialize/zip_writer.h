// Writing zip archives byte for byte as PyTorch 1.13's PyTorchStreamWriter (miniz) does:
// every record is "<archiveName>/<name>"; its local header has flags 0x0808, zero time, zero
// CRC and sizes (they follow in a data descriptor), and an "FB" extra field of 'Z' padding so
// that the data starts at a multiple of 64; the central directory repeats the real values with
// no extra field; zip64 end records are always written. As miniz does, an empty record has no
// data descriptor (flags 0x0800), and a record of 3 bytes or less is stored even if compression
// was asked for.
//
// One thing cannot be reproduced with zlib: miniz's deflate output. writeRecord(compress=true)
// writes zlib's (equally valid) stream; writeDeflatedRecord reuses a known miniz stream after
// checking that it inflates to the data, which keeps a read-then-rewrite byte-identical.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tscript::serialize {

class ZipWriter {
 public:
  // Records are written as "<archiveName>/<name>". torch.jit.save uses "archive" for buffers
  // and archiveNameForPath() for files.
  explicit ZipWriter(std::string archiveName);
  // Streaming: bytes go to `sink` as each record is written (record data is passed through,
  // never copied), and finish() returns nothing. How a large archive goes to a file without
  // being built in memory first.
  using Sink = std::function<void(std::span<const uint8_t> bytes)>;
  ZipWriter(std::string archiveName, Sink sink);

  // The archive name 1.13 derives from a save path: the basename without its last extension
  // ("dir/m.pt" -> "m", "my.model.v1.pt" -> "my.model.v1", "noext" -> "noext").
  static std::string archiveNameForPath(std::string_view path);

  void writeRecord(std::string_view name, std::span<const uint8_t> data, bool compress = false);
  void writeRecord(std::string_view name, std::string_view data, bool compress = false);
  // A deflated record with a given raw deflate stream; throws SerializeError unless the stream
  // inflates to exactly `data`.
  void writeDeflatedRecord(std::string_view name, std::span<const uint8_t> data,
                           std::span<const uint8_t> deflateStream);

  // Appends the central directory and the end records and returns the archive. The writer
  // cannot be used afterwards.
  std::vector<uint8_t> finish();
  // finish() and write the bytes to `path` (throws SerializeError on I/O failure).
  void finishToFile(const std::string& path);

 private:
  struct CentralEntry {
    std::string name;
    uint16_t method;
    uint16_t flags;
    uint32_t crc32;
    uint64_t compressedSize;
    uint64_t uncompressedSize;
    uint64_t localHeaderOffset;
  };
  void append(std::string_view fullName, uint16_t method, uint32_t crc32,
              std::span<const uint8_t> payload, uint64_t uncompressedSize);
  // Hands what out_ holds to the sink (streaming mode).
  void flush();
  uint64_t position() const { return flushed_ + out_.size(); }
  void u16(uint64_t value);
  void u32(uint64_t value);
  void u64(uint64_t value);

  std::string archiveName_;
  std::vector<uint8_t> out_;
  std::vector<CentralEntry> central_;
  bool finished_ = false;
  Sink sink_;             // empty: the archive is built in out_
  uint64_t flushed_ = 0;  // bytes already handed to the sink
};

}  // namespace tscript::serialize
