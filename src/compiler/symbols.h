// Node kinds the compiler creates or rewrites, beyond the structural ones in ir/symbol.h.
#pragma once

#include "ir/symbol.h"

namespace tscript::compiler::kinds {

inline const ir::Symbol& store() { static const ir::Symbol s = ir::Symbol::make("prim", "Store"); return s; }
inline const ir::Symbol& load() { static const ir::Symbol s = ir::Symbol::make("prim", "Load"); return s; }
inline const ir::Symbol& uninitialized() {
  static const ir::Symbol s = ir::Symbol::make("prim", "Uninitialized");
  return s;
}
inline const ir::Symbol& raiseException() {
  static const ir::Symbol s = ir::Symbol::make("prim", "RaiseException");
  return s;
}

}  // namespace tscript::compiler::kinds
