// Reading zip archives as TorchScript uses them: from a file (memory-mapped, read-only) or a
// memory buffer. Opening validates the whole structure (end records, central directory, every
// local header, and that record data lies inside the file without overlapping); reading a
// record inflates deflated data into a buffer of exactly the declared size, checks the CRC, and
// for stored records returns a span into the file without copying.
//
// Errors are SerializeErrors that name the archive, the record and the problem.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tscript::serialize {

struct ZipReaderLimits {
  uint64_t maxEntries = 100000;
  // A deflated record may not declare more than this many bytes ...
  uint64_t maxInflatedBytes = uint64_t{1} << 30;
  // ... nor more than this many times its compressed size (zip-bomb guard; printed code
  // compresses 2-10x).
  uint64_t maxCompressionRatio = 256;
  bool verifyCrc = true;
};

// Whether a read checks the record's CRC-32. Everything the loader parses is checked; the bytes
// of tensor storages may skip it (as 1.13, whose miniz is built without reader CRC checks), since
// their sizes are checked structurally and any bytes are valid values.
enum class CrcCheck { Verify, Skip };

struct ZipEntry {
  std::string name;  // the full name in the archive: "archive/data.pkl"
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint32_t crc32 = 0;
  uint64_t compressedSize = 0;
  uint64_t uncompressedSize = 0;
  uint64_t localHeaderOffset = 0;
  uint64_t dataOffset = 0;
};

// A record's bytes: a span into the archive (stored records) or into an owned inflated buffer.
// Either way it keeps what it points into alive, so it may outlive the ZipReader.
class RecordBytes {
 public:
  std::span<const uint8_t> bytes() const { return bytes_; }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  size_t size() const { return bytes_.size(); }
  // True when the bytes are a view of the archive itself (no copy was made).
  bool isView() const { return owned_ == nullptr; }
  // What keeps the bytes alive (the mapping, the archive's buffer or the inflated copy), for
  // objects that point into them beyond this RecordBytes (tensor storages).
  std::shared_ptr<const void> owner() const {
    return owned_ ? std::shared_ptr<const void>(owned_) : keepAlive_;
  }

 private:
  friend class ZipReader;
  std::span<const uint8_t> bytes_;
  std::shared_ptr<const void> keepAlive_;
  std::shared_ptr<std::vector<uint8_t>> owned_;
};

class ZipReader {
 public:
  static ZipReader openFile(const std::string& path, ZipReaderLimits limits = {});
  // `displayName` names the archive in errors.
  static ZipReader fromBuffer(std::vector<uint8_t> bytes, std::string displayName = "<buffer>",
                              ZipReaderLimits limits = {});
  static ZipReader fromBuffer(std::string_view bytes, std::string displayName = "<buffer>",
                              ZipReaderLimits limits = {});

  const std::string& displayName() const { return displayName_; }
  std::span<const uint8_t> archiveBytes() const { return bytes_; }
  // True when opened with openFile: the bytes are a private copy-on-write mapping of the file
  // (mapped_file.h), so views of stored records may be handed out as writable memory.
  bool isMappedFile() const { return mappedFile_; }
  // Entries in central-directory order.
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* findEntry(std::string_view fullName) const;
  RecordBytes read(const ZipEntry& entry, CrcCheck check = CrcCheck::Verify) const;
  // The raw (still compressed) bytes of an entry's data.
  std::span<const uint8_t> rawData(const ZipEntry& entry) const;

  // TorchScript's view: every record lives under one folder, named after the first entry
  // of the central directory ("m/version" -> "m"). Throws if that entry is not in a folder.
  std::string archivePrefix() const;
  // Record names relative to the prefix, in central-directory order; entries outside the
  // prefix folder are left out (1.13 never looks at them).
  std::vector<std::string> recordNames() const;
  bool hasRecord(std::string_view name) const;
  const ZipEntry& recordEntry(std::string_view name) const;  // throws if missing
  RecordBytes readRecord(std::string_view name, CrcCheck check = CrcCheck::Verify) const;

 private:
  ZipReader() = default;
  void parse();
  [[noreturn]] void fail(const std::string& message) const;

  std::string displayName_;
  ZipReaderLimits limits_;
  std::shared_ptr<const void> storage_;  // MappedFile or the owned buffer
  bool mappedFile_ = false;
  std::span<const uint8_t> bytes_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> indexByName_;
};

}  // namespace tscript::serialize
