// Statements: assignment, control flow, return/raise/assert (see function_emitter.h).
#include "compiler/function_emitter.h"

#include <limits>

#include "compiler/convert_to_ssa.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "types/annotation.h"

namespace tscript::compiler {

namespace {

const std::string kReturnVariable = "$return";

// True when control never reaches the statement after `statement` (return, raise, or an if
// whose branches all end that way).
bool alwaysExits(const lang::Stmt& statement);

bool blockAlwaysExits(const lang::StmtList& statements) {
  for (const lang::StmtPtr& statement : statements) {
    if (alwaysExits(*statement)) return true;
  }
  return false;
}

bool containsReturn(const lang::StmtList& statements);

bool containsReturn(const lang::Stmt& statement) {
  switch (statement.kind) {
    case lang::StmtKind::Return:
      return true;
    case lang::StmtKind::If: {
      const auto& s = static_cast<const lang::IfStmt&>(statement);
      return containsReturn(s.body) || containsReturn(s.orelse);
    }
    case lang::StmtKind::While: {
      const auto& s = static_cast<const lang::WhileStmt&>(statement);
      return containsReturn(s.body) || containsReturn(s.orelse);
    }
    case lang::StmtKind::For:
    case lang::StmtKind::AsyncFor: {
      const auto& s = static_cast<const lang::ForStmt&>(statement);
      return containsReturn(s.body) || containsReturn(s.orelse);
    }
    case lang::StmtKind::With:
    case lang::StmtKind::AsyncWith:
      return containsReturn(static_cast<const lang::WithStmt&>(statement).body);
    case lang::StmtKind::Try: {
      const auto& s = static_cast<const lang::TryStmt&>(statement);
      return containsReturn(s.body) || containsReturn(s.orelse) || containsReturn(s.finalbody);
    }
    default:
      return false;
  }
}

bool containsReturn(const lang::StmtList& statements) {
  for (const lang::StmtPtr& statement : statements) {
    if (containsReturn(*statement)) return true;
  }
  return false;
}

bool alwaysExits(const lang::Stmt& statement) {
  switch (statement.kind) {
    case lang::StmtKind::Return:
    case lang::StmtKind::Raise:
      return true;
    case lang::StmtKind::If: {
      const auto& ifStmt = static_cast<const lang::IfStmt&>(statement);
      return blockAlwaysExits(ifStmt.body) && blockAlwaysExits(ifStmt.orelse);
    }
    default:
      return false;
  }
}

}  // namespace

FunctionEmitter::FunctionEmitter(const lang::FunctionDefStmt& def, Resolver& resolver,
                                 const OperatorMatcher& matcher)
    : def_(def), resolver_(resolver), matcher_(matcher), graph_(std::make_shared<ir::Graph>()) {}

[[noreturn]] void FunctionEmitter::unsupported(const lang::SourceRange& range,
                                               const std::string& what,
                                               const std::string& instead) {
  std::string message = what + " " + (what.back() == 's' ? "are" : "is") +
                        " not supported in TorchScript";
  if (!instead.empty()) message += "; " + instead;
  throw lang::CompileError(range, message);
}

types::TypePtr FunctionEmitter::annotationType(const lang::Expr& annotation) {
  types::AnnotationResolver typeResolver = [this](const std::string& name,
                                                  const lang::SourceRange& range) {
    return resolver_.resolveType(name, range);
  };
  return types::typeFromAnnotation(annotation, typeResolver);
}

CompiledFunction FunctionEmitter::emit() {
  CompiledFunction result;
  result.name = def_.name;
  const lang::Arguments& args = *def_.args;
  if (args.vararg || args.kwarg) {
    unsupported(args.vararg ? args.vararg->range : args.kwarg->range,
                "Variable numbers of arguments (*args, **kwargs)",
                "give each parameter a name and a type");
  }
  pushScope();
  std::vector<const lang::Arg*> parameters;
  for (const lang::Arg& arg : args.posonlyargs) parameters.push_back(&arg);
  for (const lang::Arg& arg : args.args) parameters.push_back(&arg);
  for (const lang::Arg& arg : args.kwonlyargs) parameters.push_back(&arg);
  for (const lang::Arg* arg : parameters) {
    // Unannotated parameters are Tensors, as in TorchScript.
    types::TypePtr type = arg->annotation ? annotationType(*arg->annotation) : types::tensorType();
    ir::Value* input = graph_->addInput(arg->name)->setType(type);
    result.parameterNames.push_back(arg->name);
    result.parameterTypes.push_back(type);
    storeVariable(arg->name, input, arg->range);
  }
  if (def_.returns) declaredReturnType_ = annotationType(*def_.returns);

  hasReturns_ = containsReturn(def_.body);
  emitSequence({{&def_.body, 0}}, /*tail=*/true);

  // The function's result: what the return statements stored (every path stores one, see
  // emitStatements), or None.
  types::TypePtr returnType;
  if (hasReturns_) {
    std::optional<types::TypePtr> unified = returnedTypes_.front();
    for (size_t i = 1; i < returnedTypes_.size() && unified; ++i) {
      unified = types::unifyTypes(*unified, returnedTypes_[i]);
    }
    if (!unified) {
      throw lang::CompileError(def_.nameRange,
                               "Previous return statement returned a value of type " +
                                   returnedTypes_.front()->annotationStr() +
                                   " but a later one returns a different type");
    }
    returnType = declaredReturnType_ ? declaredReturnType_ : *unified;
    ir::Value* result = loadVariable(kReturnVariable, def_.range);
    result->setType(returnType);
    graph_->registerOutput(result);
  } else {
    returnType = declaredReturnType_ ? declaredReturnType_ : types::noneType();
    if (!types::isSubtypeOf(types::noneType(), returnType)) {
      throw lang::CompileError(def_.nameRange, "Function '" + def_.name + "' is declared to return " +
                                                   returnType->annotationStr() +
                                                   " but has no return statement");
    }
    graph_->registerOutput(insertNoneConstant());
  }
  popScope();
  convertToSSA(*graph_);
  result.graph = graph_;
  result.sourceLiterals = std::move(sourceLiterals_);
  result.returnType = returnType;
  return result;
}

// ---- variables -------------------------------------------------------------------------------

void FunctionEmitter::pushScope() { scopes_.emplace_back(); }

std::map<std::string, types::TypePtr> FunctionEmitter::popScope() {
  auto scope = std::move(scopes_.back());
  scopes_.pop_back();
  return scope;
}

std::optional<types::TypePtr> FunctionEmitter::variableType(const std::string& name) const {
  for (size_t i = scopes_.size(); i-- > 0;) {
    auto found = scopes_[i].find(name);
    if (found != scopes_[i].end()) return found->second;
  }
  return std::nullopt;
}

ir::Value* FunctionEmitter::loadVariable(const std::string& name, const lang::SourceRange& range) {
  std::optional<types::TypePtr> type = variableType(name);
  ir::Node* load = insertNode(kinds::load(), {}, 1, range);
  load->s_("name", name);
  load->output()->setType(*type);
  return load->output();
}

void FunctionEmitter::storeVariable(const std::string& name, ir::Value* value,
                                    const lang::SourceRange& range) {
  std::optional<types::TypePtr> previous = variableType(name);
  if (previous && name != kReturnVariable && !types::isSubtypeOf(value->type(), *previous)) {
    throw lang::CompileError(range, "Variable '" + name + "' previously had type " +
                                        (*previous)->annotationStr() +
                                        " but is now being assigned to a value of type " +
                                        value->type()->annotationStr());
  }
  types::TypePtr type = previous && name != kReturnVariable ? *previous : value->type();
  scopes_.back()[name] = type;
  ir::Node* store = insertNode(kinds::store(), {value}, 0, range);
  store->s_("name", name);
}

// ---- statements ------------------------------------------------------------------------------

void FunctionEmitter::emitSequence(std::vector<Segment> segments, bool tail) {
  for (size_t k = 0; k < segments.size(); ++k) {
    const lang::StmtList& statements = *segments[k].statements;
    for (size_t i = segments[k].from; i < statements.size(); ++i) {
      const lang::Stmt& statement = *statements[i];
      if (auto* ifStmt = statement.as<lang::IfStmt>()) {
        // An if that returns on some paths only, in tail position: whatever follows it runs
        // only on the other paths, so it is emitted at the end of each branch instead (the
        // early-return transform; returns that are not in tail position are rejected).
        if (tail && containsReturn(*ifStmt) && !alwaysExits(*ifStmt)) {
          std::vector<Segment> rest{{&statements, i + 1}};
          rest.insert(rest.end(), segments.begin() + k + 1, segments.end());
          emitIf(*ifStmt, /*tail=*/true, &rest);
          return;
        }
        bool last = i + 1 == statements.size() && k + 1 == segments.size();
        emitIf(*ifStmt, tail && last, nullptr);
      } else {
        tail_ = tail;
        emitStatement(statement);
      }
      if (alwaysExits(statement)) return;  // what follows is unreachable
    }
  }
  // Falling off the end of a function that returns elsewhere returns None.
  if (tail && hasReturns_) storeVariable(kReturnVariable, insertNoneConstant(), def_.range);
}

void FunctionEmitter::emitStatement(const lang::Stmt& statement) {
  switch (statement.kind) {
    case lang::StmtKind::Expr:
      emitSugared(*static_cast<const lang::ExprStmt&>(statement).value);
      return;
    case lang::StmtKind::Assign:
      return emitAssign(static_cast<const lang::AssignStmt&>(statement));
    case lang::StmtKind::AugAssign:
      return emitAugAssign(static_cast<const lang::AugAssignStmt&>(statement));
    case lang::StmtKind::AnnAssign:
      return emitAnnAssign(static_cast<const lang::AnnAssignStmt&>(statement));
    case lang::StmtKind::If:
      return emitIf(static_cast<const lang::IfStmt&>(statement), tail_);
    case lang::StmtKind::While:
      return emitWhile(static_cast<const lang::WhileStmt&>(statement));
    case lang::StmtKind::For:
      return emitFor(static_cast<const lang::ForStmt&>(statement));
    case lang::StmtKind::Return:
      return emitReturn(static_cast<const lang::ReturnStmt&>(statement));
    case lang::StmtKind::Raise:
      return emitRaise(static_cast<const lang::RaiseStmt&>(statement));
    case lang::StmtKind::Assert:
      return emitAssert(static_cast<const lang::AssertStmt&>(statement));
    case lang::StmtKind::Pass:
      return;
    case lang::StmtKind::Break:
    case lang::StmtKind::Continue:
      unsupported(statement.range, std::string("'") + (statement.kind == lang::StmtKind::Break ? "break" : "continue") +
                                       "' statements",
                  "tscript does not compile them yet");
    case lang::StmtKind::Try:
      unsupported(statement.range, "try blocks", "exceptions can be raised but not caught");
    case lang::StmtKind::FunctionDef:
    case lang::StmtKind::AsyncFunctionDef:
      unsupported(statement.range, "Nested function definitions", "define the function at module level");
    case lang::StmtKind::ClassDef:
      unsupported(statement.range, "Class definitions inside functions");
    case lang::StmtKind::Global:
    case lang::StmtKind::Nonlocal:
      unsupported(statement.range, "global and nonlocal declarations");
    case lang::StmtKind::Import:
    case lang::StmtKind::ImportFrom:
      unsupported(statement.range, "Imports inside functions", "import at module level");
    case lang::StmtKind::Delete:
      return emitDelete(static_cast<const lang::DeleteStmt&>(statement));
    case lang::StmtKind::With:
    case lang::StmtKind::AsyncWith:
      unsupported(statement.range, "with statements", "tscript does not compile them yet");
    case lang::StmtKind::AsyncFor:
      unsupported(statement.range, "async for loops");
  }
}

void FunctionEmitter::emitAssign(const lang::AssignStmt& assign) {
  // A type comment (`x = []  # type: List[int]`) types the value like an annotation.
  types::TypePtr hint;
  if (assign.typeComment) {
    auto file = std::make_shared<lang::SourceFile>(assign.range.file->name(), *assign.typeComment,
                                                   assign.range.line());
    hint = annotationType(*lang::parseExpression(file));
  }
  SugaredValuePtr value;
  if (hint && assign.value->kind == lang::ExprKind::List) {
    value = std::make_shared<SimpleValue>(emitListLiteral(*assign.value->as<lang::ListExpr>(), hint));
  } else if (hint && assign.value->kind == lang::ExprKind::Dict) {
    value = std::make_shared<SimpleValue>(emitDictLiteral(*assign.value->as<lang::DictExpr>(), hint));
  } else {
    value = emitSugared(*assign.value);
  }
  for (const lang::ExprPtr& target : assign.targets) assignTo(*target, value, assign.range);
}

void FunctionEmitter::emitAnnAssign(const lang::AnnAssignStmt& assign) {
  types::TypePtr type = annotationType(*assign.annotation);
  if (!assign.value) {
    unsupported(assign.range, "Annotations without a value", "write `x: T = value`");
  }
  ir::Value* value = emitValueWithHint(*assign.value, type);
  if (!types::isSubtypeOf(value->type(), type)) {
    throw lang::CompileError(assign.value->range, "Variable annotated as " + type->annotationStr() +
                                                      " is assigned a value of type " +
                                                      value->type()->annotationStr());
  }
  if (*value->type() != *type) {
    // The variable has the annotated type from now on (e.g. Optional[int] holding None).
    ir::Node* cast = insertNode(ir::Symbol::make("prim", "unchecked_cast"), {value}, 1, assign.range);
    cast->output()->setType(type);
    value = cast->output();
  }
  assignTo(*assign.target, std::make_shared<SimpleValue>(value), assign.range);
}

void FunctionEmitter::assignTo(const lang::Expr& target, const SugaredValuePtr& value,
                               const lang::SourceRange& range) {
  switch (target.kind) {
    case lang::ExprKind::Name:
      storeVariable(target.as<lang::NameExpr>()->id, value->asValue(range, *this), target.range);
      return;
    case lang::ExprKind::Tuple:
    case lang::ExprKind::List: {
      const lang::ExprList& elements = target.kind == lang::ExprKind::Tuple
                                           ? target.as<lang::TupleExpr>()->elts
                                           : target.as<lang::ListExpr>()->elts;
      for (const lang::ExprPtr& element : elements) {
        if (element->kind == lang::ExprKind::Starred) {
          unsupported(element->range, "Starred assignment targets", "unpack into named variables");
        }
      }
      std::optional<std::vector<SugaredValuePtr>> parts = value->unrolledElements(range, *this);
      if (!parts) {
        throw lang::CompileError(range, "cannot unpack a value of type " +
                                            value->asValue(range, *this)->type()->annotationStr() +
                                            " into " + std::to_string(elements.size()) + " variables");
      }
      if (parts->size() != elements.size()) {
        throw lang::CompileError(range, "too " + std::string(parts->size() > elements.size() ? "many" : "few") +
                                            " values to unpack: need " + std::to_string(elements.size()) +
                                            ", got " + std::to_string(parts->size()));
      }
      for (size_t i = 0; i < elements.size(); ++i) assignTo(*elements[i], (*parts)[i], range);
      return;
    }
    case lang::ExprKind::Subscript: {
      const auto& subscript = *target.as<lang::SubscriptExpr>();
      ir::Value* container = emitValue(*subscript.value);
      if (container->type()->kind() == types::TypeKind::Tensor) {
        ir::Value* element = value->asValue(range, *this);
        emitTensorSubscriptAssign(container, *subscript.slice, element, range);
        return;
      }
      ir::Value* key = emitValue(*subscript.slice);
      ir::Value* element = value->asValue(range, *this);
      emitBuiltin(ir::Symbol::make("aten", "_set_item"),
                  {{range, "", container}, {range, "", key}, {range, "", element}}, range);
      return;
    }
    default:
      throw lang::CompileError(target.range, "cannot assign to this expression");
  }
}

// `xs[i] += v` / `d[k] += v`: read, combine, write back; `x[i] += v` on a tensor updates the
// indexed view in place (aten::add_ on it), as Python does.
void FunctionEmitter::emitAugAssignSubscript(const lang::AugAssignStmt& assign,
                                             const lang::SubscriptExpr& subscript) {
  static const std::map<lang::BinOpKind, std::pair<const char*, const char*>> kOps = {
      {lang::BinOpKind::Add, {"aten::add", "aten::add_"}},
      {lang::BinOpKind::Sub, {"aten::sub", "aten::sub_"}},
      {lang::BinOpKind::Mult, {"aten::mul", "aten::mul_"}},
      {lang::BinOpKind::Div, {"aten::div", "aten::div_"}}};
  auto op = kOps.find(assign.op);
  if (op == kOps.end()) {
    unsupported(assign.range, "This augmented assignment operator on a subscript",
                "write it out: x[i] = x[i] <op> v");
  }
  ir::Value* container = emitValue(*subscript.value);
  if (container->type()->kind() == types::TypeKind::Tensor) {
    ir::Value* view = emitTensorSubscript(container, *subscript.slice, subscript.range);
    ir::Value* operand = emitValue(*assign.value);
    emitBuiltin(op->second.second, {view, operand}, assign.range);
    return;
  }
  ir::Value* key = emitValue(*subscript.slice);
  ir::Value* current = emitBuiltin("aten::__getitem__", {container, key}, subscript.range);
  ir::Value* operand = emitValue(*assign.value);
  ir::Value* updated = emitBuiltin(op->second.first, {current, operand}, assign.range);
  emitBuiltin(ir::Symbol::make("aten", "_set_item"),
              {{assign.range, "", container}, {assign.range, "", key}, {assign.range, "", updated}},
              assign.range);
}

// `del xs[i]`, `del d[k]` (aten::Delete), `del name` (the name is unbound from here on).
void FunctionEmitter::emitDelete(const lang::DeleteStmt& statement) {
  for (const lang::ExprPtr& target : statement.targets) {
    if (const auto* name = target->as<lang::NameExpr>()) {
      if (!variableType(name->id)) throw lang::CompileError(target->range, "undefined value " + name->id);
      for (auto& scope : scopes_) scope.erase(name->id);
      continue;
    }
    if (const auto* subscript = target->as<lang::SubscriptExpr>()) {
      ir::Value* container = emitValue(*subscript->value);
      ir::Value* key = emitValue(*subscript->slice);
      emitBuiltin("aten::Delete", {container, key}, target->range);
      continue;
    }
    unsupported(target->range, "del of this kind of expression", "del a name, a list item or a dict key");
  }
}

void FunctionEmitter::emitAugAssign(const lang::AugAssignStmt& assign) {
  const lang::Expr& target = *assign.target;
  if (const auto* subscript = target.as<lang::SubscriptExpr>()) {
    return emitAugAssignSubscript(assign, *subscript);
  }
  if (target.kind != lang::ExprKind::Name) {
    unsupported(target.range, "Augmented assignment to attributes",
                "assign the attribute: self.x = self.x + y");
  }
  const std::string& name = target.as<lang::NameExpr>()->id;
  if (!variableType(name)) {
    throw lang::CompileError(target.range, "undefined value " + name);
  }
  ir::Value* current = loadVariable(name, target.range);
  ir::Value* operand = emitValue(*assign.value);
  // Tensors and lists update in place (`x += 1` is aten::add_), as in Python and TorchScript.
  static const std::map<lang::BinOpKind, std::string> kInPlace = {
      {lang::BinOpKind::Add, "add_"}, {lang::BinOpKind::Sub, "sub_"},
      {lang::BinOpKind::Mult, "mul_"}, {lang::BinOpKind::Div, "div_"}};
  static const std::map<lang::BinOpKind, std::string> kOutOfPlace = {
      {lang::BinOpKind::Add, "add"},           {lang::BinOpKind::Sub, "sub"},
      {lang::BinOpKind::Mult, "mul"},          {lang::BinOpKind::Div, "div"},
      {lang::BinOpKind::FloorDiv, "floordiv"}, {lang::BinOpKind::Mod, "remainder"},
      {lang::BinOpKind::Pow, "pow"},           {lang::BinOpKind::BitAnd, "__and__"},
      {lang::BinOpKind::BitOr, "__or__"},      {lang::BinOpKind::BitXor, "__xor__"},
      {lang::BinOpKind::LShift, "__lshift__"}, {lang::BinOpKind::RShift, "__rshift__"},
      {lang::BinOpKind::MatMult, "matmul"}};
  types::TypeKind kind = current->type()->kind();
  if (kind == types::TypeKind::Tensor && kInPlace.count(assign.op)) {
    emitBuiltin(ir::Symbol::make("aten", kInPlace.at(assign.op)),
                {{assign.range, "", current}, {assign.range, "", operand}}, assign.range);
    return;
  }
  if (kind == types::TypeKind::List && assign.op == lang::BinOpKind::Add) {
    emitBuiltin(ir::Symbol::make("aten", "extend"),
                {{assign.range, "", current}, {assign.range, "", operand}}, assign.range);
    return;
  }
  auto op = kOutOfPlace.find(assign.op);
  if (op == kOutOfPlace.end()) unsupported(assign.range, "This augmented assignment operator");
  ir::Value* result = emitBuiltin(ir::Symbol::make("aten", op->second),
                                  {{assign.range, "", current}, {assign.range, "", operand}},
                                  assign.range);
  storeVariable(name, result, assign.range);
}

void FunctionEmitter::mergeBranchScopes(const std::map<std::string, types::TypePtr> branch[2],
                                        const bool exits[2], const lang::SourceRange& range) {
  std::map<std::string, bool> names;
  for (size_t b = 0; b < 2; ++b) {
    for (const auto& entry : branch[b]) names[entry.first] = true;
  }
  for (const auto& [name, unused] : names) {
    std::optional<types::TypePtr> before = variableType(name);
    std::optional<types::TypePtr> types[2];
    // A branch that exits still reaches the function's end, where the result variable is
    // read: it is merged from every branch.
    bool isResult = name == kReturnVariable;
    bool branchExits[2] = {exits[0] && !isResult, exits[1] && !isResult};
    for (size_t b = 0; b < 2; ++b) {
      if (branchExits[b]) continue;
      auto found = branch[b].find(name);
      if (found != branch[b].end()) {
        types[b] = found->second;
      } else {
        types[b] = before;
      }
    }
    if (branchExits[0] && branchExits[1]) continue;
    if ((!branchExits[0] && !types[0]) || (!branchExits[1] && !types[1])) continue;  // one path only
    std::optional<types::TypePtr> merged = types[0] && types[1] ? types::unifyTypes(*types[0], *types[1])
                                                                : (types[0] ? types[0] : types[1]);
    if (!merged) {
      throw lang::CompileError(range, "Type mismatch: " + name + " is set to type " +
                                          (*types[0])->annotationStr() + " in the true branch and type " +
                                          (*types[1])->annotationStr() + " in the false branch");
    }
    scopes_.back()[name] = *merged;
  }
}

void FunctionEmitter::emitIf(const lang::IfStmt& statement, bool tail,
                             const std::vector<Segment>* continuation) {
  ir::Value* condition = emitCondition(*statement.test);
  Refinements refinements = refinementsOf(*statement.test);
  const lang::StmtList* bodies[2] = {&statement.body, &statement.orelse};
  // A condition known at compile time (is_scripting(), a decided isinstance) emits only the
  // branch it takes, so the other is never type-checked (TorchScript's metaprogramming).
  bool constantCondition;
  if (isConstantBool(condition, constantCondition)) {
    if (condition->uses().empty()) condition->node()->destroy();
    std::vector<Segment> program{{bodies[constantCondition ? 0 : 1], 0}};
    if (continuation) program.insert(program.end(), continuation->begin(), continuation->end());
    emitSequence(std::move(program), tail);
    return;
  }
  ir::Node* node = insertNode(ir::prim::If, {condition}, 0, statement.range);
  std::map<std::string, types::TypePtr> scopes[2];
  bool exits[2];
  for (size_t b = 0; b < 2; ++b) {
    ir::Block* block = node->addBlock();
    ir::WithInsertPoint guard(*graph_, block);
    pushScope();
    applyRefinements(b == 0 ? refinements.whenTrue : refinements.whenFalse, statement.range);
    std::vector<Segment> program{{bodies[b], 0}};
    if (continuation) program.insert(program.end(), continuation->begin(), continuation->end());
    emitSequence(std::move(program), tail);
    // With a continuation every branch runs to the end of the function.
    exits[b] = continuation ? true : blockAlwaysExits(*bodies[b]);
    scopes[b] = popScope();
  }
  mergeBranchScopes(scopes, exits, statement.range);
}

// prim::Loop(max_trip_count, initial_condition) with body block(iteration) -> (condition).
// Variables the body assigns become loop-carried in ConvertToSSA.
void FunctionEmitter::emitLoop(const lang::SourceRange& range, ir::Value* tripCount,
                               const lang::Expr* condition, const lang::StmtList& body,
                               const std::function<void(ir::Value* index)>& bindTarget) {
  emitLoop(range, tripCount, condition, [&] { emitBlock(body); }, bindTarget);
}

void FunctionEmitter::emitLoop(const lang::SourceRange& range, ir::Value* tripCount,
                               const lang::Expr* condition, const std::function<void()>& emitBody,
                               const std::function<void(ir::Value* index)>& bindTarget) {
  ir::Value* initialCondition = condition ? emitCondition(*condition) : insertBoolConstant(true, range);
  ir::Node* loop = insertNode(ir::prim::Loop, {tripCount, initialCondition}, 0, range);
  ir::Block* block = loop->addBlock();
  ir::Value* index = block->addInput()->setType(types::intType());
  {
    ir::WithInsertPoint guard(*graph_, block);
    pushScope();
    ++loopDepth_;
    if (bindTarget) bindTarget(index);
    emitBody();
    ir::Value* nextCondition = condition ? emitCondition(*condition) : insertBoolConstant(true, range);
    block->registerOutput(nextCondition);
    --loopDepth_;
    // Variables first assigned in the body do not outlive it (TorchScript's rule); the ones
    // assigned before keep their type, which storeVariable already enforced.
    popScope();
  }
}

void FunctionEmitter::emitWhile(const lang::WhileStmt& statement) {
  if (!statement.orelse.empty()) {
    unsupported(statement.orelse.front()->range, "else branches of while loops");
  }
  ir::Value* forever = insertConstant(std::numeric_limits<int64_t>::max(), statement.range);
  emitLoop(statement.range, forever, statement.test.get(), statement.body, nullptr);
}

void FunctionEmitter::emitFor(const lang::ForStmt& statement) {
  if (!statement.orelse.empty()) {
    unsupported(statement.orelse.front()->range, "else branches of for loops");
  }
  SugaredValuePtr iterable = emitSugared(*statement.iter);
  // Tuples and module lists are unrolled: the body is emitted once per element.
  if (auto elements = iterable->unrolledElements(statement.iter->range, *this)) {
    for (const SugaredValuePtr& element : *elements) {
      assignTo(*statement.target, element, statement.range);
      ++loopDepth_;
      emitBlock(statement.body);
      --loopDepth_;
    }
    return;
  }
  std::unique_ptr<LoopIteration> iteration = iterable->iterate(statement.iter->range, *this);
  ir::Value* tripCount = iteration->tripCount(*this, statement.iter->range);
  emitLoop(statement.range, tripCount, nullptr, statement.body, [&](ir::Value* index) {
    assignTo(*statement.target, iteration->element(*this, statement.iter->range, index),
             statement.range);
  });
}

void FunctionEmitter::emitReturn(const lang::ReturnStmt& statement) {
  if (!tail_ || loopDepth_ > 0) {
    unsupported(statement.range, "return statements inside loops",
                "tscript does not transform early returns out of loops yet; assign the result "
                "to a variable, break out of the loop and return after it");
  }
  ir::Value* value = statement.value ? emitValueWithHint(*statement.value, declaredReturnType_)
                                     : insertNoneConstant(statement.range);
  if (declaredReturnType_ && !types::isSubtypeOf(value->type(), declaredReturnType_)) {
    throw lang::CompileError(statement.value ? statement.value->range : statement.range,
                             "Return value was annotated as having type " +
                                 declaredReturnType_->annotationStr() +
                                 " but is actually of type " + value->type()->annotationStr());
  }
  returnedTypes_.push_back(value->type());
  storeVariable(kReturnVariable, value, statement.range);
}

// `raise E(msg)`: prim::RaiseException(message, qualified class name), as 1.13 emits it.
void FunctionEmitter::emitRaise(const lang::RaiseStmt& statement) {
  ir::Value* message;
  std::string className = "builtins.Exception";
  if (!statement.exc) {
    unsupported(statement.range, "Bare 'raise' (re-raising)", "raise an exception object");
  }
  const lang::Expr& exc = *statement.exc;
  const lang::Expr* callee = &exc;
  const lang::CallExpr* call = exc.as<lang::CallExpr>();
  if (call) callee = call->func.get();
  if (auto* name = callee->as<lang::NameExpr>()) {
    className = "builtins." + name->id;
  } else if (auto* attribute = callee->as<lang::AttributeExpr>()) {
    className = attribute->attr;
  }
  if (call && !call->args.empty()) {
    message = emitValue(*call->args[0]);
    if (message->type()->kind() != types::TypeKind::Str) {
      message = emitBuiltin("aten::str", {message}, call->args[0]->range);
    }
  } else {
    message = insertStringConstant("", statement.range);
  }
  ir::Value* classValue = insertStringConstant(className, statement.range);
  insertNode(kinds::raiseException(), {message, classValue}, 0, statement.range);
}

// `assert c, msg`: if not c: raise AssertionError(msg), with 1.13's message prefix.
void FunctionEmitter::emitAssert(const lang::AssertStmt& statement) {
  ir::Value* condition = emitCondition(*statement.test);
  ir::Node* node = insertNode(ir::prim::If, {condition}, 0, statement.range);
  node->addBlock();
  ir::Block* failed = node->addBlock();
  {
    ir::WithInsertPoint guard(*graph_, failed);
    ir::Value* message;
    if (statement.msg) {
      ir::Value* text = emitValue(*statement.msg);
      if (text->type()->kind() != types::TypeKind::Str) {
        text = emitBuiltin("aten::str", {text}, statement.msg->range);
      }
      message = emitBuiltin("aten::add", {insertStringConstant("AssertionError: "), text},
                            statement.range);
    } else {
      message = insertStringConstant("AssertionError: ", statement.range);
    }
    insertNode(kinds::raiseException(), {message, insertNoneConstant()}, 0, statement.range);
  }
  // Past the assert its condition holds: `assert x is not None` refines x.
  applyRefinements(refinementsOf(*statement.test).whenTrue, statement.range);
}

}  // namespace tscript::compiler
