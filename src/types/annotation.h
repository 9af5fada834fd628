// Type annotations: AST expressions (`Optional[List[int]]`, `torch.Tensor`, `'Point'`,
// `int | None`) and `# type:` comments turned into Types.
//
// Builtin spellings are recognized first; any other name goes to the resolver (the compiler
// answers with the classes, named tuples, enums and interfaces it can see). Errors are
// lang::CompileError pointing at the offending part of the annotation.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lang/ast.h"
#include "lang/parser.h"
#include "types/type.h"

namespace tscript::types {

// Answers "what type is this name?" for names that are not builtin types. `name` is the
// dotted spelling as written (`Point`, `mymodule.Point`); the answer is nullptr when the name
// is unknown (then the caller reports "Unknown type name").
using AnnotationResolver =
    std::function<TypePtr(const std::string& name, const lang::SourceRange& range)>;

// Converts an annotation. `Final[T]` is rejected here (TorchScript allows it only on class and
// module attributes; use annotationAllowingFinal there).
TypePtr typeFromAnnotation(const lang::Expr& expr, const AnnotationResolver& resolver);

// An annotation that may be `Final[T]` (typing.Final, typing_extensions.Final,
// torch.jit.Final) at its top level.
struct AnnotatedType {
  TypePtr type;
  bool isFinal = false;
};
AnnotatedType annotationAllowingFinal(const lang::Expr& expr, const AnnotationResolver& resolver);

// N when the annotation is `BroadcastingListN[T]` or `Optional[BroadcastingListN[T]]`: a
// parameter of type List[T] that also accepts a single T, repeated N times (schema `T[N]`).
std::optional<size_t> broadcastingListSize(const lang::Expr& annotation);

// The types of a `# type: (int, List[str]) -> Tensor` comment.
struct TypeCommentTypes {
  std::vector<TypePtr> argumentTypes;
  TypePtr returnType;  // nullptr when the comment has no `-> T`
  bool ellipsisArguments = false;  // `(...) -> T`: the arguments are not annotated
};
TypeCommentTypes signatureFromTypeComment(const lang::TypeCommentSignature& signature,
                                          const AnnotationResolver& resolver);
// Parses and converts the comment text after `type:`. `at` is where the comment is (its
// file name and line are used for the comment's own SourceFile).
TypeCommentTypes signatureFromTypeComment(const std::string& commentText,
                                          const lang::SourceRange& at,
                                          const AnnotationResolver& resolver);

}  // namespace tscript::types
