// Graph passes by name, so tools (`tscript opt --passes=a,b`) and tests can run them from text.
//
// A pass is `bool(Graph&)`: it rewrites the graph in place and returns whether it changed
// anything. A pass that finds the graph broken throws (std::exception with a message).
// Passes register themselves from their own file with a file-scope PassRegistration.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace tscript::ir {

using GraphPass = std::function<bool(Graph&)>;

struct PassInfo {
  std::string name;         // `constant-propagation`, `dce`, `verify`
  std::string description;  // one line
  GraphPass run;
};

// Registers `info`; a second pass with the same name is a programming error (throws).
void registerPass(PassInfo info);
// nullptr when no pass has that name.
const PassInfo* findPass(const std::string& name);
// All passes, sorted by name.
std::vector<const PassInfo*> registeredPasses();
// Runs the passes in order. Unknown names are reported before anything runs:
// `unknown pass 'x' (known passes: a, b, verify)`. Returns whether any pass changed the graph.
bool runPasses(Graph& graph, const std::vector<std::string>& names);

// Whether runPasses (and the compiler after it emits a function) runs the verifier after
// every pass: always in debug builds, and when TSCRIPT_VERIFY=1 (set by `make test`). A pass
// that leaves an invalid graph is then reported by name.
bool verifyAfterEachPass();

struct PassRegistration {
  PassRegistration(std::string name, std::string description, GraphPass run);
};

}  // namespace tscript::ir
