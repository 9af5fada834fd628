// Which GLOBALs an unpickler may reference. Pickle's GLOBAL names arbitrary Python callables
// (`os.system`), so the unpickler checks every GLOBAL against this list before anything else
// happens, and rejects the others by name.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace tscript::serialize {

class GlobalAllowList {
 public:
  // Exactly what 1.13's TorchScript archives reference (data.pkl, constants.pkl, the
  // debug_pkl files): the tensor rebuild functions, torch.jit._pickle's list and type-tag
  // helpers, collections.OrderedDict, torch.device, builtins.complex, the storage classes,
  // the quantization schemes, and every class under the `__torch__` namespace.
  static GlobalAllowList torchScriptArchive();
  // Accepts nothing; add to it.
  static GlobalAllowList empty() { return GlobalAllowList(); }

  GlobalAllowList& allow(const std::string& module, const std::string& name);
  // Every global whose module is `module` or lies below it (`module.` prefix).
  GlobalAllowList& allowModuleTree(const std::string& module);

  bool allows(const std::string& module, const std::string& name) const;

 private:
  std::set<std::string> exact_;  // "module.name"
  std::vector<std::string> moduleTrees_;
};

}  // namespace tscript::serialize
