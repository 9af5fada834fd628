// `with` statements (FunctionEmitter::emitWith).
//
// Two lowerings, chosen per item:
//  - `torch.no_grad()`, `torch.enable_grad()`, `torch.set_grad_enabled(b)` written as calls in
//    the source: the grad mode is saved, set for the body and restored after it, with the
//    grad-mode builtins. (torch.jit 1.13 scripts torch's own context-manager classes here;
//    tscript keeps the direct form, which needs no class of torch's source.)
//  - any other item must be an object of a TorchScript class with `__enter__(self)` and
//    `__exit__(self, Any, Any, Any)`, as 1.13 requires: `%v = prim::Enter(%obj)` (typed as
//    `__enter__`'s result, bound by `as v`) before the body and `prim::Exit(%obj)` after it,
//    innermost first. The interpreter calls the methods (runtime/code.h: Enter/Exit), and
//    calls `__exit__` of every entered object, innermost first, when the body raises. This is
//    also how archives written by 1.13 spell `with torch.no_grad():` (`with _4:` on an
//    object of the archive's class `__torch__.torch.autograd.grad_mode.no_grad`).
#include <optional>

#include "compiler/function_emitter.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

const ir::Symbol& enterKind() {
  static const ir::Symbol s = ir::Symbol::make("prim", "Enter");
  return s;
}
const ir::Symbol& exitKind() {
  static const ir::Symbol s = ir::Symbol::make("prim", "Exit");
  return s;
}

// The grad mode a `with` item sets: `torch.no_grad()` (false), `torch.enable_grad()` (true),
// `torch.set_grad_enabled(b)` (b); null when the item is none of them.
const lang::Expr* gradModeArgument(const lang::Expr& item, bool& constant, bool& value) {
  const auto* call = item.as<lang::CallExpr>();
  if (!call) return nullptr;
  const auto* attribute = call->func->as<lang::AttributeExpr>();
  if (!attribute) return nullptr;
  // torch.no_grad / torch.autograd.no_grad / torch.autograd.grad_mode.no_grad
  const lang::Expr* base = attribute->value.get();
  while (const auto* inner = base->as<lang::AttributeExpr>()) base = inner->value.get();
  const auto* root = base->as<lang::NameExpr>();
  if (!root || root->id != "torch") return nullptr;
  constant = true;
  if (attribute->attr == "no_grad" && call->args.empty()) {
    value = false;
    return &item;
  }
  if (attribute->attr == "enable_grad" && call->args.empty()) {
    value = true;
    return &item;
  }
  if (attribute->attr == "set_grad_enabled" && call->args.size() == 1) {
    constant = false;
    return call->args[0].get();
  }
  return nullptr;
}

std::optional<types::MethodSignature> signatureOf(const types::ClassType& cls,
                                                 const std::string& name) {
  const types::MethodSignature* found = cls.findMethodSignature(name);
  if (!found) return std::nullopt;
  return *found;
}

// Checks that `object` can be a context manager (1.13's rules and, where 1.13 has one, its
// message) and returns the type `__enter__` returns.
types::TypePtr checkContextManager(const ir::Value* object, const lang::SourceRange& range) {
  const auto* cls = object->type()->as<types::ClassType>();
  if (!cls) {
    throw lang::CompileError(range, "With item expression must return an object (of a "
                                    "TorchScript class with __enter__ and __exit__), not a value "
                                    "of type " + object->type()->annotationStr());
  }
  // Copies: looking a method up may compile it, which adds to the class's signature list.
  std::optional<types::MethodSignature> enter = signatureOf(*cls, "__enter__");
  if (!enter) {
    throw lang::CompileError(range, "Object returned by with item expression does not define "
                                    "__enter__ and __exit__ methods (class " +
                                    cls->qualifiedName() + " has no __enter__)");
  }
  std::optional<types::MethodSignature> exit = signatureOf(*cls, "__exit__");
  if (!exit) {
    throw lang::CompileError(range, "Object returned by with item expression does not define "
                                    "__enter__ and __exit__ methods (class " +
                                    cls->qualifiedName() + " has no __exit__)");
  }
  if (!enter->parameterTypes.empty()) {
    throw lang::CompileError(range, "__enter__ must have only one argument and one return value");
  }
  if (exit->parameterTypes.size() != 3) {
    throw lang::CompileError(range, "__exit__ must have four arguments");
  }
  for (size_t i = 0; i < 3; ++i) {
    if (exit->parameterTypes[i]->kind() != types::TypeKind::Any) {
      throw lang::CompileError(range, "argument " + std::to_string(i + 1) +
                                          " of __exit__ must have Any type; TorchScript does not "
                                          "currently support passing exception type, value, or "
                                          "traceback to the __exit__ function.");
    }
  }
  return enter->returnType;
}

}  // namespace

void FunctionEmitter::emitWith(const lang::WithStmt& statement) {
  // What undoes each item after the body, innermost last: a saved grad mode to restore, or
  // an entered object to exit.
  struct Undo {
    ir::Value* savedGradMode = nullptr;
    ir::Value* enteredObject = nullptr;
  };
  std::vector<Undo> undo;
  for (const lang::WithItem& item : statement.items) {
    bool constant = false;
    bool enabled = false;
    if (const lang::Expr* argument = gradModeArgument(*item.contextExpr, constant, enabled)) {
      if (item.optionalVars) {
        unsupported(item.optionalVars->range, "'as' targets of grad-mode context managers are "
                    "not supported by tscript yet");
      }
      ir::Value* mode = constant ? insertBoolConstant(enabled, item.contextExpr->range)
                                 : emitValue(*argument);
      if (mode->type()->kind() != types::TypeKind::Bool) {
        throw lang::CompileError(argument->range, "torch.set_grad_enabled() takes a bool, not " +
                                                      mode->type()->annotationStr());
      }
      undo.push_back({emitBuiltin("aten::is_grad_enabled", {}, item.contextExpr->range), nullptr});
      emitBuiltin("aten::set_grad_enabled", {mode}, item.contextExpr->range);
      continue;
    }
    ir::Value* object = emitValue(*item.contextExpr);
    types::TypePtr entered = checkContextManager(object, item.contextExpr->range);
    // Like 1.13's, the node carries no source range: what fails in it is in the methods.
    ir::Node* enter = insertNode(enterKind(), {object}, 1, {});
    enter->output()->setType(entered);
    if (item.optionalVars) {
      assignTo(*item.optionalVars, std::make_shared<SimpleValue>(enter->output()),
               item.optionalVars->range);
    }
    undo.push_back({nullptr, object});
  }
  const lang::Stmt* outerTail = withTailStatement_;
  bool tail = tail_ || &statement == outerTail;
  withTailStatement_ = tail && exitsOnlyAtEnd(statement.body) ? statement.body.back().get() : nullptr;
  emitBlock(statement.body);
  withTailStatement_ = outerTail;
  for (size_t i = undo.size(); i-- > 0;) {
    if (undo[i].savedGradMode) {
      emitBuiltin("aten::set_grad_enabled", {undo[i].savedGradMode}, statement.range);
    } else {
      // Typed Tensor and unused, as 1.13 leaves it (its graph printing shows `Tensor`).
      insertNode(exitKind(), {undo[i].enteredObject}, 1, {})->output()->setType(types::tensorType());
    }
  }
}

}  // namespace tscript::compiler
