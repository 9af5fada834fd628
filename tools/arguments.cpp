#include "arguments.h"

#include "archive/tensor_file.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <vector>

namespace tscript::tools {

namespace {

using runtime::Value;
using types::TypeKind;

[[noreturn]] void badArgument(size_t index, const std::string& text, const std::string& why) {
  throw std::invalid_argument("--arg " + std::to_string(index + 1) + " ('" + text + "'): " + why);
}

int64_t parseInt(size_t index, const std::string& text) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) badArgument(index, text, "expected an int");
  return value;
}

double parseFloat(size_t index, const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) badArgument(index, text, "expected a float");
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

at::Tensor parseTensor(size_t index, const std::string& text) {
  if (text.rfind("tensor:", 0) != 0) badArgument(index, text, "expected tensor:SHAPE[:FILL]");
  std::vector<std::string> parts = split(text.substr(7), ':');
  std::vector<int64_t> shape;
  if (parts[0] != "scalar") {
    for (const std::string& size : split(parts[0], 'x')) shape.push_back(parseInt(index, size));
  }
  if (parts.size() == 1) return at::zeros(shape);
  if (parts.size() > 2) badArgument(index, text, "expected tensor:SHAPE[:FILL]");
  if (parts[1] == "randn") {
    at::manual_seed(0);
    return at::randn(shape);
  }
  return at::full(shape, parseFloat(index, parts[1]));
}

}  // namespace

Value parseArgument(size_t index, const std::string& text, const types::TypePtr& type) {
  if (type->kind() != TypeKind::Str && text.size() > 3 &&
      text.compare(text.size() - 3, 3, ".pt") == 0) {
    Value value = archive::loadTensorFile(text);
    if (!types::isSubtypeOf(runtime::typeOfValue(value), type)) {
      badArgument(index, text, "the file holds a " + runtime::typeOfValue(value)->str() +
                                   ", the input is a " + type->str());
    }
    return value;
  }
  switch (type->kind()) {
    case TypeKind::Int: return Value(parseInt(index, text));
    case TypeKind::Float: return Value(parseFloat(index, text));
    case TypeKind::Bool:
      if (text == "true" || text == "True") return Value(true);
      if (text == "false" || text == "False") return Value(false);
      badArgument(index, text, "expected true or false");
    case TypeKind::Str: return Value(text);
    case TypeKind::Tensor: return Value(parseTensor(index, text));
    case TypeKind::Optional:
      if (text == "none" || text == "None") return Value();
      return parseArgument(index, text, type->as<types::OptionalType>()->element());
    case TypeKind::List: {
      const types::TypePtr& element = type->as<types::ListType>()->element();
      std::vector<Value> elements;
      if (!text.empty()) {
        for (const std::string& item : split(text, ',')) {
          elements.push_back(parseArgument(index, item, element));
        }
      }
      return runtime::makeList(element, std::move(elements));
    }
    default: badArgument(index, text, "inputs of type " + type->str() + " cannot be given");
  }
}

}  // namespace tscript::tools
