#include "input.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace tscript::tools {

bool readInput(const std::string& path, std::string& out) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    buffer << in.rdbuf();
  }
  out = buffer.str();
  return true;
}

}  // namespace tscript::tools
