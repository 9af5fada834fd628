// Operators the TorchScript compiler itself emits (loop index arithmetic, implicit tensor ->
// number conversions, tensor literals, raise/print/warn) rather than ones users call by name.
#include <ATen/core/grad_mode.h>
#include <ATen/ops/embedding_renorm.h>
#include <ATen/ops/scalar_tensor.h>

#include <iostream>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

// Python's len(range(lo, hi, step)).
void rangeLength(Stack& stack) {
  int64_t step = pop(stack).toInt();
  int64_t hi = pop(stack).toInt();
  int64_t lo = stack.back().toInt();
  if (step == 0) throwError("RuntimeError", "range() arg 3 must not be zero");
  int64_t length = 0;
  if (step > 0 && lo < hi) {
    length = 1 + (hi - 1 - lo) / step;
  } else if (step < 0 && lo > hi) {
    length = 1 + (lo - 1 - hi) / (-step);
  }
  stack.back() = Value(length);
}

// The loop variable of iteration `index` of range(start, _, step).
void deriveIndex(Stack& stack) {
  int64_t step = pop(stack).toInt();
  int64_t start = pop(stack).toInt();
  stack.back() = Value(start + stack.back().toInt() * step);
}

const at::Tensor& oneElementTensor(const Value& value, const char* target) {
  const at::Tensor& tensor = value.toTensor();
  if (tensor.numel() != 1) {
    throwError("RuntimeError", std::string("a Tensor with ") + std::to_string(tensor.numel()) +
                                   " elements cannot be converted to " + target);
  }
  return tensor;
}

// Tensors passed where a number is expected (implicit conversions inserted by the
// compiler): 1.13 also insists on a 0-dim tensor without grad, but reports the same numel
// problem first.
void intImplicit(Stack& stack) {
  stack.back() = Value(oneElementTensor(stack.back(), "Scalar").item().toLong());
}
void floatImplicit(Stack& stack) {
  stack.back() = Value(oneElementTensor(stack.back(), "Scalar").item().toDouble());
}
void scalarImplicit(Stack& stack) {
  const at::Tensor& tensor = oneElementTensor(stack.back(), "Scalar");
  at::Scalar scalar = tensor.item();
  if (scalar.isIntegral(/*includeBool=*/false)) {
    stack.back() = Value(scalar.toLong());
  } else if (scalar.isBoolean()) {
    stack.back() = Value(scalar.toBool());
  } else if (scalar.isComplex()) {
    stack.back() = Value(c10::complex<double>(scalar.toComplexDouble()));
  } else {
    stack.back() = Value(scalar.toDouble());
  }
}

// torch.tensor(number, *, dtype=None, device=None, requires_grad=False)
template <at::ScalarType DefaultType>
void tensorFromNumber(Stack& stack) {
  bool requiresGrad = pop(stack).toBool();
  Value device = pop(stack);
  Value dtype = pop(stack);
  Value number = pop(stack);
  at::ScalarType type = dtype.isNone() ? DefaultType : static_cast<at::ScalarType>(dtype.toInt());
  at::Scalar scalar = number.isBool()    ? at::Scalar(number.toBool())
                      : number.isInt()   ? at::Scalar(number.toInt())
                      : number.isFloat() ? at::Scalar(number.toFloat())
                                         : at::Scalar(c10::complex<double>(number.toComplex()));
  at::TensorOptions options = at::TensorOptions().dtype(type);
  if (!device.isNone()) options = options.device(device.toDevice());
  at::Tensor tensor = at::scalar_tensor(scalar, options);
  if (requiresGrad) tensor.set_requires_grad(true);
  stack.emplace_back(std::move(tensor));
}

// `raise Cls(msg)`: the compiler passes the qualified class name ("builtins.ValueError"),
// which is reported by its Python name.
void raiseException(Stack& stack) {
  Value cls = pop(stack);
  std::string message = pop(stack).toStringRef();
  // Without a class (an assert), 1.13 reports a RuntimeError whose message names the
  // Python exception ("AssertionError: ...").
  std::string name = cls.isNone() ? "RuntimeError" : cls.toStringRef();
  if (name.rfind("builtins.", 0) == 0) name = name.substr(9);
  throw ScriptError(name, std::move(message));
}

// print(a, b, ...): the values as torch.jit prints them, separated by spaces.
void print(Stack& stack) {
  int64_t count = pop(stack).toInt();
  std::string line;
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) line += ' ';
    line += scriptStr(peek(stack, i, count));
  }
  drop(stack, count);
  line += '\n';
  std::cout << line << std::flush;
}

void warn(Stack& stack) {
  pop(stack);  // stacklevel: meaningful to Python's warnings module only
  std::cerr << "UserWarning: " << pop(stack).toStringRef() << "\n";
}

// torch.nn.functional's _no_grad_embedding_renorm_: embedding_renorm_ without autograd.
void noGradEmbeddingRenorm(Stack& stack) {
  double normType = pop(stack).toFloat();
  double maxNorm = pop(stack).toFloat();
  at::Tensor input = pop(stack).toTensor();
  at::Tensor weight = pop(stack).toTensor();
  at::NoGradGuard noGrad;
  stack.emplace_back(at::embedding_renorm_(weight, input, maxNorm, normType));
}

void tupleIndex(Stack& stack) {
  int64_t index = pop(stack).toInt();
  Value tuple = pop(stack);
  const auto& elements = tuple.toTuple().elements;
  int64_t position = normalizeIndex(index, elements.size());
  if (position < 0) throwError("IndexError", "tuple index out of range");
  stack.push_back(elements[position]);
}

const std::vector<BuiltinOperator> kOperators = {
    {"aten::__range_length(int lo, int hi, int step) -> int", rangeLength},
    {"aten::__derive_index(int index, int start, int step) -> int", deriveIndex},
    {"aten::IntImplicit(Tensor a) -> int", intImplicit},
    {"aten::FloatImplicit(Tensor a) -> float", floatImplicit},
    {"aten::ScalarImplicit(Tensor a) -> Scalar", scalarImplicit},
    {"aten::tensor.float(float t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
     tensorFromNumber<at::kFloat>},
    {"aten::tensor.int(int t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
     tensorFromNumber<at::kLong>},
    {"aten::tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
     tensorFromNumber<at::kBool>},
    {"aten::is_scripting() -> bool", [](Stack& s) { s.emplace_back(true); }},
    // Compiled code is never being traced by torch.jit's tracer.
    {"aten::_get_tracing_state() -> bool", [](Stack& s) { s.emplace_back(false); }},
    {"aten::_no_grad_embedding_renorm_(Tensor weight, Tensor input, float max_norm, float norm_type) -> Tensor",
     noGradEmbeddingRenorm},
    {"prim::RaiseException(str msg, str? cls=None) -> ()", raiseException},
    {"prim::Print(...) -> ()", print},
    {"aten::warn(str message, int stacklevel=2) -> ()", warn},
    {"prim::TupleIndex(Any tup, int i) -> Any", tupleIndex},
    {"prim::layout(Tensor a) -> Layout",
     [](Stack& s) { s.back() = Value(static_cast<int64_t>(s.back().toTensor().layout())); }},
};

}  // namespace

const std::vector<BuiltinOperator>& scriptOperators() { return kOperators; }

}  // namespace tscript::runtime
