// int / float / bool / complex arithmetic, comparisons, bit operations and conversions.
//
// Where torch.jit 1.13 departs from Python we do what 1.13 does (measured with torch 1.13;
// the cases are pinned in tests/cpp/runtime/builtins_test.cpp):
//   - int arithmetic wraps around at 64 bits (two's complement), no big ints;
//   - float division by zero gives inf/nan, no ZeroDivisionError (`/`, `//`, `%` on floats);
//   - float `//` is floor(a / b) (so 1.0 // 0.1 == 10.0, Python says 9.0);
//   - int `//` by zero raises RuntimeError "division by 0";
//   - shift counts are taken modulo 64 (x86): 1 << 64 == 1, 8 >> -1 == 0;
//   - int(float) of nan, inf or out-of-range floats gives -2**63;
//   - int(str) / float(str) use C's parsing: no surrounding whitespace, no `_`, float("0x10")
//     == 16.0.
// Where 1.13 crashes the process (`x % 0` on ints, `-2**63 // -1`) we raise or wrap instead.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

using Complex = c10::complex<double>;
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// ---- int semantics --------------------------------------------------------------------------

int64_t wrapAdd(int64_t a, int64_t b) { return int64_t(uint64_t(a) + uint64_t(b)); }
int64_t wrapSub(int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); }
int64_t wrapMul(int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); }

int64_t floorDivide(int64_t a, int64_t b) {
  if (b == 0) throwError("RuntimeError", "division by 0");
  if (b == -1) return wrapSub(0, a);  // -2**63 // -1 wraps (1.13 dies of SIGFPE here)
  int64_t quotient = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --quotient;
  return quotient;
}

int64_t floorModulo(int64_t a, int64_t b) {
  if (b == 0) throwError("ZeroDivisionError", "integer modulo by zero");  // 1.13 crashes
  if (b == -1) return 0;
  int64_t remainder = a % b;
  if (remainder != 0 && ((remainder < 0) != (b < 0))) remainder += b;
  return remainder;
}

// Python's float `%`: the result has the sign of the divisor. Division by zero gives nan.
double floatModulo(double a, double b) {
  double remainder = std::fmod(a, b);
  if (remainder != 0.0) {
    if ((b < 0) != (remainder < 0)) remainder += b;
  } else {
    remainder = std::copysign(0.0, b);
  }
  return remainder;
}

double floatPower(double a, double b) {
  if (a == 0.0 && b < 0) throwError("RuntimeError", "0.0 cannot be raised to a negative power");
  return std::pow(a, b);
}

int64_t intPower(int64_t base, int64_t exponent) {
  if (exponent < 0) {
    throwError("RuntimeError", "Integers to negative integer powers are not allowed.");
  }
  int64_t result = 1;
  while (exponent) {
    if (exponent & 1) result = wrapMul(result, base);
    base = wrapMul(base, base);
    exponent >>= 1;
  }
  return result;
}

int64_t shiftLeft(int64_t a, int64_t b) { return int64_t(uint64_t(a) << (uint64_t(b) & 63)); }
int64_t shiftRight(int64_t a, int64_t b) { return a >> (uint64_t(b) & 63); }

// int(x) for a float: truncation; nan, inf and out-of-range give -2**63 as in 1.13 (x86).
int64_t floatToInt(double d) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return kInt64Min;
  return static_cast<int64_t>(d);
}

// ---- operand access -------------------------------------------------------------------------

// A number operand: int, float, bool (TorchScript lets bools into `Scalar`) or complex.
bool isIntLike(const Value& v) { return v.isInt() || v.isBool(); }
int64_t intOf(const Value& v) { return v.isBool() ? int64_t(v.toBool()) : v.toInt(); }
Complex complexOf(const Value& v) {
  return v.isComplex() ? v.toComplex() : Complex(v.toNumberAsFloat(), 0.0);
}

// Binary operators on one kind of operand, replacing the two inputs with the result.
template <typename Result, Result (*F)(int64_t, int64_t)>
void onInts(Stack& stack) {
  int64_t b = stack.back().toInt();
  stack.pop_back();
  Value& a = stack.back();
  a = Value(F(a.toInt(), b));
}

// The operation on numbers of any kind: ints stay ints, anything with a complex is complex,
// the rest is float. Serves the mixed overloads (int_float, float_int, ...) and `Scalar`.
struct Add {
  static int64_t onInt(int64_t a, int64_t b) { return wrapAdd(a, b); }
  static double onFloat(double a, double b) { return a + b; }
  static Complex onComplex(Complex a, Complex b) { return a + b; }
};
struct Sub {
  static int64_t onInt(int64_t a, int64_t b) { return wrapSub(a, b); }
  static double onFloat(double a, double b) { return a - b; }
  static Complex onComplex(Complex a, Complex b) { return a - b; }
};
struct Mul {
  static int64_t onInt(int64_t a, int64_t b) { return wrapMul(a, b); }
  static double onFloat(double a, double b) { return a * b; }
  static Complex onComplex(Complex a, Complex b) { return a * b; }
};
struct TrueDiv {  // always float (or complex)
  static double onInt(int64_t a, int64_t b) { return double(a) / double(b); }
  static double onFloat(double a, double b) { return a / b; }
  static Complex onComplex(Complex a, Complex b) { return a / b; }
};
struct FloorDiv {
  static int64_t onInt(int64_t a, int64_t b) { return floorDivide(a, b); }
  static double onFloat(double a, double b) { return std::floor(a / b); }
  static Complex onComplex(Complex, Complex) {
    throwError("RuntimeError", "can't take floor of complex number.");
  }
};
struct Remainder {
  static int64_t onInt(int64_t a, int64_t b) { return floorModulo(a, b); }
  static double onFloat(double a, double b) { return floatModulo(a, b); }
  static Complex onComplex(Complex, Complex) {
    throwError("RuntimeError", "can't mod complex numbers.");
  }
};
struct Power {  // int ** int is a float in TorchScript
  static double onInt(int64_t a, int64_t b) { return floatPower(double(a), double(b)); }
  static double onFloat(double a, double b) { return floatPower(a, b); }
  static Complex onComplex(Complex a, Complex b) { return c10_complex_math::pow(a, b); }
};

template <typename Op>
void onNumbers(Stack& stack) {
  Value b = pop(stack);
  Value& a = stack.back();
  if (isIntLike(a) && isIntLike(b)) {
    a = Value(Op::onInt(intOf(a), intOf(b)));
  } else if (a.isComplex() || b.isComplex()) {
    a = Value(Op::onComplex(complexOf(a), complexOf(b)));
  } else {
    a = Value(Op::onFloat(a.toNumberAsFloat(), b.toNumberAsFloat()));
  }
}

// A float result whatever the operands (pow.Scalar_Scalar, div(Scalar, Scalar)).
template <typename Op>
void onNumbersAsFloat(Stack& stack) {
  double b = pop(stack).toNumberAsFloat();
  Value& a = stack.back();
  a = Value(Op::onFloat(a.toNumberAsFloat(), b));
}

template <typename Op>
void onFloats(Stack& stack) {
  double b = stack.back().toFloat();
  stack.pop_back();
  Value& a = stack.back();
  a = Value(Op::onFloat(a.toFloat(), b));
}

// ---- comparisons ----------------------------------------------------------------------------

struct Eq {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a == b; }
};
struct Ne {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a != b; }
};
struct Lt {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a < b; }
};
struct Le {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a <= b; }
};
struct Gt {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a > b; }
};
struct Ge {
  template <typename T>
  static bool apply(const T& a, const T& b) { return a >= b; }
};

template <typename Cmp>
void compareInts(Stack& stack) {
  int64_t b = stack.back().toInt();
  stack.pop_back();
  Value& a = stack.back();
  a = Value(Cmp::apply(a.toInt(), b));
}

// Mixed int/float comparisons convert the int to float, as 1.13 does.
template <typename Cmp>
void compareNumbers(Stack& stack) {
  Value b = pop(stack);
  Value& a = stack.back();
  if (isIntLike(a) && isIntLike(b)) {
    a = Value(Cmp::apply(intOf(a), intOf(b)));
  } else {
    a = Value(Cmp::apply(a.toNumberAsFloat(), b.toNumberAsFloat()));
  }
}

template <typename Cmp>
void compareComplex(Stack& stack) {
  Complex b = complexOf(pop(stack));
  Value& a = stack.back();
  a = Value(Cmp::apply(complexOf(a), b));
}

template <typename Cmp>
void compareBools(Stack& stack) {
  bool b = pop(stack).toBool();
  Value& a = stack.back();
  a = Value(Cmp::apply(a.toBool(), b));
}

// ---- conversions ----------------------------------------------------------------------------

int64_t parseInt(const std::string& text) {
  // 1.13 uses std::stoll and insists the whole string is consumed: leading whitespace and a
  // sign are accepted, trailing whitespace, `_` and prefixes are not.
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(begin, &end, 10);
  if (end == begin || *end != '\0' || errno == ERANGE) {
    throwError("RuntimeError", "invalid literal for int() with base 10: '" + text + "'");
  }
  return parsed;
}

double parseFloat(const std::string& text) {
  // std::stod, the whole string: accepts inf, nan and hex floats, rejects trailing blanks.
  const char* begin = text.c_str();
  char* end = nullptr;
  double parsed = std::strtod(begin, &end);
  if (end == begin || *end != '\0') {
    throwError("RuntimeError", "could not convert string to float: '" + text + "'");
  }
  return parsed;
}

void intOfScalar(Stack& stack) {
  Value& a = stack.back();
  if (a.isFloat()) {
    a = Value(floatToInt(a.toFloat()));
  } else if (a.isBool()) {
    a = Value(int64_t(a.toBool()));
  } else if (a.isComplex()) {
    throwError("RuntimeError", "can't convert complex to int");
  }
}

void floatOfScalar(Stack& stack) {
  Value& a = stack.back();
  if (a.isComplex()) throwError("RuntimeError", "can't convert complex to float");
  a = Value(a.toNumberAsFloat());
}

void complexOfTwo(Stack& stack) {
  double imag = pop(stack).toNumberAsFloat();
  Value& a = stack.back();
  a = Value(Complex(a.toNumberAsFloat(), imag));
}

void divmodInts(Stack& stack) {
  int64_t b = pop(stack).toInt();
  int64_t a = pop(stack).toInt();
  if (b == 0) throwError("RuntimeError", "ZeroDivisionError: integer division or modulo by zero");
  push(stack, floorDivide(a, b), floorModulo(a, b));
}

void divmodFloats(Stack& stack) {
  double b = pop(stack).toNumberAsFloat();
  double a = pop(stack).toNumberAsFloat();
  if (b == 0) throwError("RuntimeError", "ZeroDivisionError: float divmod()");
  // Python's float divmod: the quotient is (a - mod) / b, rounded to the nearest integer.
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, b);
  }
  double floorDiv;
  if (div != 0.0) {
    floorDiv = std::floor(div);
    if (div - floorDiv > 0.5) floorDiv += 1.0;
  } else {
    floorDiv = std::copysign(0.0, a / b);
  }
  push(stack, floorDiv, mod);
}

void negate(Stack& stack) {
  Value& a = stack.back();
  if (a.isInt()) {
    a = Value(wrapSub(0, a.toInt()));
  } else if (a.isFloat()) {
    a = Value(-a.toFloat());
  } else if (a.isComplex()) {
    a = Value(-a.toComplex());
  } else {
    a = Value(-int64_t(a.toBool()));
  }
}

// round() rounds half to even (the current rounding mode), as Python and 1.13 do.
void roundNumber(Stack& stack) {
  Value& a = stack.back();
  if (a.isFloat()) {
    a = Value(std::nearbyint(a.toFloat()));
  } else if (a.isInt()) {
    a = Value(double(a.toInt()));  // 1.13: round(int) is a float
  }
}

const std::vector<BuiltinOperator> kOperators = {
    // arithmetic: ints (the interpreter's hot path: no temporaries, no refcounts)
    {"aten::add.int(int a, int b) -> int", onInts<int64_t, wrapAdd>},
    {"aten::sub.int(int a, int b) -> int", onInts<int64_t, wrapSub>},
    {"aten::mul.int(int a, int b) -> int", onInts<int64_t, wrapMul>},
    {"aten::floordiv.int(int a, int b) -> int", onInts<int64_t, floorDivide>},
    {"aten::remainder.int(int a, int b) -> int", onInts<int64_t, floorModulo>},
    {"aten::__round_to_zero_floordiv.int(int a, int b) -> int",
     [](Stack& s) {
       int64_t b = pop(s).toInt();
       int64_t a = s.back().toInt();
       if (b == 0) throwError("RuntimeError", "division by 0");
       s.back() = Value(b == -1 ? wrapSub(0, a) : a / b);
     }},
    {"aten::div.int(int a, int b) -> float", onNumbers<TrueDiv>},
    {"aten::pow.int(int a, int b) -> float", onNumbers<Power>},
    {"aten::pow.int_to_int(int a, int b) -> int", onInts<int64_t, intPower>},
    {"aten::neg.int(int a) -> int", negate},
    // floats
    {"aten::add.float(float a, float b) -> float", onFloats<Add>},
    {"aten::sub.float(float a, float b) -> float", onFloats<Sub>},
    {"aten::mul.float(float a, float b) -> float", onFloats<Mul>},
    {"aten::div.float(float a, float b) -> float", onFloats<TrueDiv>},
    {"aten::floordiv.float(float a, float b) -> float", onFloats<FloorDiv>},
    {"aten::remainder.float(float a, float b) -> float", onFloats<Remainder>},
    {"aten::pow.float(float a, float b) -> float", onFloats<Power>},
    {"aten::neg.float(float a) -> float", negate},
    // mixed int/float and Scalar
    {"aten::add.int_float(int a, float b) -> float", onNumbers<Add>},
    {"aten::add.float_int(float a, int b) -> float", onNumbers<Add>},
    {"aten::add(Scalar a, Scalar b) -> Scalar", onNumbers<Add>},
    {"aten::sub.int_float(int a, float b) -> float", onNumbers<Sub>},
    {"aten::sub.float_int(float a, int b) -> float", onNumbers<Sub>},
    {"aten::sub(Scalar a, Scalar b) -> Scalar", onNumbers<Sub>},
    {"aten::mul.int_float(int a, float b) -> float", onNumbers<Mul>},
    {"aten::mul.float_int(float a, int b) -> float", onNumbers<Mul>},
    {"aten::mul(Scalar a, Scalar b) -> Scalar", onNumbers<Mul>},
    {"aten::div(Scalar a, Scalar b) -> float", onNumbersAsFloat<TrueDiv>},
    {"aten::floordiv.int_float(int a, float b) -> float", onNumbers<FloorDiv>},
    {"aten::floordiv.float_int(float a, int b) -> float", onNumbers<FloorDiv>},
    {"aten::floordiv(Scalar a, Scalar b) -> Scalar", onNumbers<FloorDiv>},
    {"aten::remainder.int_float(int a, float b) -> float", onNumbers<Remainder>},
    {"aten::remainder.float_int(float a, int b) -> float", onNumbers<Remainder>},
    {"aten::remainder(Scalar a, Scalar b) -> Scalar", onNumbers<Remainder>},
    {"aten::pow.int_float(int a, float b) -> float", onNumbers<Power>},
    {"aten::pow.float_int(float a, int b) -> float", onNumbers<Power>},
    {"aten::pow.Scalar_Scalar(Scalar a, Scalar b) -> float", onNumbersAsFloat<Power>},
    {"aten::neg.Scalar(Scalar a) -> Scalar", negate},
    // complex
    {"aten::add.complex(complex a, complex b) -> complex", onNumbers<Add>},
    {"aten::add.int_complex(int a, complex b) -> complex", onNumbers<Add>},
    {"aten::add.complex_int(complex a, int b) -> complex", onNumbers<Add>},
    {"aten::add.float_complex(float a, complex b) -> complex", onNumbers<Add>},
    {"aten::add.complex_float(complex a, float b) -> complex", onNumbers<Add>},
    {"aten::sub.complex(complex a, complex b) -> complex", onNumbers<Sub>},
    {"aten::sub.int_complex(int a, complex b) -> complex", onNumbers<Sub>},
    {"aten::sub.complex_int(complex a, int b) -> complex", onNumbers<Sub>},
    {"aten::sub.float_complex(float a, complex b) -> complex", onNumbers<Sub>},
    {"aten::sub.complex_float(complex a, float b) -> complex", onNumbers<Sub>},
    {"aten::mul.complex(complex a, complex b) -> complex", onNumbers<Mul>},
    {"aten::mul.int_complex(int a, complex b) -> complex", onNumbers<Mul>},
    {"aten::mul.complex_int(complex a, int b) -> complex", onNumbers<Mul>},
    {"aten::mul.float_complex(float a, complex b) -> complex", onNumbers<Mul>},
    {"aten::mul.complex_float(complex a, float b) -> complex", onNumbers<Mul>},
    {"aten::div.complex(complex a, complex b) -> complex", onNumbers<TrueDiv>},
    {"aten::pow.complex(complex a, complex b) -> complex", onNumbers<Power>},
    {"aten::pow.float_complex(float a, complex b) -> complex", onNumbers<Power>},
    {"aten::pow.complex_float(complex a, float b) -> complex", onNumbers<Power>},
    {"aten::neg.complex(complex a) -> complex", negate},
    // comparisons
    {"aten::eq.int(int a, int b) -> bool", compareInts<Eq>},
    {"aten::ne.int(int a, int b) -> bool", compareInts<Ne>},
    {"aten::lt.int(int a, int b) -> bool", compareInts<Lt>},
    {"aten::le.int(int a, int b) -> bool", compareInts<Le>},
    {"aten::gt.int(int a, int b) -> bool", compareInts<Gt>},
    {"aten::ge.int(int a, int b) -> bool", compareInts<Ge>},
    {"aten::eq.float(float a, float b) -> bool", compareNumbers<Eq>},
    {"aten::ne.float(float a, float b) -> bool", compareNumbers<Ne>},
    {"aten::lt.float(float a, float b) -> bool", compareNumbers<Lt>},
    {"aten::le.float(float a, float b) -> bool", compareNumbers<Le>},
    {"aten::gt.float(float a, float b) -> bool", compareNumbers<Gt>},
    {"aten::ge.float(float a, float b) -> bool", compareNumbers<Ge>},
    {"aten::eq.int_float(int a, float b) -> bool", compareNumbers<Eq>},
    {"aten::ne.int_float(int a, float b) -> bool", compareNumbers<Ne>},
    {"aten::lt.int_float(int a, float b) -> bool", compareNumbers<Lt>},
    {"aten::le.int_float(int a, float b) -> bool", compareNumbers<Le>},
    {"aten::gt.int_float(int a, float b) -> bool", compareNumbers<Gt>},
    {"aten::ge.int_float(int a, float b) -> bool", compareNumbers<Ge>},
    {"aten::eq.float_int(float a, int b) -> bool", compareNumbers<Eq>},
    {"aten::ne.float_int(float a, int b) -> bool", compareNumbers<Ne>},
    {"aten::lt.float_int(float a, int b) -> bool", compareNumbers<Lt>},
    {"aten::le.float_int(float a, int b) -> bool", compareNumbers<Le>},
    {"aten::gt.float_int(float a, int b) -> bool", compareNumbers<Gt>},
    {"aten::ge.float_int(float a, int b) -> bool", compareNumbers<Ge>},
    {"aten::eq(Scalar a, Scalar b) -> bool", compareNumbers<Eq>},
    {"aten::ne(Scalar a, Scalar b) -> bool", compareNumbers<Ne>},
    {"aten::lt(Scalar a, Scalar b) -> bool", compareNumbers<Lt>},
    {"aten::le(Scalar a, Scalar b) -> bool", compareNumbers<Le>},
    {"aten::gt(Scalar a, Scalar b) -> bool", compareNumbers<Gt>},
    {"aten::ge(Scalar a, Scalar b) -> bool", compareNumbers<Ge>},
    {"aten::eq.bool(bool a, bool b) -> bool", compareBools<Eq>},
    {"aten::ne.bool(bool a, bool b) -> bool", compareBools<Ne>},
    {"aten::eq.complex(complex a, complex b) -> bool", compareComplex<Eq>},
    {"aten::ne.complex(complex a, complex b) -> bool", compareComplex<Ne>},
    {"aten::eq.float_complex(float a, complex b) -> bool", compareComplex<Eq>},
    {"aten::ne.float_complex(float a, complex b) -> bool", compareComplex<Ne>},
    {"aten::eq.complex_float(complex a, float b) -> bool", compareComplex<Eq>},
    {"aten::ne.complex_float(complex a, float b) -> bool", compareComplex<Ne>},
    // bit operations
    {"aten::__and__.int(int a, int b) -> int",
     onInts<int64_t, [](int64_t a, int64_t b) -> int64_t { return a & b; }>},
    {"aten::__or__.int(int a, int b) -> int",
     onInts<int64_t, [](int64_t a, int64_t b) -> int64_t { return a | b; }>},
    {"aten::__xor__.int(int a, int b) -> int",
     onInts<int64_t, [](int64_t a, int64_t b) -> int64_t { return a ^ b; }>},
    {"aten::__lshift__.int(int a, int b) -> int", onInts<int64_t, shiftLeft>},
    {"aten::__rshift__.int(int a, int b) -> int", onInts<int64_t, shiftRight>},
    {"aten::__and__.bool(bool a, bool b) -> bool",
     [](Stack& s) { bool b = pop(s).toBool(); s.back() = Value(s.back().toBool() && b); }},
    {"aten::__or__.bool(bool a, bool b) -> bool",
     [](Stack& s) { bool b = pop(s).toBool(); s.back() = Value(s.back().toBool() || b); }},
    {"aten::__xor__.bool(bool a, bool b) -> bool",
     [](Stack& s) { bool b = pop(s).toBool(); s.back() = Value(s.back().toBool() != b); }},
    {"aten::__not__(bool self) -> bool", [](Stack& s) { s.back() = Value(!s.back().toBool()); }},
    // divmod, round
    {"aten::divmod.int(int x, int y) -> (int, int)", divmodInts},
    {"aten::divmod.float(float x, float y) -> (float, float)", divmodFloats},
    {"aten::divmod.int_float(int x, float y) -> (float, float)", divmodFloats},
    {"aten::divmod.float_int(float x, int y) -> (float, float)", divmodFloats},
    {"aten::round.int(int a) -> float", roundNumber},
    {"aten::round.float(float a) -> float", roundNumber},
    {"aten::round.Scalar(Scalar a) -> Scalar", roundNumber},
    // conversions
    {"aten::Int.bool(bool a) -> int", intOfScalar},
    {"aten::Int.float(float a) -> int", intOfScalar},
    {"aten::Int.Scalar(Scalar a) -> int", intOfScalar},
    {"aten::Int.str(str a) -> int", [](Stack& s) { s.back() = Value(parseInt(s.back().toStringRef())); }},
    {"aten::Float.Scalar(Scalar a) -> float", floatOfScalar},
    {"aten::Float.int(int a) -> float", floatOfScalar},
    {"aten::Float.bool(bool a) -> float", floatOfScalar},
    {"aten::Float.str(str a) -> float",
     [](Stack& s) { s.back() = Value(parseFloat(s.back().toStringRef())); }},
    {"aten::Bool.int(int a) -> bool", [](Stack& s) { s.back() = Value(s.back().toInt() != 0); }},
    {"aten::Bool.float(float a) -> bool",
     [](Stack& s) { s.back() = Value(s.back().toFloat() != 0.0); }},
    {"aten::Complex.Scalar(Scalar a) -> complex",
     [](Stack& s) { s.back() = Value(complexOf(s.back())); }},
    {"aten::Complex.int_bool(int x, bool y) -> complex", complexOfTwo},
    {"aten::Complex.bool_int(bool x, int y) -> complex", complexOfTwo},
    {"aten::Complex.float_bool(float x, bool y) -> complex", complexOfTwo},
    {"aten::Complex.bool_float(bool x, float y) -> complex", complexOfTwo},
    {"aten::Complex.float_int(float x, int y) -> complex", complexOfTwo},
    {"aten::Complex.int_float(int x, float y) -> complex", complexOfTwo},
    {"aten::Complex.int_int(int x, int y) -> complex", complexOfTwo},
    {"aten::Complex.bool_bool(bool x, bool y) -> complex", complexOfTwo},
    {"aten::Complex.float_float(float x, float y) -> complex", complexOfTwo},
};

}  // namespace

const std::vector<BuiltinOperator>& intFloatOperators() { return kOperators; }

}  // namespace tscript::runtime
