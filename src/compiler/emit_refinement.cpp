// Type refinement from conditions (`is None`, `is not None`, isinstance, and/or/not) and
// compile-time isinstance, as TorchScript does it.
#include "compiler/function_emitter.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

bool isNoneLiteral(const lang::Expr& expr) {
  const auto* constant = expr.as<lang::ConstantExpr>();
  return constant && constant->value.kind == lang::ConstantValue::Kind::None;
}

// The type left when None is ruled out: Optional[T] -> T, Union[A, B, None] -> Union[A, B].
// The types a value of static type `type` may have at run time: a Union's members, an
// Optional's element and None, or the type itself.
std::vector<types::TypePtr> possibleTypes(const types::TypePtr& type) {
  if (const auto* optional = type->as<types::OptionalType>()) {
    std::vector<types::TypePtr> types = possibleTypes(optional->element());
    types.push_back(types::noneType());
    return types;
  }
  if (const auto* joined = type->as<types::UnionType>()) return joined->members();
  return {type};
}

// The type of a value that is one of `types` (unionOf makes Optional[T] of {T, None}).
types::TypePtr joinTypes(const std::vector<types::TypePtr>& types) {
  return types.size() == 1 ? types.front() : types::unionOf(types);
}

// `type` once None is ruled out: Optional[T] -> T, Union[int, str, None] -> Union[int, str];
// null when `type` cannot be None.
types::TypePtr withoutNone(const types::TypePtr& type) {
  if (const auto* optional = type->as<types::OptionalType>()) return optional->element();
  if (const auto* joined = type->as<types::UnionType>()) {
    std::vector<types::TypePtr> rest;
    for (const types::TypePtr& member : joined->members()) {
      if (member->kind() != types::TypeKind::None) rest.push_back(member);
    }
    if (rest.size() == joined->members().size()) return nullptr;
    return rest.size() == 1 ? rest.front() : types::unionOf(rest);
  }
  return nullptr;
}

void mergeInto(std::map<std::string, types::TypePtr>& into,
               const std::map<std::string, types::TypePtr>& from) {
  for (const auto& [name, type] : from) into[name] = type;
}

}  // namespace

bool FunctionEmitter::isConstantBool(const ir::Value* value, bool& result) {
  const ir::Node* node = value->node();
  if (node->kind() != ir::prim::Constant || value->type()->kind() != types::TypeKind::Bool) {
    return false;
  }
  const ir::AttributeValue* attribute = node->findAttribute("value");
  if (!attribute || attribute->kind() != ir::AttributeKind::i) return false;
  result = attribute->get<int64_t>() != 0;
  return true;
}

// `isinstance(x, list)`: a bare `list` or `tuple` means any list or tuple (annotations need
// the element types; isinstance does not).
types::TypePtr FunctionEmitter::isinstanceTarget(const lang::Expr& expression) {
  if (const auto* name = expression.as<lang::NameExpr>()) {
    if (name->id == "list") return types::anyListType();
    if (name->id == "tuple") return types::anyTupleType();
  }
  return annotationType(expression);
}

FunctionEmitter::Refinements FunctionEmitter::refinementsOf(const lang::Expr& test) {
  Refinements refinements;
  if (const auto* compare = test.as<lang::CompareExpr>()) {
    if (compare->ops.size() != 1) return refinements;
    lang::CmpOpKind op = compare->ops[0];
    if (op != lang::CmpOpKind::Is && op != lang::CmpOpKind::IsNot) return refinements;
    const lang::Expr* subject = compare->left.get();
    const lang::Expr* other = compare->comparators[0].get();
    if (isNoneLiteral(*subject)) std::swap(subject, other);
    const auto* name = subject->as<lang::NameExpr>();
    if (!name || !isNoneLiteral(*other)) return refinements;
    std::optional<types::TypePtr> type = variableType(name->id);
    if (!type) return refinements;
    types::TypePtr refined = withoutNone(*type);
    if (!refined) return refinements;
    (op == lang::CmpOpKind::IsNot ? refinements.whenTrue : refinements.whenFalse)[name->id] = refined;
    return refinements;
  }
  if (const auto* unary = test.as<lang::UnaryOpExpr>()) {
    if (unary->op != lang::UnaryOpKind::Not) return refinements;
    Refinements inner = refinementsOf(*unary->operand);
    std::swap(inner.whenTrue, inner.whenFalse);
    return inner;
  }
  if (const auto* boolOp = test.as<lang::BoolOpExpr>()) {
    // `a and b` true: both are true; `a or b` false: both are false.
    for (const lang::ExprPtr& value : boolOp->values) {
      Refinements part = refinementsOf(*value);
      mergeInto(boolOp->op == lang::BoolOpKind::And ? refinements.whenTrue : refinements.whenFalse,
                boolOp->op == lang::BoolOpKind::And ? part.whenTrue : part.whenFalse);
    }
    return refinements;
  }
  if (const auto* call = test.as<lang::CallExpr>()) {
    if (!isIsinstanceCallee(*call->func) || call->args.size() != 2) return refinements;
    const auto* name = call->args[0]->as<lang::NameExpr>();
    if (!name) return refinements;
    std::optional<types::TypePtr> type = variableType(name->id);
    // Objects are not refined: isinstance on them is decided when compiling (emitIsinstance).
    if (!type || (*type)->kind() == types::TypeKind::Class) return refinements;
    std::vector<types::TypePtr> targets;
    if (const auto* tuple = call->args[1]->as<lang::TupleExpr>()) {
      for (const lang::ExprPtr& element : tuple->elts) targets.push_back(isinstanceTarget(*element));
    } else {
      targets.push_back(isinstanceTarget(*call->args[1]));
    }
    // Split the possible types of the variable into those the check accepts and the rest:
    // `isinstance(u, int)` on Union[int, str] makes u an int when true, a str when false.
    std::vector<types::TypePtr> accepted;
    std::vector<types::TypePtr> rejected;
    for (const types::TypePtr& member : possibleTypes(*type)) {
      bool matches = false;
      for (const types::TypePtr& target : targets) matches = matches || types::isSubtypeOf(member, target);
      (matches ? accepted : rejected).push_back(member);
    }
    if (!accepted.empty() && accepted.size() < possibleTypes(*type).size()) {
      refinements.whenTrue[name->id] = joinTypes(accepted);
      // (For an Optional the false branch stays Optional, as torch.jit leaves it.)
      if ((*type)->kind() == types::TypeKind::Union) {
        refinements.whenFalse[name->id] = joinTypes(rejected);
      }
    }
    return refinements;
  }
  return refinements;
}

std::vector<ir::Node*> FunctionEmitter::applyRefinements(
    const std::map<std::string, types::TypePtr>& refined, const lang::SourceRange& range) {
  std::vector<ir::Node*> stores;
  for (const auto& [name, type] : refined) {
    ir::Value* current = loadVariable(name, range);
    // No source location, as in torch.jit's graphs: the cast is not in the source.
    ir::Node* cast = insertNode(ir::Symbol::make("prim", "unchecked_cast"), {current}, 1, {});
    cast->output()->setType(type);
    // Loads in this branch see the narrower type. The store is marked as a refinement: it
    // does not make the variable an output of the enclosing if or loop (ConvertToSSA).
    ir::Node* store = insertNode(kinds::store(), {cast->output()}, 0, range);
    store->s_("name", name);
    store->i_("refinement", 1);
    stores.push_back(store);
    scopes_.back()[name] = type;
  }
  return stores;
}

void FunctionEmitter::keepRefinementsPastIf(const std::vector<ir::Node*>& stores) {
  for (ir::Node* store : stores) store->removeAttribute("refinement");
}

bool FunctionEmitter::isIsinstanceCallee(const lang::Expr& callee) {
  // `isinstance`, or `torch.jit.isinstance` / `tscript.isinstance` (any `a.b.isinstance` of
  // global names: the container-type form of the check, the same special form in script).
  const lang::Expr* root = &callee;
  if (const auto* attribute = callee.as<lang::AttributeExpr>()) {
    if (attribute->attr != "isinstance") return false;
    root = attribute->value.get();
    while (const auto* inner = root->as<lang::AttributeExpr>()) root = inner->value.get();
    const auto* name = root->as<lang::NameExpr>();
    return name && !variableType(name->id);
  }
  const auto* name = callee.as<lang::NameExpr>();
  return name && name->id == "isinstance" && !variableType("isinstance");
}

ir::Value* FunctionEmitter::emitIsinstance(const lang::CallExpr& call) {
  if (call.args.size() != 2 || !call.keywords.empty()) {
    throw lang::CompileError(call.range, "isinstance() takes exactly 2 positional arguments");
  }
  ir::Value* value = emitValue(*call.args[0]);
  std::vector<const lang::Expr*> targetExprs;
  if (const auto* tuple = call.args[1]->as<lang::TupleExpr>()) {
    for (const lang::ExprPtr& element : tuple->elts) targetExprs.push_back(element.get());
  } else {
    targetExprs.push_back(call.args[1].get());
  }
  std::vector<types::TypePtr> targets;
  for (const lang::Expr* target : targetExprs) {
    // A module object against an nn.Module class (`isinstance(self.layers[0],
    // torch.nn.TransformerEncoderLayer)`): decided now, by the object's Python class.
    if (value->type()->kind() == types::TypeKind::Class) {
      if (std::optional<bool> answer = resolver_.objectIsInstance(*value->type(), *target)) {
        if (*answer) return insertBoolConstant(true, call.range);
        continue;
      }
    }
    targets.push_back(isinstanceTarget(*target));
  }
  if (targets.empty()) return insertBoolConstant(false, call.range);
  const types::TypePtr& type = value->type();
  bool possible = false;
  for (const types::TypePtr& target : targets) {
    if (types::isSubtypeOf(type, target)) return insertBoolConstant(true, call.range);
    if (types::isSubtypeOf(target, type)) possible = true;
    // A member of a Union may be the target's kind (`isinstance(u, list)` on
    // Union[Tensor, List[Tensor]]: a bare `list` is no subtype of the Union, List[Tensor] is
    // one of the lists it stands for).
    for (const types::TypePtr& member : possibleTypes(type)) {
      possible = possible || types::isSubtypeOf(member, target);
    }
  }
  if (!possible) return insertBoolConstant(false, call.range);
  // Optional[T] against T: the only run-time question is whether it is None.
  types::TypePtr element = withoutNone(type);
  if (element) {
    for (const types::TypePtr& target : targets) {
      if (types::isSubtypeOf(element, target)) {
        return emitBuiltin("aten::__isnot__", {value, insertNoneConstant(call.range)}, call.range);
      }
    }
  }
  // A Union: the interpreter looks at the value's kind (prim::isinstance[types=[...]]).
  // (No source location: torch.jit prints none for this node.)
  ir::Node* check = insertNode(ir::Symbol::make("prim", "isinstance"), {value}, 1, {});
  check->setAttribute("types", ir::AttributeValue(targets));
  return check->output()->setType(types::boolType());
}

}  // namespace tscript::compiler
