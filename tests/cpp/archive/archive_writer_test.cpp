// The archive writer: record names and order as 1.13 writes them, the version record's place,
// data.pkl read back by our loader with every attribute kind, a tensor constant through
// constants.pkl and CONSTANTS.c0, byte-identical save -> load -> save, and clear errors.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <string>
#include <vector>

#include "archive/archive_loader.h"
#include "archive/archive_writer.h"
#include "ir/parser.h"
#include "runtime/value.h"
#include "serialize/serialize_error.h"
#include "serialize/zip_reader.h"

namespace tscript::archive {
namespace {

const char* kModuleCode =
    "class M(Module):\n"
    "  __parameters__ = [\"weight\", ]\n"
    "  __buffers__ = []\n"
    "  weight : Tensor\n"
    "  training : bool\n"
    "  count : int\n"
    "  sizes : List[int]\n"
    "  names : List[str]\n"
    "  table : Dict[str, float]\n"
    "  pair : Tuple[int, str]\n"
    "  where : Device\n"
    "  maybe : Optional[Tensor]\n"
    "  def forward(self: __torch__.M,\n"
    "    x: Tensor) -> Tensor:\n"
    "    weight = self.weight\n"
    "    _0 = torch.add(torch.mul(x, weight), CONSTANTS.c0)\n"
    "    return torch.add(_0, self.count)\n";

std::shared_ptr<types::ClassType> moduleType() {
  auto type = types::ClassType::create("__torch__.M", true);
  auto add = [&](const std::string& name, types::TypePtr attributeType, bool parameter = false) {
    types::ClassType::Attribute attribute;
    attribute.name = name;
    attribute.type = std::move(attributeType);
    attribute.isParameter = parameter;
    type->addAttribute(std::move(attribute));
  };
  add("weight", types::tensorType(), true);
  add("training", types::boolType());
  add("count", types::intType());
  add("sizes", types::listOf(types::intType()));
  add("names", types::listOf(types::strType()));
  add("table", types::dictOf(types::strType(), types::floatType()));
  add("pair", types::tupleOf({types::intType(), types::strType()}));
  add("where", types::deviceType());
  add("maybe", types::optionalOf(types::tensorType()));
  return type;
}

ArchiveContents contents(uint64_t version = 3) {
  auto type = moduleType();
  auto object = c10::make_intrusive<runtime::Object>(type, type->attributes().size());
  object->slots[0] = at::arange(6, at::kFloat).reshape({2, 3});
  object->slots[1] = true;
  object->slots[2] = int64_t{3};
  object->slots[3] = runtime::makeList(types::intType(), {runtime::Value(1), runtime::Value(2)});
  object->slots[4] = runtime::makeList(types::strType(), {runtime::Value("a"), runtime::Value("bc")});
  auto table = c10::make_intrusive<runtime::DictObject>(types::strType(), types::floatType());
  table->insertOrAssign(runtime::Value("x"), runtime::Value(0.5));
  object->slots[5] = runtime::Value(table);
  object->slots[6] = runtime::Value(c10::make_intrusive<runtime::TupleObject>(
      std::vector<runtime::Value>{runtime::Value(4), runtime::Value("four")}));
  object->slots[7] = c10::Device("cpu");
  object->slots[8] = runtime::Value();
  ArchiveContents result;
  result.root = runtime::Value(object);
  result.code.push_back(CodeFile{"__torch__", kModuleCode, {}});
  result.constants.push_back(at::tensor({10.0f, 20.0f, 30.0f}));
  result.extraFiles = {{"meta.txt", "hi there"}};
  result.version = version;
  return result;
}

std::vector<std::string> recordNames(const std::vector<uint8_t>& bytes) {
  serialize::ZipReader zip = serialize::ZipReader::fromBuffer(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  std::vector<std::string> names;
  for (const auto& entry : zip.entries()) names.push_back(entry.name);
  return names;
}

std::string_view view(const std::vector<uint8_t>& bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST(ArchiveWriterTest, RecordsInTheOrder113WritesThem) {
  std::vector<uint8_t> bytes = writeArchive(contents(), "m");
  EXPECT_EQ(recordNames(bytes),
            (std::vector<std::string>{"m/extra/meta.txt", "m/data/0", "m/data.pkl", "m/code/__torch__.py",
                                      "m/constants/0", "m/constants.pkl", "m/version"}));
  serialize::ZipReader zip = serialize::ZipReader::fromBuffer(view(bytes));
  EXPECT_EQ(zip.readRecord("version").text(), "3\n");
  EXPECT_EQ(zip.recordEntry("code/__torch__.py").method, 8);  // code is deflated, the rest stored
  EXPECT_EQ(zip.recordEntry("data.pkl").method, 0);
  for (const auto& entry : zip.entries()) EXPECT_EQ(entry.dataOffset % 64, 0u) << entry.name;
}

TEST(ArchiveWriterTest, VersionSixAndAboveGoesToDataFolder) {
  std::vector<uint8_t> bytes = writeArchive(contents(10), "archive");
  EXPECT_EQ(recordNames(bytes).back(), "archive/.data/version");
  EXPECT_THROW(writeArchive(contents(11), "archive"), serialize::SerializeError);
}

TEST(ArchiveWriterTest, LoadsBackWithEveryAttributeAndTheTensorConstant) {
  std::vector<uint8_t> bytes = writeArchive(contents(), "archive");
  std::shared_ptr<LoadedArchive> loaded = LoadedArchive::fromBuffer(view(bytes));
  const runtime::Object& root = loaded->root().toObject();
  EXPECT_TRUE(at::equal(root.slots[0].toTensor(), at::arange(6, at::kFloat).reshape({2, 3})));
  EXPECT_EQ(root.slots[2].toInt(), 3);
  EXPECT_EQ(root.slots[3].toList().elements.size(), 2u);
  EXPECT_EQ(root.slots[4].toList().elements[1].toStringRef(), "bc");
  EXPECT_EQ(root.slots[5].toDict().find(runtime::Value("x"))->toFloat(), 0.5);
  EXPECT_EQ(root.slots[6].toTuple().elements[1].toStringRef(), "four");
  EXPECT_TRUE(root.slots[7].isDevice());
  EXPECT_TRUE(root.slots[8].isNone());
  // forward(x) = x * weight + c0 + count: the constant's values come from constants/0, not
  // from any printed text.
  runtime::Value result = loaded->callMethod(loaded->root(), "forward", {at::ones({2, 3})});
  at::Tensor expected = at::arange(6, at::kFloat).reshape({2, 3}) + at::tensor({10.0f, 20.0f, 30.0f}) + 3;
  EXPECT_TRUE(at::allclose(result.toTensor(), expected));
}

TEST(ArchiveWriterTest, SaveLoadSaveIsByteIdentical) {
  std::vector<uint8_t> first = writeArchive(contents(), "archive");
  std::shared_ptr<LoadedArchive> loaded = LoadedArchive::fromBuffer(view(first));
  ArchiveContents again = contentsOfLoaded(*loaded, loaded->root());
  again.extraFiles = {{"meta.txt", "hi there"}};
  EXPECT_EQ(writeArchive(again, "archive"), first);
  // A changed attribute is what the next save writes.
  loaded->root().toObject().slots[2] = int64_t{7};
  std::vector<uint8_t> changed = writeArchive(contentsOfLoaded(*loaded, loaded->root()), "archive");
  EXPECT_EQ(LoadedArchive::fromBuffer(view(changed))->root().toObject().slots[2].toInt(), 7);
}

TEST(ArchiveWriterTest, SharedObjectsAndTensorsAreWrittenOnce) {
  ArchiveContents shared = contents();
  auto& slots = shared.root.toObject().slots;
  slots[8] = slots[0];  // `maybe` is the weight itself
  std::vector<uint8_t> bytes = writeArchive(shared, "archive");
  std::vector<std::string> names = recordNames(bytes);
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.rfind("archive/data/", 0) == 0; }),
            1);
  std::shared_ptr<LoadedArchive> loaded = LoadedArchive::fromBuffer(view(bytes));
  const auto& loadedSlots = loaded->root().toObject().slots;
  EXPECT_TRUE(loadedSlots[8].toTensor().is_same(loadedSlots[0].toTensor()));
}

TEST(ArchiveWriterTest, UnsaveableValuesNameTheirPath) {
  ArchiveContents bad = contents();
  auto stranger = types::ClassType::create("Stranger");
  bad.root.toObject().slots[8] = runtime::Value(c10::make_intrusive<runtime::Object>(stranger, 0));
  try {
    writeArchive(bad, "archive");
    FAIL() << "expected a SerializeError";
  } catch (const serialize::SerializeError& error) {
    EXPECT_NE(std::string(error.what()).find("self.maybe"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("Stranger"), std::string::npos) << error.what();
  }
  ArchiveContents noRoot = contents();
  noRoot.root = runtime::Value(3);
  EXPECT_THROW(writeArchive(noRoot, "archive"), serialize::SerializeError);
}

TEST(ArchiveWriterTest, FileFormatVersionOfOperators) {
  auto versionOf = [](const char* text) { return fileFormatVersionOf(*ir::parseGraph(text)); };
  EXPECT_EQ(versionOf("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n  return (%y)\n"), 3u);
  EXPECT_EQ(versionOf("graph(%x : Tensor):\n  %y : Tensor = aten::div(%x, %x)\n  return (%y)\n"), 4u);
  // inside a block, and the highest wins
  EXPECT_EQ(versionOf("graph(%x : Tensor, %c : bool):\n"
                      "  %y : Tensor = aten::div(%x, %x)\n"
                      "  %z : Tensor = prim::If(%c)\n"
                      "    block0():\n"
                      "      %g : Tensor = aten::gelu(%x)\n"
                      "      -> (%g)\n"
                      "    block1():\n"
                      "      -> (%y)\n"
                      "  return (%z)\n"), 10u);
  EXPECT_EQ(codeRecordName("__torch__.torch.nn.modules.linear"), "code/__torch__/torch/nn/modules/linear.py");
}

}  // namespace
}  // namespace tscript::archive

namespace tscript::archive {
namespace {

TEST(ArchiveWriterTest, StreamingGivesTheSameBytes) {
  std::vector<uint8_t> built = writeArchive(contents(), "archive");
  std::vector<uint8_t> streamed;
  size_t pieces = 0;
  writeArchive(contents(), "archive", [&](std::span<const uint8_t> bytes) {
    streamed.insert(streamed.end(), bytes.begin(), bytes.end());
    ++pieces;
  });
  EXPECT_EQ(streamed, built);
  EXPECT_GT(pieces, 7u);  // handed over record by record, not at the end
  std::string path = testing::TempDir() + "/streamed.pt";
  writeArchiveToFile(contents(), path);
  serialize::ZipReader zip = serialize::ZipReader::openFile(path);
  EXPECT_EQ(zip.archivePrefix(), "streamed");
  EXPECT_THROW(writeArchiveToFile(contents(), "/nonexistent-folder/x.pt"), serialize::SerializeError);
}

}  // namespace
}  // namespace tscript::archive
