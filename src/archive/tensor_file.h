// Loading `torch.save` files: a tensor, or lists / tuples / dicts of tensors (nested, with
// plain scalars and strings among them), saved by PyTorch 1.13 in its default zip format.
//
// Such a file is a zip of `<name>/data.pkl` (a pickle written by Python's pickle module,
// protocol 2), `<name>/data/<key>` storage records and `<name>/version`: the same tensor
// encoding as a TorchScript archive's data.pkl (tensor_records.h), with Python's memo habits
// (every storage reference is a fresh persistent-id tuple; tensors share storages by key).
#pragma once

#include <string>

#include "archive/tensor_records.h"
#include "runtime/value.h"

namespace tscript::archive {

// The content of the file at `path` as a runtime value: a Tensor; a List (element type
// unified from its elements, Any when they do not unify or the list is empty); a Tuple; a
// Dict (keys str, int, float or bool; value type unified as for lists); None, bool, int,
// float, str. Tensors that shared a storage in the saved process share one here.
// Throws serialize::SerializeError naming the file and the problem; anything else
// (OrderedDict with entries, such as a state_dict, nn.Module objects, numpy arrays, ...)
// is reported as not supported.
runtime::Value loadTensorFile(const std::string& path, TensorLoadOptions options = {});

}  // namespace tscript::archive
