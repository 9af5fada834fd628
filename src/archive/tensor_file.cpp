// torch.save files (see tensor_file.h).
#include "archive/tensor_file.h"

#include <fstream>

#include "serialize/global_allow_list.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"
#include "types/type.h"

namespace tscript::archive {

using runtime::Value;
using serialize::PickleKind;
using serialize::PickleValue;
using serialize::SerializeError;

namespace {

class FileConverter {
 public:
  FileConverter(const std::string& path, TensorRecordReader& tensors)
      : path_(path), tensors_(tensors) {}

  // Depth is bounded by the unpickler (UnpicklerLimits::maxNestingDepth), so recursion is safe.
  Value convert(const PickleValue& node) {
    switch (node.kind()) {
      case PickleKind::None: return Value();
      case PickleKind::Bool: return Value(node.toBool());
      case PickleKind::Int: return Value(node.toInt());
      case PickleKind::Float: return Value(node.toDouble());
      case PickleKind::String: return Value(node.toStringRef());
      case PickleKind::List: {
        std::vector<Value> elements = convertAll(node.items());
        types::TypePtr element = commonType(elements);
        return runtime::makeList(std::move(element), std::move(elements));
      }
      case PickleKind::Tuple: return runtime::makeTuple(convertAll(node.items()));
      case PickleKind::Dict: return convertDict(node);
      case PickleKind::Object:
        if (TensorRecordReader::isTensor(node)) return Value(tensors_.read(node));
        if (node.callable().is(PickleKind::Global)) {
          unsupported("a " + node.callable().globalQualifiedName() + " object");
        }
        unsupported("an object");
      default: unsupported(std::string("a ") + serialize::pickleKindName(node.kind()) + " value");
    }
  }

 private:
  [[noreturn]] void unsupported(const std::string& what) const {
    throw SerializeError(path_ + ": data.pkl holds " + what +
                         "; only tensors, lists/tuples/dicts of them and plain scalars and "
                         "strings are supported");
  }

  std::vector<Value> convertAll(const std::vector<PickleValue>& items) {
    std::vector<Value> values;
    values.reserve(items.size());
    for (const PickleValue& item : items) values.push_back(convert(item));
    return values;
  }

  // The one type all values have, or Any. (Python containers are heterogeneous; a
  // TorchScript list has one element type.)
  static types::TypePtr commonType(const std::vector<Value>& values) {
    if (values.empty()) return types::anyType();
    std::vector<types::TypePtr> valueTypes;
    valueTypes.reserve(values.size());
    for (const Value& value : values) valueTypes.push_back(runtime::typeOfValue(value));
    std::optional<types::TypePtr> unified = types::unifyTypeList(valueTypes);
    return unified ? *unified : types::anyType();
  }

  Value convertDict(const PickleValue& node) {
    std::vector<Value> keys;
    std::vector<Value> values;
    for (const auto& [key, value] : node.entries()) {
      Value converted = convert(key);
      if (!converted.isString() && !converted.isInt() && !converted.isFloat() &&
          !converted.isBool()) {
        unsupported("a dict whose keys are not str, int, float or bool");
      }
      keys.push_back(std::move(converted));
      values.push_back(convert(value));
    }
    types::TypePtr keyType = keys.empty() ? types::strType() : commonType(keys);
    if (keyType->kind() == types::TypeKind::Any) unsupported("a dict with keys of different types");
    Value dict = runtime::makeDict(keyType, commonType(values));
    for (size_t i = 0; i < keys.size(); ++i) {
      dict.toDict().insertOrAssign(std::move(keys[i]), std::move(values[i]));
    }
    return dict;
  }

  const std::string& path_;
  TensorRecordReader& tensors_;
};

// torch.save's legacy format (`_use_new_zipfile_serialization=False`) is a bare pickle
// stream: protocol 2 starts with 0x80 0x02.
bool isLegacyPickle(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  char head[2] = {0, 0};
  file.read(head, 2);
  return file.gcount() == 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] == 0x02;
}

}  // namespace

Value loadTensorFile(const std::string& path, TensorLoadOptions options) {
  if (isLegacyPickle(path)) {
    throw SerializeError(path + ": a legacy torch.save file (_use_new_zipfile_serialization="
                                "False); only torch.save's zip format is supported");
  }
  serialize::ZipReader archive = serialize::ZipReader::openFile(path);
  if (!archive.hasRecord("data.pkl")) {
    throw SerializeError(path + ": no data.pkl record (not a torch.save file)");
  }
  // TorchScript's allow-list plus what torch.save adds for an nn.Parameter.
  serialize::GlobalAllowList allowList = serialize::GlobalAllowList::torchScriptArchive();
  allowList.allow("torch._utils", "_rebuild_parameter");
  serialize::RecordBytes bytes = archive.readRecord("data.pkl");
  PickleValue root = serialize::Unpickler(allowList).parse(
      bytes.bytes(), path + ": " + archive.archivePrefix() + "/data.pkl");
  TensorRecordReader tensors(archive, "data", "data.pkl", options);
  return FileConverter(path, tensors).convert(root);
}

}  // namespace tscript::archive
