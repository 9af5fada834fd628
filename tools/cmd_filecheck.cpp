// `tscript filecheck CHECKFILE [INPUT]`: checks INPUT (stdin when omitted) against the
// FileCheck directives (`CHECK:`, `CHECK-NEXT:`, ...) in CHECKFILE. Exit status 0 when every
// directive holds, 1 with an explanation on stderr otherwise, 2 for usage or I/O errors.
// Golden IR tests run as `tscript opt x.ir | tscript filecheck x.ir`.
#include <cstdio>

#include "command.h"
#include "input.h"
#include "ir/filecheck.h"

namespace tscript::tools {
namespace {

int runFileCheck(const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2) {
    std::fprintf(stderr, "usage: tscript filecheck CHECKFILE [INPUT]\n");
    return 2;
  }
  std::string checks, input;
  if (!readInput(args[0], checks)) {
    std::fprintf(stderr, "tscript filecheck: cannot read '%s'\n", args[0].c_str());
    return 2;
  }
  std::string inputName = args.size() == 2 ? args[1] : "-";
  if (!readInput(inputName, input)) {
    std::fprintf(stderr, "tscript filecheck: cannot read '%s'\n", inputName.c_str());
    return 2;
  }
  try {
    ir::FileCheckResult result = ir::FileCheck::fromCheckText(checks).run(input);
    if (result.ok) return 0;
    std::fprintf(stderr, "%s: FileCheck failed:\n%s\n", args[0].c_str(), result.message.c_str());
    return 1;
  } catch (const ir::FileCheckError& error) {
    std::fprintf(stderr, "%s: %s\n", args[0].c_str(), error.what());
    return 2;
  }
}

CommandRegistration registration({"filecheck", "filecheck CHECKFILE [INPUT]", runFileCheck});

}  // namespace
}  // namespace tscript::tools
