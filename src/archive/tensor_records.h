// Tensors <-> the pickle nodes and storage records that describe them in `.pt` files
// (ARCHIVE_FORMAT.md §2.3). A tensor is pickled as
//
//   torch._utils._rebuild_tensor_v2(
//       persistent_id(('storage', torch.<X>Storage, key, location, numel)),
//       storage_offset, size, stride, requires_grad, collections.OrderedDict())
//
// and the storage's raw little-endian bytes are the record `<folder>/<key>` of the archive:
// `data/` for data.pkl (torch.jit.save and torch.save), `constants/` for constants.pkl.
// Both readers of 1.13 (torch.jit.load, torch.load) find records below the archive's
// top-level folder, whatever it is called (`archive/`, `m/`, ...); ZipReader does the same.
//
// The serialize layer below knows pickles and zips but not ATen; this is where the two meet.
// Every check is made on the pickle node and the record's directory entry before a byte is
// read or a tensor made, so a hostile file ends in a SerializeError, never in ATen's own
// checks (or past them).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <c10/core/Storage.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "serialize/pickle.h"
#include "serialize/zip_reader.h"

namespace tscript::archive {

// The storage class that names a dtype in a pickle (`FloatStorage` <-> Float). nullopt for
// names that are not storage classes.
std::optional<c10::ScalarType> scalarTypeOfStorageClass(std::string_view name);
// Throws SerializeError for dtypes 1.13 has no storage class for.
std::string storageClassOf(c10::ScalarType type);

struct TensorLoadOptions {
  // Like torch.load's map_location, restricted to one device: storages saved on any device
  // are created there. Unset, every storage must have been saved on `cpu`. This build only
  // creates CPU tensors, so it may only be the CPU.
  std::optional<c10::Device> mapLocation;
  // Check the CRC-32 of storage records too. Off by default, as 1.13 (its miniz reader does not
  // check CRCs): storage sizes and views are checked structurally whatever the bytes are, and
  // reading 100 MB to check them costs more than the rest of loading a resnet50.
  bool verifyStorageCrc = false;
};

// Rebuilds the tensors of one pickle (data.pkl or constants.pkl) of an opened archive.
// Tensors that name the same storage key share one at::Storage, so views stay views; the
// same tensor node (a memo fetch) gives the same at::Tensor.
class TensorRecordReader {
 public:
  // `folder`: where the storage records are ("data" or "constants"); `pickleName` names the
  // pickle in errors. The archive must outlive the reader.
  TensorRecordReader(const serialize::ZipReader& archive, std::string folder,
                     std::string pickleName, TensorLoadOptions options = {});

  // Whether `node` is a call of one of the `torch._utils._rebuild_*` functions, i.e. a tensor
  // (supported or not: read() says which).
  static bool isTensor(const serialize::PickleValue& node);

  // Builds the tensor of a `_rebuild_tensor_v2(...)` or `_rebuild_parameter(...)` node (the
  // latter is what torch.save writes for an nn.Parameter). Other rebuild functions
  // (quantized, sparse, ...) are reported as unsupported. Throws SerializeError.
  at::Tensor read(const serialize::PickleValue& node);

 private:
  struct LoadedStorage {
    c10::Storage storage;
    c10::ScalarType type;
    int64_t numel;
  };

  at::Tensor readTensorV2(const serialize::PickleValue& args);
  at::Tensor readParameter(const serialize::PickleValue& args);
  const LoadedStorage& storage(const serialize::PickleValue& persistentId);
  c10::Storage storageOf(const serialize::RecordBytes& bytes) const;
  [[noreturn]] void fail(const std::string& message) const;

  const serialize::ZipReader& archive_;
  std::string folder_;
  std::string pickleName_;
  TensorLoadOptions options_;
  std::unordered_map<std::string, LoadedStorage> storages_;
  // By node identity; the node is kept so that its address cannot be reused meanwhile.
  std::unordered_map<const void*, std::pair<serialize::PickleValue, at::Tensor>> tensors_;
};

// The reverse: tensors -> pickle nodes as 1.13's C++ pickler writes them (MARK-encoded
// tuples, BINPUT after the persistent id and after the tensor), plus the storage records
// to write next to the pickle. Storages are numbered 0, 1, ... in the order they are first
// met; a storage met again reuses its persistent-id node (a BINGET), a tensor met again
// reuses its whole node, exactly as 1.13 does.
class TensorRecordWriter {
 public:
  struct Record {
    std::string name;  // "data/0"
    c10::Storage storage;
    std::span<const uint8_t> bytes() const;  // the whole storage, as 1.13 writes it
  };

  explicit TensorRecordWriter(std::string folder = "data") : folder_(std::move(folder)) {}

  // Throws SerializeError for tensors that cannot be written this way: undefined, not on the
  // CPU, not strided, quantized, conjugate/negative views (the bits would be lost), or a
  // storage already written with another dtype.
  serialize::PickleValue write(const at::Tensor& tensor);

  const std::vector<Record>& records() const { return records_; }

 private:
  struct WrittenStorage {
    serialize::PickleValue persistentId;
    c10::ScalarType type;
  };
  std::string folder_;
  std::vector<Record> records_;
  // Keyed by StorageImpl / TensorImpl; the storage or tensor is kept alive in the value so
  // that the address stays unique.
  std::unordered_map<const void*, WrittenStorage> storages_;
  std::unordered_map<const void*, std::pair<at::Tensor, serialize::PickleValue>> tensors_;
};

}  // namespace tscript::archive
