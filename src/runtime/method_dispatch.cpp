#include "runtime/method_dispatch.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "ir/ir.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "types/named_types.h"

namespace tscript::runtime {

namespace {

struct Registry {
  std::shared_mutex mutex;
  std::map<const types::Type*, std::weak_ptr<MethodTable>> tables;
  // Bumped whenever a table is registered, unregistered or destroyed: a call site's cached
  // (type -> code) is valid only while the generation it was found in is current.
  std::atomic<uint64_t> generation{1};
};

Registry& registry() {
  static Registry* instance = new Registry;  // leaked: used by static destructors of owners
  return *instance;
}

struct Lookup {
  std::shared_ptr<MethodTable> table;
  uint64_t generation;  // read with the table, under the registry's lock
};

Lookup tableOf(const types::Type* type) {
  Registry& r = registry();
  std::shared_lock lock(r.mutex);
  auto found = r.tables.find(type);
  return {found == r.tables.end() ? nullptr : found->second.lock(), r.generation.load()};
}

// The last (class type -> method code) a call site resolved, so that the steady state of an
// interface call takes no lock: a seqlock over three atomics (an odd `sequence` means a writer
// is filling it; a reader that sees the sequence change retries the slow path instead). Every
// field is atomic, so concurrent calls never race on plain memory; only a miss writes, and a
// writer that finds another one writing skips caching.
class MethodCache {
 public:
  // The cached code for `type`, or nullptr.
  const Code* find(const types::Type* type, uint64_t currentGeneration) const {
    uint64_t before = sequence_.load();
    if (before & 1) return nullptr;
    const types::Type* cachedType = type_.load();
    const Code* code = code_.load();
    uint64_t generation = generation_.load();
    if (sequence_.load() != before) return nullptr;
    return cachedType == type && generation == currentGeneration ? code : nullptr;
  }

  void remember(const types::Type* type, const Code* code, uint64_t generation) {
    uint64_t current = sequence_.load();
    if ((current & 1) || !sequence_.compare_exchange_strong(current, current + 1)) return;
    type_.store(type);
    code_.store(code);
    generation_.store(generation);
    sequence_.store(current + 2);
  }

 private:
  // seq_cst throughout: the fields' loads are ordered between the two loads of `sequence_`
  // (plain moves on x86, so the hit path costs no fence).
  std::atomic<uint64_t> sequence_{0};
  std::atomic<const types::Type*> type_{nullptr};
  std::atomic<const Code*> code_{nullptr};
  std::atomic<uint64_t> generation_{0};
};

struct CallSite {
  CallSite(std::string name, size_t inputs) : name(std::move(name)), inputs(inputs) {}
  std::string name;
  size_t inputs;
  mutable MethodCache cache;  // Code is immutable; the cache is its one synchronized exception
};

std::string classNameOf(const types::Type& type) {
  if (const auto* cls = type.as<types::ClassType>()) return cls->qualifiedName();
  return type.str();
}

// The method's code for objects of `type`, through the registry (the slow path: a shared lock
// and a weak_ptr lock); remembered by the site for the next call.
const Code& resolveMethod(const CallSite& site, const types::Type* type) {
  Lookup lookup = tableOf(type);
  if (!lookup.table) {
    throw ScriptError("RuntimeError", "cannot call method '" + site.name + "' of an object of " +
                                          classNameOf(*type) +
                                          ": the compiled code of its class is gone (the module "
                                          "or archive that defined it was destroyed)");
  }
  const Code* code = lookup.table->methodCode(site.name);
  if (!code) {
    throw ScriptError("RuntimeError", "object of class " + classNameOf(*type) +
                                          " has no method '" + site.name + "'");
  }
  if (code->inputCount() != site.inputs) {
    throw ScriptError("RuntimeError", "method '" + site.name + "' of " + classNameOf(*type) +
                                          " takes " + std::to_string(code->inputCount()) +
                                          " inputs, but the call passes " +
                                          std::to_string(site.inputs));
  }
  // Cached only once checked, so a hit needs no checks. The generation is the one the table
  // was found in: if the table went away since, the entry is already stale.
  site.cache.remember(type, code, lookup.generation);
  return *code;
}

// An Operation::WithContext: `context` is the CallSite made by callMethodOperation.
//
// Lifetime: a cached Code is used without holding its table. That is safe because a hit
// requires the registry's generation to be the one the code was found in, and every
// unregistration or destruction of a table bumps it; the owner of a table (a LoadedArchive, a
// Python class definition) must outlive the calls running its code, as any Code must outlive
// its runs (an archive's table never kept the archive alive either).
void callMethod(Stack& stack, const void* context) {
  const CallSite& site = *static_cast<const CallSite*>(context);
  const Value& receiver = stack[stack.size() - site.inputs];
  if (receiver.kind() != ValueKind::Object) {
    throw ScriptError("RuntimeError", "cannot call method '" + site.name +
                                          "': the receiver is not an object");
  }
  const types::Type* type = receiver.toObject().type.get();
  const Code* code = site.cache.find(type, registry().generation.load());
  run(code ? *code : resolveMethod(site, type), stack);
}

}  // namespace

MethodTable::~MethodTable() { ++registry().generation; }

void registerMethodTable(const types::Type* type, std::weak_ptr<MethodTable> table) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.tables[type] = std::move(table);
  ++r.generation;
}

void unregisterMethodTable(const types::Type* type) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.tables.erase(type);
  ++r.generation;
}

Operation callMethodOperation(const ir::Node& node) {
  return methodCallOperation(node.attribute("name").get<std::string>(), node.inputs().size());
}

Operation methodCallOperation(std::string name, size_t inputs) {
  Operation operation;
  operation.context = std::make_shared<const CallSite>(std::move(name), inputs);
  operation.withContext = callMethod;
  return operation;
}

}  // namespace tscript::runtime
