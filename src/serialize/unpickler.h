// Pickle bytes -> PickleValue tree, for the pickles of TorchScript archives (protocol 2 as
// 1.13 writes it; the protocol 3/4 opcodes Python may add for the same values are read too).
//
// Safety: the input is untrusted. GLOBALs are checked against an allow-list before anything
// else happens; the input length, memo size, stack size, container sizes, nesting depth and
// expanded tree size are bounded by UnpicklerLimits; every read is bounds-checked; a value
// that is already part of another value is never modified (so no cycles can be built). Any
// violation throws SerializeError naming the source, the byte offset and the opcode.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "serialize/global_allow_list.h"
#include "serialize/pickle.h"

namespace tscript::serialize {

struct UnpicklerLimits {
  uint64_t maxInputBytes = uint64_t{1} << 31;
  uint64_t maxMemoEntries = uint64_t{1} << 22;
  uint64_t maxStackSize = uint64_t{1} << 22;  // values plus marks
  uint64_t maxContainerSize = uint64_t{1} << 26;
  uint32_t maxNestingDepth = 1000;
  // Bounds the work of any consumer that walks the tree expanding shared nodes (a memo fetch
  // makes a DAG, and repeated fetches could otherwise describe 2^N nodes in N bytes).
  uint64_t maxExpandedNodes = uint64_t{1} << 27;
  uint32_t maxGlobalNameBytes = 1024;
};

class Unpickler {
 public:
  explicit Unpickler(GlobalAllowList allowList = GlobalAllowList::torchScriptArchive(),
                     UnpicklerLimits limits = {});

  // `sourceName` ("archive/data.pkl") starts every error message.
  PickleValue parse(std::span<const uint8_t> bytes, std::string_view sourceName);

 private:
  class Run;
  GlobalAllowList allowList_;
  UnpicklerLimits limits_;
};

// Convenience: the TorchScript allow-list and default limits.
PickleValue unpickle(std::span<const uint8_t> bytes, std::string_view sourceName);
PickleValue unpickle(std::string_view bytes, std::string_view sourceName);

}  // namespace tscript::serialize
