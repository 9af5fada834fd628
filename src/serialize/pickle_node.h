// The storage behind a PickleValue handle. Internal to src/serialize: only pickle.cpp and the
// unpickler (which grows lists, dicts and objects in place, as the pickle machine does) see it.
#pragma once

#include <cstdint>
#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "serialize/pickle.h"

namespace tscript::serialize::detail {

struct PickleNode {
  PickleKind kind = PickleKind::None;
  bool boolValue = false;
  int64_t intValue = 0;
  double floatValue = 0.0;
  std::string text;  // String / Bytes payload, or the Global's module
  std::string name;  // Global's name
  std::vector<PickleValue> items;  // List / Tuple
  TupleEncoding tupleEncoding = TupleEncoding::Compact;
  PickleDictEntries entries;  // Dict
  ObjectConstruction construction = ObjectConstruction::Reduce;
  std::vector<PickleValue> parts;  // Object: {callable, args[, state]}; PersistentId: {id}

  bool memoized = false;
  // Set once the node became another node's child. A sealed node never grows again, which
  // is what keeps the tree acyclic (see Unpickler::adopt).
  bool sealed = false;
  uint32_t depth = 1;
  uint64_t expandedSize = 1;

  // Accounts for one more child in depth and expandedSize.
  void addChildStatistics(const PickleValue& child) {
    depth = std::max<uint32_t>(depth, child.depth() + 1);
    uint64_t size = child.expandedSize();
    expandedSize = size > std::numeric_limits<uint64_t>::max() - expandedSize
                       ? std::numeric_limits<uint64_t>::max()
                       : expandedSize + size;
  }

  static std::shared_ptr<PickleNode> make(PickleKind kind) {
    auto node = std::make_shared<PickleNode>();
    node->kind = kind;
    return node;
  }
  static const std::shared_ptr<PickleNode>& of(const PickleValue& value);
  static PickleValue wrap(std::shared_ptr<PickleNode> node) { return PickleValue(std::move(node)); }
};

}  // namespace tscript::serialize::detail
