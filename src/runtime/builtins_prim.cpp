// prim:: value operators that need no IR, plus the builtins on any value (`is`, hash) and the
// tensor <-> number conversions.
#include <ATen/autocast_mode.h>
#include <ATen/ops/abs.h>
#include <ATen/ops/scalar_tensor.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

bool isIntLike(const Value& v) { return v.isInt() || v.isBool(); }

// min/max of two numbers: ints stay ints, anything else is a float. Like Python, the first
// operand wins a tie, and a nan operand propagates as 1.13's std::min/max-based code does not
// promise anything beyond "some operand".
template <bool Max>
void pickNumber(Stack& stack) {
  Value b = pop(stack);
  Value& a = stack.back();
  if (isIntLike(a) && isIntLike(b)) {
    int64_t x = a.isBool() ? a.toBool() : a.toInt();
    int64_t y = b.isBool() ? b.toBool() : b.toInt();
    a = Value(Max ? std::max(x, y) : std::min(x, y));
  } else {
    double x = a.toNumberAsFloat();
    double y = b.toNumberAsFloat();
    a = Value(Max ? (y > x ? y : x) : (y < x ? y : x));
  }
}

bool lessNumber(const Value& a, const Value& b) { return a.toNumberAsFloat() < b.toNumberAsFloat(); }
bool lessInt(const Value& a, const Value& b) {
  auto v = [](const Value& x) { return x.isBool() ? int64_t(x.toBool()) : x.toInt(); };
  return v(a) < v(b);
}

// max(list) / min(list)
template <bool Max>
void pickFromList(Stack& stack) {
  const auto& elements = stack.back().toList().elements;
  if (elements.empty()) {
    throwError("RuntimeError", std::string(Max ? "max" : "min") + "() arg is an empty sequence");
  }
  auto less = isIntLike(elements[0]) ? lessInt : lessNumber;
  auto it = Max ? std::max_element(elements.begin(), elements.end(), less)
                : std::min_element(elements.begin(), elements.end(), less);
  stack.back() = *it;
}

// max(l, r) / min(l, r) of two lists: Python compares the lists lexicographically.
template <bool Max>
void pickList(Stack& stack) {
  Value r = pop(stack);
  Value l = pop(stack);
  const auto& a = l.toList().elements;
  const auto& b = r.toList().elements;
  auto less = (!a.empty() && isIntLike(a[0])) || (!b.empty() && isIntLike(b[0])) ? lessInt : lessNumber;
  bool lLess = std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), less);
  bool rLess = std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end(), less);
  // Ties keep the first argument.
  stack.push_back(Max ? (lLess ? r : l) : (rLess ? r : l));
}

void absolute(Stack& stack) {
  Value& a = stack.back();
  if (a.isInt()) {
    int64_t x = a.toInt();
    a = Value(x < 0 ? int64_t(uint64_t(0) - uint64_t(x)) : x);  // abs(-2**63) wraps
  } else if (a.isFloat()) {
    a = Value(std::fabs(a.toFloat()));
  } else if (a.isComplex()) {
    a = Value(std::abs(a.toComplex()));
  }
}

void numToTensor(Stack& stack) {
  Value& a = stack.back();
  if (a.isInt()) {
    a = Value(at::scalar_tensor(a.toInt(), at::kLong));
  } else if (a.isFloat()) {
    a = Value(at::scalar_tensor(a.toFloat(), at::kDouble));
  } else if (a.isBool()) {
    a = Value(at::scalar_tensor(a.toBool(), at::kBool));
  } else {
    a = Value(at::scalar_tensor(c10::Scalar(a.toComplex()), at::kComplexDouble));
  }
}

void checkOneElement(const at::Tensor& t, const char* what) {
  if (t.numel() != 1) {
    throwError("RuntimeError", std::string("a Tensor with ") + std::to_string(t.numel()) +
                                   " elements cannot be converted to " + what);
  }
}

void isSame(Stack& stack) {
  Value b = pop(stack);
  stack.back() = Value(stack.back().isSameIdentity(b));
}

void isNotSame(Stack& stack) {
  Value b = pop(stack);
  stack.back() = Value(!stack.back().isSameIdentity(b));
}

const std::vector<BuiltinOperator> kOperators = {
    {"prim::min.int(int a, int b) -> int", pickNumber<false>},
    {"prim::min.float(float a, float b) -> float", pickNumber<false>},
    {"prim::min.int_float(int a, float b) -> float", pickNumber<false>},
    {"prim::min.float_int(float a, int b) -> float", pickNumber<false>},
    {"prim::min(Scalar a, Scalar b) -> Scalar", pickNumber<false>},
    {"prim::min.int_list(int[] l, int[] r) -> int[]", pickList<false>},
    {"prim::min.float_list(float[] l, float[] r) -> float[]", pickList<false>},
    {"prim::min.bool_list(bool[] l, bool[] r) -> bool[]", pickList<false>},
    {"prim::min.self_int(int[] self) -> int", pickFromList<false>},
    {"prim::min.self_float(float[] self) -> float", pickFromList<false>},
    {"prim::min.self_bool(bool[] self) -> bool", pickFromList<false>},
    {"prim::max.int(int a, int b) -> int", pickNumber<true>},
    {"prim::max.float(float a, float b) -> float", pickNumber<true>},
    {"prim::max.int_float(int a, float b) -> float", pickNumber<true>},
    {"prim::max.float_int(float a, int b) -> float", pickNumber<true>},
    {"prim::max(Scalar a, Scalar b) -> Scalar", pickNumber<true>},
    {"prim::max.int_list(int[] l, int[] r) -> int[]", pickList<true>},
    {"prim::max.float_list(float[] l, float[] r) -> float[]", pickList<true>},
    {"prim::max.bool_list(bool[] l, bool[] r) -> bool[]", pickList<true>},
    {"prim::max.self_int(int[] self) -> int", pickFromList<true>},
    {"prim::max.self_float(float[] self) -> float", pickFromList<true>},
    {"prim::max.self_bool(bool[] self) -> bool", pickFromList<true>},
    {"prim::abs.int(int a) -> int", absolute},
    {"prim::abs.float(float a) -> float", absolute},
    {"prim::abs.complex(complex a) -> float", absolute},
    {"prim::abs.Scalar(Scalar a) -> Scalar", absolute},
    {"prim::abs(Tensor x) -> Tensor",
     [](Stack& s) { s.back() = Value(at::abs(s.back().toTensor())); }},
    {"aten::__is__(t1 self, t2 obj) -> bool", isSame},
    {"aten::__isnot__(t1 self, t2 obj) -> bool", isNotSame},
    {"aten::eq.device(Device a, Device b) -> bool",
     [](Stack& s) {
       c10::Device b = pop(s).toDevice();
       s.back() = Value(s.back().toDevice() == b);
     }},
    {"aten::ne.device(Device a, Device b) -> bool",
     [](Stack& s) {
       c10::Device b = pop(s).toDevice();
       s.back() = Value(s.back().toDevice() != b);
     }},
    // Enum members: equal when they are the same member of the same enum (valuesEqual).
    {"aten::eq.enum(AnyEnumType a, AnyEnumType b) -> bool",
     [](Stack& s) {
       Value b = pop(s);
       s.back() = Value(valuesEqual(s.back(), b));
     }},
    {"aten::ne.enum(AnyEnumType a, AnyEnumType b) -> bool",
     [](Stack& s) {
       Value b = pop(s);
       s.back() = Value(!valuesEqual(s.back(), b));
     }},
    {"prim::EnumName(AnyEnumType enum) -> str",
     [](Stack& s) { s.back() = Value(s.back().toEnum().name); }},
    // One implementation for the three: the member holds its value with its own kind.
    {"prim::EnumValue.int(AnyEnumType enum) -> int",
     [](Stack& s) { s.back() = Value(s.back().toEnum().value); }},
    {"prim::EnumValue.float(AnyEnumType enum) -> float",
     [](Stack& s) { s.back() = Value(s.back().toEnum().value); }},
    {"prim::EnumValue.str(AnyEnumType enum) -> str",
     [](Stack& s) { s.back() = Value(s.back().toEnum().value); }},
    {"prim::NumToTensor.Scalar(Scalar a) -> Tensor", numToTensor},
    {"prim::NumToTensor.bool(bool a) -> Tensor", numToTensor},
    {"aten::Int.Tensor(Tensor a) -> int",
     [](Stack& s) {
       const at::Tensor& t = s.back().toTensor();
       checkOneElement(t, "Python scalars");
       s.back() = Value(t.item().toLong());
     }},
    {"aten::Float.Tensor(Tensor a) -> float",
     [](Stack& s) {
       const at::Tensor& t = s.back().toTensor();
       checkOneElement(t, "Python scalars");
       s.back() = Value(t.item().toDouble());
     }},
    {"aten::Bool.Tensor(Tensor a) -> bool",
     [](Stack& s) {
       const at::Tensor& t = s.back().toTensor();
       checkOneElement(t, "Python scalars");
       s.back() = Value(t.item().toBool());
     }},
    {"prim::device(Tensor a) -> Device",
     [](Stack& s) { s.back() = Value(s.back().toTensor().device()); }},
    {"prim::dtype(Tensor a) -> int",
     [](Stack& s) { s.back() = Value(static_cast<int64_t>(s.back().toTensor().scalar_type())); }},
    {"prim::requires_grad(Tensor a) -> bool",
     [](Stack& s) { s.back() = Value(s.back().toTensor().requires_grad()); }},
    {"prim::is_cuda(Tensor a) -> bool",
     [](Stack& s) { s.back() = Value(s.back().toTensor().is_cuda()); }},
    // Autocast state of this thread (read by nn.MultiheadAttention's fast-path checks).
    {"aten::is_autocast_enabled() -> bool",
     [](Stack& s) { s.push_back(Value(at::autocast::is_enabled())); }},
    {"aten::is_autocast_cpu_enabled() -> bool",
     [](Stack& s) { s.push_back(Value(at::autocast::is_cpu_enabled())); }},
    {"prim::is_nested(Tensor a) -> bool",
     [](Stack& s) { s.back() = Value(s.back().toTensor().is_nested()); }},
    {"aten::dim(Tensor self) -> int", [](Stack& s) { s.back() = Value(s.back().toTensor().dim()); }},
    {"aten::len.Tensor(Tensor t) -> int",
     [](Stack& s) {
       const at::Tensor& t = s.back().toTensor();
       if (t.dim() == 0) throwError("RuntimeError", "len() of a 0-d tensor");
       s.back() = Value(t.size(0));
     }},
    {"aten::size(Tensor self) -> int[]",
     [](Stack& s) {
       std::vector<Value> sizes;
       for (int64_t size : s.back().toTensor().sizes()) sizes.emplace_back(size);
       s.back() = makeList(types::intType(), std::move(sizes));
     }},
    // Autograd mode, for `with torch.no_grad()` / `torch.enable_grad()` /
    // `torch.set_grad_enabled(b)` (see FunctionEmitter::emitWith).
    {"aten::is_grad_enabled() -> bool",
     [](Stack& s) { s.emplace_back(c10::GradMode::is_enabled()); }},
    {"aten::set_grad_enabled(bool val) -> ()",
     [](Stack& s) {
       c10::GradMode::set_enabled(s.back().toBool());
       s.pop_back();
     }},
    {"prim::unchecked_cast(t x) -> t", [](Stack&) {}},
    {"prim::Uninitialized() -> Any", [](Stack& s) { s.emplace_back(); }},
};

}  // namespace

const std::vector<BuiltinOperator>& primOperators() { return kOperators; }

}  // namespace tscript::runtime
