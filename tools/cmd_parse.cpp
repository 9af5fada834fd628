// `tscript parse [--check] FILE.py...`: parse Python files and print their AST outline
// (or, with --check, only report errors). Exit status 1 if any file fails to parse.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "command.h"
#include "lang/parser.h"

namespace tscript::tools {
namespace {

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

int runParse(const std::vector<std::string>& args) {
  bool checkOnly = false;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    if (arg == "--check") {
      checkOnly = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "tscript parse: unknown option '%s'\n", arg.c_str());
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: tscript parse [--check] FILE.py...\n");
    return 2;
  }
  int failures = 0;
  for (const std::string& path : files) {
    std::string text;
    if (!readFile(path, text)) {
      std::fprintf(stderr, "tscript parse: cannot read '%s'\n", path.c_str());
      ++failures;
      continue;
    }
    auto file = std::make_shared<lang::SourceFile>(path, std::move(text));
    try {
      lang::Module module = lang::parseModule(file);
      if (!checkOnly) {
        if (files.size() > 1) std::printf("== %s\n", path.c_str());
        std::fputs(lang::outlineAst(module).c_str(), stdout);
      }
    } catch (const lang::CompileError& error) {
      std::fputs(error.what(), stderr);
      ++failures;
    }
  }
  return failures ? 1 : 0;
}

CommandRegistration registration({"parse", "parse [--check] FILE.py...", runParse});

}  // namespace
}  // namespace tscript::tools
