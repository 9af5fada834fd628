// `tscript run-ir FILE.ir [--arg VALUE]... [--bench N] [--dump-code]`: runs a graph written
// in `.graph` text on the given inputs and prints its outputs, one per line.
//
// Each --arg is read as the type of the graph input it feeds (see arguments.h).
// --bench N runs the graph N times after a warm-up and prints `best X ns` (the fastest run);
// --dump-code prints the linear code instead of running.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "arguments.h"
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
