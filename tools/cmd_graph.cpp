// `tscript graph MODEL.pt [--method NAME] [--inlined] [--format=text|dot|svg] [--library PATH]...`
//
// The graph of a method of an archive's root module: `text` is what `.graph` prints (calls to
// other methods and functions kept, as torch.jit's `m.graph`; --inlined for `inlined_graph`),
// `dot` the same graph for Graphviz (ir/dot_printer.h), `svg` that drawing rendered by
// Graphviz's `dot` program (which must be installed: apt-get install graphviz).
#include <sys/wait.h>

#include <cstdio>
#include <iostream>

#include "archive/archive_loader.h"
#include "command.h"
#include "compiler/compilation_unit.h"
#include "ir/dot_printer.h"
#include "lang/diagnostics.h"
#include "tscript/tscript.h"

namespace tscript::tools {

namespace {

// Pipes `dot` text through Graphviz; the SVG goes straight to our stdout.
int renderSvg(const std::string& dotText) {
  std::fflush(stdout);
  FILE* graphviz = popen("dot -Tsvg", "w");
  if (graphviz == nullptr) {
    std::fprintf(stderr, "tscript graph: cannot start Graphviz's dot\n");
    return 1;
  }
  std::fwrite(dotText.data(), 1, dotText.size(), graphviz);
  int status = pclose(graphviz);
  if (status != 0) {
    // The shell answers 127 when the program does not exist.
    bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
    std::fprintf(stderr, "tscript graph: %s\n",
                 missing ? "Graphviz's dot is not installed (apt-get install graphviz), or use --format=dot"
                         : "Graphviz's dot failed to render the graph");
    return 1;
  }
  return 0;
}

int runGraph(const std::vector<std::string>& args) {
  std::string path, method = "forward", format = "text";
  std::vector<std::string> libraries;
  bool inlined = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool hasValue = i + 1 < args.size();
    if (arg == "--method" && hasValue) method = args[++i];
    else if (arg == "--library" && hasValue) libraries.push_back(args[++i]);
    else if (arg == "--format" && hasValue) format = args[++i];
    else if (arg.rfind("--format=", 0) == 0) format = arg.substr(9);
    else if (arg == "--inlined") inlined = true;
    else if (path.empty() && !arg.empty() && arg[0] != '-') path = arg;
    else {
      std::fprintf(stderr, "tscript graph: unexpected argument '%s'\n", arg.c_str());
      return 2;
    }
  }
  if (path.empty() || (format != "text" && format != "dot" && format != "svg")) {
    std::fprintf(stderr, "usage: tscript graph MODEL.pt [--method NAME] [--inlined] "
                         "[--format=text|dot|svg] [--library PATH]...\n");
    return 2;
  }
  try {
    for (const std::string& library : libraries) tscript::load_library(library);
    std::shared_ptr<archive::LoadedArchive> model = archive::LoadedArchive::open(path);
    const auto& type = *model->root().toObject().type->as<types::ClassType>();
    compiler::CompilationUnit& unit = model->importer().unit();
    ir::GraphPtr graph = inlined ? unit.inlinedMethodGraph(type, method) : unit.method(type, method).graph;
    if (format == "text") {
      std::cout << graph->toString(true);
      return 0;
    }
    std::string dot = ir::graphToDot(*graph, type.qualifiedName() + "." + method);
    if (format == "dot") {
      std::cout << dot;
      return 0;
    }
    return renderSvg(dot);
  } catch (const lang::CompileError& error) {
    std::fprintf(stderr, "tscript graph: %s\n", error.what());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tscript graph: %s\n", error.what());
  }
  return 1;
}

CommandRegistration registration(
    {"graph", "graph MODEL.pt [--method NAME] [--inlined] [--format=text|dot|svg] [--library PATH]...",
     runGraph});

}  // namespace

}  // namespace tscript::tools
