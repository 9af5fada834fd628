// `tscript opt [--passes=P,...] [--check FILE] FILE.ir`: reads a graph in `.graph` text,
// runs the named passes in order and prints the result. With no passes the output is the
// input graph exactly (the printer/parser round trip). `--check FILE` runs the FileCheck
// directives of FILE over the output instead of printing it (`FILE` may be the input itself).
// `-` reads the graph from stdin.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.h"
#include "input.h"
#include "compiler/passes.h"
#include "ir/filecheck.h"
#include "ir/parser.h"
#include "ir/pass_registry.h"
#include "ir/printer.h"

namespace tscript::tools {
namespace {

// Stands in for a class, interface or enum named in the text until the types layer offers
// named types (src/types/named_types.h): it only knows its name, which is all that printing
// and structural checks of a text graph need. Its kind is Any so no code mistakes it for a
// real ClassType.
class PlaceholderNamedType final : public types::Type {
 public:
  explicit PlaceholderNamedType(std::string spelling)
      : types::Type(types::TypeKind::Any), spelling_(std::move(spelling)) {}
  std::string str() const override { return spelling_; }
  bool equals(const types::Type& other) const override { return other.str() == spelling_; }

 private:
  std::string spelling_;
};

ir::NamedTypeHooks placeholderHooks() {
  ir::NamedTypeHooks hooks;
  hooks.classType = [](const std::string& name) -> types::TypePtr {
    return std::make_shared<PlaceholderNamedType>(name);
  };
  hooks.interfaceType = [](const std::string& name) -> types::TypePtr {
    return std::make_shared<PlaceholderNamedType>("InterfaceType<" + name + ">");
  };
  hooks.enumType = [](const std::string& name) -> types::TypePtr {
    return std::make_shared<PlaceholderNamedType>("Enum<" + name + ">");
  };
  hooks.namedTuple = [](const std::vector<std::pair<std::string, types::TypePtr>>& fields)
      -> types::TypePtr {
    std::string spelling = "NamedTuple(";
    for (size_t i = 0; i < fields.size(); ++i) {
      spelling += (i ? ", " : "") + fields[i].first + " : " + fields[i].second->str();
    }
    return std::make_shared<PlaceholderNamedType>(spelling + ")");
  };
  return hooks;
}

std::vector<std::string> splitComma(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

int runOpt(const std::vector<std::string>& args) {
  compiler::registerCompilerPasses();
  std::vector<std::string> passes;
  std::string checkFile;
  std::string inputPath;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--passes=", 0) == 0) {
      for (std::string& pass : splitComma(arg.substr(9))) passes.push_back(std::move(pass));
    } else if (arg == "--check" && i + 1 < args.size()) {
      checkFile = args[++i];
    } else if (arg.rfind("--check=", 0) == 0) {
      checkFile = arg.substr(8);
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "tscript opt: unknown option '%s'\n", arg.c_str());
      return 2;
    } else if (inputPath.empty()) {
      inputPath = arg;
    } else {
      std::fprintf(stderr, "tscript opt: more than one input file ('%s')\n", arg.c_str());
      return 2;
    }
  }
  if (inputPath.empty()) {
    std::fprintf(stderr, "usage: tscript opt [--passes=P,...] [--check FILE] FILE.ir\n");
    return 2;
  }
  std::string text;
  if (!readInput(inputPath, text)) {
    std::fprintf(stderr, "tscript opt: cannot read '%s'\n", inputPath.c_str());
    return 2;
  }
  std::string output;
  try {
    std::shared_ptr<ir::Graph> graph = ir::parseGraph(text, placeholderHooks());
    ir::runPasses(*graph, passes);
    output = graph->toString();
  } catch (const ir::IRParseError& error) {
    std::fprintf(stderr, "%s:%s\n", inputPath.c_str(), error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tscript opt: %s\n", error.what());
    return 1;
  }
  if (checkFile.empty()) {
    std::fwrite(output.data(), 1, output.size(), stdout);
    return 0;
  }
  std::string checks;
  if (!readInput(checkFile, checks)) {
    std::fprintf(stderr, "tscript opt: cannot read '%s'\n", checkFile.c_str());
    return 2;
  }
  try {
    ir::FileCheckResult result = ir::FileCheck::fromCheckText(checks).run(output);
    if (result.ok) return 0;
    std::fprintf(stderr, "%s: FileCheck failed:\n%s\n--- output was ---\n%s", checkFile.c_str(),
                 result.message.c_str(), output.c_str());
  } catch (const ir::FileCheckError& error) {
    std::fprintf(stderr, "%s: %s\n", checkFile.c_str(), error.what());
  }
  return 1;
}

CommandRegistration registration({"opt", "opt [--passes=P,...] [--check FILE] FILE.ir", runOpt});

}  // namespace
}  // namespace tscript::tools
