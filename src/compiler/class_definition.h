// What the compiler knows about a class or module type beyond its ClassType: where the
// source of each method is, and the attributes that are not slots, constants or compiled
// methods (methods left in Python, module containers).
//
// The ClassType (types/named_types.h) is the runtime's view: the slots of an object and their
// types. A ClassDefinition is the front end's view, and the front ends fill it differently:
// the Python API from a live nn.Module (python/tscript/_module.py), the archive importer from
// a `class M(Module):` body.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/sugared_value.h"
#include "lang/ast.h"
#include "types/named_types.h"

namespace tscript::compiler {

class Resolver;

// The source of one method: its definition and the resolver of the global names it uses.
// Both must live as long as the compilation unit the class is defined in.
struct MethodSource {
  const lang::FunctionDefStmt* def = nullptr;
  Resolver* globals = nullptr;
};

class ClassDefinition {
 public:
  // Module containers: their submodules are a compile-time sequence (iterated by unrolling,
  // indexed with constants). ModuleList and Sequential are lists; ModuleDict maps names.
  enum class Container { None, List, Dict };

  virtual ~ClassDefinition() = default;
  virtual const std::shared_ptr<types::ClassType>& type() const = 0;
  virtual Container container() const { return Container::None; }
  // The source of method `name`, or nullopt when the class has no method of that name to
  // compile. Called again for each compilation of the method (the unit caches the result).
  virtual std::optional<MethodSource> methodSource(const std::string& name) = 0;
  // The methods an overloaded method `name` compiles to (`forward__0`, `forward__1`, one per
  // `@_overload_method` declaration, as torch.jit names them), or empty.
  virtual std::vector<std::string> overloads(const std::string& name) const {
    (void)name;
    return {};
  }
  // The forward pre-hooks and forward hooks of a module, compiled as methods of it (each
  // takes the module as `self`), in the order they run when the module is called.
  virtual std::vector<std::string> forwardPreHookMethods() const { return {}; }
  virtual std::vector<std::string> forwardHookMethods() const { return {}; }
  // `self.name` for a name that is none of the above (a method left in Python); nullptr when
  // the class has no such attribute.
  virtual SugaredValuePtr extraAttribute(ir::Value* self, const std::string& name,
                                         const lang::SourceRange& range, FunctionEmitter& emitter) {
    (void)self, (void)name, (void)range, (void)emitter;
    return nullptr;
  }
  // Why `name` is not an attribute when the front end knows (an attribute whose Python value
  // has no TorchScript type: "its value [1, 'a'] has no single element type; annotate it"),
  // or empty.
  virtual std::string whyNoAttribute(const std::string& name) const {
    (void)name;
    return "";
  }
};

}  // namespace tscript::compiler
