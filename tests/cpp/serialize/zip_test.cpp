// Zip writer layout (1.13's exact conventions) and reader validation of malformed archives.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "serialize/deflate.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_reader.h"
#include "serialize/zip_writer.h"

namespace tscript::serialize {
namespace {

using Bytes = std::vector<uint8_t>;

uint32_t le32(const Bytes& bytes, size_t at) {
  return bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | uint32_t{bytes[at + 3]} << 24;
}
uint16_t le16(const Bytes& bytes, size_t at) { return bytes[at] | bytes[at + 1] << 8; }
void put32(Bytes& bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}
void put16(Bytes& bytes, size_t at, uint16_t value) {
  bytes[at] = static_cast<uint8_t>(value);
  bytes[at + 1] = static_cast<uint8_t>(value >> 8);
}

// A small archive shaped like torch.jit.save's: stored records and one deflated code file.
Bytes sampleArchive() {
  ZipWriter writer("archive");
  writer.writeRecord("data/0", std::string_view("\x00\x00\x80\x3f", 4));
  writer.writeRecord("data.pkl", std::string_view("\x80\x02N."));
  std::string code(300, 'x');
  writer.writeRecord("code/__torch__.py", code, /*compress=*/true);
  writer.writeRecord("constants.pkl", std::string_view("\x80\x02)."));
  writer.writeRecord("version", std::string_view("3\n"));
  return writer.finish();
}

size_t find(const Bytes& bytes, const std::string& needle, size_t from = 0) {
  auto it = std::search(bytes.begin() + from, bytes.end(), needle.begin(), needle.end());
  return it == bytes.end() ? std::string::npos : static_cast<size_t>(it - bytes.begin());
}

std::string errorOf(const Bytes& bytes) {
  try {
    ZipReader reader = ZipReader::fromBuffer(bytes, "t.pt");
    for (const ZipEntry& entry : reader.entries()) reader.read(entry);
  } catch (const SerializeError& error) {
    return error.what();
  }
  return "";
}

TEST(ZipWriterTest, ArchiveNameFromPathAs113) {
  EXPECT_EQ(ZipWriter::archiveNameForPath("m.pt"), "m");
  EXPECT_EQ(ZipWriter::archiveNameForPath("/tmp/dir.x/my.model.v1.pt"), "my.model.v1");
  EXPECT_EQ(ZipWriter::archiveNameForPath("noext"), "noext");
}

TEST(ZipWriterTest, LocalHeadersAlignDataTo64AndDeferSizes) {
  Bytes bytes = sampleArchive();
  ZipReader reader = ZipReader::fromBuffer(bytes);
  ASSERT_EQ(reader.entries().size(), 5u);
  for (const ZipEntry& entry : reader.entries()) {
    EXPECT_EQ(entry.dataOffset % 64, 0u) << entry.name;
    size_t local = entry.localHeaderOffset;
    EXPECT_EQ(le16(bytes, local + 6), 0x0808) << "flags";
    EXPECT_EQ(le16(bytes, local + 4), entry.method == 8 ? 20 : 0) << "version needed";
    EXPECT_EQ(le32(bytes, local + 14), 0u) << "CRC deferred to the data descriptor";
    EXPECT_EQ(le32(bytes, local + 18), 0u);
    size_t extra = local + 30 + entry.name.size();
    EXPECT_EQ(le16(bytes, extra), 0x4246) << "FB padding field";
    size_t padding = le16(bytes, extra + 2);
    for (size_t i = 0; i < padding; ++i) EXPECT_EQ(bytes[extra + 4 + i], 'Z');
    size_t descriptor = entry.dataOffset + entry.compressedSize;
    EXPECT_EQ(le32(bytes, descriptor), 0x08074b50u);
    EXPECT_EQ(le32(bytes, descriptor + 4), entry.crc32);
  }
  EXPECT_EQ(reader.archivePrefix(), "archive");
  EXPECT_EQ(reader.readRecord("version").text(), "3\n");
  EXPECT_EQ(reader.readRecord("code/__torch__.py").text(), std::string(300, 'x'));
  EXPECT_TRUE(reader.readRecord("data/0").isView());
  EXPECT_FALSE(reader.readRecord("code/__torch__.py").isView());
}

TEST(ZipWriterTest, EmptyAndTinyRecordsAsMiniz) {
  ZipWriter writer("archive");
  writer.writeRecord("data/0", std::string_view());
  writer.writeRecord("code/x.py", "abc", /*compress=*/true);
  Bytes bytes = writer.finish();
  ZipReader reader = ZipReader::fromBuffer(bytes);
  const ZipEntry& empty = reader.entries()[0];
  EXPECT_EQ(le16(bytes, empty.localHeaderOffset + 6), 0x0800) << "no data descriptor flag";
  EXPECT_EQ(le32(bytes, empty.dataOffset), 0x04034b50u) << "next header follows directly";
  EXPECT_EQ(reader.entries()[1].method, 0) << "3 bytes are stored even when compressing";
  EXPECT_EQ(reader.readRecord("code/x.py").text(), "abc");
}

TEST(ZipWriterTest, EndRecordsAreZip64ThenClassic) {
  Bytes bytes = sampleArchive();
  size_t classic = bytes.size() - 22;
  EXPECT_EQ(le32(bytes, classic), 0x06054b50u);
  size_t locator = classic - 20;
  EXPECT_EQ(le32(bytes, locator), 0x07064b50u);
  size_t zip64 = le32(bytes, locator + 8);
  EXPECT_EQ(zip64, locator - 56);
  EXPECT_EQ(le32(bytes, zip64), 0x06064b50u);
  EXPECT_EQ(le16(bytes, zip64 + 12), 0x031e);
  EXPECT_EQ(le16(bytes, zip64 + 14), 0x002d);
  EXPECT_EQ(le16(bytes, classic + 10), 5) << "entry count";
}

TEST(ZipWriterTest, DeflatedRecordKeepsAGivenStreamOnlyIfItMatches) {
  std::string data(100, 'a');
  auto span = std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Bytes stream = deflateRaw(span);
  ZipWriter writer("archive");
  writer.writeDeflatedRecord("code/a.py", span, stream);
  std::string other(100, 'b');
  EXPECT_THROW(writer.writeDeflatedRecord(
                   "code/b.py", std::span(reinterpret_cast<const uint8_t*>(other.data()), 100),
                   stream),
               SerializeError);
  EXPECT_THROW(writer.writeRecord("code/a.py", "again"), SerializeError);
  Bytes bytes = writer.finish();
  EXPECT_EQ(ZipReader::fromBuffer(bytes).readRecord("code/a.py").text(), data);
}

TEST(ZipReaderTest, RejectsTruncationAnywhere) {
  Bytes bytes = sampleArchive();
  for (size_t length : {size_t{0}, size_t{10}, size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    Bytes cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(length));
    EXPECT_NE(errorOf(cut), "") << "length " << length;
  }
  EXPECT_NE(errorOf(Bytes(bytes.begin(), bytes.begin() + 5)).find("too short"), std::string::npos);
}

TEST(ZipReaderTest, RecognisesOtherPyTorchFormats) {
  Bytes legacy = {0x80, 0x02, 0x8a, 0x0a};
  legacy.resize(64, 0);
  EXPECT_NE(errorOf(legacy).find("torch.save"), std::string::npos);
}

TEST(ZipReaderTest, RejectsBadLocalHeaderSignature) {
  Bytes bytes = sampleArchive();
  bytes[0] = 'X';
  EXPECT_NE(errorOf(bytes).find("bad local header signature"), std::string::npos) << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsBadCentralDirectorySignature) {
  Bytes bytes = sampleArchive();
  size_t central = find(bytes, "PK\x01\x02");
  bytes[central + 3] = 9;
  EXPECT_NE(errorOf(bytes).find("bad signature"), std::string::npos) << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsOffsetsOutsideTheFile) {
  Bytes bytes = sampleArchive();
  size_t central = find(bytes, "PK\x01\x02");
  put32(bytes, central + 42, 0x7fffff00);  // local header offset of the first entry
  EXPECT_NE(errorOf(bytes).find("outside the data area"), std::string::npos) << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsHugeDeclaredSizes) {
  Bytes bytes = sampleArchive();
  size_t central = find(bytes, "PK\x01\x02");
  put32(bytes, central + 20, 0x7fffffff);  // compressed size of a stored record
  put32(bytes, central + 24, 0x7fffffff);
  EXPECT_NE(errorOf(bytes).find("run past the start of the central directory"), std::string::npos)
      << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsStoredSizeMismatch) {
  Bytes bytes = sampleArchive();
  size_t central = find(bytes, "PK\x01\x02");
  put32(bytes, central + 24, 5);
  EXPECT_NE(errorOf(bytes).find("is stored but declares"), std::string::npos) << errorOf(bytes);
}

TEST(ZipReaderTest, ZipBombGuards) {
  Bytes bytes = sampleArchive();
  ZipReader reader = ZipReader::fromBuffer(bytes);
  const ZipEntry& code = reader.recordEntry("code/__torch__.py");
  size_t central = find(bytes, "archive/code/__torch__.py", code.dataOffset) - 46;
  ASSERT_EQ(le32(bytes, central), 0x02014b50u);
  Bytes bomb = bytes;
  put32(bomb, central + 24, 900000000);
  EXPECT_NE(errorOf(bomb).find("zip bomb"), std::string::npos) << errorOf(bomb);
  ZipReaderLimits tight;
  tight.maxInflatedBytes = 100;
  try {
    ZipReader::fromBuffer(bytes, "t.pt", tight);
    FAIL() << "expected the inflated-size limit to trip";
  } catch (const SerializeError& error) {
    EXPECT_NE(std::string(error.what()).find("above the limit"), std::string::npos);
  }
  // A declared size smaller than the stream's output: inflating stops at the declared size.
  Bytes liar = bytes;
  put32(liar, central + 24, 200);
  EXPECT_NE(errorOf(liar).find("inflates past its declared size"), std::string::npos)
      << errorOf(liar);
  Bytes longer = bytes;
  put32(longer, central + 24, 400);
  EXPECT_NE(errorOf(longer).find("inflates to 300 bytes"), std::string::npos) << errorOf(longer);
}

TEST(ZipReaderTest, RejectsCrcMismatch) {
  Bytes bytes = sampleArchive();
  ZipReader reader = ZipReader::fromBuffer(bytes);
  bytes[reader.recordEntry("data.pkl").dataOffset + 2] ^= 0x40;
  std::string error = errorOf(bytes);
  EXPECT_NE(error.find("CRC-32 mismatch"), std::string::npos) << error;
  EXPECT_NE(error.find("archive/data.pkl"), std::string::npos) << error;
}

TEST(ZipReaderTest, RejectsCorruptDeflateData) {
  Bytes bytes = sampleArchive();
  ZipReader reader = ZipReader::fromBuffer(bytes);
  const ZipEntry& code = reader.recordEntry("code/__torch__.py");
  bytes[code.dataOffset] = 0xff;  // an invalid block type
  EXPECT_NE(errorOf(bytes).find("archive/code/__torch__.py"), std::string::npos)
      << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsOverlappingRecords) {
  Bytes bytes = sampleArchive();
  // Point the second entry's local header at the first one's, with a matching name check
  // avoided by renaming: simplest is to give both entries the same local offset.
  size_t first = find(bytes, "PK\x01\x02");
  size_t second = find(bytes, "PK\x01\x02", first + 4);
  put32(bytes, second + 42, le32(bytes, first + 42));
  std::string error = errorOf(bytes);
  EXPECT_NE(error, "");
}

TEST(ZipReaderTest, RejectsTooManyEntries) {
  Bytes bytes = sampleArchive();
  ZipReaderLimits limits;
  limits.maxEntries = 3;
  EXPECT_THROW(ZipReader::fromBuffer(bytes, "t.pt", limits), SerializeError);
  // An entry count that cannot fit the central directory.
  size_t classic = bytes.size() - 22;
  size_t zip64 = classic - 20 - 56;
  put16(bytes, classic + 8, 0xffff);
  put16(bytes, classic + 10, 0xffff);
  put32(bytes, zip64 + 24, 60000);
  put32(bytes, zip64 + 32, 60000);
  EXPECT_NE(errorOf(bytes).find("cannot fit"), std::string::npos) << errorOf(bytes);
}

TEST(ZipReaderTest, RejectsDuplicateNamesAndMissingPrefix) {
  ZipWriter writer("archive");
  writer.writeRecord("a", "1");
  Bytes bytes = writer.finish();
  size_t central = find(bytes, "PK\x01\x02");
  // Rename "archive/a" to "archive.a" in both headers: no folder.
  bytes[find(bytes, "archive/a") + 7] = '.';
  bytes[find(bytes, "archive/a", central) + 7] = '.';
  ZipReader reader = ZipReader::fromBuffer(bytes);
  EXPECT_THROW(reader.archivePrefix(), SerializeError);
}

TEST(ZipReaderTest, ReadsZip64ExtraFieldsInTheCentralDirectory) {
  // Hand-built: one stored record whose central entry saturates the sizes and offset and
  // carries them in a zip64 extra field.
  Bytes bytes;
  auto add16 = [&](uint16_t v) { bytes.push_back(v & 0xff); bytes.push_back(v >> 8); };
  auto add32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) bytes.push_back(v >> (8 * i)); };
  auto add64 = [&](uint64_t v) { for (int i = 0; i < 8; ++i) bytes.push_back(v >> (8 * i)); };
  std::string name = "a/version";
  std::string data = "3\n";
  uint32_t crc = crc32Of(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  add32(0x04034b50); add16(45); add16(0); add16(0); add16(0); add16(0);
  add32(crc); add32(2); add32(2); add16(name.size()); add16(0);
  bytes.insert(bytes.end(), name.begin(), name.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  size_t cd = bytes.size();
  add32(0x02014b50); add16(45); add16(45); add16(0); add16(0); add16(0); add16(0);
  add32(crc); add32(0xffffffff); add32(0xffffffff); add16(name.size()); add16(28); add16(0);
  add16(0); add16(0); add32(0); add32(0xffffffff);
  bytes.insert(bytes.end(), name.begin(), name.end());
  add16(1); add16(24); add64(2); add64(2); add64(0);
  size_t cdSize = bytes.size() - cd;
  size_t zip64 = bytes.size();
  add32(0x06064b50); add64(44); add16(45); add16(45); add32(0); add32(0);
  add64(1); add64(1); add64(cdSize); add64(cd);
  add32(0x07064b50); add32(0); add64(zip64); add32(1);
  add32(0x06054b50); add16(0); add16(0); add16(0xffff); add16(0xffff);
  add32(0xffffffff); add32(0xffffffff); add16(0);
  ZipReader reader = ZipReader::fromBuffer(bytes);
  EXPECT_EQ(reader.readRecord("version").text(), "3\n");
}

TEST(ZipReaderTest, FlippedBytesNeverCrash) {
  // Every single-byte corruption of a small archive either reads or throws SerializeError.
  Bytes bytes = sampleArchive();
  size_t failures = 0;
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      Bytes broken = bytes;
      broken[at] ^= flip;
      if (!errorOf(broken).empty()) ++failures;
    }
  }
  EXPECT_GT(failures, 0u);
}

TEST(ZipReaderTest, OpensFilesByMapping) {
  Bytes bytes = sampleArchive();
  std::string path = ::testing::TempDir() + "/tscript_zip_test.pt";
  FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_TRUE(file);
  std::fwrite(bytes.data(), 1, bytes.size(), file);
  std::fclose(file);
  RecordBytes version = [&] {
    ZipReader reader = ZipReader::openFile(path);
    return reader.readRecord("version");
  }();
  EXPECT_EQ(version.text(), "3\n");  // outlives the reader
  EXPECT_THROW(ZipReader::openFile(path + ".missing"), SerializeError);
}

}  // namespace
}  // namespace tscript::serialize
