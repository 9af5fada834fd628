// Writing archives (see archive_writer.h).
#include "archive/archive_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>

#include "archive/debug_records.h"
#include "archive/tensor_records.h"
#include "serialize/pickler.h"
#include "serialize/serialize_error.h"
#include "types/named_types.h"
#include "serialize/zip_writer.h"

namespace tscript::archive {

namespace {

using serialize::PickleValue;
using serialize::SerializeError;

// runtime values -> the pickle tree of data.pkl (or constants.pkl), tensors through `tensors`.
class ValuePickler {
 public:
  ValuePickler(const ArchiveContents& contents, TensorRecordWriter& tensors)
      : contents_(contents), tensors_(tensors) {}

  // `path` names the value in errors (`self.sub.weights[2]`).
  PickleValue pickle(const runtime::Value& value, const std::string& path) {
    using runtime::ValueKind;
    switch (value.kind()) {
      case ValueKind::None: return PickleValue::none();
      case ValueKind::Bool: return PickleValue::boolean(value.toBool());
      case ValueKind::Int: return PickleValue::integer(value.toInt());
      case ValueKind::Float: return PickleValue::floating(value.toFloat());
      case ValueKind::String: return PickleValue::string(value.toStringRef());
      case ValueKind::Complex: {
        c10::complex<double> number = value.toComplex();
        return PickleValue::reduce(PickleValue::global("builtins", "complex"),
                                   PickleValue::tuple({PickleValue::floating(number.real()),
                                                       PickleValue::floating(number.imag())}));
      }
      case ValueKind::Device:
        return PickleValue::reduce(PickleValue::global("torch", "device"),
                                   PickleValue::tuple({PickleValue::string(value.toDevice().str())}));
      case ValueKind::Tensor: return tensor(value.toTensor(), path);
      case ValueKind::List: return list(value.toList(), path);
      case ValueKind::Dict: return dict(value.toDict(), path);
      case ValueKind::Tuple: {
        std::vector<PickleValue> items;
        const auto& elements = value.toTuple().elements;
        for (size_t i = 0; i < elements.size(); ++i) {
          items.push_back(pickle(elements[i], path + "[" + std::to_string(i) + "]"));
        }
        return PickleValue::tuple(std::move(items));
      }
      case ValueKind::Object: return object(value, path);
      case ValueKind::Enum: {
        // 1.13: the enum class's GLOBAL reduced with the member's raw value, not a tuple
        // (Python's pickle could not load it; TorchScript's unpickler looks the member up).
        const runtime::EnumObject& member = value.toEnum();
        const auto* type = member.type->as<types::EnumType>();
        const std::string& name = type ? type->qualifiedName() : "";
        size_t dot = name.rfind('.');
        if (name.rfind("__torch__.", 0) != 0 || dot == std::string::npos) {
          throw SerializeError("cannot save " + path + ": enum '" + member.type->str() +
                               "' has no TorchScript qualified name (__torch__.*)");
        }
        return PickleValue::reduce(PickleValue::global(name.substr(0, dot), name.substr(dot + 1)),
                                   pickle(member.value, path + ".value"));
      }
      default:
        throw SerializeError("cannot save " + path + ": values of kind '" +
                             std::string(value.kindName()) + "' are not supported by save yet");
    }
  }

 private:
  PickleValue tensor(const at::Tensor& tensor, const std::string& path) {
    try {
      return tensors_.write(tensor);
    } catch (const SerializeError& error) {
      throw SerializeError("cannot save " + path + ": " + error.what());
    }
  }

  PickleValue list(const runtime::ListObject& list, const std::string& path) {
    std::vector<PickleValue> items;
    for (size_t i = 0; i < list.elements.size(); ++i) {
      items.push_back(pickle(list.elements[i], path + "[" + std::to_string(i) + "]"));
    }
    const char* builder = nullptr;
    switch (list.elementType->kind()) {
      case types::TypeKind::Int: builder = "build_intlist"; break;
      case types::TypeKind::Float: builder = "build_doublelist"; break;
      case types::TypeKind::Bool: builder = "build_boollist"; break;
      case types::TypeKind::Tensor: builder = "build_tensorlist"; break;
      default: break;
    }
    if (builder) {
      // `build_intlist([...])`: 1.13 wraps the argument list in a MARK tuple.
      return PickleValue::reduce(
          PickleValue::global("torch.jit._pickle", builder),
          PickleValue::tuple({PickleValue::list(std::move(items))}, serialize::TupleEncoding::Marked));
    }
    return typeTagged(PickleValue::list(std::move(items)), types::listOf(list.elementType));
  }

  PickleValue dict(const runtime::DictObject& dict, const std::string& path) {
    serialize::PickleDictEntries entries;
    for (const auto& entry : dict) {
      std::string key = entry.key.isString() ? entry.key.toStringRef() : entry.key.repr();
      entries.emplace_back(pickle(entry.key, path), pickle(entry.value, path + "[" + key + "]"));
    }
    return typeTagged(PickleValue::dict(std::move(entries)), types::dictOf(dict.keyType, dict.valueType));
  }

  static PickleValue typeTagged(PickleValue container, const types::TypePtr& type) {
    return PickleValue::reduce(PickleValue::global("torch.jit._pickle", "restore_type_tag"),
                               PickleValue::tuple({std::move(container),
                                                   PickleValue::string(type->annotationStr())}));
  }

  PickleValue object(const runtime::Value& value, const std::string& path) {
    const runtime::Object& object = value.toObject();
    auto known = objects_.find(&object);
    if (known != objects_.end()) return known->second;
    const auto* type = object.type->as<types::ClassType>();
    if (!type) throw SerializeError("cannot save " + path + ": an object that is not of a class type");
    const std::string& name = type->qualifiedName();
    size_t dot = name.rfind('.');
    if (name.rfind("__torch__.", 0) != 0 || dot == std::string::npos) {
      throw SerializeError("cannot save " + path + ": class '" + name +
                           "' has no TorchScript qualified name (__torch__.*)");
    }
    PickleValue created = PickleValue::newObject(PickleValue::global(name.substr(0, dot), name.substr(dot + 1)),
                                                 PickleValue::tuple({}));
    PickleValue state;
    if (contents_.hasGetState && contents_.hasGetState(*type)) {
      if (!contents_.getState) {
        throw SerializeError("cannot save " + path + ": class '" + name + "' has __getstate__, which cannot be run here");
      }
      state = pickle(contents_.getState(value), path + ".__getstate__()");
    } else {
      serialize::PickleDictEntries entries;
      const auto& attributes = type->attributes();
      for (size_t slot = 0; slot < attributes.size(); ++slot) {
        const std::string& attribute = attributes[slot].name;
        if (contents_.savedAttribute && !contents_.savedAttribute(*type, attribute)) continue;
        entries.emplace_back(PickleValue::string(attribute),
                             pickle(object.slots.at(slot), path + "." + attribute));
      }
      state = PickleValue::dict(std::move(entries));
    }
    PickleValue built = PickleValue::withState(std::move(created), std::move(state));
    built.setMemoized(true);
    // The object keeps its address while the contents hold the root.
    objects_.emplace(&object, built);
    return built;
  }

  const ArchiveContents& contents_;
  TensorRecordWriter& tensors_;
  std::unordered_map<const runtime::Object*, PickleValue> objects_;
};

void writeTensorRecords(serialize::ZipWriter& zip, const TensorRecordWriter& tensors) {
  for (const TensorRecordWriter::Record& record : tensors.records()) zip.writeRecord(record.name, record.bytes());
}

void writeRecords(const ArchiveContents& contents, serialize::ZipWriter& zip);

void collectVersion(const ir::Block& block, uint64_t& version) {
  static const std::map<std::string, uint64_t> bumped = {
      {"aten::div", 4}, {"aten::div_", 4}, {"aten::full", 5}, {"aten::linspace", 8},
      {"aten::logspace", 9}, {"aten::gelu", 10}};
  for (const ir::Node* node : block.nodes()) {
    auto found = bumped.find(node->kind().toQualString());
    if (found != bumped.end() && found->second > version) version = found->second;
    for (const ir::Block* inner : node->blocks()) collectVersion(*inner, version);
  }
}

}  // namespace

std::string codeRecordName(const std::string& qualifier) {
  std::string record = "code/";
  for (char c : qualifier) record += c == '.' ? '/' : c;
  return record + ".py";
}

uint64_t fileFormatVersionOf(const ir::Graph& graph) {
  uint64_t version = 3;
  collectVersion(*graph.block(), version);
  return version;
}

std::vector<uint8_t> writeArchive(const ArchiveContents& contents, const std::string& archiveName) {
  serialize::ZipWriter zip(archiveName);
  writeRecords(contents, zip);
  return zip.finish();
}

void writeArchive(const ArchiveContents& contents, const std::string& archiveName,
                  serialize::ZipWriter::Sink sink) {
  serialize::ZipWriter zip(archiveName, std::move(sink));
  writeRecords(contents, zip);
  zip.finish();
}

namespace {

// The permission bits a file created by fopen would get: 0666 less the process's umask, read
// from /proc (calling umask() to read it would change it for every thread meanwhile).
mode_t newFileMode() {
  mode_t mask = 022;
  if (FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status)) {
      unsigned value = 0;
      if (std::sscanf(line, "Umask: %o", &value) == 1) {
        mask = static_cast<mode_t>(value);
        break;
      }
    }
    std::fclose(status);
  }
  return 0666 & ~mask;
}

void writeStream(const ArchiveContents& contents, const std::string& path, FILE* file) {
  writeArchive(contents, serialize::ZipWriter::archiveNameForPath(path), [&](std::span<const uint8_t> bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) {
      throw SerializeError("save: cannot write '" + path + "': " + std::strerror(errno));
    }
  });
}

void writeInPlace(const ArchiveContents& contents, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) throw SerializeError("save: cannot open '" + path + "' for writing: " + std::strerror(errno));
  writeStream(contents, path, file.get());
  if (std::fclose(file.release()) != 0) {
    throw SerializeError("save: cannot write '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace

// A regular file (or a new one) is replaced by renaming a finished temporary file of the same
// folder over it, never truncated in place: a module loaded from that very file reads its
// tensor records lazily from a mapping of it (tensor_records.h), and truncating a mapped file
// makes those reads fault (SIGBUS) — load, change, save back to the same path is common. The
// rename also leaves the old archive whole when the save fails. Anything else (a device, a
// FIFO, a folder we may not create files in) is written in place, as torch.jit.save does.
void writeArchiveToFile(const ArchiveContents& contents, const std::string& path) {
  std::unique_ptr<char, void (*)(void*)> resolved(realpath(path.c_str(), nullptr), &std::free);
  std::string target = resolved ? resolved.get() : path;  // a symlink's target, not the link
  struct stat existing {};
  bool exists = ::stat(target.c_str(), &existing) == 0;
  if (exists && !S_ISREG(existing.st_mode)) return writeInPlace(contents, path);
  std::string temporary = target + ".tscript-save-XXXXXX";
  int descriptor = ::mkstemp(temporary.data());
  if (descriptor < 0) return writeInPlace(contents, path);
  std::unique_ptr<FILE, int (*)(FILE*)> file(::fdopen(descriptor, "wb"), &std::fclose);
  try {
    if (!file) {
      ::close(descriptor);
      throw SerializeError("save: cannot write '" + path + "': " + std::strerror(errno));
    }
    ::fchmod(descriptor, exists ? (existing.st_mode & 07777) : newFileMode());
    writeStream(contents, path, file.get());
    if (std::fclose(file.release()) != 0) {
      throw SerializeError("save: cannot write '" + path + "': " + std::strerror(errno));
    }
    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
      throw SerializeError("save: cannot replace '" + path + "': " + std::strerror(errno));
    }
  } catch (...) {
    file.reset();
    std::remove(temporary.c_str());
    throw;
  }
}

namespace {

// Code and debug records are deflated; a known stream of the same bytes is reused.
void writeCodeRecord(serialize::ZipWriter& zip, const std::string& record, const std::string& bytes,
                     const std::vector<uint8_t>& deflateStream) {
  if (deflateStream.empty()) {
    zip.writeRecord(record, bytes, /*compress=*/true);
  } else {
    std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    zip.writeDeflatedRecord(record, data, deflateStream);
  }
}

void writeRecords(const ArchiveContents& contents, serialize::ZipWriter& zip) {
  if (!contents.root.isObject()) throw SerializeError("save: the root of an archive must be a module object");
  for (const auto& [name, bytes] : contents.extraFiles) zip.writeRecord("extra/" + name, bytes);

  TensorRecordWriter dataTensors("data");
  ValuePickler dataPickler(contents, dataTensors);
  std::string data = serialize::pickle(dataPickler.pickle(contents.root, "self"));
  writeTensorRecords(zip, dataTensors);
  zip.writeRecord("data.pkl", data);

  SourceRangeTags tags;  // numbered across the files, as 1.13 does
  for (const CodeFile& file : contents.code) {
    std::string record = codeRecordName(file.qualifier);
    writeCodeRecord(zip, record, file.text, file.deflateStream);
    if (file.debugRecord) {
      writeCodeRecord(zip, record + ".debug_pkl", *file.debugRecord, file.debugDeflateStream);
    } else if (!file.sourceRanges.empty()) {
      zip.writeRecord(record + ".debug_pkl", debugRecordPickle(file.sourceRanges, tags), /*compress=*/true);
    }
  }

  TensorRecordWriter constantTensors("constants");
  ValuePickler constantPickler(contents, constantTensors);
  std::vector<PickleValue> constants;
  for (size_t i = 0; i < contents.constants.size(); ++i) {
    constants.push_back(constantPickler.pickle(contents.constants[i], "CONSTANTS.c" + std::to_string(i)));
  }
  std::string constantsPickle = serialize::pickle(PickleValue::tuple(std::move(constants)));
  writeTensorRecords(zip, constantTensors);
  zip.writeRecord("constants.pkl", constantsPickle);

  if (contents.version < 1 || contents.version > 10) {
    throw SerializeError("save: file format version " + std::to_string(contents.version) +
                         " is outside what 1.13 reads (1..10)");
  }
  // 1.13 moved the record to `.data/version` from version 6 on.
  zip.writeRecord(contents.version >= 6 ? ".data/version" : "version",
                  std::to_string(contents.version) + "\n");
}

}  // namespace

}  // namespace tscript::archive
