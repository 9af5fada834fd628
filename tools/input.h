// Reading the tools' input files (`-` is stdin).
#pragma once

#include <string>

namespace tscript::tools {

// Reads all of `path` into `out`; false when it cannot be opened.
bool readInput(const std::string& path, std::string& out);

}  // namespace tscript::tools
