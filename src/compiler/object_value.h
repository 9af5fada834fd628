// Values of class and module type while compiling: `self.weight` (a slot read),
// `self.stride` (a constant), `self.conv1(x)` (a method call), `for layer in self.layers`
// (a module list, unrolled), `self.count = n` (a slot write).
#pragma once

#include <string>

#include "compiler/class_definition.h"
#include "compiler/sugared_value.h"

namespace tscript::compiler {

class CompilationUnit;

class ObjectValue final : public SugaredValue {
 public:
  ObjectValue(CompilationUnit& unit, ClassDefinition& definition, ir::Value* self)
      : unit_(unit), definition_(definition), self_(self) {}
  std::string describe() const override;
  ir::Value* asValue(const lang::SourceRange&, FunctionEmitter&) override { return self_; }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name) override;
  // Calling a module calls its forward.
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;
  // The submodules of a module container, in order (a ModuleDict gives its keys).
  std::optional<std::vector<SugaredValuePtr>> unrolledElements(
      const lang::SourceRange& range, FunctionEmitter& emitter) override;

  // `self.layers[i]` on a module container: `index` must be a constant.
  SugaredValuePtr item(const lang::SourceRange& range, FunctionEmitter& emitter, ir::Value* index);
  // The submodules (name and value), in slot order.
  std::vector<std::pair<std::string, SugaredValuePtr>> submodules(const lang::SourceRange& range,
                                                                  FunctionEmitter& emitter);
  // `self.name = value`: a slot write, type-checked against the slot.
  void setAttr(const lang::SourceRange& range, FunctionEmitter& emitter, const std::string& name,
               ir::Value* value);

 private:
  // The call of forward (or __call__) itself, without hooks.
  SugaredValuePtr callForward(const lang::SourceRange& range, FunctionEmitter& emitter,
                              std::vector<NamedValue> args);
  // The value of slot `name` (prim::GetAttr), named after it as torch.jit names it.
  ir::Value* slotValue(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name);
  // The submodule slots, in slot order; for a parameter container (no submodules), its
  // parameter slots.
  std::vector<std::string> submoduleNames() const;

  CompilationUnit& unit_;
  ClassDefinition& definition_;
  ir::Value* self_;
};

// A method bound to its object: a call is prim::CallMethod[name=...](self, args...).
class MethodValue final : public SugaredValue {
 public:
  MethodValue(CompilationUnit& unit, ir::Value* self, std::string name)
      : unit_(unit), self_(self), name_(std::move(name)) {}
  std::string describe() const override { return "method '" + name_ + "'"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  CompilationUnit& unit_;
  ir::Value* self_;
  std::string name_;
};

// An overloaded method bound to its object: the call goes to the first overload whose
// parameters accept the arguments (prim::CallMethod[name="forward__1"]).
class OverloadedMethodValue final : public SugaredValue {
 public:
  OverloadedMethodValue(CompilationUnit& unit, ir::Value* self, std::string name,
                        std::vector<std::string> overloads)
      : unit_(unit), self_(self), name_(std::move(name)), overloads_(std::move(overloads)) {}
  std::string describe() const override { return "overloaded method '" + name_ + "'"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  CompilationUnit& unit_;
  ir::Value* self_;
  std::string name_;
  std::vector<std::string> overloads_;
};

// A value of interface type (`o: ObjIface`, a submodule attribute `impl: ModIf`): its
// methods are the interface's, and a call is prim::CallMethod on the value, dispatched when
// it runs to the method of the object's own class (never inlined). Calling a module
// interface value calls its forward, without hooks (as 1.13).
class InterfaceValue final : public SugaredValue {
 public:
  explicit InterfaceValue(ir::Value* self) : self_(self) {}
  std::string describe() const override;
  ir::Value* asValue(const lang::SourceRange&, FunctionEmitter&) override { return self_; }
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name) override;
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  ir::Value* self_;
};

}  // namespace tscript::compiler
