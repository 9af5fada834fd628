// `tscript run-ir FILE.ir [--arg VALUE]... [--bench N] [--dump-code]`: runs a graph written
// in `.graph` text on the given inputs and prints its outputs, one per line.
//
// Each --arg is read as the type of the graph input it feeds:
//   int / float / bool / str    42, 2.5, true, hello
//   Tensor                      tensor:3x4 (zeros), tensor:3x4:1.5 (filled), tensor:2x2:randn
//                               (normal samples, seed 0), tensor:scalar:2 (0-dim)
//   List[int] / List[float]     1,2,3 (empty: the empty string)
//   Optional[T]                 none, or a T
//   any but str                 FILE.pt: what torch.save wrote there (a tensor, a list of
//                               tensors, ...), if its type fits the input
// --bench N runs the graph N times after a warm-up and prints `best X ns` (the fastest run);
// --dump-code prints the linear code instead of running.
#include <ATen/ATen.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "archive/tensor_file.h"
#include "command.h"
#include "input.h"
#include "ir/ir.h"
#include "ir/parser.h"
#include "runtime/code.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"

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

int runRunIr(const std::vector<std::string>& args) {
  std::string path;
  std::vector<std::string> argumentTexts;
  int benchRuns = 0;
  bool dumpCode = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--arg" && i + 1 < args.size()) {
      argumentTexts.push_back(args[++i]);
    } else if (arg == "--bench" && i + 1 < args.size()) {
      benchRuns = std::atoi(args[++i].c_str());
    } else if (arg == "--dump-code") {
      dumpCode = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "tscript run-ir: unknown option '%s'\n", arg.c_str());
      return 2;
    } else if (path.empty()) {
      path = arg;
    } else {
      std::fprintf(stderr, "tscript run-ir: more than one input file ('%s')\n", arg.c_str());
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: tscript run-ir FILE.ir [--arg VALUE]... [--bench N] [--dump-code]\n");
    return 2;
  }
  std::string text;
  if (!readInput(path, text)) {
    std::fprintf(stderr, "tscript run-ir: cannot read '%s'\n", path.c_str());
    return 2;
  }
  try {
    std::shared_ptr<const ir::Graph> graph = ir::parseGraph(text);
    runtime::Code code(graph, "graph");
    if (dumpCode) {
      std::cout << code.dump();
      return 0;
    }
    const auto& inputs = graph->inputs();
    if (argumentTexts.size() != inputs.size()) {
      std::fprintf(stderr, "tscript run-ir: the graph has %zu inputs but %zu --arg were given\n",
                   inputs.size(), argumentTexts.size());
      return 2;
    }
    runtime::Stack arguments;
    for (size_t i = 0; i < inputs.size(); ++i) {
      arguments.push_back(parseArgument(i, argumentTexts[i], inputs[i]->type()));
    }
    runtime::Stack stack = arguments;
    runtime::run(code, stack);
    if (benchRuns > 0) {
      int64_t best = INT64_MAX;
      for (int run = 0; run < benchRuns; ++run) {
        runtime::Stack timed = arguments;
        auto start = std::chrono::steady_clock::now();
        runtime::run(code, timed);
        auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - start).count();
        best = std::min<int64_t>(best, elapsed);
      }
      std::printf("best %lld ns\n", static_cast<long long>(best));
    }
    for (const Value& output : stack) std::cout << output.repr() << "\n";
  } catch (const ir::IRParseError& error) {
    std::fprintf(stderr, "%s:%s\n", path.c_str(), error.what());
    return 1;
  } catch (const runtime::ScriptError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tscript run-ir: %s\n", error.what());
    return 1;
  }
  return 0;
}

const CommandRegistration kRegistration({
    "run-ir",
    "run-ir FILE.ir [--arg VALUE]... [--bench N] [--dump-code]  run a graph on inputs",
    runRunIr,
});

}  // namespace
}  // namespace tscript::tools
