// `tscript ops [--count] [NAME]`: the operator registry. Lists every overload of NAME
// (`aten::add`, or `add` for `aten::add`), or of every operator, one schema per line;
// `--count` prints the number of operators and overloads instead (of NAME's, or of all).
#include <cstdio>
#include <string>

#include "command.h"
#include "ops/registry.h"

namespace tscript::tools {
namespace {

int runOps(const std::vector<std::string>& args) {
  bool countOnly = false;
  std::string name;
  for (const std::string& arg : args) {
    if (arg == "--count") {
      countOnly = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "tscript ops: unknown option '%s'\nusage: tscript ops [--count] [NAME]\n",
                   arg.c_str());
      return 2;
    } else if (name.empty()) {
      name = arg;
    } else {
      std::fprintf(stderr, "tscript ops: more than one NAME\nusage: tscript ops [--count] [NAME]\n");
      return 2;
    }
  }
  // A bare name means the aten operator, as `torch.add` does.
  if (!name.empty() && name.find("::") == std::string::npos) name = "aten::" + name;

  if (name.empty()) {
    if (countOnly) {
      ops::RegistryCounts counts = ops::registryCounts();
      std::printf("%zu operators, %zu overloads (%zu from the c10 dispatcher)\n", counts.names,
                  counts.overloads, counts.dispatcherOverloads);
      return 0;
    }
    for (ir::Symbol symbol : ops::operatorNames()) {
      for (const ops::Operator* op : ops::overloadsOf(symbol)) {
        std::printf("%s\n", op->schemaText().c_str());
      }
    }
    return 0;
  }

  std::span<const ops::Operator* const> overloads = ops::overloadsOf(name);
  if (overloads.empty()) {
    std::fprintf(stderr, "tscript ops: no operator named '%s'\n", name.c_str());
    return 1;
  }
  if (countOnly) {
    std::printf("1 operator, %zu overloads\n", overloads.size());
    return 0;
  }
  for (const ops::Operator* op : overloads) std::printf("%s\n", op->schemaText().c_str());
  return 0;
}

static CommandRegistration registration({"ops", "ops [--count] [NAME]", runOps});

}  // namespace
}  // namespace tscript::tools
