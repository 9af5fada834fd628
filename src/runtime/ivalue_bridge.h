// The ATen boundary: runtime::Value <-> c10::IValue.
//
// Values stay tscript's own everywhere except in the call of a dispatcher operator, whose
// boxed kernels take IValues. Going in, the schema's argument type says which IValue form
// the kernel expects (an `int[]` must be a c10::List<int64_t>, a `Tensor?[]` a list of
// optional tensors), so that conversion is planned once per call site (ArgumentConversion)
// and applied per call. Coming out, the IValue's own tag says what it is.
#pragma once

#include <ATen/core/ivalue.h>

#include "runtime/value.h"
#include "types/type.h"

namespace tscript::runtime {

// How one argument crosses into an IValue, chosen from its schema type.
enum class ArgumentConversion : uint8_t {
  Direct,            // tensor, int, float, bool, None, str, device, Scalar: same-shaped IValue
  IntList,           // int[] / SymInt[] -> c10::List<int64_t>
  FloatList,         // float[] -> c10::List<double>
  BoolList,          // bool[] -> c10::List<bool>
  TensorList,        // Tensor[] -> c10::List<at::Tensor>
  OptionalTensorList,  // Tensor?[] -> c10::List<c10::optional<at::Tensor>>
  Generic,           // anything else: converted structurally (tuples, dicts, generic lists)
};
ArgumentConversion conversionFor(const types::TypePtr& schemaType);

c10::IValue toIValue(Value value, ArgumentConversion conversion);
Value fromIValue(c10::IValue value);

}  // namespace tscript::runtime
