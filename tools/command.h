// A subcommand of the `tscript` tool. Each cmd_*.cpp defines one and registers it with a
// file-scope `CommandRegistration`, so main.cpp never lists commands by hand.
#pragma once

#include <string>
#include <vector>

namespace tscript::tools {

using CommandMain = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* usage;  // one line: "parse [--check] FILE.py..."
  CommandMain run;
};

struct CommandRegistration {
  explicit CommandRegistration(Command command);
};

const std::vector<Command>& registeredCommands();

}  // namespace tscript::tools
