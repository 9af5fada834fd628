// A set of compiled functions that can call each other: what `tscript compile FILE.py`, a
// `CompilationUnit(source)` and (later) an archive's code define.
//
// Functions are compiled on first use, so a call to a function defined further down the file
// works, and recursion is reported instead of looping.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/class_definition.h"
#include "compiler/function_emitter.h"
#include "compiler/operator_matcher.h"
#include "compiler/resolver.h"
#include "lang/ast.h"

namespace tscript::compiler {

class CompilationUnit {
 public:
  // `matcher` must outlive the unit. `globals` resolves names the source does not define
  // (may be null: then only the builtins are known).
  CompilationUnit(const OperatorMatcher& matcher, std::shared_ptr<Resolver> globals = nullptr);
  ~CompilationUnit();
  CompilationUnit(const CompilationUnit&) = delete;
  CompilationUnit& operator=(const CompilationUnit&) = delete;

  // Adds the function definitions of a parsed file (other top-level statements are ignored).
  // Takes ownership of the module (the AST must live as long as the unit).
  void define(lang::Module module);
  // Adds one function under `name` (an archive's qualified name, `__torch__.f`); the
  // definition is owned by the caller and must live as long as the unit. Names it uses are
  // resolved by the unit's `globals`.
  void defineFunction(const std::string& name, const lang::FunctionDefStmt& def);

  // Compiles (if not done yet) and returns the function; throws CompileError.
  const CompiledFunction& function(const std::string& name);
  bool hasFunction(const std::string& name) const { return definitions_.count(name) > 0; }
  // What a call site sees for function `name` of this unit (compiled on first call).
  SugaredValuePtr functionValue(const std::string& name);
  std::vector<std::string> functionNames() const;
  // When a call to `callee` from the function being compiled would recurse (`callee` is being
  // compiled further up the call chain): that chain, "f -> g -> f". Empty otherwise.
  std::string recursionChain(const std::string& callee) const;

  // A rewrite every graph this unit emits goes through first (before its calls are inlined);
  // `key` is the function's name or "Class.method". The archive importer sets it to apply
  // upgraders to code of old archives (archive/upgraders.h).
  using EmittedGraphRewrite = std::function<void(const std::string& key, ir::Graph& graph)>;
  void setEmittedGraphRewrite(EmittedGraphRewrite rewrite) { emittedGraphRewrite_ = std::move(rewrite); }

  // ---- classes and modules ----
  // Adds a class; its methods are compiled on first use (or when the interface check needs
  // their signatures: the unit is the class type's method provider while it lives). Each
  // compiled method's signature is recorded on the ClassType. A class of the same qualified
  // name is replaced (the front end names distinct types distinctly).
  void defineClass(std::shared_ptr<ClassDefinition> definition);
  ClassDefinition* findClass(const std::string& qualifiedName) const;
  // Compiles (if not done yet) and returns method `name` of `type`; its graph's first input
  // is `self`, and its calls are kept (prim::CallMethod, prim::CallFunction) as in torch.jit.
  // Throws CompileError.
  const CompiledFunction& method(const types::ClassType& type, const std::string& name);
  // Adds a method whose graph was made without source (a traced method); its first input
  // is `self`. Replaces a method of that name.
  void addCompiledMethod(const types::ClassType& type, const std::string& name,
                         CompiledFunction method);
  // Whether `type` has method `name` (compiled, or with source to compile).
  bool hasMethod(const types::ClassType& type, const std::string& name);
  // The methods of `type` compiled or added so far, in the order each was first finished
  // (a method called by another one comes before its caller): what an archive prints.
  std::vector<std::string> compiledMethodNames(const types::ClassType& type) const;
  // A copy of a method's graph with every call inlined: what `.inlined_graph` shows and the
  // interpreter runs.
  std::shared_ptr<ir::Graph> inlinedMethodGraph(const types::ClassType& type,
                                                const std::string& name);
  // The sugared value of an object of class type (attributes, method calls, module
  // containers); nullptr when its class is not defined in this unit.
  SugaredValuePtr objectValue(ir::Value* object);

 private:
  class UnitResolver;
  class MethodResolver;
  // Compiles `def` (a function, or a method when `selfType` is set) under the recursion
  // check, inlining function calls when it is a function.
  CompiledFunction compile(const std::string& key, const lang::FunctionDefStmt& def,
                           Resolver& resolver, const types::TypePtr& selfType);
  void recordMethodSignature(const types::ClassType& type, const std::string& name,
                             const CompiledFunction& method);
  const OperatorMatcher& matcher_;
  std::shared_ptr<Resolver> globals_;
  std::vector<lang::Module> modules_;
  std::map<std::string, const lang::FunctionDefStmt*> definitions_;
  std::map<std::string, CompiledFunction> compiled_;  // functions by name, methods by Class.name
  std::map<std::string, std::vector<std::string>> methodOrder_;  // by class name
  std::map<std::string, std::shared_ptr<ClassDefinition>> classes_;
  EmittedGraphRewrite emittedGraphRewrite_;
  std::vector<std::string> compiling_;  // the call chain being compiled, for recursion errors
};

// Binds the arguments of a call to the parameters of `callee` from parameter `first` on (1 for
// a method, whose `self` is bound already): by position and keyword, type-checked, missing
// ones filled from defaults. `name` names the callee in errors.
std::vector<ir::Value*> bindArguments(const CompiledFunction& callee, size_t first,
                                      const std::string& name, const std::vector<NamedValue>& args,
                                      const lang::SourceRange& range, FunctionEmitter& emitter);

// The builtins every resolver falls back to: `torch`, `math`, `range`, `print`, `len`, ...
SugaredValuePtr resolveBuiltin(const std::string& name);

}  // namespace tscript::compiler
