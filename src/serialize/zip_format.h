// Zip constants as PyTorch 1.13's writer (miniz, PyTorchStreamWriter) uses them. Field
// layouts are in APPNOTE.TXT; the choices below (flags, versions, alignment, the "FB" padding
// field, always-present zip64 end records) are from ARCHIVE_FORMAT.md §1.3.
#pragma once

#include <cstdint>

namespace tscript::serialize::zip {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;        // PK\3\4
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;      // PK\1\2
constexpr uint32_t kEndOfCentralDirSignature = 0x06054b50;    // PK\5\6
constexpr uint32_t kZip64EndOfCentralDirSignature = 0x06064b50;  // PK\6\6
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;       // PK\6\7
constexpr uint32_t kDataDescriptorSignature = 0x08074b50;     // PK\7\8

constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralDirSize = 22;
constexpr size_t kZip64EndOfCentralDirSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kDataDescriptorSize = 16;
constexpr size_t kMaxCommentSize = 0xffff;

constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;

constexpr uint16_t kFlagEncrypted = 0x0001;
constexpr uint16_t kFlagDataDescriptor = 0x0008;
constexpr uint16_t kFlagUtf8Names = 0x0800;
constexpr uint16_t kTorchFlags = kFlagDataDescriptor | kFlagUtf8Names;

constexpr uint16_t kVersionNeededStored = 0;
constexpr uint16_t kVersionNeededDeflated = 20;
constexpr uint16_t kZip64VersionMadeBy = 0x031e;
constexpr uint16_t kZip64VersionNeeded = 0x002d;

constexpr uint16_t kZip64ExtraId = 0x0001;
// The local-header extra field that pads record data to kDataAlignment: id "FB", payload 'Z's.
constexpr uint16_t kAlignmentExtraId = 0x4246;
constexpr uint64_t kDataAlignment = 64;

constexpr uint32_t kMax32 = 0xffffffff;
constexpr uint16_t kMax16 = 0xffff;

}  // namespace tscript::serialize::zip
