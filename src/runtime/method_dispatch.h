// Dynamic method calls: a prim::CallMethod that is still in a graph when it runs. The
// compiler inlines every call whose receiver's class it knows; what remains are calls on
// interface-typed values (`impl: ModIf`, `o: ObjIface`), whose method is the one of the
// object's own class, known only at run time.
//
// The runtime does not compile, so whoever owns compiled classes (the Python module compiler,
// a loaded archive) registers a MethodTable per class type. Registrations are keyed by the
// type object (two archives may each have a `__torch__.Impl`) and hold the table weakly:
// when the owner dies, calls on its objects fail with an error instead of reaching freed code.
// Each call site caches the last (class type -> code) it resolved, valid while the registry's
// generation is unchanged (every register, unregister and table destruction bumps it), so a
// call in the steady state takes no lock.
#pragma once

#include <memory>
#include <string>

#include "runtime/code.h"

namespace tscript::types {
class Type;
}

namespace tscript::runtime {

class MethodTable {
 public:
  // Invalidates the call sites' cached code (a table that dies unregistered must not be
  // reached through a cache either).
  virtual ~MethodTable();
  // The code of method `name` for objects of the registered class (its first input is the
  // object), or nullptr when the class has no such method. Called from any thread, with
  // whatever locks the caller holds: implementations synchronize themselves. The Code must
  // stay valid as long as the table lives.
  virtual const Code* methodCode(const std::string& name) = 0;
};

// Registers (or replaces) the table of `type`. Thread-safe.
void registerMethodTable(const types::Type* type, std::weak_ptr<MethodTable> table);
void unregisterMethodTable(const types::Type* type);

// The Operation of a `prim::CallMethod[name=...](object, args...)` node: finds the method of
// the object's class in the registry when it runs, then runs it as a nested call.
Operation callMethodOperation(const ir::Node& node);
// The same for a call the interpreter makes itself: method `name` with `inputs` inputs (the
// object first), e.g. `__enter__`/`__exit__` of a `with` (code.h: Enter, Exit).
Operation methodCallOperation(std::string name, size_t inputs);

}  // namespace tscript::runtime
