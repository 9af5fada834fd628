// The allow-list of pickle GLOBALs, with the names 1.13 archives use (ARCHIVE_FORMAT.md §2).
#include "serialize/global_allow_list.h"

namespace tscript::serialize {

GlobalAllowList GlobalAllowList::torchScriptArchive() {
  GlobalAllowList list;
  list.allow("torch._utils", "_rebuild_tensor_v2")
      .allow("torch._utils", "_rebuild_qtensor")
      .allow("torch._utils", "_rebuild_sparse_tensor")
      .allow("collections", "OrderedDict")
      .allow("torch", "device")
      .allow("builtins", "complex");
  // `torch.jit._pickle.*` are global names that 1.13's archives write into their pickles; the
  // unpickler rebuilds the values itself (nothing of libtorch's TorchScript is called).
  for (const char* helper : {"build_intlist", "build_doublelist", "build_boollist",
                             "build_tensorlist", "build_tensor_from_id", "restore_type_tag"}) {
    list.allow("torch.jit._pickle", helper);
  }
  // One storage class per dtype (`<ScalarType>Storage` as c10 spells the scalar type names).
  for (const char* storage :
       {"ByteStorage", "CharStorage", "ShortStorage", "IntStorage", "LongStorage", "HalfStorage",
        "FloatStorage", "DoubleStorage", "ComplexHalfStorage", "ComplexFloatStorage",
        "ComplexDoubleStorage", "BoolStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage",
        "BFloat16Storage", "QUInt4x2Storage", "QUInt2x4Storage"}) {
    list.allow("torch", storage);
  }
  for (const char* scheme : {"per_tensor_affine", "per_channel_affine", "per_tensor_symmetric",
                             "per_channel_symmetric", "per_channel_affine_float_qparams"}) {
    list.allow("torch", scheme);
  }
  list.allowModuleTree("__torch__");
  return list;
}

GlobalAllowList& GlobalAllowList::allow(const std::string& module, const std::string& name) {
  exact_.insert(module + "." + name);
  return *this;
}

GlobalAllowList& GlobalAllowList::allowModuleTree(const std::string& module) {
  moduleTrees_.push_back(module);
  return *this;
}

bool GlobalAllowList::allows(const std::string& module, const std::string& name) const {
  if (exact_.count(module + "." + name)) return true;
  for (const std::string& tree : moduleTrees_) {
    if (module == tree) return true;
    if (module.size() > tree.size() && module.compare(0, tree.size(), tree) == 0 &&
        module[tree.size()] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace tscript::serialize
