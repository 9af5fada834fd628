// The one error type of the serialization layer. Every malformed archive or pickle ends in a
// SerializeError whose message names what was being read (the record, the opcode and its
// byte offset) and what was wrong, so a user can tell a truncated download from a hostile file.
#pragma once

#include <stdexcept>
#include <string>

namespace tscript::serialize {

class SerializeError : public std::runtime_error {
 public:
  explicit SerializeError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tscript::serialize
