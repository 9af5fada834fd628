// `tscript tensors [--pickle data.pkl|constants.pkl] FILE.pt`: rebuilds every tensor of a
// TorchScript archive or torch.save file (archive/tensor_records.h) and prints one line per
// tensor, in pickle order, with tab-separated fields:
//
//   path  dtype  sizes  strides  storage_offset  storage  requires_grad  values
//
// `path` names where the tensor sits (attribute names of objects and dicts joined by '.',
// `[i]` for list/tuple items); `storage` numbers the distinct storages in the order met, so
// tensors that share one print the same number; `values` are the elements in row-major order
// as a Python literal list (floats as Python's repr, complex as [re, im] pairs, bools as
// 0/1). The Python tests compare these lines with torch.jit.load / torch.load.
#include <ATen/ATen.h>

#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "archive/tensor_records.h"
#include "command.h"
#include "serialize/global_allow_list.h"
#include "serialize/pickle.h"
#include "serialize/serialize_error.h"
#include "serialize/unpickler.h"
#include "serialize/zip_reader.h"

namespace tscript::tools {
namespace {

using serialize::PickleKind;
using serialize::PickleValue;

std::string intsText(c10::IntArrayRef values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(values[i]);
  }
  return text + "]";
}

std::string valuesText(const at::Tensor& tensor) {
  at::Tensor flat = tensor.contiguous().reshape({-1});
  if (flat.is_complex()) flat = at::view_as_real(flat);
  std::string text = "[";
  bool integral = !flat.is_floating_point();
  at::Tensor wide = integral ? flat.to(at::kLong) : flat.to(at::kDouble);
  bool pairs = tensor.is_complex();
  for (int64_t i = 0; i < wide.size(0); ++i) {
    if (i) text += ", ";
    if (pairs) text += "[";
    int64_t count = pairs ? 2 : 1;
    for (int64_t j = 0; j < count; ++j) {
      if (j) text += ", ";
      at::Tensor element = pairs ? wide[i][j] : wide[i];
      text += integral ? std::to_string(element.item<int64_t>())
                       : serialize::pythonFloatRepr(element.item<double>());
    }
    if (pairs) text += "]";
  }
  return text + "]";
}

class TensorLister {
 public:
  explicit TensorLister(archive::TensorRecordReader& reader) : reader_(reader) {}

  void walk(const PickleValue& node, const std::string& path) {
    switch (node.kind()) {
      case PickleKind::Object:
        if (archive::TensorRecordReader::isTensor(node)) {
          print(path, reader_.read(node));
          return;
        }
        // A call's arguments and a BUILD state describe the object at the same path
        // (`build_tensorlist([...])` is the list, `M.__new__()` + state is the module).
        if (node.args().is(PickleKind::Tuple)) {
          for (const PickleValue& arg : node.args().items()) walk(arg, path);
        } else {
          walk(node.args(), path);
        }
        if (node.hasState()) walk(node.state(), path);
        return;
      case PickleKind::List:
      case PickleKind::Tuple:
        for (size_t i = 0; i < node.items().size(); ++i) {
          walk(node.items()[i], path + "[" + std::to_string(i) + "]");
        }
        return;
      case PickleKind::Dict:
        for (const auto& [key, value] : node.entries()) {
          std::string name = key.is(PickleKind::String) ? key.toStringRef()
                             : key.is(PickleKind::Int)  ? std::to_string(key.toInt())
                                                        : "?";
          walk(value, path.empty() ? name : path + "." + name);
        }
        return;
      default: return;
    }
  }

 private:
  void print(const std::string& path, const at::Tensor& tensor) {
    const void* storage = tensor.storage().unsafeGetStorageImpl();
    auto [it, inserted] = storageNumbers_.emplace(storage, storageNumbers_.size());
    std::printf("%s\t%s\t%s\t%s\t%lld\t%zu\t%d\t%s\n", path.empty() ? "." : path.c_str(),
                c10::toString(tensor.scalar_type()), intsText(tensor.sizes()).c_str(),
                intsText(tensor.strides()).c_str(),
                static_cast<long long>(tensor.storage_offset()), it->second,
                tensor.requires_grad() ? 1 : 0, valuesText(tensor).c_str());
  }

  archive::TensorRecordReader& reader_;
  std::unordered_map<const void*, size_t> storageNumbers_;
};

int runTensors(const std::vector<std::string>& args) {
  std::string pickleName = "data.pkl";
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--pickle" && i + 1 < args.size()) {
      pickleName = args[++i];
    } else if (path.empty() && !(args[i].size() > 1 && args[i][0] == '-')) {
      path = args[i];
    } else {
      std::fprintf(stderr, "usage: tscript tensors [--pickle data.pkl|constants.pkl] FILE.pt\n");
      return 2;
    }
  }
  if (path.empty() || (pickleName != "data.pkl" && pickleName != "constants.pkl")) {
    std::fprintf(stderr, "usage: tscript tensors [--pickle data.pkl|constants.pkl] FILE.pt\n");
    return 2;
  }
  try {
    serialize::ZipReader archive = serialize::ZipReader::openFile(path);
    serialize::GlobalAllowList allowList = serialize::GlobalAllowList::torchScriptArchive();
    allowList.allow("torch._utils", "_rebuild_parameter");  // torch.save of an nn.Parameter
    serialize::RecordBytes bytes = archive.readRecord(pickleName);
    PickleValue root = serialize::Unpickler(allowList).parse(
        bytes.bytes(), archive.archivePrefix() + "/" + pickleName);
    archive::TensorRecordReader reader(archive,
                                       pickleName == "data.pkl" ? "data" : "constants",
                                       pickleName);
    TensorLister(reader).walk(root, "");
  } catch (const std::exception& error) {
    std::fflush(stdout);
    std::fprintf(stderr, "tscript tensors: %s\n", error.what());
    return 1;
  }
  return 0;
}

const CommandRegistration kRegistration({
    "tensors",
    "tensors [--pickle data.pkl|constants.pkl] FILE.pt  rebuild and print every tensor",
    runTensors,
});

}  // namespace
}  // namespace tscript::tools
