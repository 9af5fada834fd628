// The enum-valued attributes of the `torch` module that TorchScript compiles to int
// constants: dtypes (torch.float32 is 6), layouts (torch.strided is 0) and memory formats
// (torch.channels_last is 2), as 1.13 does. The numbers are c10's enum values, the ones
// graphs and archives carry.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tscript::compiler {

// The value of `torch.<name>` ("float32", "long", "strided", "channels_last"), or nullopt
// when `name` is not one of these constants.
std::optional<int64_t> torchEnumConstant(std::string_view name);

}  // namespace tscript::compiler
