// `"%d items of %s" % (n, s)`: aten::percentFormat, TorchScript's printf-style formatting.
//
// The compiler emits percentFormat(format, right operand): a tuple supplies one value per
// conversion, anything else is the single value. 1.13 knows the conversions %d %i %e %f %c
// %s and %%; flags, widths and precisions ("%5d", "%.2f") are errors there, and so here.
// Numbers print as C's printf does (%f: six decimals); %s prints as str() does in TorchScript
// (scriptStr: 1.5 is "1.5", 2.0 is "2.").
#include <cinttypes>
#include <cstdio>

#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

std::string printfText(const char* format, double value) {
  char buffer[512];
  int length = std::snprintf(buffer, sizeof buffer, format, value);
  if (length >= 0 && static_cast<size_t>(length) < sizeof buffer) return std::string(buffer, length);
  // %f of a huge double is long (1e308 has 309 digits): allocate what it needs.
  std::string text(static_cast<size_t>(length) + 1, '\0');
  std::snprintf(text.data(), text.size(), format, value);
  text.pop_back();
  return text;
}

double asDouble(const Value& value, char conversion) {
  if (value.isFloat()) return value.toFloat();
  if (value.isInt()) return static_cast<double>(value.toInt());
  if (value.isBool()) return value.toBool() ? 1.0 : 0.0;
  throwError("RuntimeError", std::string("%") + conversion + " format: a number is required, not " +
                                 value.kindName());
}

// One conversion of `value`.
std::string convert(char conversion, const Value& value) {
  switch (conversion) {
    case 'd':
    case 'i':
      // A float is truncated toward zero, as int() does ("%d" % 2.7 is "2").
      if (value.isFloat()) return std::to_string(static_cast<int64_t>(value.toFloat()));
      if (value.isBool()) return value.toBool() ? "1" : "0";
      if (value.isInt()) return std::to_string(value.toInt());
      throwError("RuntimeError", std::string("%") + conversion +
                                     " format: a number is required, not " + value.kindName());
    case 'e':
      return printfText("%e", asDouble(value, conversion));
    case 'f':
      return printfText("%f", asDouble(value, conversion));
    case 'c':
      if (value.isString()) return value.toStringRef();
      if (value.isInt()) return std::string(1, static_cast<char>(value.toInt()));
      throwError("RuntimeError", "%c requires int or char");
    case 's':
      return scriptStr(value);
    default:
      throwError("RuntimeError", std::string("The specifier %") + conversion +
                                     " is not supported in TorchScript format strings");
  }
}

// percentFormat(str self, ...): the input count is on top of the stack (varargs).
void percentFormat(Stack& stack) {
  size_t inputCount = static_cast<size_t>(pop(stack).toInt());
  std::vector<Value> inputs = popN(stack, inputCount);
  const std::string& format = inputs.at(0).toStringRef();
  std::vector<Value> values;
  if (inputs.size() > 1) {
    if (inputs[1].isTuple()) {
      values = inputs[1].toTuple().elements;
    } else {
      values.push_back(inputs[1]);
    }
  }
  std::string result;
  size_t used = 0;
  size_t at = 0;
  while (true) {
    size_t percent = format.find('%', at);
    if (percent == std::string::npos) break;
    result.append(format, at, percent - at);
    if (percent + 1 == format.size()) throwError("RuntimeError", "Incomplete format specifier");
    char conversion = format[percent + 1];
    at = percent + 2;
    if (conversion == '%') {
      result += '%';
      continue;
    }
    if (used == values.size()) throwError("RuntimeError", "Too few arguments for format string");
    result += convert(conversion, values[used++]);
  }
  result.append(format, at, std::string::npos);
  if (used != values.size()) throwError("RuntimeError", "Too many arguments for format string");
  stack.push_back(Value(std::move(result)));
}

const std::vector<BuiltinOperator> kOperators = {
    {"aten::percentFormat(str self, ...) -> str", percentFormat},
};

}  // namespace

const std::vector<BuiltinOperator>& stringFormatOperators() { return kOperators; }

}  // namespace tscript::runtime
