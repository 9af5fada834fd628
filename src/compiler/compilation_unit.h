// A set of compiled functions that can call each other: what `tscript compile FILE.py`, a
// `CompilationUnit(source)` and (later) an archive's code define.
//
// Functions are compiled on first use, so a call to a function defined further down the file
// works, and recursion is reported instead of looping.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

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

  // Adds the function definitions of a parsed file (other top-level statements are ignored).
  // Takes ownership of the module (the AST must live as long as the unit).
  void define(lang::Module module);

  // Compiles (if not done yet) and returns the function; throws CompileError.
  const CompiledFunction& function(const std::string& name);
  bool hasFunction(const std::string& name) const { return definitions_.count(name) > 0; }
  // What a call site sees for function `name` of this unit (compiled on first call).
  SugaredValuePtr functionValue(const std::string& name);
  std::vector<std::string> functionNames() const;
  // When a call to `callee` from the function being compiled would recurse (`callee` is being
  // compiled further up the call chain): that chain, "f -> g -> f". Empty otherwise.
  std::string recursionChain(const std::string& callee) const;

 private:
  class UnitResolver;
  const OperatorMatcher& matcher_;
  std::shared_ptr<Resolver> globals_;
  std::vector<lang::Module> modules_;
  std::map<std::string, const lang::FunctionDefStmt*> definitions_;
  std::map<std::string, CompiledFunction> compiled_;
  std::vector<std::string> compiling_;  // the call chain being compiled, for recursion errors
};

// The builtins every resolver falls back to: `torch`, `math`, `range`, `print`, `len`, ...
SugaredValuePtr resolveBuiltin(const std::string& name);

}  // namespace tscript::compiler
