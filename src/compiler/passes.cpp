#include "compiler/passes.h"

#include <mutex>

#include "compiler/convert_to_ssa.h"
#include "ir/pass_registry.h"

namespace tscript::compiler {

void registerCompilerPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    ir::registerPass({"convert-to-ssa",
                      "replace prim::Store/prim::Load by SSA values threaded through control flow",
                      [](ir::Graph& graph) {
                        convertToSSA(graph);
                        return true;
                      }});
  });
}

}  // namespace tscript::compiler
