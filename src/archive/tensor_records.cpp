// Tensor records (see tensor_records.h).
#include "archive/tensor_records.h"

#include <ATen/ATen.h>
#include <c10/core/CPUAllocator.h>

#include <bit>
#include <cstring>

#include "serialize/serialize_error.h"

namespace tscript::archive {

using serialize::PickleKind;
using serialize::PickleValue;
using serialize::SerializeError;

// Records hold little-endian bytes and are copied as they are.
static_assert(std::endian::native == std::endian::little,
              "tensor records are little-endian; a big-endian host would need byte swapping");

namespace {

struct StorageClass {
  const char* name;
  c10::ScalarType type;
};

// `<ScalarType>Storage`, the names 1.13's pickler derives from the dtype (ARCHIVE_FORMAT.md
// §2.3). ComplexHalf has no Python storage class in 1.13, but the C++ pickler names it so.
constexpr StorageClass kStorageClasses[] = {
    {"ByteStorage", c10::ScalarType::Byte},
    {"CharStorage", c10::ScalarType::Char},
    {"ShortStorage", c10::ScalarType::Short},
    {"IntStorage", c10::ScalarType::Int},
    {"LongStorage", c10::ScalarType::Long},
    {"HalfStorage", c10::ScalarType::Half},
    {"FloatStorage", c10::ScalarType::Float},
    {"DoubleStorage", c10::ScalarType::Double},
    {"ComplexHalfStorage", c10::ScalarType::ComplexHalf},
    {"ComplexFloatStorage", c10::ScalarType::ComplexFloat},
    {"ComplexDoubleStorage", c10::ScalarType::ComplexDouble},
    {"BoolStorage", c10::ScalarType::Bool},
    {"BFloat16Storage", c10::ScalarType::BFloat16},
    {"QInt8Storage", c10::ScalarType::QInt8},
    {"QUInt8Storage", c10::ScalarType::QUInt8},
    {"QInt32Storage", c10::ScalarType::QInt32},
    {"QUInt4x2Storage", c10::ScalarType::QUInt4x2},
    {"QUInt2x4Storage", c10::ScalarType::QUInt2x4},
};

constexpr const char* kRebuildModule = "torch._utils";

bool isGlobal(const PickleValue& value, std::string_view module, std::string_view name) {
  return value.is(PickleKind::Global) && value.globalModule() == module &&
         value.globalName() == name;
}

// The rebuild function's name when `node` is `torch._utils._rebuild_*(...)`, else "".
std::string rebuildFunction(const PickleValue& node) {
  if (!node.is(PickleKind::Object) ||
      node.construction() != serialize::ObjectConstruction::Reduce || node.hasState()) {
    return "";
  }
  const PickleValue& callable = node.callable();
  if (!callable.is(PickleKind::Global) || callable.globalModule() != kRebuildModule) return "";
  const std::string& name = callable.globalName();
  return name.rfind("_rebuild_", 0) == 0 ? name : "";
}

// Checked int64 arithmetic: false on overflow.
bool mulChecked(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }
bool addChecked(int64_t a, int64_t b, int64_t& out) { return !__builtin_add_overflow(a, b, &out); }

std::string intsText(const std::vector<int64_t>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(values[i]);
  }
  if (values.size() == 1) text += ",";
  return text + ")";
}

}  // namespace

std::optional<c10::ScalarType> scalarTypeOfStorageClass(std::string_view name) {
  for (const StorageClass& entry : kStorageClasses) {
    if (name == entry.name) return entry.type;
  }
  return std::nullopt;
}

std::string storageClassOf(c10::ScalarType type) {
  for (const StorageClass& entry : kStorageClasses) {
    if (entry.type == type) return entry.name;
  }
  throw SerializeError(std::string("tensors of dtype ") + c10::toString(type) +
                       " cannot be saved: 1.13 has no storage class for it");
}

// ---- reading ------------------------------------------------------------------------------

TensorRecordReader::TensorRecordReader(const serialize::ZipReader& archive, std::string folder,
                                       std::string pickleName, TensorLoadOptions options)
    : archive_(archive),
      folder_(std::move(folder)),
      pickleName_(std::move(pickleName)),
      options_(options) {
  if (options_.mapLocation && !options_.mapLocation->is_cpu()) {
    fail("map location " + options_.mapLocation->str() +
         " is not supported: this build creates CPU tensors only");
  }
}

void TensorRecordReader::fail(const std::string& message) const {
  throw SerializeError(archive_.displayName() + ": " + pickleName_ + ": " + message);
}

bool TensorRecordReader::isTensor(const PickleValue& node) {
  return !rebuildFunction(node).empty();
}

at::Tensor TensorRecordReader::read(const PickleValue& node) {
  auto cached = tensors_.find(node.identity());
  if (cached != tensors_.end()) return cached->second.second;

  std::string function = rebuildFunction(node);
  if (function.empty()) fail("expected a tensor (torch._utils._rebuild_tensor_v2(...))");
  if (!node.args().is(PickleKind::Tuple)) fail(function + ": the arguments are not a tuple");
  at::Tensor tensor;
  if (function == "_rebuild_tensor_v2") {
    tensor = readTensorV2(node.args());
  } else if (function == "_rebuild_parameter") {
    tensor = readParameter(node.args());
  } else {
    // Quantized (_rebuild_qtensor), sparse (_rebuild_sparse_tensor, _rebuild_sparse_csr_tensor)
    // and device-specific rebuilds (_rebuild_xla_tensor, _rebuild_device_tensor_from_numpy,
    // _rebuild_meta_tensor_no_storage, _rebuild_wrapper_subclass) are not built yet.
    fail("torch._utils." + function + " tensors are not supported yet");
  }
  tensors_.emplace(node.identity(), std::make_pair(node, tensor));
  return tensor;
}

// `_rebuild_parameter(data, requires_grad, backward_hooks)`: torch.save of an nn.Parameter.
// Like `Parameter(data, requires_grad)` the result is a new tensor over data's storage; there
// is no Parameter class here, so it is a plain tensor that remembers requires_grad.
at::Tensor TensorRecordReader::readParameter(const PickleValue& args) {
  const std::vector<PickleValue>& items = args.items();
  if (items.size() != 3) {
    fail("_rebuild_parameter: expected 3 arguments (data, requires_grad, backward_hooks), got " +
         std::to_string(items.size()));
  }
  if (!isTensor(items[0])) fail("_rebuild_parameter: the data is not a tensor");
  if (!items[1].is(PickleKind::Bool)) fail("_rebuild_parameter: requires_grad is not a bool");
  at::Tensor data = read(items[0]);
  bool requiresGrad = items[1].toBool();
  if (requiresGrad && !(at::isFloatingType(data.scalar_type()) ||
                        at::isComplexType(data.scalar_type()))) {
    fail(std::string("_rebuild_parameter: a ") + c10::toString(data.scalar_type()) +
         " tensor cannot require grad (only floating point and complex ones can)");
  }
  at::Tensor parameter = data.detach();
  parameter.set_requires_grad(requiresGrad);
  return parameter;
}

const TensorRecordReader::LoadedStorage& TensorRecordReader::storage(const PickleValue& pid) {
  // ('storage', torch.<X>Storage, key, location, numel)
  if (!pid.is(PickleKind::Tuple) || pid.items().size() != 5) {
    fail("storage: expected the persistent id ('storage', <X>Storage, key, location, numel)");
  }
  const std::vector<PickleValue>& id = pid.items();
  if (!id[0].is(PickleKind::String) || id[0].toStringRef() != "storage") {
    fail("storage: the persistent id does not start with 'storage'");
  }
  if (!id[2].is(PickleKind::String) || id[2].toStringRef().empty() ||
      id[2].toStringRef().find('/') != std::string::npos) {
    fail("storage: the key is not a record name (a non-empty string without '/')");
  }
  std::string record = folder_ + "/" + id[2].toStringRef();
  std::string what = "storage '" + record + "'";
  if (!id[1].is(PickleKind::Global) || id[1].globalModule() != "torch") {
    fail(what + ": the storage class is not a torch.<X>Storage global");
  }
  std::optional<c10::ScalarType> type = scalarTypeOfStorageClass(id[1].globalName());
  if (!type) fail(what + ": unknown storage class torch." + id[1].globalName());
  if (!id[3].is(PickleKind::String)) fail(what + ": the location is not a string");
  if (!id[4].is(PickleKind::Int) || id[4].toInt() < 0) {
    fail(what + ": the element count is not a non-negative int");
  }
  int64_t numel = id[4].toInt();
  what += " (" + id[1].globalName() + ", " + std::to_string(numel) + " elements)";

  auto found = storages_.find(record);
  if (found != storages_.end()) {
    // 1.13 numbers each storage once; two descriptions of one key that disagree mean a
    // damaged (or crafted) file, and either reading would be a guess.
    if (found->second.type != *type || found->second.numel != numel) {
      fail(what + ": the key was already used for a " + c10::toString(found->second.type) +
           " storage of " + std::to_string(found->second.numel) + " elements");
    }
    return found->second;
  }

  const std::string& location = id[3].toStringRef();
  if (location != "cpu") {
    std::optional<c10::Device> device;
    try {
      device = c10::Device(location);
    } catch (const std::exception&) {
      fail(what + ": unknown location '" + location + "'");
    }
    if (!device->is_cpu() && !options_.mapLocation) {
      fail(what + ": saved on '" + location +
           "'; this build creates CPU tensors only, so give a map location of cpu");
    }
  }

  int64_t nbytes = 0;
  if (!mulChecked(numel, static_cast<int64_t>(c10::elementSize(*type)), nbytes)) {
    fail(what + ": the byte size overflows");
  }
  if (!archive_.hasRecord(record)) fail(what + ": the record is missing");
  const serialize::ZipEntry& entry = archive_.recordEntry(record);
  if (entry.uncompressedSize != static_cast<uint64_t>(nbytes)) {
    fail(what + ": the record has " + std::to_string(entry.uncompressedSize) +
         " bytes, expected " + std::to_string(nbytes) + " (" + std::to_string(numel) + " x " +
         std::to_string(c10::elementSize(*type)) + ")");
  }
  serialize::RecordBytes bytes = archive_.readRecord(
      record, options_.verifyStorageCrc ? serialize::CrcCheck::Verify : serialize::CrcCheck::Skip);
  return storages_.emplace(record, LoadedStorage{storageOf(bytes), *type, numel}).first->second;
}

// The storage of a record's bytes. A stored record of an archive opened from a file is used in
// place: the mapping is private and copy-on-write (serialize/mapped_file.h), so the tensor may
// be written without touching the file, and the storage keeps the mapping alive. Pages are read
// when first used, which is what makes loading fast. Anything else is copied: records of
// in-memory archives (their buffer belongs to the reader), inflated records, and records that a
// writer other than 1.13 left without the 64-byte alignment ATen's allocator gives.
c10::Storage TensorRecordReader::storageOf(const serialize::RecordBytes& bytes) const {
  size_t nbytes = bytes.size();
  const uint8_t* data = bytes.bytes().data();
  bool aligned = reinterpret_cast<uintptr_t>(data) % c10::gAlignment == 0;
  if (nbytes > 0 && bytes.isView() && archive_.isMappedFile() && aligned) {
    auto* owner = new std::shared_ptr<const void>(bytes.owner());
    c10::DataPtr pointer(const_cast<uint8_t*>(data), owner,
                         [](void* context) { delete static_cast<std::shared_ptr<const void>*>(context); },
                         c10::Device(c10::DeviceType::CPU));
    // Resizable like any loaded tensor: a resize reallocates from the CPU allocator and copies.
    return c10::Storage(c10::Storage::use_byte_size_t(), nbytes, std::move(pointer),
                        c10::GetDefaultCPUAllocator(), /*resizable=*/true);
  }
  c10::Storage storage(c10::Storage::use_byte_size_t(), nbytes, c10::GetDefaultCPUAllocator(),
                       /*resizable=*/true);
  if (nbytes > 0) std::memcpy(storage.data(), data, nbytes);
  return storage;
}

// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)`.
at::Tensor TensorRecordReader::readTensorV2(const PickleValue& args) {
  const std::vector<PickleValue>& items = args.items();
  if (items.size() != 6) {
    fail("_rebuild_tensor_v2: expected 6 arguments (storage, storage_offset, size, stride, "
         "requires_grad, backward_hooks), got " + std::to_string(items.size()));
  }
  if (!items[0].is(PickleKind::PersistentId)) {
    fail("_rebuild_tensor_v2: the storage is not a persistent id");
  }
  const PickleValue& pid = items[0].persistentIdValue();
  std::string record = pid.is(PickleKind::Tuple) && pid.items().size() == 5 &&
                               pid.items()[2].is(PickleKind::String)
                           ? folder_ + "/" + pid.items()[2].toStringRef()
                           : "?";
  std::string what = "tensor on storage '" + record + "'";

  // Everything about the view is checked before the storage is read.
  if (!items[1].is(PickleKind::Int)) fail(what + ": storage_offset is not an int");
  int64_t offset = items[1].toInt();
  auto ints = [&](const PickleValue& value, const char* name) {
    if (!value.is(PickleKind::Tuple) && !value.is(PickleKind::List)) {
      fail(what + ": " + name + " is not a tuple of ints");
    }
    std::vector<int64_t> out;
    out.reserve(value.items().size());
    for (const PickleValue& item : value.items()) {
      if (!item.is(PickleKind::Int)) fail(what + ": " + name + " is not a tuple of ints");
      out.push_back(item.toInt());
    }
    return out;
  };
  std::vector<int64_t> sizes = ints(items[2], "size");
  std::vector<int64_t> strides = ints(items[3], "stride");
  if (!items[4].is(PickleKind::Bool)) fail(what + ": requires_grad is not a bool");
  bool requiresGrad = items[4].toBool();
  const PickleValue& hooks = items[5];
  // Hooks are never saved (torch writes an empty OrderedDict in their place).
  if (!(hooks.is(PickleKind::Object) && !hooks.hasState() &&
        hooks.construction() == serialize::ObjectConstruction::Reduce &&
        isGlobal(hooks.callable(), "collections", "OrderedDict") &&
        hooks.args().is(PickleKind::Tuple) && hooks.args().items().empty())) {
    fail(what + ": backward_hooks is not an empty OrderedDict()");
  }

  if (sizes.size() != strides.size()) {
    fail(what + ": size " + intsText(sizes) + " and stride " + intsText(strides) +
         " have different lengths");
  }
  if (offset < 0) fail(what + ": negative storage_offset " + std::to_string(offset));
  bool empty = false;
  int64_t viewNumel = 1;  // the product of the sizes, zeros left out, must fit in int64
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0) fail(what + ": negative size in " + intsText(sizes));
    if (strides[d] < 0) fail(what + ": negative stride in " + intsText(strides));
    if (sizes[d] == 0) {
      empty = true;
    } else if (!mulChecked(viewNumel, sizes[d], viewNumel)) {
      fail(what + ": the element count of size " + intsText(sizes) + " overflows");
    }
  }

  const LoadedStorage& loaded = storage(pid);
  int64_t itemSize = static_cast<int64_t>(c10::elementSize(loaded.type));
  if (c10::isQIntType(loaded.type)) {
    fail(what + ": a quantized storage (" + storageClassOf(loaded.type) +
         ") outside _rebuild_qtensor");
  }
  if (requiresGrad && !(at::isFloatingType(loaded.type) || at::isComplexType(loaded.type))) {
    fail(what + ": a " + c10::toString(loaded.type) +
         " tensor cannot require grad (only floating point and complex ones can)");
  }
  int64_t offsetBytes = 0;
  if (!mulChecked(offset, itemSize, offsetBytes)) fail(what + ": storage_offset overflows");
  if (!empty) {
    // The last element a view reaches is offset + sum((size - 1) * stride); it must lie
    // inside the storage. (An empty view reads nothing; ATen accepts any offset for it.)
    int64_t last = offset;
    for (size_t d = 0; d < sizes.size(); ++d) {
      int64_t step = 0;
      if (!mulChecked(sizes[d] - 1, strides[d], step) || !addChecked(last, step, last)) {
        fail(what + ": size " + intsText(sizes) + " with stride " + intsText(strides) +
             " overflows");
      }
    }
    if (last >= loaded.numel) {
      fail(what + ": size " + intsText(sizes) + ", stride " + intsText(strides) +
           " and storage_offset " + std::to_string(offset) + " reach element " +
           std::to_string(last) + ", but the storage has " + std::to_string(loaded.numel));
    }
  }

  at::Tensor tensor = at::empty({0}, at::TensorOptions().dtype(loaded.type));
  tensor.set_(loaded.storage, offset, sizes, strides);
  if (requiresGrad) tensor.set_requires_grad(true);
  return tensor;
}

// ---- writing ------------------------------------------------------------------------------

std::span<const uint8_t> TensorRecordWriter::Record::bytes() const {
  return {static_cast<const uint8_t*>(storage.data()), storage.nbytes()};
}

PickleValue TensorRecordWriter::write(const at::Tensor& tensor) {
  if (!tensor.defined()) throw SerializeError("cannot save an undefined tensor");
  auto cached = tensors_.find(tensor.unsafeGetTensorImpl());
  if (cached != tensors_.end()) return cached->second.second;

  if (tensor.is_quantized()) throw SerializeError("saving quantized tensors is not supported yet");
  if (tensor.layout() != at::kStrided) {
    throw SerializeError("saving non-strided (e.g. sparse) tensors is not supported yet");
  }
  if (!tensor.device().is_cpu()) {
    throw SerializeError("saving tensors on " + tensor.device().str() + " is not supported");
  }
  if (tensor.is_conj() || tensor.is_neg()) {
    // The storage holds the values before conjugation/negation; the flag would be lost.
    throw SerializeError("cannot save a conjugate or negative view: call resolve_conj() / "
                         "resolve_neg() first");
  }
  c10::ScalarType type = tensor.scalar_type();
  std::string storageClass = storageClassOf(type);
  const c10::Storage& storage = tensor.storage();
  size_t itemSize = c10::elementSize(type);

  auto written = storages_.find(storage.unsafeGetStorageImpl());
  PickleValue persistentId;
  if (written != storages_.end()) {
    if (written->second.type != type) {
      throw SerializeError(std::string("cannot save tensors of dtypes ") +
                           c10::toString(written->second.type) + " and " +
                           c10::toString(type) + " that share one storage");
    }
    persistentId = written->second.persistentId;
  } else {
    if (storage.nbytes() % itemSize != 0) {
      throw SerializeError("cannot save a storage of " + std::to_string(storage.nbytes()) +
                           " bytes as " + storageClass + " (not a whole number of elements)");
    }
    std::string key = std::to_string(records_.size());
    PickleValue id = PickleValue::tuple(
        {PickleValue::string("storage"), PickleValue::global("torch", storageClass),
         PickleValue::string(key), PickleValue::string("cpu"),
         PickleValue::integer(static_cast<int64_t>(storage.nbytes() / itemSize))},
        serialize::TupleEncoding::Marked);
    persistentId = PickleValue::persistentId(id);
    persistentId.setMemoized(true);  // 1.13 writes BINPUT after BINPERSID
    storages_.emplace(storage.unsafeGetStorageImpl(), WrittenStorage{persistentId, type});
    records_.push_back(Record{folder_ + "/" + key, storage});
  }

  auto intTuple = [](c10::IntArrayRef values) {
    std::vector<PickleValue> items;
    for (int64_t value : values) items.push_back(PickleValue::integer(value));
    return PickleValue::tuple(std::move(items), serialize::TupleEncoding::Marked);
  };
  PickleValue hooks = PickleValue::reduce(PickleValue::global("collections", "OrderedDict"),
                                          PickleValue::tuple({}));
  PickleValue args = PickleValue::tuple(
      {persistentId, PickleValue::integer(tensor.storage_offset()), intTuple(tensor.sizes()),
       intTuple(tensor.strides()), PickleValue::boolean(tensor.requires_grad()), hooks},
      serialize::TupleEncoding::Marked);
  PickleValue node =
      PickleValue::reduce(PickleValue::global(kRebuildModule, "_rebuild_tensor_v2"), args);
  node.setMemoized(true);  // 1.13 writes BINPUT after every tensor
  tensors_.emplace(tensor.unsafeGetTensorImpl(), std::make_pair(tensor, node));
  return node;
}

}  // namespace tscript::archive
