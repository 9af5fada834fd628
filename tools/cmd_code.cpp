// `tscript code [--name NAME] [--function-module MODULE] FILE.ir...`: prints the `.code` of
// each graph (src/ir/code_printer.h), as torch.jit 1.13 prints `fn.code`.
//
// The graph alone does not know a function's defaults or its declared return type. A line
//     # schema: f(Tensor x, int? y=None) -> Tensor
// in the file (anywhere; the IR parser skips `#` lines) gives the signature: its name,
// argument names, types and defaults, and return type. Without it the name is --name, or
// the file's stem, and the signature comes from the graph (also when the schema does not
// parse, e.g. 1.13 spells Union parameters `Union(int, str)`, which no schema parser reads).
//
// Called functions (`prim::Constant[name="helper"]`) print as `__torch__.helper`, or
// `__torch__.MODULE.helper` with --function-module MODULE (a Python module's functions).
//
// With several files, each output starts with a line `==> FILE <==`; a file that fails
// prints `error: ...` there (and on stderr) and the exit status is 1.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "command.h"
#include "runtime/operator_info.h"
#include "input.h"
#include "ir/code_printer.h"
#include "ir/parser.h"
#include "ops/registry.h"
#include "ops/schema.h"
#include "runtime/builtins_table.h"
#include "runtime/operation_resolver.h"
#include "types/named_types.h"

namespace tscript::tools {
// A zip archive (torch.jit.save's `.pt`): printed by cmd_model.cpp.
int printArchiveCode(const std::string& path);

namespace {

// Class, interface and enum names in the text become named types that know their name
// (that is all printing needs). A NamedTuple's graph spelling has no name, so it is read as
// a plain tuple and prints without its `__torch__.NT` prefix.
ir::NamedTypeHooks namedTypeHooks() {
  ir::NamedTypeHooks hooks;
  hooks.classType = [](const std::string& name) -> types::TypePtr {
    return types::ClassType::create(name);
  };
  hooks.interfaceType = [](const std::string& name) -> types::TypePtr {
    return types::InterfaceType::create(name);
  };
  hooks.enumType = [](const std::string& name) -> types::TypePtr {
    return types::EnumType::create(name, types::intType(), {});
  };
  hooks.namedTuple = [](const std::vector<std::pair<std::string, types::TypePtr>>& fields)
      -> types::TypePtr {
    std::vector<types::TypePtr> elements;
    for (const auto& field : fields) elements.push_back(field.second);
    return types::tupleOf(std::move(elements));
  };
  return hooks;
}

// The text after `# schema:` in the file, if any.
std::optional<std::string> schemaDirective(const std::string& text) {
  static const std::string marker = "# schema:";
  size_t at = text.find(marker);
  if (at == std::string::npos) return std::nullopt;
  size_t begin = at + marker.size();
  size_t end = text.find('\n', begin);
  std::string line = text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  size_t first = line.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : line.substr(first);
}

ir::CodeSignature signatureFromSchema(const std::string& text) {
  // Function schemas have no namespace (`f(Tensor x) -> Tensor`); the schema parser wants one.
  bool qualified = text.find("::") != std::string::npos &&
                   text.find("::") < text.find('(');
  ops::Schema schema = ops::parseSchema(qualified ? text : "script::" + text);
  ir::CodeSignature signature;
  std::string name = schema.name;
  signature.name = qualified ? name : name.substr(name.find("::") + 2);
  for (const ops::Argument& argument : schema.arguments) {
    ir::CodeArgument printed;
    printed.name = argument.name;
    printed.type = argument.type;
    printed.defaultValue = argument.defaultValue;
    if (argument.fixedSize) printed.broadcastSize = static_cast<size_t>(*argument.fixedSize);
    signature.arguments.push_back(std::move(printed));
  }
  if (schema.returns.size() == 1) {
    signature.returnType = schema.returns[0].type;
  } else {
    std::vector<types::TypePtr> elements;
    for (const ops::Argument& result : schema.returns) elements.push_back(result.type);
    signature.returnType = elements.empty() ? types::noneType() : types::tupleOf(elements);
  }
  return signature;
}

std::string printFile(const std::string& path, const std::string& nameOption,
                      const ir::CodePrinterOptions& options) {
  std::string text;
  if (!readInput(path, text)) throw std::runtime_error("cannot read '" + path + "'");
  std::shared_ptr<ir::Graph> graph = ir::parseGraph(text, namedTypeHooks());
  ir::CodeSignature signature;
  if (std::optional<std::string> schema = schemaDirective(text)) {
    try {
      signature = signatureFromSchema(*schema);
    } catch (const ops::SchemaParseError& error) {
      // 1.13 prints `Union(int, str)` in function schemas, which the schema syntax (ours and
      // c10's) cannot read back: use the graph's signature under the schema's name.
      std::fprintf(stderr, "tscript code: %s: schema not used (%s)\n", path.c_str(),
                   error.message().c_str());
      signature = ir::signatureFromGraph(*graph, schema->substr(0, schema->find('(')));
    }
  } else {
    std::string name = nameOption;
    if (name.empty()) name = path == "-" ? "graph" : std::filesystem::path(path).stem().string();
    signature = ir::signatureFromGraph(*graph, name);
  }
  if (!nameOption.empty()) signature.name = nameOption;
  return ir::printFunctionCode(*graph, signature, options);
}

bool isZipFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return false;
  char magic[4] = {};
  size_t read = std::fread(magic, 1, 4, file);
  std::fclose(file);
  return read == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

int runCode(const std::vector<std::string>& args) {
  if (args.size() == 1 && isZipFile(args[0])) return printArchiveCode(args[0]);
  std::string name;
  std::string functionModule;
  std::vector<std::string> paths;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--name" && i + 1 < args.size()) {
      name = args[++i];
    } else if (arg == "--function-module" && i + 1 < args.size()) {
      functionModule = args[++i];
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "tscript code: unknown option '%s'\n", arg.c_str());
      return 2;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::fprintf(stderr,
                 "usage: tscript code [--name NAME] [--function-module MODULE] FILE.ir...\n");
    return 2;
  }
  runtime::registerBuiltinOperators();
  ir::CodePrinterOptions options;
  options.operatorInfo = runtime::operatorInfoForPrinting;
  std::string prefix = "__torch__." + (functionModule.empty() ? "" : functionModule + ".");
  options.qualifiedFunctionName = [prefix](const std::string& function) {
    return prefix + function;
  };
  int status = 0;
  for (const std::string& path : paths) {
    if (paths.size() > 1) std::cout << "==> " << path << " <==\n";
    try {
      std::cout << printFile(path, name, options);
    } catch (const ir::IRParseError& error) {
      std::cout << (paths.size() > 1 ? "error: " + path + ":" + error.what() + "\n" : "");
      std::fprintf(stderr, "%s:%s\n", path.c_str(), error.what());
      status = 1;
    } catch (const std::exception& error) {
      std::cout << (paths.size() > 1 ? std::string("error: ") + error.what() + "\n" : "");
      std::fprintf(stderr, "tscript code: %s: %s\n", path.c_str(), error.what());
      status = 1;
    }
  }
  std::cout.flush();
  return status;
}

CommandRegistration registration(
    {"code", "code [--name NAME] [--function-module MODULE] FILE.ir... | code MODEL.pt", runCode});

}  // namespace
}  // namespace tscript::tools
