// `.debug_pkl` records: the pickle 1.13 writes (byte for byte, for a hand-made set of ranges
// whose 1.13 bytes are known from pickletools), tags shared across files, dedented sources
// written back with their indentation, decoding both layouts, malformed records refused
// without throwing, and origins looked up by offset.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "archive/debug_records.h"
#include "serialize/pickler.h"
#include "serialize/zip_writer.h"

namespace tscript::archive {
namespace {

lang::SourceFilePtr linearSource() {
  return std::make_shared<lang::SourceFile>(
      "/usr/lib/python3/dist-packages/torch/nn/modules/linear.py",
      "def forward(self, input: Tensor) -> Tensor:\n"
      "    return F.linear(input, self.weight, self.bias)\n",
      113, /*columnOffset=*/4);
}

// What 1.13 wrote for Linear's code file (records at 0, 381 and 414; see ARCHIVE_FORMAT.md
// §7), rebuilt from the same ranges: [55, 63) of the dedented text is `F.linear`, which is
// [63, 71) once both lines are indented again.
TEST(DebugRecords, WritesTheBytesOf113ForLinear) {
  auto source = linearSource();
  ASSERT_EQ(lang::SourceRange(source, 55, 63).text(), "F.linear");
  std::vector<ir::PrintedSourceRange> ranges = {
      {0, lang::SourceRange()}, {381, lang::SourceRange(source, 55, 63)}, {414, lang::SourceRange()}};
  // In 1.13's archive the empty range was tag 0 and ten ranges of the module's own file came
  // before F.linear's (tag 11).
  SourceRangeTags tags;
  tags.tagOf(lang::SourceRange());
  auto other = std::make_shared<lang::SourceFile>("other.py", std::string(20, 'x'));
  for (uint32_t i = 1; i <= 10; ++i) tags.tagOf(lang::SourceRange(other, 0, i));
  // 1.13's bytes, from its archive.
  const char* hex =
      "80025818000000464f524d41545f574954485f535452494e475f5441424c457100285800000000710158300000002020"
      "202064656620666f72776172642873656c662c20696e7075743a2054656e736f7229202d3e2054656e736f723a0a7102"
      "5837000000202020202020202072657475726e20462e6c696e65617228696e7075742c2073656c662e7765696768742c"
      "2073656c662e62696173290a710358390000002f7573722f6c69622f707974686f6e332f646973742d7061636b616765"
      "732f746f7263682f6e6e2f6d6f64756c65732f6c696e6561722e707971047471054b0063746f7263682e6a69742e5f70"
      "69636b6c650a6275696c645f696e746c6973740a7106285d286574524b004b008771074b004b00874b00874d7d016806"
      "285d284b014b024b006574524b034b718771084b3f4b47874b0b874d9e0168074b004b00874b0087877109872e";
  std::string expected;
  for (const char* at = hex; at[0] && at[1]; at += 2) {
    expected += static_cast<char>(std::stoi(std::string(at, 2), nullptr, 16));
  }
  EXPECT_EQ(debugRecordPickle(ranges, tags), expected);
}

TEST(DebugRecords, TagsNumberDistinctRangesAcrossFiles) {
  auto source = linearSource();
  SourceRangeTags tags;
  EXPECT_EQ(tags.tagOf(lang::SourceRange()), 0);
  EXPECT_EQ(tags.tagOf(lang::SourceRange(source, 55, 63)), 1);
  EXPECT_EQ(tags.tagOf(lang::SourceRange()), 0);
  EXPECT_EQ(tags.tagOf(lang::SourceRange(source, 55, 64)), 2);
  EXPECT_EQ(tags.tagOf(lang::SourceRange(source, 55, 63)), 1);
}

TEST(DebugRecords, DecodesWhatItWrites) {
  auto source = linearSource();
  std::vector<ir::PrintedSourceRange> ranges = {
      {0, lang::SourceRange()}, {381, lang::SourceRange(source, 55, 63)}, {414, lang::SourceRange()}};
  SourceRangeTags tags;
  auto decoded = decodeDebugRecords(debugRecordPickle(ranges, tags), "x.debug_pkl");
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_FALSE((*decoded)[0].range.valid());
  const lang::SourceRange& range = (*decoded)[1].range;
  ASSERT_TRUE(range.valid());
  EXPECT_EQ((*decoded)[1].offset, 381u);
  EXPECT_EQ((*decoded)[1].tag, 1);
  EXPECT_EQ(range.text(), "F.linear");
  EXPECT_EQ(range.file->name(), "/usr/lib/python3/dist-packages/torch/nn/modules/linear.py");
  EXPECT_EQ(range.line(), 114u);
  EXPECT_EQ(range.start, 63u);  // indented again, as 1.13 stores it
  EXPECT_EQ(lang::tracebackFrame(range, "forward"),
            "  File \"/usr/lib/python3/dist-packages/torch/nn/modules/linear.py\", line 114, in forward\n"
            "    def forward(self, input: Tensor) -> Tensor:\n"
            "        return F.linear(input, self.weight, self.bias)\n"
            "               ~~~~~~~~ <--- HERE\n");
}

TEST(DebugRecords, DecodesTheLayoutWithoutStringTable) {
  using serialize::PickleValue;
  PickleValue source = PickleValue::tuple(
      {PickleValue::string("a = 1\nb = a + x\n"), PickleValue::string("f.py"), PickleValue::integer(7)});
  source.setMemoized(true);  // written once, fetched from the memo by the second record
  PickleValue records = PickleValue::tuple(
      {PickleValue::tuple({PickleValue::integer(0), PickleValue::tuple({source, PickleValue::integer(6),
                                                                          PickleValue::integer(15)})}),
       PickleValue::tuple({PickleValue::integer(20), PickleValue::tuple({source, PickleValue::integer(10),
                                                                           PickleValue::integer(15)})})});
  auto decoded = decodeDebugRecords(serialize::pickle(records), "old.debug_pkl");
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0].range.text(), "b = a + x");
  EXPECT_EQ((*decoded)[1].range.text(), "a + x");
  EXPECT_EQ((*decoded)[1].range.line(), 8u);
  EXPECT_EQ((*decoded)[0].range.file, (*decoded)[1].range.file) << "one source, one file";
}

TEST(DebugRecords, MalformedRecordsAreRefusedWithoutThrowing) {
  using serialize::PickleValue;
  auto encode = [](const PickleValue& value) { return serialize::pickle(value); };
  auto table = [](std::vector<PickleValue> records, std::vector<std::string> strings) {
    std::vector<PickleValue> texts;
    for (auto& text : strings) texts.push_back(PickleValue::string(text));
    return PickleValue::tuple({PickleValue::string("FORMAT_WITH_STRING_TABLE"), PickleValue::tuple(texts),
                               PickleValue::tuple(std::move(records))});
  };
  auto intlist = [](std::vector<int64_t> values) {
    std::vector<PickleValue> items;
    for (int64_t v : values) items.push_back(PickleValue::integer(v));
    return PickleValue::reduce(PickleValue::global("torch.jit._pickle", "build_intlist"),
                               PickleValue::tuple({PickleValue::list(items)}));
  };
  auto record = [](int64_t offset, PickleValue source, int64_t start, int64_t end) {
    return PickleValue::tuple({PickleValue::integer(offset),
                               PickleValue::tuple({std::move(source), PickleValue::integer(start),
                                                   PickleValue::integer(end)}),
                               PickleValue::integer(0)});
  };
  auto good = PickleValue::tuple({intlist({1}), PickleValue::integer(2), PickleValue::integer(1)});
  std::vector<std::string> strings = {"", "x = 1\n", "f.py"};
  ASSERT_TRUE(decodeDebugRecords(encode(table({record(0, good, 0, 5)}, strings)), "r").has_value());

  EXPECT_FALSE(decodeDebugRecords("", "r").has_value());
  EXPECT_FALSE(decodeDebugRecords("garbage", "r").has_value());
  EXPECT_FALSE(decodeDebugRecords(encode(PickleValue::integer(3)), "r").has_value());
  EXPECT_FALSE(decodeDebugRecords(encode(table({PickleValue::integer(1)}, strings)), "r").has_value());
  auto badLine = PickleValue::tuple({intlist({7}), PickleValue::integer(2), PickleValue::integer(1)});
  EXPECT_FALSE(decodeDebugRecords(encode(table({record(0, badLine, 0, 1)}, strings)), "r").has_value());
  auto badName = PickleValue::tuple({intlist({1}), PickleValue::integer(-1), PickleValue::integer(1)});
  EXPECT_FALSE(decodeDebugRecords(encode(table({record(0, badName, 0, 1)}, strings)), "r").has_value());
  EXPECT_FALSE(decodeDebugRecords(encode(table({record(0, good, 4, 2)}, strings)), "r").has_value());
  EXPECT_FALSE(decodeDebugRecords(encode(table({record(0, good, 99, 100)}, strings)), "r").has_value());
  EXPECT_FALSE(decodeDebugRecords(encode(table({record(-1, good, 0, 1)}, strings)), "r").has_value());
  EXPECT_FALSE(
      decodeDebugRecords(encode(table({record(9, good, 0, 1), record(3, good, 0, 1)}, strings)), "r").has_value())
      << "offsets must not decrease";
  // A range running past its source is cut at the source's end, as its text can only be shown.
  auto cut = decodeDebugRecords(encode(table({record(0, good, 4, 50)}, strings)), "r");
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ((*cut)[0].range.text(), "1\n");
}

TEST(DebugRecords, OriginsAreLookedUpByOffsetAndMalformedOnesGiveNone) {
  auto source = linearSource();
  std::vector<ir::PrintedSourceRange> ranges = {
      {0, lang::SourceRange()}, {10, lang::SourceRange(source, 55, 63)}, {20, lang::SourceRange()}};
  SourceRangeTags tags;
  serialize::ZipWriter writer("archive");
  writer.writeRecord("code/__torch__.py.debug_pkl", debugRecordPickle(ranges, tags), /*compress=*/true);
  writer.writeRecord("code/broken.py.debug_pkl", std::string("not a pickle"), /*compress=*/true);
  auto zip = std::make_shared<const serialize::ZipReader>(serialize::ZipReader::fromBuffer(writer.finish(), "t.pt"));

  auto origins = archiveCodeOrigins(zip, "code/__torch__.py.debug_pkl");
  ASSERT_TRUE(origins->rangeThatGenerated(12).has_value());
  EXPECT_EQ(origins->rangeThatGenerated(12)->text(), "F.linear");
  EXPECT_EQ(origins->rangeThatGenerated(10)->text(), "F.linear");
  ASSERT_TRUE(origins->rangeThatGenerated(25).has_value());
  EXPECT_FALSE(origins->rangeThatGenerated(25)->valid()) << "a record of no source";

  EXPECT_FALSE(archiveCodeOrigins(zip, "code/broken.py.debug_pkl")->rangeThatGenerated(3).has_value());
  EXPECT_FALSE(archiveCodeOrigins(zip, "code/missing.py.debug_pkl")->rangeThatGenerated(3).has_value());
}

}  // namespace
}  // namespace tscript::archive
