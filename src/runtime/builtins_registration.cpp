// The builtin tables -> the operator registry.
#include <mutex>
#include <stdexcept>

#include "ops/registry.h"
#include "runtime/builtins_table.h"

namespace tscript::runtime {

void registerBuiltinOperators() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const BuiltinOperator& op : allBuiltinOperators()) {
      // The table's schemas are 1.13's own spellings (the builtins test checks them against
      // 1.13's list, all of which the ops test parses), so a clash with a dispatcher operator
      // is a bug in a table: say which. Each is parsed when its name is first looked up.
      try {
        ops::registerOperatorText(op.schema, op.function);
      } catch (const std::exception& error) {
        throw std::logic_error("registering builtin operator '" + op.schema + "': " + error.what());
      }
    }
  });
}

}  // namespace tscript::runtime
