// The 1.13-compatible zip writer (see zip_writer.h; constants in zip_format.h).
#include "serialize/zip_writer.h"

#include <cstdio>
#include <unordered_set>

#include "serialize/deflate.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_format.h"

namespace tscript::serialize {

ZipWriter::ZipWriter(std::string archiveName) : archiveName_(std::move(archiveName)) {}

ZipWriter::ZipWriter(std::string archiveName, Sink sink)
    : archiveName_(std::move(archiveName)), sink_(std::move(sink)) {}

void ZipWriter::flush() {
  if (!sink_ || out_.empty()) return;
  sink_(out_);
  flushed_ += out_.size();
  out_.clear();
}

std::string ZipWriter::archiveNameForPath(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.find_last_of('.');
  return std::string(dot == std::string_view::npos ? base : base.substr(0, dot));
}

void ZipWriter::u16(uint64_t value) {
  for (int i = 0; i < 2; ++i) out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}
void ZipWriter::u32(uint64_t value) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}
void ZipWriter::u64(uint64_t value) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void ZipWriter::writeRecord(std::string_view name, std::span<const uint8_t> data, bool compress) {
  std::string fullName = archiveName_ + "/" + std::string(name);
  // miniz stores anything of 3 bytes or less even when asked to compress it.
  if (!compress || data.size() <= 3) {
    append(fullName, zip::kMethodStored, crc32Of(data), data, data.size());
    return;
  }
  std::vector<uint8_t> stream = deflateRaw(data);
  append(fullName, zip::kMethodDeflated, crc32Of(data), stream, data.size());
}

void ZipWriter::writeRecord(std::string_view name, std::string_view data, bool compress) {
  writeRecord(name, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
              compress);
}

void ZipWriter::writeDeflatedRecord(std::string_view name, std::span<const uint8_t> data,
                                    std::span<const uint8_t> deflateStream) {
  std::string fullName = archiveName_ + "/" + std::string(name);
  std::vector<uint8_t> inflated =
      inflateExact(deflateStream, data.size(), "deflate stream given for '" + fullName + "'");
  if (!std::equal(inflated.begin(), inflated.end(), data.begin(), data.end())) {
    throw SerializeError("deflate stream given for '" + fullName +
                         "' does not inflate to the record's data");
  }
  append(fullName, zip::kMethodDeflated, crc32Of(data), deflateStream, data.size());
}

void ZipWriter::append(std::string_view fullName, uint16_t method, uint32_t crc32,
                       std::span<const uint8_t> payload, uint64_t uncompressedSize) {
  if (finished_) throw SerializeError("zip writer: record written after finish()");
  for (const CentralEntry& entry : central_) {
    if (entry.name == fullName) {
      throw SerializeError("zip writer: record '" + std::string(fullName) + "' written twice");
    }
  }
  if (fullName.size() > zip::kMax16) {
    throw SerializeError("zip writer: record name '" + std::string(fullName.substr(0, 64)) +
                         "...' is longer than 65535 bytes");
  }
  const uint64_t offset = position();
  // 1.13 switches to zip64 extra fields at these sizes; that layout is not reproduced yet,
  // so refuse rather than write something 1.13 would not.
  if (offset >= zip::kMax32 || payload.size() >= zip::kMax32 || uncompressedSize >= zip::kMax32) {
    throw SerializeError("zip writer: record '" + std::string(fullName) +
                         "' would need zip64 fields (4 GiB or more), which this writer does not "
                         "write yet");
  }
  // Pad through the "FB" extra field so the data starts at a multiple of kDataAlignment.
  uint64_t dataStartWithoutPadding = offset + zip::kLocalHeaderSize + fullName.size() + 4;
  uint64_t padding = (zip::kDataAlignment - dataStartWithoutPadding % zip::kDataAlignment) %
                     zip::kDataAlignment;
  bool deflated = method == zip::kMethodDeflated;
  // miniz writes a data descriptor (and sets flag bit 3) only for non-empty records.
  bool hasDescriptor = uncompressedSize > 0;
  uint16_t flags = hasDescriptor ? zip::kTorchFlags : zip::kFlagUtf8Names;

  u32(zip::kLocalHeaderSignature);
  u16(deflated ? zip::kVersionNeededDeflated : zip::kVersionNeededStored);
  u16(flags);
  u16(method);
  u16(0);  // time
  u16(0);  // date
  u32(0);  // crc, compressed and uncompressed size: in the data descriptor
  u32(0);
  u32(0);
  u16(fullName.size());
  u16(4 + padding);
  out_.insert(out_.end(), fullName.begin(), fullName.end());
  u16(zip::kAlignmentExtraId);
  u16(padding);
  out_.insert(out_.end(), padding, 'Z');
  if (sink_) {
    flush();
    if (!payload.empty()) sink_(payload);
    flushed_ += payload.size();
  } else {
    out_.insert(out_.end(), payload.begin(), payload.end());
  }
  if (hasDescriptor) {
    u32(zip::kDataDescriptorSignature);
    u32(crc32);
    u32(payload.size());
    u32(uncompressedSize);
  }

  central_.push_back({std::string(fullName), method, flags, crc32, payload.size(),
                      uncompressedSize, offset});
  flush();
}

std::vector<uint8_t> ZipWriter::finish() {
  if (finished_) throw SerializeError("zip writer: finish() called twice");
  finished_ = true;
  const uint64_t centralDirOffset = position();
  for (const CentralEntry& entry : central_) {
    bool deflated = entry.method == zip::kMethodDeflated;
    u32(zip::kCentralHeaderSignature);
    u16(0);  // version made by
    u16(deflated ? zip::kVersionNeededDeflated : zip::kVersionNeededStored);
    u16(entry.flags);
    u16(entry.method);
    u16(0);  // time
    u16(0);  // date
    u32(entry.crc32);
    u32(entry.compressedSize);
    u32(entry.uncompressedSize);
    u16(entry.name.size());
    u16(0);  // extra
    u16(0);  // comment
    u16(0);  // start disk
    u16(0);  // internal attributes
    u32(0);  // external attributes
    u32(entry.localHeaderOffset);
    out_.insert(out_.end(), entry.name.begin(), entry.name.end());
  }
  const uint64_t centralDirSize = position() - centralDirOffset;
  const uint64_t zip64EndOffset = position();
  const uint64_t count = central_.size();

  u32(zip::kZip64EndOfCentralDirSignature);
  u64(zip::kZip64EndOfCentralDirSize - 12);  // size of the rest of the record
  u16(zip::kZip64VersionMadeBy);
  u16(zip::kZip64VersionNeeded);
  u32(0);  // this disk
  u32(0);  // central directory disk
  u64(count);
  u64(count);
  u64(centralDirSize);
  u64(centralDirOffset);

  u32(zip::kZip64LocatorSignature);
  u32(0);  // disk of the zip64 end record
  u64(zip64EndOffset);
  u32(1);  // total disks

  auto saturate16 = [](uint64_t v) { return v >= zip::kMax16 ? zip::kMax16 : v; };
  auto saturate32 = [](uint64_t v) { return v >= zip::kMax32 ? zip::kMax32 : v; };
  u32(zip::kEndOfCentralDirSignature);
  u16(0);
  u16(0);
  u16(saturate16(count));
  u16(saturate16(count));
  u32(saturate32(centralDirSize));
  u32(saturate32(centralDirOffset));
  u16(0);  // comment length
  flush();
  return std::move(out_);
}

void ZipWriter::finishToFile(const std::string& path) {
  std::vector<uint8_t> bytes = finish();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw SerializeError("cannot create '" + path + "'");
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok) throw SerializeError("cannot write '" + path + "'");
}

}  // namespace tscript::serialize
