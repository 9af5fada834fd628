// The methods of an interface, read from their declarations: what `@interface` classes
// (Python) and `class I(Interface):` / `class I(ModuleInterface):` bodies (archives) declare.
// Only the signature counts; the body is never compiled.
#pragma once

#include "compiler/resolver.h"
#include "lang/ast.h"
#include "types/named_types.h"

namespace tscript::compiler {

// The signature of one declared method, `self` left out; names in annotations resolve
// through `resolver`. Unannotated parameters are Tensors; the return type must be annotated
// (1.13: "interface declarations must have a return type annotated."). Throws CompileError
// at the offending part (no `self`, *args/**kwargs, a missing return annotation).
types::MethodSignature interfaceMethodSignature(const lang::FunctionDefStmt& def,
                                                Resolver& resolver);

// Why a value of type `actual` does not fit where the interface `wanted` is expected, as
// ": <1.13's reason>" to append to an error message; empty when `wanted` is no interface.
std::string interfaceMismatchReason(const types::TypePtr& actual, const types::TypePtr& wanted);

}  // namespace tscript::compiler
