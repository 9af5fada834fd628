// tscript::load_library: operator libraries register with the c10 dispatcher from their static
// initializers, and our operator registry listens to the dispatcher (ops/dispatcher_operators.cpp),
// so opening the library is all it takes for its operators to become callable from code.
#include <dlfcn.h>

#include "tscript/tscript.h"

namespace tscript {

void load_library(const std::string& path) {
  // RTLD_NOW: a library with unresolved symbols fails here, with the loader's message, rather
  // than at its first call. RTLD_GLOBAL: as torch.ops.load_library, so that libraries built
  // on top of this one find its symbols. The handle is never closed: the dispatcher keeps
  // pointers into the library for the life of the process.
  if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    const char* reason = dlerror();
    throw Error("cannot load operator library " + path + ": " + (reason ? reason : "unknown error"));
  }
}

}  // namespace tscript
