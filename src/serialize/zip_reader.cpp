// Zip parsing and validation (see zip_reader.h). Layouts follow APPNOTE.TXT; what PyTorch 1.13
// writes is in zip_format.h.
#include "serialize/zip_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "serialize/byte_cursor.h"
#include "serialize/deflate.h"
#include "serialize/mapped_file.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_format.h"

namespace tscript::serialize {

namespace {

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

uint32_t peekU32(std::span<const uint8_t> bytes, size_t offset) {
  return static_cast<uint32_t>(bytes[offset]) | static_cast<uint32_t>(bytes[offset + 1]) << 8 |
         static_cast<uint32_t>(bytes[offset + 2]) << 16 |
         static_cast<uint32_t>(bytes[offset + 3]) << 24;
}

struct EndRecords {
  uint64_t entryCount = 0;
  uint64_t centralDirSize = 0;
  uint64_t centralDirOffset = 0;
  uint64_t endOfEntries = 0;  // where the central directory must end (the first end record)
};

}  // namespace

ZipReader ZipReader::openFile(const std::string& path, ZipReaderLimits limits) {
  auto file = std::make_shared<MappedFile>(path);
  ZipReader reader;
  reader.displayName_ = path;
  reader.limits_ = limits;
  reader.bytes_ = file->bytes();
  reader.storage_ = std::move(file);
  reader.mappedFile_ = true;
  reader.parse();
  return reader;
}

ZipReader ZipReader::fromBuffer(std::vector<uint8_t> bytes, std::string displayName,
                                ZipReaderLimits limits) {
  auto buffer = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  ZipReader reader;
  reader.displayName_ = std::move(displayName);
  reader.limits_ = limits;
  reader.bytes_ = *buffer;
  reader.storage_ = std::move(buffer);
  reader.parse();
  return reader;
}

ZipReader ZipReader::fromBuffer(std::string_view bytes, std::string displayName,
                                ZipReaderLimits limits) {
  return fromBuffer(std::vector<uint8_t>(bytes.begin(), bytes.end()), std::move(displayName),
                    limits);
}

void ZipReader::fail(const std::string& message) const {
  throw SerializeError(displayName_ + ": " + message);
}

void ZipReader::parse() {
  const size_t size = bytes_.size();
  auto startsWith = [&](std::string_view magic) {
    return size >= magic.size() && std::memcmp(bytes_.data(), magic.data(), magic.size()) == 0;
  };

  // --- end of central directory: the last PK\5\6 whose comment ends at the end of file ----
  size_t eocd = SIZE_MAX;
  if (size >= zip::kEndOfCentralDirSize) {
    size_t lowest = size - zip::kEndOfCentralDirSize > zip::kMaxCommentSize
                        ? size - zip::kEndOfCentralDirSize - zip::kMaxCommentSize
                        : 0;
    for (size_t pos = size - zip::kEndOfCentralDirSize + 1; pos-- > lowest;) {
      if (peekU32(bytes_, pos) != zip::kEndOfCentralDirSignature) continue;
      size_t commentLength = bytes_[pos + 20] | (bytes_[pos + 21] << 8);
      if (pos + zip::kEndOfCentralDirSize + commentLength == size) {
        eocd = pos;
        break;
      }
    }
  }
  if (eocd == SIZE_MAX) {
    if (startsWith("\x80\x02")) {
      fail("not a TorchScript archive: it is a pickle written by torch.save; load it with "
           "torch.load");
    }
    if (startsWith("PYTORCH1")) fail("not a zip archive: this is the pre-1.4 'PYTORCH1' format");
    fail(size < zip::kEndOfCentralDirSize
             ? "not a zip archive: " + std::to_string(size) + " bytes is too short (truncated?)"
             : "not a zip archive: no end-of-central-directory record (truncated or not a zip)");
  }

  ByteCursor end(bytes_, displayName_ + ": end of central directory");
  end.seek(eocd + 4, "end record");
  uint16_t diskNumber = end.u16le("disk number");
  uint16_t centralDirDisk = end.u16le("central directory disk");
  uint16_t entriesOnDisk = end.u16le("entries on this disk");
  uint16_t totalEntries = end.u16le("total entries");
  uint32_t centralDirSize = end.u32le("central directory size");
  uint32_t centralDirOffset = end.u32le("central directory offset");
  if (diskNumber != 0 || centralDirDisk != 0 || entriesOnDisk != totalEntries) {
    fail("multi-disk (spanned) zip archives are not supported");
  }
  EndRecords records{totalEntries, centralDirSize, centralDirOffset, eocd};

  // --- zip64 end records (1.13 always writes them) -----------------------------------------
  bool hasLocator = eocd >= zip::kZip64LocatorSize &&
                    peekU32(bytes_, eocd - zip::kZip64LocatorSize) == zip::kZip64LocatorSignature;
  bool needsZip64 = totalEntries == zip::kMax16 || centralDirSize == zip::kMax32 ||
                    centralDirOffset == zip::kMax32;
  if (hasLocator) {
    size_t locator = eocd - zip::kZip64LocatorSize;
    ByteCursor loc(bytes_, displayName_ + ": zip64 end locator");
    loc.seek(locator + 4, "zip64 locator");
    uint32_t zip64Disk = loc.u32le("zip64 end record disk");
    uint64_t zip64Offset = loc.u64le("zip64 end record offset");
    uint32_t diskCount = loc.u32le("disk count");
    if (zip64Disk != 0 || diskCount > 1) fail("multi-disk (spanned) zip archives are not supported");
    if (zip64Offset > locator || locator - zip64Offset < zip::kZip64EndOfCentralDirSize) {
      fail("zip64 end record offset " + std::to_string(zip64Offset) +
           " does not leave room for the record before its locator at " + std::to_string(locator));
    }
    ByteCursor z64(bytes_, displayName_ + ": zip64 end of central directory");
    z64.seek(zip64Offset, "zip64 end record");
    if (z64.u32le("signature") != zip::kZip64EndOfCentralDirSignature) {
      fail("bad zip64 end-of-central-directory signature at offset " + std::to_string(zip64Offset));
    }
    uint64_t recordSize = z64.u64le("record size");
    if (recordSize < zip::kZip64EndOfCentralDirSize - 12 ||
        recordSize > locator - zip64Offset - 12) {
      fail("zip64 end record declares an impossible size " + std::to_string(recordSize));
    }
    z64.u16le("version made by");
    z64.u16le("version needed");
    uint32_t disk64 = z64.u32le("disk number");
    uint32_t cdDisk64 = z64.u32le("central directory disk");
    uint64_t onDisk64 = z64.u64le("entries on this disk");
    uint64_t total64 = z64.u64le("total entries");
    uint64_t cdSize64 = z64.u64le("central directory size");
    uint64_t cdOffset64 = z64.u64le("central directory offset");
    if (disk64 != 0 || cdDisk64 != 0 || onDisk64 != total64) {
      fail("multi-disk (spanned) zip archives are not supported");
    }
    auto agrees = [](uint64_t classic, uint64_t saturated, uint64_t wide) {
      return classic == saturated || classic == wide;
    };
    if (!agrees(totalEntries, zip::kMax16, total64) ||
        !agrees(centralDirSize, zip::kMax32, cdSize64) ||
        !agrees(centralDirOffset, zip::kMax32, cdOffset64)) {
      fail("the zip64 end record disagrees with the end-of-central-directory record");
    }
    records = {total64, cdSize64, cdOffset64, zip64Offset};
  } else if (needsZip64) {
    fail("end record points to zip64 values but there is no zip64 end locator");
  }

  // --- central directory ------------------------------------------------------------------
  if (records.entryCount > limits_.maxEntries) {
    fail("archive declares " + std::to_string(records.entryCount) +
         " entries, above the limit of " + std::to_string(limits_.maxEntries));
  }
  if (records.centralDirOffset > records.endOfEntries ||
      records.centralDirSize != records.endOfEntries - records.centralDirOffset) {
    fail("central directory (offset " + std::to_string(records.centralDirOffset) + ", size " +
         std::to_string(records.centralDirSize) + ") does not end where the end records begin (" +
         std::to_string(records.endOfEntries) + "); truncated or corrupt archive");
  }
  if (records.entryCount * zip::kCentralHeaderSize > records.centralDirSize) {
    fail(std::to_string(records.entryCount) + " entries cannot fit a central directory of " +
         std::to_string(records.centralDirSize) + " bytes");
  }
  const uint64_t dataLimit = records.centralDirOffset;  // local headers and data lie below it

  ByteCursor cd(bytes_.subspan(0, static_cast<size_t>(records.endOfEntries)),
                displayName_ + ": central directory");
  cd.seek(static_cast<size_t>(records.centralDirOffset), "central directory");
  entries_.reserve(static_cast<size_t>(records.entryCount));
  for (uint64_t index = 0; index < records.entryCount; ++index) {
    std::string where = "central directory entry #" + std::to_string(index);
    if (cd.u32le("entry signature") != zip::kCentralHeaderSignature) {
      fail(where + " (offset " + std::to_string(cd.offset() - 4) + "): bad signature");
    }
    cd.u16le("version made by");
    cd.u16le("version needed");
    uint16_t flags = cd.u16le("flags");
    ZipEntry entry;
    entry.method = cd.u16le("method");
    cd.u16le("time");
    cd.u16le("date");
    entry.crc32 = cd.u32le("crc32");
    uint32_t compressed32 = cd.u32le("compressed size");
    uint32_t uncompressed32 = cd.u32le("uncompressed size");
    uint16_t nameLength = cd.u16le("name length");
    uint16_t extraLength = cd.u16le("extra length");
    uint16_t commentLength = cd.u16le("comment length");
    uint16_t startDisk = cd.u16le("start disk");
    cd.u16le("internal attributes");
    cd.u32le("external attributes");
    uint32_t localOffset32 = cd.u32le("local header offset");
    entry.name = std::string(cd.takeText(nameLength, "entry name"));
    auto extra = cd.take(extraLength, "extra field");
    cd.take(commentLength, "entry comment");

    std::string record = "record '" + entry.name + "'";
    if (entry.name.empty()) fail(where + ": empty record name");
    if (entry.name.find('\0') != std::string::npos) fail(record + ": name contains a NUL byte");
    if (startDisk != 0) fail(record + ": multi-disk (spanned) zip archives are not supported");
    if (flags & zip::kFlagEncrypted) fail(record + " is encrypted");

    entry.uncompressedSize = uncompressed32;
    entry.compressedSize = compressed32;
    entry.localHeaderOffset = localOffset32;
    if (uncompressed32 == zip::kMax32 || compressed32 == zip::kMax32 ||
        localOffset32 == zip::kMax32) {
      // Zip64 extended information: the saturated fields, in this order, 8 bytes each.
      ByteCursor fields(extra, displayName_ + ": " + record + " extra field");
      bool found = false;
      while (fields.remaining() >= 4) {
        uint16_t id = fields.u16le("extra id");
        uint16_t length = fields.u16le("extra length");
        auto payload = fields.take(length, "extra payload");
        if (id != zip::kZip64ExtraId) continue;
        ByteCursor wide(payload, displayName_ + ": " + record + " zip64 extra field");
        if (uncompressed32 == zip::kMax32) entry.uncompressedSize = wide.u64le("uncompressed size");
        if (compressed32 == zip::kMax32) entry.compressedSize = wide.u64le("compressed size");
        if (localOffset32 == zip::kMax32) entry.localHeaderOffset = wide.u64le("local offset");
        found = true;
        break;
      }
      if (!found) fail(record + ": 32-bit fields are saturated but there is no zip64 extra field");
    }

    if (entry.method != zip::kMethodStored && entry.method != zip::kMethodDeflated) {
      fail(record + " uses compression method " + std::to_string(entry.method) +
           "; only stored (0) and deflated (8) are supported");
    }
    if (entry.method == zip::kMethodStored && entry.compressedSize != entry.uncompressedSize) {
      fail(record + " is stored but declares " + std::to_string(entry.compressedSize) +
           " compressed and " + std::to_string(entry.uncompressedSize) + " uncompressed bytes");
    }
    if (entry.method == zip::kMethodDeflated) {
      if (entry.uncompressedSize > limits_.maxInflatedBytes) {
        fail(record + " declares " + std::to_string(entry.uncompressedSize) +
             " inflated bytes, above the limit of " + std::to_string(limits_.maxInflatedBytes));
      }
      uint64_t allowed = std::max<uint64_t>(entry.compressedSize, 1) * limits_.maxCompressionRatio;
      if (entry.uncompressedSize > allowed) {
        fail(record + " would inflate " + std::to_string(entry.compressedSize) + " bytes to " +
             std::to_string(entry.uncompressedSize) + " (ratio above " +
             std::to_string(limits_.maxCompressionRatio) + ": zip bomb guard)");
      }
    }

    // Local header: must be inside the data area, agree on the name, and its data must fit.
    if (entry.localHeaderOffset > dataLimit ||
        dataLimit - entry.localHeaderOffset < zip::kLocalHeaderSize) {
      fail(record + ": local header offset " + std::to_string(entry.localHeaderOffset) +
           " lies outside the data area (0.." + std::to_string(dataLimit) + ")");
    }
    ByteCursor local(bytes_.subspan(0, static_cast<size_t>(dataLimit)),
                     displayName_ + ": " + record + " local header");
    local.seek(static_cast<size_t>(entry.localHeaderOffset), "local header");
    if (local.u32le("signature") != zip::kLocalHeaderSignature) {
      fail(record + ": bad local header signature at offset " +
           std::to_string(entry.localHeaderOffset));
    }
    local.take(22, "local header fields");
    uint16_t localNameLength = local.u16le("name length");
    uint16_t localExtraLength = local.u16le("extra length");
    local.seek(static_cast<size_t>(entry.localHeaderOffset) + zip::kLocalHeaderSize, "name");
    std::string_view localName = local.takeText(localNameLength, "name");
    if (localName != entry.name) {
      fail(record + ": its local header names '" + std::string(localName) + "'");
    }
    local.take(localExtraLength, "extra field");
    entry.dataOffset = local.offset();
    if (entry.compressedSize > dataLimit - entry.dataOffset) {
      fail(record + ": its " + std::to_string(entry.compressedSize) + " bytes of data at offset " +
           std::to_string(entry.dataOffset) + " run past the start of the central directory (" +
           std::to_string(dataLimit) + ")");
    }
    if (!indexByName_.emplace(entry.name, entries_.size()).second) {
      fail(record + " appears twice in the central directory");
    }
    entries_.push_back(std::move(entry));
  }

  // No two records may share bytes: sort by position and compare neighbours.
  std::vector<const ZipEntry*> byOffset;
  for (const ZipEntry& entry : entries_) byOffset.push_back(&entry);
  std::sort(byOffset.begin(), byOffset.end(), [](const ZipEntry* a, const ZipEntry* b) {
    return a->localHeaderOffset < b->localHeaderOffset;
  });
  for (size_t i = 1; i < byOffset.size(); ++i) {
    const ZipEntry& previous = *byOffset[i - 1];
    if (previous.dataOffset + previous.compressedSize > byOffset[i]->localHeaderOffset) {
      fail("records '" + previous.name + "' and '" + byOffset[i]->name + "' overlap");
    }
  }
}

const ZipEntry* ZipReader::findEntry(std::string_view fullName) const {
  auto it = indexByName_.find(std::string(fullName));
  return it == indexByName_.end() ? nullptr : &entries_[it->second];
}

std::span<const uint8_t> ZipReader::rawData(const ZipEntry& entry) const {
  return bytes_.subspan(static_cast<size_t>(entry.dataOffset),
                        static_cast<size_t>(entry.compressedSize));
}

RecordBytes ZipReader::read(const ZipEntry& entry, CrcCheck check) const {
  RecordBytes out;
  std::string what = displayName_ + ": record '" + entry.name + "'";
  if (entry.method == zip::kMethodStored) {
    out.bytes_ = rawData(entry);
    out.keepAlive_ = storage_;
  } else {
    out.owned_ = std::make_shared<std::vector<uint8_t>>(
        inflateExact(rawData(entry), entry.uncompressedSize, what));
    out.bytes_ = *out.owned_;
  }
  if (limits_.verifyCrc && check == CrcCheck::Verify) {
    uint32_t actual = crc32Of(out.bytes_);
    if (actual != entry.crc32) {
      throw SerializeError(what + ": CRC-32 mismatch (the directory says " + hex32(entry.crc32) +
                           ", the data has " + hex32(actual) + ")");
    }
  }
  return out;
}

std::string ZipReader::archivePrefix() const {
  if (entries_.empty()) fail("archive has no records");
  const std::string& first = entries_.front().name;
  size_t slash = first.find('/');
  if (slash == std::string::npos) {
    fail("file in archive is not in a subdirectory: '" + first + "'");
  }
  return first.substr(0, slash);
}

std::vector<std::string> ZipReader::recordNames() const {
  std::string prefix = archivePrefix() + "/";
  std::vector<std::string> names;
  for (const ZipEntry& entry : entries_) {
    if (entry.name.size() > prefix.size() && entry.name.compare(0, prefix.size(), prefix) == 0) {
      names.push_back(entry.name.substr(prefix.size()));
    }
  }
  return names;
}

bool ZipReader::hasRecord(std::string_view name) const {
  return findEntry(archivePrefix() + "/" + std::string(name)) != nullptr;
}

const ZipEntry& ZipReader::recordEntry(std::string_view name) const {
  std::string fullName = archivePrefix() + "/" + std::string(name);
  const ZipEntry* entry = findEntry(fullName);
  if (!entry) fail("file not found: " + fullName);
  return *entry;
}

RecordBytes ZipReader::readRecord(std::string_view name, CrcCheck check) const {
  return read(recordEntry(name), check);
}

}  // namespace tscript::serialize
