#include "ir/pass_registry.h"

#include <cstdlib>

#include "ir/verifier.h"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

namespace tscript::ir {

namespace {

// Ordered by name so listings are stable. Function-local so registrations from other
// translation units' static initialisers find it constructed.
// The IR's own passes are entered here rather than by file-scope registrations in their files:
// a static library drops object files nobody references, and with them their registrations.
std::map<std::string, std::unique_ptr<PassInfo>>& passTable() {
  static std::map<std::string, std::unique_ptr<PassInfo>> table = [] {
    std::map<std::string, std::unique_ptr<PassInfo>> builtin;
    builtin.emplace("verify", std::make_unique<PassInfo>(PassInfo{
                                  "verify", "check SSA dominance, block arities and types",
                                  [](Graph& graph) {
                                    verify(graph);
                                    return false;
                                  }}));
    return builtin;
  }();
  return table;
}

}  // namespace

void registerPass(PassInfo info) {
  auto& table = passTable();
  std::string name = info.name;
  if (table.count(name)) throw std::logic_error("pass '" + name + "' registered twice");
  table.emplace(name, std::make_unique<PassInfo>(std::move(info)));
}

const PassInfo* findPass(const std::string& name) {
  auto& table = passTable();
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second.get();
}

std::vector<const PassInfo*> registeredPasses() {
  std::vector<const PassInfo*> result;
  for (const auto& [name, info] : passTable()) result.push_back(info.get());
  return result;
}

bool runPasses(Graph& graph, const std::vector<std::string>& names) {
  std::vector<const PassInfo*> passes;
  for (const std::string& name : names) {
    const PassInfo* pass = findPass(name);
    if (!pass) {
      std::string known;
      for (const PassInfo* info : registeredPasses()) {
        known += (known.empty() ? "" : ", ") + info->name;
      }
      throw std::invalid_argument("unknown pass '" + name + "' (known passes: " +
                                  (known.empty() ? "none" : known) + ")");
    }
    passes.push_back(pass);
  }
  bool changed = false;
  for (const PassInfo* pass : passes) {
    changed |= pass->run(graph);
    if (pass->name == "verify" || !verifyAfterEachPass()) continue;
    try {
      verify(graph);
    } catch (const std::exception& error) {
      throw std::logic_error("the graph is invalid after pass '" + pass->name + "': " + error.what());
    }
  }
  return changed;
}

bool verifyAfterEachPass() {
#ifndef NDEBUG
  return true;  // debug builds always check
#else
  // Tests turn it on (the Makefile exports TSCRIPT_VERIFY=1); read once.
  static const bool requested = [] {
    const char* value = std::getenv("TSCRIPT_VERIFY");
    return value && *value && std::string(value) != "0";
  }();
  return requested;
#endif
}

PassRegistration::PassRegistration(std::string name, std::string description, GraphPass run) {
  registerPass({std::move(name), std::move(description), std::move(run)});
}

}  // namespace tscript::ir
