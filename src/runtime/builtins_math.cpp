// The `math` module on scalars (§B.6). Each real function comes, as in 1.13, in three
// overloads: `.int(int a) -> float`, `.float(float a) -> float` and `.Scalar(Scalar a) ->
// Scalar` (the Scalar one also answers a float). 1.13 evaluates them with the C library, so
// domain errors give nan/inf instead of Python's ValueError (math.sqrt(-1) is nan).
#include <cmath>
#include <numeric>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

template <double (*F)(double)>
void realFunction(Stack& stack) {
  stack.back() = Value(F(stack.back().toNumberAsFloat()));
}

double degrees(double x) { return x * 180.0 / M_PI; }
double radians(double x) { return x * M_PI / 180.0; }
double stdSqrt(double x) { return std::sqrt(x); }
double stdExp(double x) { return std::exp(x); }
double stdExpm1(double x) { return std::expm1(x); }
double stdLog(double x) { return std::log(x); }
double stdLog10(double x) { return std::log10(x); }
double stdLog1p(double x) { return std::log1p(x); }
double stdErf(double x) { return std::erf(x); }
double stdErfc(double x) { return std::erfc(x); }
double stdGamma(double x) { return std::tgamma(x); }
double stdLgamma(double x) { return std::lgamma(x); }
double stdFabs(double x) { return std::fabs(x); }
double stdSin(double x) { return std::sin(x); }
double stdCos(double x) { return std::cos(x); }
double stdTan(double x) { return std::tan(x); }
double stdAsin(double x) { return std::asin(x); }
double stdAcos(double x) { return std::acos(x); }
double stdAtan(double x) { return std::atan(x); }
double stdSinh(double x) { return std::sinh(x); }
double stdCosh(double x) { return std::cosh(x); }
double stdTanh(double x) { return std::tanh(x); }
double stdAsinh(double x) { return std::asinh(x); }
double stdAcosh(double x) { return std::acosh(x); }
double stdAtanh(double x) { return std::atanh(x); }

// name, function: expanded to the .int / .float / .Scalar overloads.
struct RealFunction {
  const char* name;
  OperatorFunction function;
};
const RealFunction kRealFunctions[] = {
    {"sqrt", realFunction<stdSqrt>},     {"exp", realFunction<stdExp>},
    {"expm1", realFunction<stdExpm1>},   {"log", realFunction<stdLog>},
    {"log10", realFunction<stdLog10>},   {"log1p", realFunction<stdLog1p>},
    {"erf", realFunction<stdErf>},       {"erfc", realFunction<stdErfc>},
    {"gamma", realFunction<stdGamma>},   {"lgamma", realFunction<stdLgamma>},
    {"fabs", realFunction<stdFabs>},     {"degrees", realFunction<degrees>},
    {"radians", realFunction<radians>},  {"sin", realFunction<stdSin>},
    {"cos", realFunction<stdCos>},       {"tan", realFunction<stdTan>},
    {"asin", realFunction<stdAsin>},     {"acos", realFunction<stdAcos>},
    {"atan", realFunction<stdAtan>},     {"sinh", realFunction<stdSinh>},
    {"cosh", realFunction<stdCosh>},     {"tanh", realFunction<stdTanh>},
    {"asinh", realFunction<stdAsinh>},   {"acosh", realFunction<stdAcosh>},
    {"atanh", realFunction<stdAtanh>},
};

// floor/ceil of a float are ints in TorchScript (math.floor(2.5) == 2).
template <double (*F)(double)>
void roundToInt(Stack& stack) {
  Value& a = stack.back();
  if (a.isInt()) return;
  double rounded = F(a.toFloat());
  if (!std::isfinite(rounded)) {
    throwError("RuntimeError", std::isnan(rounded) ? "ValueError: cannot convert float NaN to integer"
                                                   : "OverflowError: cannot convert float infinity to integer");
  }
  a = Value(static_cast<int64_t>(rounded));
}
double stdFloor(double x) { return std::floor(x); }
double stdCeil(double x) { return std::ceil(x); }

template <double (*F)(double, double)>
void binaryReal(Stack& stack) {
  double b = pop(stack).toNumberAsFloat();
  stack.back() = Value(F(stack.back().toNumberAsFloat(), b));
}
double stdCopysign(double a, double b) { return std::copysign(a, b); }
double stdAtan2(double a, double b) { return std::atan2(a, b); }
double stdFmod(double a, double b) { return std::fmod(a, b); }
double stdRemainder(double a, double b) { return std::remainder(a, b); }
double logBase(double a, double base) { return std::log(a) / std::log(base); }

template <bool (*F)(double)>
void floatPredicate(Stack& stack) {
  stack.back() = Value(F(stack.back().toFloat()));
}
bool stdIsnan(double x) { return std::isnan(x); }
bool stdIsinf(double x) { return std::isinf(x); }
bool stdIsfinite(double x) { return std::isfinite(x); }

std::vector<BuiltinOperator> buildTable() {
  std::vector<BuiltinOperator> table;
  for (const RealFunction& f : kRealFunctions) {
    std::string name = std::string("aten::") + f.name;
    table.push_back({name + ".int(int a) -> float", f.function});
    table.push_back({name + ".float(float a) -> float", f.function});
    table.push_back({name + ".Scalar(Scalar a) -> Scalar", f.function});
  }
  for (auto [name, function] : {RealFunction{"floor", roundToInt<stdFloor>}, RealFunction{"ceil", roundToInt<stdCeil>}}) {
    std::string full = std::string("aten::") + name;
    table.push_back({full + ".int(int a) -> int", function});
    table.push_back({full + ".float(float a) -> int", function});
    table.push_back({full + ".Scalar(Scalar a) -> Scalar", function});
  }
  for (auto [name, function] : {RealFunction{"copysign", binaryReal<stdCopysign>},
                                RealFunction{"atan2", binaryReal<stdAtan2>},
                                RealFunction{"fmod", binaryReal<stdFmod>},
                                RealFunction{"mathremainder", binaryReal<stdRemainder>}}) {
    std::string full = std::string("aten::") + name;
    table.push_back({full + ".int(int a, int b) -> float", function});
    table.push_back({full + ".float(float a, float b) -> float", function});
    table.push_back({full + ".int_float(int a, float b) -> float", function});
    table.push_back({full + ".float_int(float a, int b) -> float", function});
  }
  // math.log(x, base)
  for (const char* overload : {"int_int(int a, int b)", "float_float(float a, float b)",
                               "int_float(int a, float b)", "float_int(float a, int b)"}) {
    table.push_back({std::string("aten::log.") + overload + " -> float", binaryReal<logBase>});
  }
  table.push_back({"aten::log.Scalar_Scalar(Scalar a, Scalar b) -> float", binaryReal<logBase>});
  table.push_back({"aten::frexp(float a) -> (float, int)", [](Stack& s) {
                     int exponent = 0;
                     double mantissa = std::frexp(s.back().toFloat(), &exponent);
                     s.back() = Value(mantissa);
                     s.emplace_back(int64_t(exponent));
                   }});
  table.push_back({"aten::modf(float a) -> (float, float)", [](Stack& s) {
                     double whole = 0;
                     double fraction = std::modf(s.back().toFloat(), &whole);
                     s.back() = Value(fraction);
                     s.emplace_back(whole);
                   }});
  table.push_back({"aten::ldexp(float x, int i) -> float", [](Stack& s) {
                     int64_t exponent = pop(s).toInt();
                     s.back() = Value(std::ldexp(s.back().toFloat(), static_cast<int>(exponent)));
                   }});
  table.push_back({"aten::isnan.float(float a) -> bool", floatPredicate<stdIsnan>});
  table.push_back({"aten::isinf.float(float a) -> bool", floatPredicate<stdIsinf>});
  table.push_back({"aten::isfinite.float(float a) -> bool", floatPredicate<stdIsfinite>});
  table.push_back({"aten::gcd.int(int a, int b) -> int", [](Stack& s) {
                     int64_t b = pop(s).toInt();
                     s.back() = Value(std::gcd(s.back().toInt(), b));
                   }});
  table.push_back({"aten::factorial.int(int a) -> int", [](Stack& s) {
                     int64_t n = s.back().toInt();
                     if (n < 0) throwError("RuntimeError", "factorial() not defined for negative values");
                     uint64_t result = 1;  // wraps past 20!, as int arithmetic does
                     for (int64_t i = 2; i <= n; ++i) result *= uint64_t(i);
                     s.back() = Value(int64_t(result));
                   }});
  return table;
}

}  // namespace

const std::vector<BuiltinOperator>& mathOperators() {
  static const std::vector<BuiltinOperator> table = buildTable();
  return table;
}

}  // namespace tscript::runtime
