// Loading a TorchScript archive (torch.jit.save's zip, ARCHIVE_FORMAT.md §5.1): the version
// record, constants.pkl, the code of every class data.pkl names (compiled by our compiler
// through SourceImporter), and data.pkl turned into runtime objects whose slots hold the
// tensors of the `data/` records.
//
// What is supported: module and script classes, every attribute type whose values are None,
// bool, int, float, str, Device, complex, tensors, lists (typed by `build_*list` or
// `restore_type_tag`), dicts, tuples and objects; `__getstate__`/`__setstate__` classes; free
// functions; tensor constants (CONSTANTS.cN of a traced or frozen module); NamedTuples and
// enums (members in data.pkl reduced from their raw value); forward hooks (callModule);
// interfaces. Not yet: quantized/sparse tensors.
//
// A LoadedArchive is immutable once made except for the cache of interpreter code, which is
// guarded: many threads may call methods of one archive's objects at once (object state
// mutated by the methods themselves, e.g. BatchNorm's num_batches_tracked in training mode,
// is shared as in torch.jit).
#pragma once

#include <c10/core/Device.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "archive/source_importer.h"
#include "runtime/code.h"
#include "runtime/method_dispatch.h"
#include "runtime/value.h"
#include "serialize/zip_reader.h"

namespace tscript::archive {

struct ArchiveLoadOptions {
  // torch.jit.load's map_location (only the CPU in this build); unset: every storage must have
  // been saved on the CPU.
  std::optional<c10::Device> mapLocation;
  // Check the CRC-32 of tensor storage records too (TensorLoadOptions::verifyStorageCrc).
  bool verifyStorageCrc = false;
};

class LoadedArchive {
 public:
  // Throws serialize::SerializeError (container, pickles, tensors, version) or
  // lang::CompileError (code) naming the archive.
  static std::shared_ptr<LoadedArchive> open(const std::string& path, ArchiveLoadOptions options = {});
  static std::shared_ptr<LoadedArchive> fromBuffer(std::string_view bytes,
                                                   ArchiveLoadOptions options = {},
                                                   std::string displayName = "<buffer>");
  static std::shared_ptr<LoadedArchive> fromZip(serialize::ZipReader zip, ArchiveLoadOptions options);
  ~LoadedArchive();
  LoadedArchive(const LoadedArchive&) = delete;
  LoadedArchive& operator=(const LoadedArchive&) = delete;

  // The module object of data.pkl.
  const runtime::Value& root() const { return root_; }
  SourceImporter& importer() { return *importer_; }
  const serialize::ZipReader& zip() const { return *zip_; }
  // The version record's value (3..10 for 1.13's archives).
  uint64_t version() const { return version_; }
  // Names of the `extra/` records (without the folder) and their bytes.
  std::vector<std::string> extraFileNames() const;
  std::string extraFile(const std::string& name) const;

  // The method `name` of class `type`, compiled (calls inlined) into interpreter code once.
  // Throws lang::CompileError when the class has no such method.
  const runtime::Code& code(const types::ClassType& type, const std::string& name);
  // Calls method `name` on `self` (an object of an archive class): `args` are checked against
  // the parameter types (missing trailing ones filled from defaults). Throws
  // std::invalid_argument for bad arguments, runtime::ScriptError from the program.
  runtime::Value callMethod(const runtime::Value& self, const std::string& name,
                            std::vector<runtime::Value> args,
                            const std::vector<std::pair<std::string, runtime::Value>>& kwargs = {});
  // Calls the module `self` as Python calls a loaded module (`m(x)`): its forward pre-hooks on
  // the tuple of positional inputs (a None result keeps them, a non-tuple one is wrapped), then
  // forward, then its forward hooks on (inputs, output) (None keeps the output).
  runtime::Value callModule(const runtime::Value& self, std::vector<runtime::Value> args,
                            const std::vector<std::pair<std::string, runtime::Value>>& kwargs = {});

 private:
  LoadedArchive() = default;
  void load(ArchiveLoadOptions options);
  // Makes the methods of every class of the archive callable through interfaces
  // (runtime/method_dispatch.h): objects in interface-typed slots are dispatched by class.
  void registerMethodTables();

  std::shared_ptr<const serialize::ZipReader> zip_;
  std::unique_ptr<SourceImporter> importer_;
  runtime::Value root_;
  uint64_t version_ = 0;
  std::mutex codeMutex_;
  std::map<std::string, std::unique_ptr<runtime::Code>> codes_;
  std::vector<std::shared_ptr<runtime::MethodTable>> methodTables_;  // one per class
};

// Whether `value` can be passed where `type` is expected (checked the way arguments are:
// kinds, element types of lists and dicts as they are tagged, classes by name).
bool valueFitsType(const runtime::Value& value, const types::TypePtr& type);

}  // namespace tscript::archive
