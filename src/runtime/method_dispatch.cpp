#include "runtime/method_dispatch.h"

#include <map>
#include <mutex>
#include <shared_mutex>

#include "ir/ir.h"
#include "runtime/errors.h"
#include "runtime/interpreter.h"
#include "types/named_types.h"

namespace tscript::runtime {

namespace {

struct Registry {
  std::shared_mutex mutex;
  std::map<const types::Type*, std::weak_ptr<MethodTable>> tables;
};

Registry& registry() {
  static Registry* instance = new Registry;  // leaked: used by static destructors of owners
  return *instance;
}

std::shared_ptr<MethodTable> tableOf(const types::Type* type) {
  Registry& r = registry();
  std::shared_lock lock(r.mutex);
  auto found = r.tables.find(type);
  return found == r.tables.end() ? nullptr : found->second.lock();
}

struct CallSite {
  std::string name;
  size_t inputs;
};

std::string classNameOf(const types::Type& type) {
  if (const auto* cls = type.as<types::ClassType>()) return cls->qualifiedName();
  return type.str();
}

// An Operation::WithContext: `context` is the CallSite made by callMethodOperation.
void callMethod(Stack& stack, const void* context) {
  const CallSite& site = *static_cast<const CallSite*>(context);
  const Value& receiver = stack[stack.size() - site.inputs];
  if (receiver.kind() != ValueKind::Object) {
    throw ScriptError("RuntimeError", "cannot call method '" + site.name +
                                          "': the receiver is not an object");
  }
  const types::Type* type = receiver.toObject().type.get();
  std::shared_ptr<MethodTable> table = tableOf(type);
  if (!table) {
    throw ScriptError("RuntimeError", "cannot call method '" + site.name + "' of an object of " +
                                          classNameOf(*type) +
                                          ": the compiled code of its class is gone (the module "
                                          "or archive that defined it was destroyed)");
  }
  const Code* code = table->methodCode(site.name);
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
  run(*code, stack);
}

}  // namespace

void registerMethodTable(const types::Type* type, std::weak_ptr<MethodTable> table) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.tables[type] = std::move(table);
}

void unregisterMethodTable(const types::Type* type) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.tables.erase(type);
}

Operation callMethodOperation(const ir::Node& node) {
  Operation operation;
  operation.context = std::make_shared<const CallSite>(
      CallSite{node.attribute("name").get<std::string>(), node.inputs().size()});
  operation.withContext = callMethod;
  return operation;
}

}  // namespace tscript::runtime
