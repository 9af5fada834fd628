// Reads the graph spelling of types (`Type::str()`, IR_AND_CODE_FORMAT.md §2.2):
//   int  Tensor  Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)  Long()  FloatTensor
//   int[]  int?  (int, str)  Dict(str, Tensor)  Union(int, str)  Future[Tensor]  RRef[Tensor]
//   Enum<__torch__.E>  InterfaceType<Scorer>  NamedTuple(x : int, y : Tensor)  __torch__.M
// Named types are not invented here: the caller supplies hooks that create or look them up
// (a compiler's class table, an archive's resolver, or a placeholder for tools).
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "types/type.h"

namespace tscript::ir {

struct NamedTypeHooks {
  // `__torch__.M` (classes, modules, interfaces).
  std::function<types::TypePtr(const std::string& qualifiedName)> classType;
  // The name inside `InterfaceType<...>` (1.13 prints interfaces by their unqualified name).
  std::function<types::TypePtr(const std::string& name)> interfaceType;
  // The name inside `Enum<...>`.
  std::function<types::TypePtr(const std::string& qualifiedName)> enumType;
  // `NamedTuple(x : int, y : Tensor)`: field names and types.
  std::function<types::TypePtr(const std::vector<std::pair<std::string, types::TypePtr>>& fields)>
      namedTuple;
};

// Thrown for malformed type text; `offset` is a byte offset into the text that was parsed.
class TypeParseError : public std::runtime_error {
 public:
  TypeParseError(const std::string& message, size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

// Parses one type starting at `pos` in `text` and advances `pos` past it. Stops at the first
// character that cannot continue the type (`,`, `)`, `=`, end of text...).
types::TypePtr parseTypeAt(std::string_view text, size_t& pos, const NamedTypeHooks& hooks);

// Parses `text` as exactly one type (surrounding spaces allowed).
types::TypePtr parseType(std::string_view text, const NamedTypeHooks& hooks = {});

}  // namespace tscript::ir
