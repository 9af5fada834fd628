// Interned operator and attribute names (`aten::add`, `prim::If`).
//
// A Symbol is a 32-bit index into one process-wide table of qualified strings, so comparing
// node kinds is an integer compare and a node stores four bytes for its kind. The table only
// grows; symbols are never freed (there are a few thousand at most: one per operator name).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tscript::ir {

class Symbol {
 public:
  Symbol() = default;  // the invalid symbol (id 0, the empty string)

  // `qualified` must be `namespace::name`; interns it on first use. Thread-safe.
  static Symbol fromQualString(std::string_view qualified);
  // Shorthand for fromQualString(ns + "::" + name).
  static Symbol make(std::string_view ns, std::string_view name);

  const std::string& toQualString() const;  // "aten::add"
  std::string_view ns() const;              // "aten"
  std::string_view name() const;            // "add" (the unqualified name)

  uint32_t id() const { return id_; }
  bool valid() const { return id_ != 0; }

  friend bool operator==(Symbol a, Symbol b) { return a.id_ == b.id_; }
  friend bool operator!=(Symbol a, Symbol b) { return a.id_ != b.id_; }
  friend bool operator<(Symbol a, Symbol b) { return a.id_ < b.id_; }

 private:
  explicit Symbol(uint32_t id) : id_(id) {}
  uint32_t id_ = 0;
};

// Kinds that the IR itself gives meaning to (structure, constants, control flow).
namespace prim {
extern const Symbol Param;     // the node whose outputs are a block's inputs (never printed)
extern const Symbol Return;    // the node whose inputs are a block's outputs (never printed)
extern const Symbol Constant;  // value in attribute "value"; no attribute means None
extern const Symbol If;        // 2 blocks; block outputs become the node outputs
extern const Symbol Loop;      // 1 block: (max_trip_count, cond, carried...) see verifier.h
}  // namespace prim

}  // namespace tscript::ir

template <>
struct std::hash<tscript::ir::Symbol> {
  size_t operator()(tscript::ir::Symbol s) const noexcept { return s.id(); }
};
