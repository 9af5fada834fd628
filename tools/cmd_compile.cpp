// `tscript compile FILE.py [--graph] [--function NAME] [--run NAME ARG...]`: compiles the
// functions of a file of TorchScript source, with no Python in the process.
//   --graph (the default) prints the graph of every function, or of NAME with --function;
//   --run NAME ARG...     runs NAME on the arguments (read as its parameter types, see
//                         arguments.h) and prints what it returns.
#include <cstdio>
#include <iostream>

#include "arguments.h"
#include "command.h"
#include "compiler/compilation_unit.h"
#include "compiler/schema_matching.h"
#include "input.h"
#include "lang/parser.h"
#include "runtime/builtins_table.h"
#include "runtime/code.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"

namespace tscript::tools {
namespace {

int runFunction(compiler::CompilationUnit& unit, const std::string& name,
                const std::vector<std::string>& argumentTexts) {
  const compiler::CompiledFunction& function = unit.function(name);
  runtime::Code code(function.graph, name);
  const auto& inputs = function.graph->inputs();
  if (argumentTexts.size() != inputs.size()) {
    std::fprintf(stderr, "tscript compile: %s takes %zu arguments but %zu were given\n",
                 name.c_str(), inputs.size(), argumentTexts.size());
    return 2;
  }
  runtime::Stack stack;
  for (size_t i = 0; i < inputs.size(); ++i) {
    stack.push_back(parseArgument(i, argumentTexts[i], inputs[i]->type()));
  }
  runtime::run(code, stack);
  for (const runtime::Value& output : stack) std::cout << output.repr() << "\n";
  return 0;
}

int runCompile(const std::vector<std::string>& args) {
  std::string path;
  std::string only;
  std::string runName;
  std::vector<std::string> runArguments;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!runName.empty()) {
      runArguments.push_back(args[i]);  // everything after --run NAME is an argument
    } else if (args[i] == "--graph") {
      continue;
    } else if (args[i] == "--function" && i + 1 < args.size()) {
      only = args[++i];
    } else if (args[i] == "--run" && i + 1 < args.size()) {
      runName = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      std::fprintf(stderr, "tscript compile: unknown option '%s'\n", args[i].c_str());
      return 2;
    } else if (path.empty()) {
      path = args[i];
    } else {
      std::fprintf(stderr, "tscript compile: more than one input file ('%s')\n", args[i].c_str());
      return 2;
    }
  }
  if (path.empty()) {
    std::fprintf(stderr,
                 "usage: tscript compile FILE.py [--graph] [--function NAME] [--run NAME ARG...]\n");
    return 2;
  }
  std::string text;
  if (!readInput(path, text)) {
    std::fprintf(stderr, "tscript compile: cannot read '%s'\n", path.c_str());
    return 2;
  }
  try {
    runtime::registerBuiltinOperators();
    auto file = std::make_shared<lang::SourceFile>(path, text);
    compiler::CompilationUnit unit(compiler::registryOperatorMatcher());
    unit.define(lang::parseModule(file));
    if (!runName.empty()) return runFunction(unit, runName, runArguments);
    for (const std::string& name : unit.functionNames()) {
      if (!only.empty() && name != only) continue;
      std::fputs(unit.function(name).graph->toString().c_str(), stdout);
    }
  } catch (const lang::CompileError& error) {
    std::fputs(error.what(), stderr);
    std::fputs("\n", stderr);
    return 1;
  } catch (const runtime::ScriptError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tscript compile: %s\n", error.what());
    return 1;
  }
  return 0;
}

const CommandRegistration kRegistration({
    "compile",
    "compile FILE.py [--graph] [--function NAME] [--run NAME ARG...]  compile TorchScript source",
    runCompile,
});

}  // namespace
}  // namespace tscript::tools
