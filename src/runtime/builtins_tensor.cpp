// TorchScript's own operators on tensors and devices: those of 1.13 that are not ATen
// kernels (numel, element_size, the prim_* overloads of `to`, torch.tensor of a list,
// tolist, a device's type and index).
#include <ATen/ATen.h>
#include <c10/core/DeviceType.h>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

// x.to(device, dtype, non_blocking, copy) with None meaning "keep the tensor's own".
at::Tensor convertTensor(const at::Tensor& self, const Value& device, const Value& dtype,
                         bool nonBlocking, bool copy) {
  c10::Device target = device.isNone() ? self.device() : device.toDevice();
  at::ScalarType type =
      dtype.isNone() ? self.scalar_type() : static_cast<at::ScalarType>(dtype.toInt());
  return self.to(target, type, nonBlocking, copy);
}

// to.prim_Device(Tensor self, Device? device, int? dtype=None, bool non_blocking=False,
//                bool copy=False)
void toDevice(Stack& stack) {
  bool copy = pop(stack).toBool();
  bool nonBlocking = pop(stack).toBool();
  Value dtype = pop(stack);
  Value device = pop(stack);
  stack.back() = Value(convertTensor(stack.back().toTensor(), device, dtype, nonBlocking, copy));
}

// to.prim_dtype(Tensor self, int? dtype=None, bool non_blocking=False, bool copy=False)
void toDtype(Stack& stack) {
  bool copy = pop(stack).toBool();
  bool nonBlocking = pop(stack).toBool();
  Value dtype = pop(stack);
  stack.back() = Value(convertTensor(stack.back().toTensor(), Value(), dtype, nonBlocking, copy));
}

// to.prim_other(Tensor self, bool non_blocking=False, bool copy=False)
void toSame(Stack& stack) {
  bool copy = pop(stack).toBool();
  bool nonBlocking = pop(stack).toBool();
  stack.back() = Value(convertTensor(stack.back().toTensor(), Value(), Value(), nonBlocking, copy));
}

// ---- torch.tensor(nested list) ----------------------------------------------------------

// The scalar type a list's leaves give a tensor: int64, the default float type, bool,
// the default complex type.
at::ScalarType leafScalarType(const types::TypePtr& leaf) {
  switch (leaf->kind()) {
    case types::TypeKind::Int: return at::kLong;
    case types::TypeKind::Float: return c10::typeMetaToScalarType(at::get_default_dtype());
    case types::TypeKind::Bool: return at::kBool;
    case types::TypeKind::Complex: return c10::toComplexType(c10::typeMetaToScalarType(at::get_default_dtype()));
    default:
      throwError("RuntimeError", "Input list to torch.tensor must be of ints, floats, or bools, got " +
                                     leaf->annotationStr());
  }
}

// The shape of a nested list (rectangular, or an error naming the first ragged dimension)
// and its leaves in row-major order.
void collectLeaves(const Value& list, size_t depth, std::vector<int64_t>& shape,
                   std::vector<Value>& leaves) {
  const std::vector<Value>& elements = list.toList().elements;
  int64_t length = static_cast<int64_t>(elements.size());
  if (depth == shape.size()) {
    shape.push_back(length);
  } else if (shape[depth] != length) {
    throwError("ValueError", "Expected sequence of length " + std::to_string(shape[depth]) +
                                 " at dim " + std::to_string(depth) + " (got " +
                                 std::to_string(length) + ")");
  }
  for (const Value& element : elements) {
    if (element.isList()) {
      collectLeaves(element, depth + 1, shape, leaves);
    } else {
      leaves.push_back(element);
    }
  }
}

at::Scalar scalarOf(const Value& leaf) {
  if (leaf.isBool()) return at::Scalar(leaf.toBool());
  if (leaf.isInt()) return at::Scalar(leaf.toInt());
  if (leaf.isFloat()) return at::Scalar(leaf.toFloat());
  return at::Scalar(c10::complex<double>(leaf.toComplex()));
}

// aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False)
void tensorFromList(Stack& stack) {
  bool requiresGrad = pop(stack).toBool();
  Value device = pop(stack);
  Value dtype = pop(stack);
  Value data = pop(stack);
  types::TypePtr leaf = data.toList().elementType;
  while (auto* inner = leaf->as<types::ListType>()) leaf = inner->element();
  at::ScalarType inferred = leafScalarType(leaf);
  std::vector<int64_t> shape;
  std::vector<Value> leaves;
  collectLeaves(data, 0, shape, leaves);
  // An empty innermost list stops the shape early ([[]] is 1x0); leaves must fill it.
  int64_t expected = 1;
  for (int64_t size : shape) expected *= size;
  if (expected != static_cast<int64_t>(leaves.size())) {
    throwError("ValueError", "torch.tensor: the nested lists are not rectangular");
  }
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(inferred));
  at::Tensor flat = tensor.view({-1});
  for (size_t i = 0; i < leaves.size(); ++i) flat[static_cast<int64_t>(i)].fill_(scalarOf(leaves[i]));
  if (!dtype.isNone() || !device.isNone()) {
    tensor = convertTensor(tensor, device, dtype, /*nonBlocking=*/false, /*copy=*/false);
  }
  if (requiresGrad) tensor.set_requires_grad(true);
  stack.emplace_back(std::move(tensor));
}

// ---- x.tolist() ---------------------------------------------------------------------------

// prim::tolist(Tensor self, int dims, int elementKind): the compiler passes the annotated
// result's list depth and element kind (0 int, 1 float, 2 bool), which must agree with the
// tensor at run time.
enum ElementKind : int64_t { kIntElements = 0, kFloatElements = 1, kBoolElements = 2 };

types::TypePtr elementTypeOf(int64_t kind, int64_t depth) {
  types::TypePtr type = kind == kIntElements     ? types::intType()
                        : kind == kFloatElements ? types::floatType()
                                                 : types::boolType();
  for (int64_t i = 0; i < depth; ++i) type = types::listOf(type);
  return type;
}

Value nestedList(int64_t kind, int64_t dim, const int64_t* sizes,
                 const int64_t* strides, const char* data, size_t itemSize, int64_t dims) {
  if (dim == dims) {
    if (kind == kIntElements) return Value(*reinterpret_cast<const int64_t*>(data));
    if (kind == kFloatElements) return Value(*reinterpret_cast<const double*>(data));
    return Value(*reinterpret_cast<const bool*>(data));
  }
  std::vector<Value> elements;
  elements.reserve(sizes[dim]);
  for (int64_t i = 0; i < sizes[dim]; ++i) {
    elements.push_back(nestedList(kind, dim + 1, sizes, strides,
                                  data + i * strides[dim] * static_cast<int64_t>(itemSize),
                                  itemSize, dims));
  }
  return makeList(elementTypeOf(kind, dims - dim - 1), std::move(elements));
}

void toList(Stack& stack) {
  pop(stack);  // the input count (varargs): always 3
  int64_t kind = pop(stack).toInt();
  int64_t dims = pop(stack).toInt();
  at::Tensor tensor = pop(stack).toTensor();
  if (tensor.dim() != dims) {
    throwError("RuntimeError", "Output annotation list dimension and runtime tensor dimension "
                               "must match for tolist()");
  }
  // 1.13 accepts int64 for int, float32 or float64 for float, bool for bool.
  at::ScalarType type = tensor.scalar_type();
  bool matches = kind == kIntElements     ? type == at::kLong
                 : kind == kFloatElements ? (type == at::kFloat || type == at::kDouble)
                                          : type == at::kBool;
  if (!matches) {
    throwError("RuntimeError", "Output annotation element type and runtime tensor element type "
                               "must match for tolist()");
  }
  // Read the elements as the list's own C++ type (int64, double, bool), on the CPU.
  at::ScalarType readAs = kind == kIntElements ? at::kLong : kind == kFloatElements ? at::kDouble : at::kBool;
  at::Tensor readable = tensor.to(at::kCPU, readAs);
  if (dims == 0) {
    stack.push_back(nestedList(kind, 0, nullptr, nullptr,
                               static_cast<const char*>(readable.data_ptr()), readable.element_size(), 0));
    return;
  }
  stack.push_back(nestedList(kind, 0, readable.sizes().data(), readable.strides().data(),
                             static_cast<const char*>(readable.data_ptr()), readable.element_size(), dims));
}

const std::vector<BuiltinOperator> kOperators = {
    {"aten::numel(Tensor self) -> int", [](Stack& s) { s.back() = Value(s.back().toTensor().numel()); }},
    {"aten::cpu(Tensor(a) self) -> Tensor(b|a)",
     [](Stack& s) { s.back() = Value(s.back().toTensor().cpu()); }},
    {"aten::element_size(Tensor self) -> int",
     [](Stack& s) { s.back() = Value(s.back().toTensor().element_size()); }},
    {"aten::to.prim_Device(Tensor(a) self, Device? device, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(b|a)",
     toDevice},
    {"aten::to.prim_dtype(Tensor(a) self, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(b|a)",
     toDtype},
    {"aten::to.prim_other(Tensor(a) self, bool non_blocking=False, bool copy=False) -> Tensor(b|a)",
     toSame},
    {"aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
     tensorFromList},
    // torch.as_tensor: a list as torch.tensor makes it; a tensor converted only if it must be.
    {"aten::as_tensor.list(t[] data, *, ScalarType? dtype=None, Device? device=None) -> Tensor",
     [](Stack& s) {
       s.emplace_back(false);  // requires_grad
       tensorFromList(s);
     }},
    {"aten::as_tensor(Tensor(a) data, *, ScalarType? dtype=None, Device? device=None) -> Tensor(b|a)",
     [](Stack& s) {
       Value device = pop(s);
       Value dtype = pop(s);
       at::Tensor data = pop(s).toTensor();
       if (!dtype.isNone() || !device.isNone()) {
         data = convertTensor(data, device, dtype, /*nonBlocking=*/false, /*copy=*/false);
       }
       s.emplace_back(std::move(data));
     }},
    {"prim::tolist(...) -> ...", toList},
    {"aten::device(str a) -> Device",
     [](Stack& s) {
       std::string text = s.back().toStringRef();
       try {
         s.back() = Value(c10::Device(text));
       } catch (const c10::Error& error) {
         throwError("RuntimeError", error.what_without_backtrace());
       }
     }},
    {"prim::type(Device self) -> str",
     [](Stack& s) { s.back() = Value(c10::DeviceTypeName(s.back().toDevice().type(), /*lower_case=*/true)); }},
    {"prim::index(Device self) -> int?",
     [](Stack& s) {
       c10::Device device = s.back().toDevice();
       s.back() = device.has_index() ? Value(int64_t(device.index())) : Value();
     }},
};

}  // namespace

const std::vector<BuiltinOperator>& tensorOperators() { return kOperators; }

}  // namespace tscript::runtime
