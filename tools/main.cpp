// `tscript` entry point: dispatches to the registered subcommands.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "command.h"

namespace tscript::tools {

static std::vector<Command>& commandTable() {
  static std::vector<Command> table;
  return table;
}

CommandRegistration::CommandRegistration(Command command) {
  commandTable().push_back(command);
}

const std::vector<Command>& registeredCommands() {
  auto& table = commandTable();
  std::sort(table.begin(), table.end(),
            [](const Command& a, const Command& b) { return std::strcmp(a.name, b.name) < 0; });
  return table;
}

static void printUsage(FILE* out) {
  std::fprintf(out, "usage: tscript COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& command : registeredCommands()) {
    std::fprintf(out, "  tscript %s\n", command.usage);
  }
}

}  // namespace tscript::tools

int main(int argc, char** argv) {
  using namespace tscript::tools;
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    printUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const Command& command : registeredCommands()) {
    if (!std::strcmp(command.name, argv[1])) {
      return command.run(std::vector<std::string>(argv + 2, argv + argc));
    }
  }
  std::fprintf(stderr, "tscript: unknown command '%s'\n\n", argv[1]);
  printUsage(stderr);
  return 2;
}
