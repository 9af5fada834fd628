// Tensor records: rebuilding tensors from hand-built pickle nodes and storage records, the
// validation of every field against the record (each bad input must give a SerializeError
// that names the record and the problem, never a crash), storage sharing, and the writer's
// bytes against a data.pkl written by torch.jit.save 1.13.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "archive/tensor_records.h"
#include "serialize/pickle.h"
#include "serialize/pickler.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"
#include "serialize/zip_writer.h"

namespace tscript::archive {
namespace {

using serialize::PickleValue;
using serialize::SerializeError;
using serialize::TupleEncoding;
using serialize::ZipReader;

// ---- helpers ------------------------------------------------------------------------------

std::string bytesOf(const at::Tensor& tensor) {
  at::Tensor contiguous = tensor.contiguous();
  return std::string(static_cast<const char*>(contiguous.data_ptr()), contiguous.nbytes());
}

ZipReader makeArchive(const std::vector<std::pair<std::string, std::string>>& records) {
  serialize::ZipWriter writer("archive");
  for (const auto& [name, bytes] : records) writer.writeRecord(name, bytes);
  writer.writeRecord("version", "3\n");
  return ZipReader::fromBuffer(writer.finish(), "test.pt");
}

PickleValue storageId(const std::string& storageClass, const std::string& key, int64_t numel,
                      const std::string& location = "cpu") {
  return PickleValue::persistentId(PickleValue::tuple(
      {PickleValue::string("storage"), PickleValue::global("torch", storageClass),
       PickleValue::string(key), PickleValue::string(location), PickleValue::integer(numel)},
      TupleEncoding::Marked));
}

PickleValue ints(const std::vector<int64_t>& values) {
  std::vector<PickleValue> items;
  for (int64_t value : values) items.push_back(PickleValue::integer(value));
  return PickleValue::tuple(std::move(items), TupleEncoding::Marked);
}

PickleValue emptyHooks() {
  return PickleValue::reduce(PickleValue::global("collections", "OrderedDict"),
                             PickleValue::tuple({}));
}

PickleValue tensorNode(PickleValue storage, int64_t offset, const std::vector<int64_t>& sizes,
                       const std::vector<int64_t>& strides, bool requiresGrad = false,
                       PickleValue hooks = emptyHooks()) {
  return PickleValue::reduce(
      PickleValue::global("torch._utils", "_rebuild_tensor_v2"),
      PickleValue::tuple({std::move(storage), PickleValue::integer(offset), ints(sizes),
                          ints(strides), PickleValue::boolean(requiresGrad), std::move(hooks)},
                         TupleEncoding::Marked));
}

// A 12-element float storage `data/0` holding 0..11.
const std::vector<std::pair<std::string, std::string>>& twelveFloats() {
  static const auto records = std::vector<std::pair<std::string, std::string>>{
      {"data/0", bytesOf(at::arange(12, at::kFloat))}};
  return records;
}

// Reads `node` from an archive of `records` and returns the SerializeError's message, or
// "<no error>".
std::string errorReading(const PickleValue& node,
                         const std::vector<std::pair<std::string, std::string>>& records,
                         TensorLoadOptions options = {}) {
  ZipReader archive = makeArchive(records);
  try {
    TensorRecordReader reader(archive, "data", "data.pkl", options);
    reader.read(node);
  } catch (const SerializeError& error) {
    return error.what();
  }
  return "<no error>";
}

#define EXPECT_READ_ERROR(node, records, fragment)                   \
  do {                                                               \
    std::string message = errorReading((node), (records));           \
    EXPECT_NE(message.find(fragment), std::string::npos) << message; \
  } while (0)

// ---- reading ------------------------------------------------------------------------------

TEST(TensorRecordsTest, ReadsAViewWithOffsetAndStrides) {
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl");
  // The transpose of the 2x2 block at rows 1-2, columns 1-2 of a 3x4 matrix.
  at::Tensor tensor = reader.read(tensorNode(storageId("FloatStorage", "0", 12), 5, {2, 2}, {1, 4}));
  EXPECT_EQ(tensor.scalar_type(), at::kFloat);
  EXPECT_EQ(tensor.sizes(), at::IntArrayRef({2, 2}));
  EXPECT_EQ(tensor.strides(), at::IntArrayRef({1, 4}));
  EXPECT_EQ(tensor.storage_offset(), 5);
  EXPECT_EQ(tensor.storage().nbytes(), 48u);
  EXPECT_FALSE(tensor.requires_grad());
  at::Tensor expected = at::arange(12, at::kFloat).reshape({3, 4}).slice(0, 1).slice(1, 1, 3).t();
  EXPECT_TRUE(at::equal(tensor, expected)) << tensor;
}

TEST(TensorRecordsTest, ViewsOfOneKeyShareOneStorage) {
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl");
  // As Python's torch.save writes them: a fresh persistent-id tuple per reference.
  at::Tensor base = reader.read(tensorNode(storageId("FloatStorage", "0", 12), 0, {3, 4}, {4, 1}));
  at::Tensor view = reader.read(tensorNode(storageId("FloatStorage", "0", 12), 0, {4, 3}, {1, 4}));
  EXPECT_TRUE(base.storage().is_alias_of(view.storage()));
  base.fill_(7);  // a write through one is seen through the other
  EXPECT_TRUE(at::equal(view, at::full({4, 3}, 7.0f)));
}

TEST(TensorRecordsTest, TheSameNodeGivesTheSameTensor) {
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl");
  PickleValue node = tensorNode(storageId("FloatStorage", "0", 12), 0, {12}, {1});
  at::Tensor first = reader.read(node);
  EXPECT_TRUE(first.is_same(reader.read(node)));
  // Another node over the same storage is another tensor (1.13 memoizes by node).
  EXPECT_FALSE(first.is_same(reader.read(tensorNode(storageId("FloatStorage", "0", 12), 0, {12}, {1}))));
}

TEST(TensorRecordsTest, EveryStorageClassRoundTripsItsDtype) {
  for (c10::ScalarType type :
       {at::kByte, at::kChar, at::kShort, at::kInt, at::kLong, at::kHalf, at::kFloat, at::kDouble,
        at::kComplexFloat, at::kComplexDouble, at::kBool, at::kBFloat16}) {
    at::Tensor source = at::arange(-3, 3).to(type);
    std::string storageClass = storageClassOf(type);
    EXPECT_EQ(scalarTypeOfStorageClass(storageClass), type);
    ZipReader archive = makeArchive({{"data/0", bytesOf(source)}});
    TensorRecordReader reader(archive, "data", "data.pkl");
    at::Tensor tensor = reader.read(tensorNode(storageId(storageClass, "0", 6), 0, {6}, {1}));
    EXPECT_EQ(tensor.scalar_type(), type) << storageClass;
    EXPECT_TRUE(at::equal(tensor, source)) << storageClass << tensor;
  }
  EXPECT_EQ(scalarTypeOfStorageClass("UntypedStorage"), std::nullopt);
}

TEST(TensorRecordsTest, ZeroDimAndEmptyTensors) {
  ZipReader archive = makeArchive({{"data/0", bytesOf(at::arange(3, at::kLong))},
                                   {"data/1", ""}});
  TensorRecordReader reader(archive, "data", "data.pkl");
  at::Tensor scalar = reader.read(tensorNode(storageId("LongStorage", "0", 3), 2, {}, {}));
  EXPECT_EQ(scalar.dim(), 0);
  EXPECT_EQ(scalar.item<int64_t>(), 2);
  at::Tensor empty = reader.read(tensorNode(storageId("LongStorage", "1", 0), 0, {0}, {1}));
  EXPECT_EQ(empty.numel(), 0);
  // An empty view reads nothing, so its offset is not bounded by the storage (as in ATen,
  // which lets x[10:] of a 3-element storage have offset 10).
  at::Tensor emptyView = reader.read(tensorNode(storageId("LongStorage", "0", 3), 10, {2, 0}, {0, 1}));
  EXPECT_EQ(emptyView.numel(), 0);
  EXPECT_EQ(emptyView.storage_offset(), 10);
}

TEST(TensorRecordsTest, RequiresGradAndParameters) {
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl");
  EXPECT_TRUE(reader.read(tensorNode(storageId("FloatStorage", "0", 12), 0, {2}, {1}, true))
                  .requires_grad());
  // torch.save of an nn.Parameter: _rebuild_parameter(data, requires_grad, hooks).
  PickleValue data = tensorNode(storageId("FloatStorage", "0", 12), 0, {3}, {1});
  at::Tensor parameter = reader.read(PickleValue::reduce(
      PickleValue::global("torch._utils", "_rebuild_parameter"),
      PickleValue::tuple({data, PickleValue::boolean(true), emptyHooks()})));
  EXPECT_TRUE(parameter.requires_grad());
  EXPECT_TRUE(parameter.is_leaf());
  EXPECT_TRUE(parameter.storage().is_alias_of(reader.read(data).storage()));
}

TEST(TensorRecordsTest, MapLocationLoadsStoragesSavedElsewhere) {
  PickleValue node = tensorNode(storageId("FloatStorage", "0", 12, "cuda:0"), 0, {12}, {1});
  EXPECT_READ_ERROR(node, twelveFloats(),
                    "test.pt: data.pkl: storage 'data/0' (FloatStorage, 12 elements): saved on "
                    "'cuda:0'; this build creates CPU tensors only, so give a map location of cpu");
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl", {c10::Device("cpu")});
  EXPECT_TRUE(reader.read(node).device().is_cpu());
  EXPECT_THROW(TensorRecordReader(archive, "data", "data.pkl", {c10::Device("cuda:0")}),
               SerializeError);
  EXPECT_READ_ERROR(tensorNode(storageId("FloatStorage", "0", 12, "moon"), 0, {12}, {1}),
                    twelveFloats(), "unknown location 'moon'");
}

TEST(TensorRecordsTest, ConstantsUseTheirOwnFolder) {
  ZipReader archive = makeArchive({{"constants/0", bytesOf(at::ones({2}, at::kDouble))}});
  TensorRecordReader constants(archive, "constants", "constants.pkl");
  EXPECT_TRUE(at::equal(constants.read(tensorNode(storageId("DoubleStorage", "0", 2), 0, {2}, {1})),
                        at::ones({2}, at::kDouble)));
  TensorRecordReader data(archive, "data", "data.pkl");
  EXPECT_THROW(data.read(tensorNode(storageId("DoubleStorage", "0", 2), 0, {2}, {1})),
               SerializeError);
}

// ---- validation: one bad field at a time --------------------------------------------------

TEST(TensorRecordsValidationTest, RecordMissingOrOfTheWrongSize) {
  EXPECT_READ_ERROR(tensorNode(storageId("FloatStorage", "1", 12), 0, {12}, {1}), twelveFloats(),
                    "test.pt: data.pkl: storage 'data/1' (FloatStorage, 12 elements): the record "
                    "is missing");
  EXPECT_READ_ERROR(tensorNode(storageId("FloatStorage", "0", 13), 0, {12}, {1}), twelveFloats(),
                    "storage 'data/0' (FloatStorage, 13 elements): the record has 48 bytes, "
                    "expected 52 (13 x 4)");
  EXPECT_READ_ERROR(tensorNode(storageId("FloatStorage", "0", 11), 0, {11}, {1}), twelveFloats(),
                    "the record has 48 bytes, expected 44 (11 x 4)");
  // The same 48 bytes are 6 doubles, not 12.
  EXPECT_READ_ERROR(tensorNode(storageId("DoubleStorage", "0", 12), 0, {12}, {1}), twelveFloats(),
                    "expected 96 (12 x 8)");
  EXPECT_READ_ERROR(tensorNode(storageId("DoubleStorage", "0", int64_t{1} << 61), 0, {1}, {1}),
                    twelveFloats(), "the byte size overflows");
}

TEST(TensorRecordsValidationTest, ViewOutsideTheStorage) {
  auto storage = [] { return storageId("FloatStorage", "0", 12); };
  // Exactly fitting views are fine; one more element is not.
  EXPECT_EQ(errorReading(tensorNode(storage(), 0, {3, 4}, {4, 1}), twelveFloats()), "<no error>");
  EXPECT_EQ(errorReading(tensorNode(storage(), 11, {}, {}), twelveFloats()), "<no error>");
  EXPECT_READ_ERROR(tensorNode(storage(), 12, {}, {}), twelveFloats(),
                    "tensor on storage 'data/0': size (), stride () and storage_offset 12 reach "
                    "element 12, but the storage has 12");
  EXPECT_READ_ERROR(tensorNode(storage(), 1, {3, 4}, {4, 1}), twelveFloats(),
                    "reach element 12, but the storage has 12");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {13}, {1}), twelveFloats(), "reach element 12");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {2, 2}, {1, 11}), twelveFloats(), "reach element 12");
  // Stride 0 (expanded views) reaches only the first element of its dimension.
  EXPECT_EQ(errorReading(tensorNode(storage(), 11, {1000, 5}, {0, 0}), twelveFloats()),
            "<no error>");
}

TEST(TensorRecordsValidationTest, NegativeOrMismatchedShapes) {
  auto storage = [] { return storageId("FloatStorage", "0", 12); };
  EXPECT_READ_ERROR(tensorNode(storage(), -1, {2}, {1}), twelveFloats(),
                    "negative storage_offset -1");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {2, -1}, {1, 1}), twelveFloats(),
                    "negative size in (2, -1)");
  EXPECT_READ_ERROR(tensorNode(storage(), 4, {2}, {-1}), twelveFloats(),
                    "negative stride in (-1,)");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {2, 2}, {1}), twelveFloats(),
                    "size (2, 2) and stride (1,) have different lengths");
}

TEST(TensorRecordsValidationTest, OverflowingArithmetic) {
  auto storage = [] { return storageId("FloatStorage", "0", 12); };
  constexpr int64_t kHuge = int64_t{1} << 62;
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {kHuge, 4}, {0, 0}), twelveFloats(),
                    "the element count of size (4611686018427387904, 4) overflows");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {3, 2}, {kHuge, 1}), twelveFloats(),
                    "with stride (4611686018427387904, 1) overflows");
  EXPECT_READ_ERROR(tensorNode(storage(), INT64_MAX, {1}, {1}), twelveFloats(),
                    "storage_offset overflows");
  // Each term fits, the sum does not.
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {2, 2}, {INT64_MAX, INT64_MAX}), twelveFloats(),
                    "overflows");
  // An empty view with a huge size elsewhere still has a representable element count.
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {0, kHuge, 4}, {1, 1, 1}), twelveFloats(),
                    "the element count of size (0, 4611686018427387904, 4) overflows");
}

TEST(TensorRecordsValidationTest, MalformedStorageIds) {
  auto withId = [](PickleValue id) {
    return tensorNode(PickleValue::persistentId(std::move(id)), 0, {1}, {1});
  };
  auto id = [](std::vector<PickleValue> items) { return PickleValue::tuple(std::move(items)); };
  using P = PickleValue;
  EXPECT_READ_ERROR(withId(P::string("storage")), twelveFloats(),
                    "expected the persistent id ('storage', <X>Storage, key, location, numel)");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FloatStorage"),
                               P::string("0"), P::string("cpu")})),
                    twelveFloats(), "expected the persistent id");
  EXPECT_READ_ERROR(withId(id({P::string("blob"), P::global("torch", "FloatStorage"),
                               P::string("0"), P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "does not start with 'storage'");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FloatStorage"),
                               P::string("../0"), P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "the key is not a record name");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FloatStorage"),
                               P::integer(0), P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "the key is not a record name");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::string("FloatStorage"), P::string("0"),
                               P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "the storage class is not a torch.<X>Storage global");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("numpy", "FloatStorage"),
                               P::string("0"), P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "the storage class is not a torch.<X>Storage global");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FooStorage"),
                               P::string("0"), P::string("cpu"), P::integer(12)})),
                    twelveFloats(), "unknown storage class torch.FooStorage");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FloatStorage"),
                               P::string("0"), P::integer(0), P::integer(12)})),
                    twelveFloats(), "the location is not a string");
  EXPECT_READ_ERROR(withId(id({P::string("storage"), P::global("torch", "FloatStorage"),
                               P::string("0"), P::string("cpu"), P::integer(-12)})),
                    twelveFloats(), "the element count is not a non-negative int");
  EXPECT_READ_ERROR(tensorNode(P::string("0"), 0, {1}, {1}), twelveFloats(),
                    "the storage is not a persistent id");
}

TEST(TensorRecordsValidationTest, OneKeyDescribedTwoWays) {
  ZipReader archive = makeArchive(twelveFloats());
  TensorRecordReader reader(archive, "data", "data.pkl");
  reader.read(tensorNode(storageId("FloatStorage", "0", 12), 0, {12}, {1}));
  try {
    reader.read(tensorNode(storageId("IntStorage", "0", 12), 0, {12}, {1}));
    ADD_FAILURE() << "no error";
  } catch (const SerializeError& error) {
    EXPECT_NE(std::string(error.what()).find("the key was already used for a Float storage of "
                                             "12 elements"),
              std::string::npos)
        << error.what();
  }
}

TEST(TensorRecordsValidationTest, MalformedArguments) {
  using P = PickleValue;
  auto storage = [] { return storageId("FloatStorage", "0", 12); };
  auto call = [](const char* function, std::vector<PickleValue> args) {
    return P::reduce(P::global("torch._utils", function), P::tuple(std::move(args)));
  };
  EXPECT_READ_ERROR(call("_rebuild_tensor_v2", {storage(), P::integer(0), ints({1}), ints({1}),
                                                P::boolean(false)}),
                    twelveFloats(), "_rebuild_tensor_v2: expected 6 arguments");
  EXPECT_READ_ERROR(P::reduce(P::global("torch._utils", "_rebuild_tensor_v2"), P::string("x")),
                    twelveFloats(), "the arguments are not a tuple");
  EXPECT_READ_ERROR(call("_rebuild_tensor_v2", {storage(), P::floating(0), ints({1}), ints({1}),
                                                P::boolean(false), emptyHooks()}),
                    twelveFloats(), "storage_offset is not an int");
  EXPECT_READ_ERROR(call("_rebuild_tensor_v2", {storage(), P::integer(0), P::tuple({P::floating(1)}),
                                                ints({1}), P::boolean(false), emptyHooks()}),
                    twelveFloats(), "size is not a tuple of ints");
  EXPECT_READ_ERROR(call("_rebuild_tensor_v2", {storage(), P::integer(0), ints({1}), P::integer(1),
                                                P::boolean(false), emptyHooks()}),
                    twelveFloats(), "stride is not a tuple of ints");
  EXPECT_READ_ERROR(call("_rebuild_tensor_v2", {storage(), P::integer(0), ints({1}), ints({1}),
                                                P::integer(1), emptyHooks()}),
                    twelveFloats(), "requires_grad is not a bool");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {1}, {1}, false, P::dict({})), twelveFloats(),
                    "backward_hooks is not an empty OrderedDict()");
  EXPECT_READ_ERROR(tensorNode(storage(), 0, {1}, {1}, false,
                               P::reduce(P::global("collections", "OrderedDict"),
                                         P::tuple({P::list({})}))),
                    twelveFloats(), "backward_hooks is not an empty OrderedDict()");
  EXPECT_READ_ERROR(P::integer(3), twelveFloats(), "expected a tensor");
  EXPECT_READ_ERROR(call("_rebuild_parameter", {P::integer(1), P::boolean(true), emptyHooks()}),
                    twelveFloats(), "_rebuild_parameter: the data is not a tensor");
}

TEST(TensorRecordsValidationTest, DtypeRules) {
  at::Tensor longs = at::arange(4, at::kLong);
  std::vector<std::pair<std::string, std::string>> records = {{"data/0", bytesOf(longs)}};
  EXPECT_READ_ERROR(tensorNode(storageId("LongStorage", "0", 4), 0, {4}, {1}, true), records,
                    "a Long tensor cannot require grad");
  EXPECT_READ_ERROR(tensorNode(storageId("QInt8Storage", "0", 32), 0, {4}, {1}), records,
                    "a quantized storage (QInt8Storage) outside _rebuild_qtensor");
  PickleValue parameter = PickleValue::reduce(
      PickleValue::global("torch._utils", "_rebuild_parameter"),
      PickleValue::tuple({tensorNode(storageId("LongStorage", "0", 4), 0, {4}, {1}),
                          PickleValue::boolean(true), emptyHooks()}));
  EXPECT_READ_ERROR(parameter, records, "_rebuild_parameter: a Long tensor cannot require grad");
}

TEST(TensorRecordsValidationTest, UnsupportedRebuildsAreNamed) {
  for (const char* function : {"_rebuild_qtensor", "_rebuild_sparse_tensor"}) {
    PickleValue node = PickleValue::reduce(PickleValue::global("torch._utils", function),
                                           PickleValue::tuple({}));
    EXPECT_TRUE(TensorRecordReader::isTensor(node));
    EXPECT_READ_ERROR(node, twelveFloats(),
                      std::string("torch._utils.") + function + " tensors are not supported yet");
  }
  EXPECT_FALSE(TensorRecordReader::isTensor(emptyHooks()));
  EXPECT_FALSE(TensorRecordReader::isTensor(PickleValue::integer(1)));
}

// Random shapes, strides, offsets and storage sizes around the boundaries: every case either
// loads a tensor whose every element can be read, or fails with a SerializeError.
TEST(TensorRecordsValidationTest, RandomViewsNeverReachOutside) {
  std::mt19937_64 random(13);
  auto pick = [&](std::vector<int64_t> choices) { return choices[random() % choices.size()]; };
  int loaded = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    int64_t numel = pick({0, 1, 2, 7, 12});
    size_t dims = random() % 4;
    std::vector<int64_t> sizes, strides;
    for (size_t d = 0; d < dims; ++d) {
      sizes.push_back(pick({0, 1, 2, 3, 5, -1, int64_t{1} << 40, INT64_MAX}));
      strides.push_back(pick({0, 1, 2, 4, 7, -1, int64_t{1} << 40, INT64_MAX}));
    }
    int64_t offset = pick({0, 1, 3, 11, 12, -1, INT64_MAX});
    ZipReader archive = makeArchive({{"data/0", bytesOf(at::arange(numel, at::kFloat))}});
    TensorRecordReader reader(archive, "data", "data.pkl");
    try {
      at::Tensor tensor = reader.read(
          tensorNode(storageId("FloatStorage", "0", numel), offset, sizes, strides));
      // (Expanded views of 2^40 elements are in bounds too, but too many to read here.)
      if (tensor.numel() > 0 && tensor.numel() < 100000) {
        // Every element lies in the storage: the largest one read is a storage value.
        EXPECT_LT(tensor.max().item<float>(), static_cast<float>(numel));
      }
      ++loaded;
    } catch (const SerializeError&) {
      ++rejected;
    }
  }
  EXPECT_GT(loaded, 300);
  EXPECT_GT(rejected, 300);
}

// ---- writing ------------------------------------------------------------------------------

std::vector<uint8_t> fromHex(const std::string& hex) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// m/data.pkl of torch.jit.save (1.13) for a scripted module with the attributes
//   w = Parameter(torch.ones(2, 3)); base = torch.arange(12.).reshape(3, 4)
//   buffers a = base, b = base.t(), e = torch.zeros(0, dtype=torch.int64)
// (386 bytes; written with /usr/bin/python3 and dumped with bytes.hex()).
const char* const kModuleDataPkl =
    "8002635f5f746f7263685f5f0a4d0a710029817d28580100000077710163746f7263682e5f7574696c730a5f"
    "72656275696c645f74656e736f725f76320a71022828580700000073746f72616765710363746f7263680a46"
    "6c6f617453746f726167650a71045801000000307105580300000063707571064b06745171074b00284b024b"
    "0374284b034b01748863636f6c6c656374696f6e730a4f726465726564446963740a71082952745271095801"
    "00000061710a6802282868036804580100000031710b68064b0c7451710c4b00284b034b0474284b044b0174"
    "89680829527452710d580100000062710e680228680c4b00284b044b0374284b014b04748968082952745271"
    "0f580100000065711068022828680363746f7263680a4c6f6e6753746f726167650a71115801000000327112"
    "68064b00745171134b00284b0074284b01748968082952745271145808000000747261696e696e6771158858"
    "160000005f69735f66756c6c5f6261636b776172645f686f6f6b71164e756271172e";

TEST(TensorRecordWriterTest, WritesWhatTorchJitSaveWrites) {
  at::Tensor w = at::ones({2, 3});
  w.set_requires_grad(true);
  at::Tensor base = at::arange(12, at::kFloat).reshape({3, 4});
  at::Tensor e = at::zeros({0}, at::kLong);
  TensorRecordWriter writer;
  using P = PickleValue;
  P state = P::dict({{P::string("w"), writer.write(w)},
                     {P::string("a"), writer.write(base)},
                     {P::string("b"), writer.write(base.t())},
                     {P::string("e"), writer.write(e)},
                     {P::string("training"), P::boolean(true)},
                     {P::string("_is_full_backward_hook"), P::none()}});
  P module = P::withState(P::newObject(P::global("__torch__", "M"), P::tuple({})), state);
  module.setMemoized(true);
  std::vector<uint8_t> expected = fromHex(kModuleDataPkl);
  std::string bytes = serialize::pickle(module);
  EXPECT_EQ(bytes, std::string(expected.begin(), expected.end()))
      << serialize::formatPickleValue(serialize::unpickle(bytes, "ours"));

  // Three storages, numbered in the order met, each holding the whole storage.
  ASSERT_EQ(writer.records().size(), 3u);
  EXPECT_EQ(writer.records()[0].name, "data/0");
  EXPECT_EQ(writer.records()[1].name, "data/1");
  EXPECT_EQ(writer.records()[2].name, "data/2");
  auto text = [](std::span<const uint8_t> span) { return std::string(span.begin(), span.end()); };
  EXPECT_EQ(text(writer.records()[0].bytes()), bytesOf(at::ones({6})));
  EXPECT_EQ(text(writer.records()[1].bytes()), bytesOf(at::arange(12, at::kFloat)));
  EXPECT_EQ(writer.records()[2].bytes().size(), 0u);
}

TEST(TensorRecordWriterTest, TheSameTensorIsOneNode) {
  TensorRecordWriter writer;
  at::Tensor t = at::full({}, 2.5);
  EXPECT_EQ(writer.write(t).identity(), writer.write(t).identity());
  EXPECT_NE(writer.write(t).identity(), writer.write(t.view({1})).identity());
  EXPECT_EQ(writer.records().size(), 1u);
  EXPECT_EQ(writer.records()[0].name, "data/0");
  TensorRecordWriter constants("constants");
  constants.write(t);
  EXPECT_EQ(constants.records()[0].name, "constants/0");
}

TEST(TensorRecordWriterTest, WriteThenReadKeepsViewsAndSharing) {
  at::Tensor base = at::randn({4, 5}, at::kDouble);
  std::vector<at::Tensor> tensors = {
      base, base.t(), base.slice(0, 1).slice(1, 2, 4), base[2][3], base.slice(1, 5),
      at::arange(6, at::kShort).reshape({2, 3}).expand({4, 2, 3}),
      at::tensor({1.0f, -2.0f}).to(at::kBFloat16), at::zeros({0, 3}, at::kBool)};
  TensorRecordWriter writer;
  std::vector<PickleValue> nodes;
  for (const at::Tensor& tensor : tensors) nodes.push_back(writer.write(tensor));
  // Through real pickle bytes and a real zip, as a save then a load would go.
  std::string pickled = serialize::pickle(PickleValue::tuple(nodes, TupleEncoding::Marked));
  std::vector<std::pair<std::string, std::string>> records;
  for (const auto& record : writer.records()) {
    records.emplace_back(record.name, std::string(record.bytes().begin(), record.bytes().end()));
  }
  EXPECT_EQ(records.size(), 4u);  // base's, the shorts', the bfloat16s' and the bools'
  ZipReader archive = makeArchive(records);
  TensorRecordReader reader(archive, "data", "data.pkl");
  PickleValue root = serialize::unpickle(pickled, "data.pkl");
  std::vector<at::Tensor> loaded;
  for (const PickleValue& node : root.items()) loaded.push_back(reader.read(node));
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_TRUE(at::equal(loaded[i], tensors[i])) << i;
    EXPECT_EQ(loaded[i].strides(), tensors[i].strides()) << i;
    EXPECT_EQ(loaded[i].storage_offset(), tensors[i].storage_offset()) << i;
    EXPECT_EQ(loaded[i].scalar_type(), tensors[i].scalar_type()) << i;
  }
  for (size_t i = 1; i < 5; ++i) EXPECT_TRUE(loaded[i].storage().is_alias_of(loaded[0].storage()));
  EXPECT_FALSE(loaded[5].storage().is_alias_of(loaded[0].storage()));
}

TEST(TensorRecordWriterTest, RefusesWhatCannotBeWritten) {
  TensorRecordWriter writer;
  EXPECT_THROW(writer.write(at::Tensor()), SerializeError);
  EXPECT_THROW(writer.write(at::ones({2}, at::kComplexFloat).conj()), SerializeError);
  EXPECT_THROW(writer.write(at::quantize_per_tensor(at::ones({2}), 0.1, 0, at::kQInt8)),
               SerializeError);
  EXPECT_THROW(writer.write(at::ones({2, 2}).to_sparse()), SerializeError);
  at::Tensor doubles = at::ones({2}, at::kDouble);
  writer.write(doubles);
  try {
    writer.write(doubles.view(at::kInt));  // one storage, two dtypes: 1.13 refuses this too
    ADD_FAILURE() << "no error";
  } catch (const SerializeError& error) {
    EXPECT_STREQ(error.what(),
                 "cannot save tensors of dtypes Double and Int that share one storage");
  }
}

}  // namespace
}  // namespace tscript::archive
