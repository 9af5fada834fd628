#include "compiler/torch_constants.h"

#include <unordered_map>

namespace tscript::compiler {

std::optional<int64_t> torchEnumConstant(std::string_view name) {
  static const std::unordered_map<std::string_view, int64_t> kConstants = {
      // c10::ScalarType, with the aliases torch defines (torch.float is float32).
      {"uint8", 0}, {"int8", 1}, {"int16", 2}, {"short", 2}, {"int32", 3}, {"int", 3},
      {"int64", 4}, {"long", 4}, {"float16", 5}, {"half", 5}, {"float32", 6}, {"float", 6},
      {"float64", 7}, {"double", 7}, {"complex32", 8}, {"chalf", 8}, {"complex64", 9},
      {"cfloat", 9}, {"complex128", 10}, {"cdouble", 10}, {"bool", 11}, {"qint8", 12},
      {"quint8", 13}, {"qint32", 14}, {"bfloat16", 15}, {"quint4x2", 16}, {"quint2x4", 17},
      // c10::Layout
      {"strided", 0}, {"sparse_coo", 1}, {"sparse_csr", 2},
      // c10::MemoryFormat
      {"contiguous_format", 0}, {"preserve_format", 1}, {"channels_last", 2},
      {"channels_last_3d", 3},
  };
  auto found = kConstants.find(name);
  if (found == kConstants.end()) return std::nullopt;
  return found->second;
}

}  // namespace tscript::compiler
