#include "compiler/passes.h"

#include <mutex>

#include "compiler/canonicalize_loops.h"
#include "compiler/convert_to_ssa.h"
#include "compiler/dead_code.h"
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
    ir::registerPass({"canonicalize-loops",
                      "turn counted loops whose body computes a condition into while loops "
                      "with an explicit counter",
                      [](ir::Graph& graph) {
                        canonicalizeModifiedLoops(graph);
                        return true;
                      }});
    ir::registerPass({"dead-code",
                      "remove unread values, if outputs and loop-carried values, and the pure "
                      "nodes computing them (torch.jit's mark-and-sweep)",
                      [](ir::Graph& graph) { return eliminateDeadCode(graph); }});
  });
}

}  // namespace tscript::compiler
