// Statements: assignment, control flow, return/raise/assert (see function_emitter.h).
#include "compiler/function_emitter.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "compiler/canonicalize_loops.h"
#include "compiler/convert_to_ssa.h"
#include "compiler/object_value.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"
#include "lang/parser.h"
#include "types/annotation.h"

namespace tscript::compiler {

namespace {

// The compiler's own variables start with '$' (they name no Python variable).
const std::string kReturnVariable = "$return";
const std::string kDidReturnVariable = "$did_return";
// Python's throwaway name, which may be rebound to another type in a nested block.
const std::string kThrowawayVariable = "_";

bool isCompilerVariable(const std::string& name) { return !name.empty() && name[0] == '$'; }

// `t[0] = v` where t is neither a list, a dict nor a tensor.
std::string itemAssignmentError(const types::TypePtr& type) {
  std::string shown = "'" + type->annotationStr() + "' does not support item assignment";
  if (type->kind() == types::TypeKind::Tuple) {
    return "a tuple cannot be changed: " + shown + "; build a new tuple, or use a List";
  }
  return shown + " (only lists, dicts and tensors do)";
}

// True when control never reaches the statement after `statement` (return, raise, or an if
// whose branches all end that way).
bool alwaysExits(const lang::Stmt& statement);

bool blockAlwaysExits(const lang::StmtList& statements) {
  for (const lang::StmtPtr& statement : statements) {
    if (alwaysExits(*statement)) return true;
  }
  return false;
}

// Whether `statement`, or a statement nested in its if/with/try bodies (and loop bodies when
// `enterLoops`), satisfies `matches`. The one walker behind the questions below.
bool anyNested(const lang::Stmt& statement, bool enterLoops,
               const std::function<bool(const lang::Stmt&)>& matches);

bool anyNested(const lang::StmtList& statements, bool enterLoops,
               const std::function<bool(const lang::Stmt&)>& matches) {
  for (const lang::StmtPtr& statement : statements) {
    if (anyNested(*statement, enterLoops, matches)) return true;
  }
  return false;
}

bool anyNested(const lang::Stmt& statement, bool enterLoops,
               const std::function<bool(const lang::Stmt&)>& matches) {
  if (matches(statement)) return true;
  auto inside = [&](const lang::StmtList& body) { return anyNested(body, enterLoops, matches); };
  switch (statement.kind) {
    case lang::StmtKind::If: {
      const auto& s = static_cast<const lang::IfStmt&>(statement);
      return inside(s.body) || inside(s.orelse);
    }
    case lang::StmtKind::While: {
      const auto& s = static_cast<const lang::WhileStmt&>(statement);
      return enterLoops && (inside(s.body) || inside(s.orelse));
    }
    case lang::StmtKind::For:
    case lang::StmtKind::AsyncFor: {
      const auto& s = static_cast<const lang::ForStmt&>(statement);
      return enterLoops && (inside(s.body) || inside(s.orelse));
    }
    case lang::StmtKind::With:
    case lang::StmtKind::AsyncWith:
      return inside(static_cast<const lang::WithStmt&>(statement).body);
    case lang::StmtKind::Try: {
      const auto& s = static_cast<const lang::TryStmt&>(statement);
      return inside(s.body) || inside(s.orelse) || inside(s.finalbody);
    }
    default:
      return false;
  }
}

bool isReturn(const lang::Stmt& statement) { return statement.kind == lang::StmtKind::Return; }

bool isLoop(const lang::Stmt& statement) {
  return statement.kind == lang::StmtKind::For || statement.kind == lang::StmtKind::While;
}

template <typename Code>
bool containsReturn(const Code& code) {
  return anyNested(code, /*enterLoops=*/true, isReturn);
}

// A break or continue that belongs to the loop around the code (not to a nested loop).
template <typename Code>
bool containsLoopExit(const Code& code) {
  return anyNested(code, /*enterLoops=*/false, [](const lang::Stmt& statement) {
    return statement.kind == lang::StmtKind::Break || statement.kind == lang::StmtKind::Continue;
  });
}

// Whether some return statement of `statements` is inside a loop.
bool containsReturnInLoop(const lang::StmtList& statements) {
  return anyNested(statements, /*enterLoops=*/false, [](const lang::Stmt& statement) {
    return isLoop(statement) && containsReturn(statement);
  });
}

bool alwaysExits(const lang::Stmt& statement) {
  switch (statement.kind) {
    case lang::StmtKind::Return:
    case lang::StmtKind::Raise:
    case lang::StmtKind::Break:
    case lang::StmtKind::Continue:
      return true;
    case lang::StmtKind::If: {
      const auto& ifStmt = static_cast<const lang::IfStmt&>(statement);
      return blockAlwaysExits(ifStmt.body) && blockAlwaysExits(ifStmt.orelse);
    }
    case lang::StmtKind::With:
      // The context managers are exited, then control leaves as the body did.
      return blockAlwaysExits(static_cast<const lang::WithStmt&>(statement).body);
    default:
      return false;
  }
}

}  // namespace

bool FunctionEmitter::exitsOnlyAtEnd(const lang::StmtList& body) {
  if (body.empty()) return false;
  const lang::Stmt& last = *body.back();
  if (last.kind != lang::StmtKind::Return && last.kind != lang::StmtKind::With) return false;
  for (size_t i = 0; i + 1 < body.size(); ++i) {
    if (containsReturn(*body[i]) || containsLoopExit(*body[i])) return false;
  }
  return true;
}

FunctionEmitter::FunctionEmitter(const lang::FunctionDefStmt& def, Resolver& resolver,
                                 const OperatorMatcher& matcher, types::TypePtr selfType)
    : def_(def),
      resolver_(resolver),
      matcher_(matcher),
      selfType_(std::move(selfType)),
      graph_(std::make_shared<ir::Graph>()) {}

std::string schemaText(const std::string& name, const CompiledFunction& function) {
  std::string text = name + "(";
  for (size_t i = 0; i < function.parameterNames.size(); ++i) {
    if (i > 0) text += ", ";
    text += function.parameterTypes[i]->schemaStr() + " " + function.parameterNames[i];
    if (function.parameterDefaults[i]) text += "=" + ir::formatConstant(*function.parameterDefaults[i]);
  }
  return text + ") -> " + function.returnType->schemaStr();
}

[[noreturn]] void FunctionEmitter::unsupported(const lang::SourceRange& range,
                                               const std::string& problem,
                                               const std::string& instead) {
  throw lang::CompileError(range, instead.empty() ? problem : problem + "; " + instead);
}

types::TypePtr FunctionEmitter::annotationType(const lang::Expr& annotation) {
  types::AnnotationResolver typeResolver = [this](const std::string& name,
                                                  const lang::SourceRange& range) {
    return resolver_.resolveType(name, range);
  };
  return types::typeFromAnnotation(annotation, typeResolver);
}

namespace {

// The element index a loop over a range computed for a target nobody reads (`for _ in
// range(a, b, c)`) is dropped, as torch.jit's dead code elimination drops it.
void eraseUnusedLoopIndices(ir::Block* block, std::unordered_set<const ir::Node*>& hoistedLiterals) {
  static const ir::Symbol kDeriveIndex = ir::Symbol::make("aten", "__derive_index");
  std::vector<ir::Node*> nodes;
  for (ir::Node* node : block->nodes()) nodes.push_back(node);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    ir::Node* node = *it;
    for (ir::Block* sub : node->blocks()) eraseUnusedLoopIndices(sub, hoistedLiterals);
    if (node->kind() != kDeriveIndex || node->output()->hasUses()) continue;
    std::vector<ir::Value*> inputs(node->inputs().begin(), node->inputs().end());
    node->destroy();
    for (ir::Value* input : inputs) {  // the start/step constants made for it alone
      if (input->node()->kind() == ir::prim::Constant && !input->hasUses()) {
        hoistedLiterals.erase(input->node());
        input->node()->destroy();
      }
    }
  }
}

}  // namespace

CompiledFunction FunctionEmitter::emit() {
  CompiledFunction result;
  result.name = def_.name;
  const lang::Arguments& args = *def_.args;
  if (args.vararg || args.kwarg) {
    unsupported(args.vararg ? args.vararg->range : args.kwarg->range,
                "a variable number of arguments (*args, **kwargs) is not supported in TorchScript",
                "give each parameter a name and a type");
  }
  std::vector<const lang::Arg*> parameters;
  for (const lang::Arg& arg : args.posonlyargs) parameters.push_back(&arg);
  for (const lang::Arg& arg : args.args) parameters.push_back(&arg);
  size_t positionalCount = parameters.size();
  for (const lang::Arg& arg : args.kwonlyargs) parameters.push_back(&arg);
  // `defaults` belong to the last positional parameters; `kwDefaults` to each keyword-only one.
  std::vector<const lang::Expr*> defaults(parameters.size(), nullptr);
  for (size_t i = 0; i < args.defaults.size(); ++i) {
    defaults[positionalCount - args.defaults.size() + i] = args.defaults[i].get();
  }
  for (size_t i = 0; i < args.kwDefaults.size(); ++i) {
    defaults[positionalCount + i] = args.kwDefaults[i].get();
  }
  if (selfType_ && parameters.empty()) {
    throw lang::CompileError(def_.nameRange, "method '" + def_.name + "' has no `self` parameter; "
                                             "mark it @staticmethod if it needs none");
  }
  // A `# type:` comment on a method leaves out `self`.
  size_t selfCount = selfType_ ? 1 : 0;
  std::optional<std::vector<types::TypePtr>> commentTypes =
      signatureCommentTypes(parameters.size() - selfCount);
  for (size_t i = 0; i < parameters.size(); ++i) {
    const lang::Arg* arg = parameters[i];
    // Unannotated parameters are Tensors, as in TorchScript; `self` is the object.
    types::TypePtr type = i < selfCount ? selfType_
                          : commentTypes ? (*commentTypes)[i - selfCount]
                          : arg->annotation ? annotationType(*arg->annotation)
                          : arg->typeComment ? parameterCommentType(*arg)
                                             : types::tensorType();
    std::optional<size_t> broadcast =
        arg->annotation && !commentTypes ? types::broadcastingListSize(*arg->annotation) : std::nullopt;
    result.parameterNames.push_back(arg->name);
    result.parameterTypes.push_back(type);
    result.parameterBroadcastSizes.push_back(broadcast);
    // Defaults are evaluated before any parameter is in scope, as Python does at `def`.
    result.parameterDefaults.push_back(
        defaults[i] ? evaluateDefault(*arg, *defaults[i], type, broadcast) : std::nullopt);
  }
  pushScope();
  for (size_t i = 0; i < parameters.size(); ++i) {
    ir::Value* input = graph_->addInput(parameters[i]->name)->setType(result.parameterTypes[i]);
    storeVariable(parameters[i]->name, input, parameters[i]->range);
  }
  if (def_.returns) declaredReturnType_ = annotationType(*def_.returns);

  hasReturns_ = containsReturn(def_.body);
  if (containsReturnInLoop(def_.body)) {
    // A return inside a loop leaves the loop first; the code after the loop then checks
    // `$did_return`. `$return` needs a value on the paths that have not returned yet: a
    // placeholder, typed once all return statements are known.
    storeVariable(kDidReturnVariable, insertBoolConstant(false), def_.range);
    returnPlaceholder_ = insertNode(kinds::uninitialized(), {}, 1, {});
    returnPlaceholder_->output()->setType(declaredReturnType_ ? declaredReturnType_ : types::noneType());
    storeVariable(kReturnVariable, returnPlaceholder_->output(), def_.range);
  }
  regions_.emplace_back(Region::Kind::Function);
  emitSequence({{&def_.body, 0}}, /*tail=*/true);
  regions_.pop_back();

  // The function's result: what the return statements stored (every path stores one, see
  // emitStatements), or None.
  types::TypePtr returnType;
  // No path stored a result when every path raised (the return statements are unreachable:
  // after a raise, or in a branch dropped at compile time).
  bool resultStored = variableType(kReturnVariable).has_value() &&
                      (declaredReturnType_ || !returnedTypes_.empty());
  if (hasReturns_ && resultStored) {
    // With a declared type each return was checked against it; else their types unify.
    returnType = declaredReturnType_;
    if (!returnType) {
      types::TypePtr unified = returnedTypes_.front().type;
      for (size_t i = 1; i < returnedTypes_.size(); ++i) {
        std::optional<types::TypePtr> joined = types::unifyTypes(unified, returnedTypes_[i].type);
        if (!joined) {
          throw lang::CompileError(
              returnedTypes_[i].range,
              "this return statement returns a value of type " +
                  returnedTypes_[i].type->annotationStr() + " but an earlier one returns " +
                  unified->annotationStr() + "; return one type, or declare the result type "
                  "(e.g. -> Union[" + unified->annotationStr() + ", " +
                  returnedTypes_[i].type->annotationStr() + "])");
        }
        unified = *joined;
      }
      returnType = unified;
    }
    if (returnPlaceholder_) returnPlaceholder_->output()->setType(returnType);
    ir::Value* result = loadVariable(kReturnVariable, def_.range);
    result->setType(returnType);
    graph_->registerOutput(result);
  } else if (hasReturns_ || blockAlwaysExits(def_.body)) {
    // The function always raises: its result is never seen.
    returnType = declaredReturnType_ ? declaredReturnType_ : types::noneType();
    ir::Node* placeholder = insertNode(kinds::uninitialized(), {}, 1, {});
    graph_->registerOutput(placeholder->output()->setType(returnType));
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
  eraseUnusedLoopIndices(graph_->block(), hoistedLiterals_);
  canonicalizeModifiedLoops(*graph_);
  result.graph = graph_;
  result.hoistedLiterals = std::move(hoistedLiterals_);
  result.returnType = returnType;
  return result;
}

// `targets=None,  # type: Optional[List[Dict[str, Tensor]]]`: one parameter's comment (with
// a `# type: (...) -> T` signature comment giving only the return type).
types::TypePtr FunctionEmitter::parameterCommentType(const lang::Arg& arg) {
  auto file = std::make_shared<lang::SourceFile>(def_.range.file->name(), *arg.typeComment,
                                                 arg.range.line());
  return annotationType(*lang::parseExpression(file));
}

std::optional<std::vector<types::TypePtr>> FunctionEmitter::signatureCommentTypes(
    size_t parameterCount) {
  if (!def_.typeComment) return std::nullopt;
  auto file = std::make_shared<lang::SourceFile>(def_.range.file->name(), *def_.typeComment,
                                                 def_.range.line());
  lang::TypeCommentSignature signature = lang::parseTypeCommentSignature(file);
  if (signature.returnType) declaredReturnType_ = annotationType(*signature.returnType);
  if (signature.ellipsisArguments) return std::nullopt;
  if (signature.argumentTypes.size() != parameterCount) {
    throw lang::CompileError(def_.nameRange,
                             "the type comment of '" + def_.name + "' gives " +
                                 std::to_string(signature.argumentTypes.size()) +
                                 " parameter types but the function has " +
                                 std::to_string(parameterCount) + " parameters");
  }
  std::vector<types::TypePtr> types;
  for (const lang::ExprPtr& annotation : signature.argumentTypes) {
    types.push_back(annotationType(*annotation));
  }
  return types;
}

namespace {

// `[0, 0]` / `[1., 2.]` / `[True]` as the default of a List[int] / List[float] / List[bool]
// parameter (printed code only, Resolver::allowsListDefaults); nullopt for anything else.
std::optional<ir::ConstantValue> literalListDefault(const lang::Expr& expression,
                                                    const types::TypePtr& type) {
  const types::TypePtr* listType = &type;
  if (const auto* optional = type->as<types::OptionalType>()) listType = &optional->element();
  const auto* list = (*listType)->as<types::ListType>();
  if (!list) return std::nullopt;
  types::TypeKind element = list->element()->kind();
  std::vector<ir::ConstantValue> elements;
  for (const lang::ExprPtr& item : expression.as<lang::ListExpr>()->elts) {
    const lang::Expr* literal = item.get();
    bool negative = false;
    if (const auto* unary = literal->as<lang::UnaryOpExpr>(); unary && unary->op == lang::UnaryOpKind::USub) {
      literal = unary->operand.get();
      negative = true;
    }
    const auto* constant = literal->as<lang::ConstantExpr>();
    if (!constant) return std::nullopt;
    const lang::ConstantValue& value = constant->value;
    using Kind = lang::ConstantValue::Kind;
    if (element == types::TypeKind::Int && value.kind == Kind::Int) {
      elements.push_back(ir::ConstantValue::fromInt(negative ? -value.intValue : value.intValue));
    } else if (element == types::TypeKind::Float && (value.kind == Kind::Float || value.kind == Kind::Int)) {
      double number = value.kind == Kind::Float ? value.floatValue : static_cast<double>(value.intValue);
      elements.push_back(ir::ConstantValue::fromDouble(negative ? -number : number));
    } else if (element == types::TypeKind::Bool && !negative && (value.kind == Kind::True || value.kind == Kind::False)) {
      elements.push_back(ir::ConstantValue::fromBool(value.kind == Kind::True));
    } else {
      return std::nullopt;
    }
  }
  return ir::ConstantValue::list(std::move(elements));
}

}  // namespace

std::optional<ir::ConstantValue> FunctionEmitter::evaluateDefault(const lang::Arg& arg,
                                                   const lang::Expr& expression,
                                                   const types::TypePtr& type,
                                                   std::optional<size_t> broadcast) {
  if (expression.kind == lang::ExprKind::List && resolver_.allowsListDefaults()) {
    if (std::optional<ir::ConstantValue> list = literalListDefault(expression, type)) return *list;
  }
  switch (expression.kind) {
    case lang::ExprKind::List:
    case lang::ExprKind::Dict:
    case lang::ExprKind::Set:
    case lang::ExprKind::ListComp:
    case lang::ExprKind::DictComp:
    case lang::ExprKind::SetComp:
      throw lang::CompileError(
          expression.range,
          "mutable default values are not supported (Python creates them once, so every call "
          "would share and modify the same object); make the default of parameter '" +
              arg.name + "' None and create the value inside the function");
    default:
      break;
  }
  // Emit the expression, read the constant it folded to, and take the nodes away again.
  ir::Block* top = graph_->block();
  ir::Node* last = top->returnNode()->prev();
  ir::ConstantValue constant;
  bool isConstant = false;
  ir::Value* value = nullptr;
  try {
    value = emitValue(expression);
    isConstant = ir::constantValueOf(value->node(), constant);
  } catch (const lang::CompileError&) {
    // Not compilable here (`math.log(...)` of a module constant): Python's value may do.
  }
  if (value && !isConstant && value->node()->kind() == ir::Symbol::make("prim", "TupleConstruct")) {
    std::vector<ir::ConstantValue> elements;
    isConstant = true;
    for (const ir::Value* element : value->node()->inputs()) {
      ir::ConstantValue elementConstant;
      isConstant = isConstant && ir::constantValueOf(element->node(), elementConstant);
      elements.push_back(std::move(elementConstant));
    }
    constant = ir::ConstantValue::tuple(std::move(elements));
  }
  types::TypePtr valueType = value ? value->type() : type;
  for (ir::Node* node = top->returnNode()->prev(); node != last;) {
    ir::Node* previous = node->prev();
    hoistedLiterals_.erase(node);
    node->destroy();
    node = previous;
  }
  if (!isConstant) {
    // An expression (`1.0 / 8`, `math.log(1000.0 / 16)`): the value Python computed when it
    // ran the def, as torch.jit takes it.
    if (std::optional<ir::ConstantValue> evaluated = resolver_.parameterDefault(arg.name, expression.range)) {
      constant = *evaluated;
      isConstant = true;
      switch (constant.kind) {
        case ir::ConstantValue::Kind::None: valueType = types::noneType(); break;
        case ir::ConstantValue::Kind::Bool: valueType = types::boolType(); break;
        case ir::ConstantValue::Kind::Int: valueType = types::intType(); break;
        case ir::ConstantValue::Kind::Double: valueType = types::floatType(); break;
        case ir::ConstantValue::Kind::String: valueType = types::strType(); break;
        default: isConstant = false;
      }
    }
  }
  if (!isConstant) {
    throw lang::CompileError(expression.range,
                             "the default value of parameter '" + arg.name +
                                 "' must be a constant: a number, string, bool, None, device or "
                                 "a tuple of those");
  }
  // An int default of a float parameter (`margin: float = 0`) is that float, as in torch.jit.
  if (constant.kind == ir::ConstantValue::Kind::Int && valueType->kind() == types::TypeKind::Int &&
      (type->kind() == types::TypeKind::Float ||
       (type->kind() == types::TypeKind::Optional &&
        type->as<types::OptionalType>()->element()->kind() == types::TypeKind::Float))) {
    return ir::ConstantValue::fromDouble(static_cast<double>(constant.intValue));
  }
  if (broadcast && !types::isSubtypeOf(valueType, type)) {
    // A scalar (or a tuple of scalars) default of a BroadcastingListN parameter is a list.
    const types::TypePtr* listType = &type;
    if (auto* optional = type->as<types::OptionalType>()) listType = &optional->element();
    if (auto* list = (*listType)->as<types::ListType>()) {
      if (types::isSubtypeOf(valueType, list->element())) {
        return ir::ConstantValue::list(std::vector<ir::ConstantValue>(*broadcast, constant));
      }
    }
  }
  if (!types::isSubtypeOf(valueType, type)) {
    if (dropDefaultsThatDoNotFit_) return std::nullopt;
    std::string message = "the default value of parameter '" + arg.name + "' has type " +
                          valueType->annotationStr() + " but the parameter has type " +
                          type->annotationStr();
    if (!arg.annotation) {
      message += " (a parameter without an annotation is a Tensor); annotate it: " + arg.name +
                 ": " + valueType->annotationStr() + " = ...";
    }
    throw lang::CompileError(expression.range, message);
  }
  return constant;
}

// ---- variables -------------------------------------------------------------------------------

void FunctionEmitter::pushScope() {
  scopes_.emplace_back();
  irNames_.emplace_back();
}

std::map<std::string, types::TypePtr> FunctionEmitter::popScope() {
  auto scope = std::move(scopes_.back());
  auto irNames = std::move(irNames_.back());
  scopes_.pop_back();
  irNames_.pop_back();
  for (const auto& [name, irName] : irNames) {
    if (irNameOf(name) == irName) continue;  // a rebinding made in an enclosing block
    // A throwaway rebound in this block: it ends here, and the enclosing variable of that
    // name no longer holds what Python would read.
    scope.erase(name);
    for (auto& enclosing : scopes_) enclosing.erase(name);
  }
  return scope;
}

std::string FunctionEmitter::irNameOf(const std::string& name) const {
  for (size_t i = scopes_.size(); i-- > 0;) {
    if (!scopes_[i].count(name)) continue;
    auto renamed = irNames_[i].find(name);
    return renamed == irNames_[i].end() ? name : renamed->second;
  }
  return name;
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
  load->s_("name", irNameOf(name));
  load->output()->setType(*type);
  return load->output();
}

void FunctionEmitter::storeVariable(const std::string& name, ir::Value* value,
                                    const lang::SourceRange& range,
                                    const types::TypePtr& declared) {
  // The variable's type in the blocks around this one: an assignment here must keep it
  // (ConvertToSSA threads the variable out through the if or loop). A variable of this
  // block only is simply rebound, and may change type (`x = x.size(0)`), as in torch.jit.
  std::optional<types::TypePtr> enclosing;
  std::string irName = name;
  for (size_t i = scopes_.size() - 1; i-- > 0 && !enclosing;) {
    auto found = scopes_[i].find(name);
    if (found == scopes_[i].end()) continue;
    enclosing = found->second;
    if (auto renamed = irNames_[i].find(name); renamed != irNames_[i].end()) irName = renamed->second;
  }
  if (auto renamed = irNames_.back().find(name);
      renamed != irNames_.back().end() && renamed->second != irName) {
    irName = renamed->second;  // a throwaway rebound earlier in this block: its own variable
    enclosing.reset();
  }
  // In this block the variable has the type of the value it holds (`if s is None: s = 2`
  // makes s an int in that branch); the merge after an if unifies the branches' types.
  types::TypePtr type = declared ? declared : value->type();
  if (enclosing && value->type()->kind() == types::TypeKind::Number) {
    // A number (`.item()`) stored into an int or float variable is converted, as torch.jit
    // converts it (aten::Int / aten::Float).
    const types::TypePtr& target = (*enclosing)->kind() == types::TypeKind::Optional
                                       ? (*enclosing)->as<types::OptionalType>()->element()
                                       : *enclosing;
    if (target->kind() == types::TypeKind::Int || target->kind() == types::TypeKind::Float) {
      value = emitBuiltin(target->kind() == types::TypeKind::Int ? "aten::Int" : "aten::Float",
                          {value}, range);
      type = value->type();
    }
  }
  if (enclosing && name == kThrowawayVariable && !types::isSubtypeOf(type, *enclosing) &&
      !scopes_.back().count(name)) {
    irName = rebindThrowaway(type, range);
    enclosing.reset();
  }
  if (enclosing && name != kReturnVariable && !types::isSubtypeOf(type, *enclosing)) {
    throw lang::CompileError(range, "Variable '" + name + "' previously had type " +
                                        (*enclosing)->annotationStr() +
                                        " but is now being assigned to a value of type " +
                                        value->type()->annotationStr());
  }
  scopes_.back()[name] = type;
  if (irName != name) irNames_.back()[name] = irName;
  ir::Node* store = insertNode(kinds::store(), {value}, 0, range);
  store->s_("name", irName);
  if (declared) store->ty_("declared", declared);  // ConvertToSSA types the variable by it
}

std::optional<std::string> FunctionEmitter::unreadableVariable(const std::string& name) const {
  auto found = unreadableThrowaways_.find(name);
  if (found == unreadableThrowaways_.end()) return std::nullopt;
  return found->second;
}

std::string FunctionEmitter::rebindThrowaway(const types::TypePtr& type,
                                             const lang::SourceRange& range) {
  // In a loop, a read of `_` before this point sees the rebound value from the second
  // iteration on, which the enclosing variable's type cannot hold.
  for (ir::Block* block = graph_->insertPoint()->owningBlock(); block->owningNode();
       block = block->owningNode()->owningBlock()) {
    if (block->owningNode()->kind() != ir::prim::Loop) continue;
    std::function<bool(const ir::Block*)> readsThrowaway = [&](const ir::Block* b) {
      for (const ir::Node* node : b->nodes()) {
        if (node->kind() == kinds::load() && node->s("name") == kThrowawayVariable) return true;
        for (const ir::Block* sub : node->blocks()) {
          if (readsThrowaway(sub)) return true;
        }
      }
      return false;
    };
    if (readsThrowaway(block)) {
      throw lang::CompileError(range, "'_' is read earlier in this loop and rebound here to a value of type " +
                                          type->annotationStr() + " that its type " +
                                          (*variableType(kThrowawayVariable))->annotationStr() +
                                          " before the loop cannot hold; use another name for one of them");
    }
  }
  unreadableThrowaways_[kThrowawayVariable] =
      "'_' was rebound to a value of type " + type->annotationStr() + " inside a nested block (line " +
      std::to_string(range.line()) + "), which its type " +
      (*variableType(kThrowawayVariable))->annotationStr() +
      " outside that block cannot hold; use another name for one of them";
  return "$throwaway" + std::to_string(++throwawayCounter_);
}

// ---- statements ------------------------------------------------------------------------------

bool FunctionEmitter::emitSequence(std::vector<Segment> segments, bool tail) {
  bool inLoop = regions_.back().kind == Region::Kind::Loop;
  for (Segment& segment : segments) {
    if (segment.unrolledDepth < 0) segment.unrolledDepth = unrolledDepth_;
  }
  const int depthOutside = unrolledDepth_;
  for (size_t k = 0; k < segments.size(); ++k) {
    const lang::StmtList& statements = *segments[k].statements;
    unrolledDepth_ = segments[k].unrolledDepth;
    if (const lang::ForStmt* loop = segments[k].unrolledLoop) {
      assignTo(*loop->target, segments[k].element, loop->range);
    }
    for (size_t i = segments[k].from; i < statements.size(); ++i) {
      const lang::Stmt& statement = *statements[i];
      auto rest = [&] {
        std::vector<Segment> following{{&statements, i + 1, segments[k].unrolledDepth}};
        following.insert(following.end(), segments.begin() + k + 1, segments.end());
        return following;
      };
      if (tail && statement.kind == lang::StmtKind::For && containsReturn(statement)) {
        // A loop over a module list or tuple that may return: its iterations become segments
        // of this sequence, followed by what comes after the loop.
        const auto& forStmt = static_cast<const lang::ForStmt&>(statement);
        if (std::optional<std::vector<Segment>> unrolled = unrolledIterations(forStmt)) {
          std::vector<Segment> following = rest();
          unrolled->insert(unrolled->end(), following.begin(), following.end());
          bool unreachable = emitSequence(std::move(*unrolled), tail);
          unrolledDepth_ = depthOutside;
          return unreachable;
        }
      }
      if (auto* ifStmt = statement.as<lang::IfStmt>()) {
        // An if that exits on some paths only, in tail position: whatever follows it runs
        // only on the other paths, so it is emitted at the end of each branch instead (the
        // exit transform; exits that are not in tail position are rejected where they are).
        bool mayExit = containsReturn(*ifStmt) || (inLoop && containsLoopExit(*ifStmt));
        if (tail && mayExit && !alwaysExits(*ifStmt)) {
          std::vector<Segment> following = rest();
          emitIf(*ifStmt, /*tail=*/true, &following);
          return false;
        }
        // The if is in tail position when nothing follows it, or nothing after it is
        // reachable (it exits on every path).
        bool last = i + 1 == statements.size() && k + 1 == segments.size();
        if (emitIf(*ifStmt, tail && (last || mayExit), nullptr)) return true;  // the rest is unreachable
      } else {
        tail_ = tail;
        emitStatement(statement);
        if (tail && isLoop(statement) && containsReturn(statement)) {
          emitReturnGuard(statement.range, rest());
          return false;
        }
      }
      if (alwaysExits(statement)) {  // what follows is unreachable
        unrolledDepth_ = depthOutside;
        return false;
      }
    }
  }
  unrolledDepth_ = depthOutside;
  if (tail) emitRegionEnd(def_.range);
  return false;
}

std::optional<std::vector<FunctionEmitter::Segment>> FunctionEmitter::unrolledIterations(
    const lang::ForStmt& statement) {
  if (!statement.orelse.empty()) return std::nullopt;  // emitFor reports it
  SugaredValuePtr iterable = emitSugared(*statement.iter);
  std::optional<std::vector<SugaredValuePtr>> elements =
      iterable->unrolledElements(statement.iter->range, *this);
  if (!elements) {
    pendingIterable_ = {&statement, iterable};  // emitFor uses it instead of emitting it again
    return std::nullopt;
  }
  std::vector<Segment> iterations;
  for (const SugaredValuePtr& element : *elements) {
    iterations.push_back({&statement.body, 0, unrolledDepth_ + 1, &statement, element});
  }
  return iterations;
}

void FunctionEmitter::emitRegionEnd(const lang::SourceRange& range) {
  const Region& region = regions_.back();
  if (region.kind == Region::Kind::Function) {
    if (!hasReturns_) return;  // emit() returns None
    // Falling off the end of a function that returns elsewhere returns None.
    if (declaredReturnType_ && !types::isSubtypeOf(types::noneType(), declaredReturnType_)) {
      throw lang::CompileError(def_.nameRange,
                               "Function '" + def_.name + "' is declared to return " +
                                   declaredReturnType_->annotationStr() +
                                   " but can reach its end without returning a value; add a "
                                   "return (or raise) at the end");
    }
    returnedTypes_.push_back({types::noneType(), def_.nameRange});
    storeVariable(kReturnVariable, insertNoneConstant(), def_.range);
  } else if (region.kind == Region::Kind::Loop && !region.continueVariable.empty()) {
    if (region.containsReturn) storeNotReturned(range);
    ir::Value* next = region.condition ? emitCondition(*region.condition)
                                       : insertBoolConstant(true, range);
    storeVariable(region.continueVariable, next, range);
  }
}

void FunctionEmitter::storeNotReturned(const lang::SourceRange& range) {
  storeVariable(kDidReturnVariable, insertBoolConstant(false, {}), range);
  storeVariable(kReturnVariable, returnPlaceholder_->output(), range);
}

void FunctionEmitter::emitReturnGuard(const lang::SourceRange& range,
                                      const std::vector<Segment>& rest) {
  ir::Value* didReturn = loadVariable(kDidReturnVariable, range);
  ir::Node* node = insertNode(ir::prim::If, {didReturn}, 0, range);
  std::map<std::string, types::TypePtr> scopes[2];
  const bool exits[2] = {true, true};  // both run to the end of the region
  {
    ir::WithInsertPoint guard(*graph_, node->addBlock());
    pushScope();
    const Region& region = regions_.back();
    if (region.kind == Region::Kind::Loop) {
      storeVariable(region.continueVariable, insertBoolConstant(false, range), range);
    }
    scopes[0] = popScope();
  }
  {
    ir::WithInsertPoint guard(*graph_, node->addBlock());
    pushScope();
    emitSequence(rest, /*tail=*/true);
    scopes[1] = popScope();
  }
  mergeBranchScopes(scopes, exits, range);
}

void FunctionEmitter::emitStatement(const lang::Stmt& statement) {
  switch (statement.kind) {
    case lang::StmtKind::Expr: {
      // A literal as a statement (a docstring) does nothing: no constant for it.
      const lang::Expr& value = *static_cast<const lang::ExprStmt&>(statement).value;
      if (value.kind == lang::ExprKind::Constant) return;
      SugaredValuePtr result = emitSugared(value);
      // The None a call stands for (`print(...)`) is not kept when unused, as in torch.jit.
      if (const auto* simple = dynamic_cast<const SimpleValue*>(result.get())) {
        discardUnusedConstant(simple->value());
      }
      return;
    }
    case lang::StmtKind::Assign:
      return emitAssign(static_cast<const lang::AssignStmt&>(statement));
    case lang::StmtKind::AugAssign:
      return emitAugAssign(static_cast<const lang::AugAssignStmt&>(statement));
    case lang::StmtKind::AnnAssign:
      return emitAnnAssign(static_cast<const lang::AnnAssignStmt&>(statement));
    case lang::StmtKind::If:
      emitIf(static_cast<const lang::IfStmt&>(statement), tail_);
      return;
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
      return emitBreakOrContinue(statement);
    case lang::StmtKind::Try:
      unsupported(statement.range, "try blocks are not supported in TorchScript", "exceptions can be raised but not caught: check for the failing case before instead");
    case lang::StmtKind::FunctionDef:
    case lang::StmtKind::AsyncFunctionDef:
      unsupported(statement.range, "nested function definitions are not supported in TorchScript", "define the function at module level and call it");
    case lang::StmtKind::ClassDef:
      unsupported(statement.range, "class definitions inside functions are not supported in TorchScript", "define the class at module level");
    case lang::StmtKind::Global:
    case lang::StmtKind::Nonlocal:
      unsupported(statement.range, "global and nonlocal statements are not supported in TorchScript", "pass the value in as an argument and return the new value");
    case lang::StmtKind::Import:
    case lang::StmtKind::ImportFrom:
      unsupported(statement.range, "import statements inside functions are not supported in TorchScript", "import at module level");
    case lang::StmtKind::Delete:
      return emitDelete(static_cast<const lang::DeleteStmt&>(statement));
    case lang::StmtKind::With:
      return emitWith(static_cast<const lang::WithStmt&>(statement));
    case lang::StmtKind::AsyncWith:
      unsupported(statement.range, "'async with' statements are not supported in TorchScript",
                  "use a plain with statement");
    case lang::StmtKind::AsyncFor:
      unsupported(statement.range, "'async for' loops are not supported in TorchScript", "use a plain for loop");
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
    unsupported(assign.range, "a variable annotation without a value is not supported in TorchScript", "give it a value: `x: T = value`");
  }
  ir::Value* value = emitValueWithHint(*assign.value, type);
  if (!types::isSubtypeOf(value->type(), type)) {
    throw lang::CompileError(assign.value->range, "Variable annotated as " + type->annotationStr() +
                                                      " is assigned a value of type " +
                                                      value->type()->annotationStr());
  }
  if (*value->type() != *type) {
    if (const auto* name = assign.target->as<lang::NameExpr>()) {
      // The variable has the annotated type from now on (Optional[int] holding None); the
      // value keeps its own type, as in torch.jit's graphs.
      storeVariable(name->id, value, assign.target->range, type);
      return;
    }
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
      if (value->assignableAsAlias()) {
        aliases_[target.as<lang::NameExpr>()->id] = value;
        return;
      }
      storeVariable(target.as<lang::NameExpr>()->id, value->asValue(range, *this), target.range);
      return;
    case lang::ExprKind::Tuple:
    case lang::ExprKind::List: {
      const lang::ExprList& elements = target.kind == lang::ExprKind::Tuple
                                           ? target.as<lang::TupleExpr>()->elts
                                           : target.as<lang::ListExpr>()->elts;
      // `first, *rest = t`: at most one starred target, which takes a tuple of the elements
      // the others leave (the element count must be known at compile time, as in torch.jit).
      std::optional<size_t> starred;
      for (size_t i = 0; i < elements.size(); ++i) {
        if (elements[i]->kind != lang::ExprKind::Starred) continue;
        if (starred) {
          throw lang::CompileError(elements[i]->range, "multiple starred expressions in assignment");
        }
        starred = i;
      }
      std::optional<std::vector<SugaredValuePtr>> parts = value->unrolledElements(range, *this);
      if (!parts && !starred) {
        // `a, b = xs` on a list: prim::ListUnpack checks the length when it runs (no source
        // location, as torch.jit prints it).
        ir::Value* list = value->asValue(range, *this);
        if (const auto* listType = list->type()->as<types::ListType>()) {
          ir::Node* unpack = insertNode(ir::Symbol::make("prim", "ListUnpack"), {list},
                                        elements.size(), {});
          parts.emplace();
          for (ir::Value* output : unpack->outputs()) {
            output->setType(listType->element());
            parts->push_back(std::make_shared<SimpleValue>(output));
          }
        }
      }
      if (!parts) {
        throw lang::CompileError(range, "cannot unpack a value of type " +
                                            value->asValue(range, *this)->type()->annotationStr() +
                                            " into " + std::to_string(elements.size()) +
                                            " variables: only tuples (and other values whose "
                                            "length is known when compiling) can be unpacked");
      }
      if (starred) {
        size_t fixed = elements.size() - 1;
        if (parts->size() < fixed) {
          throw lang::CompileError(range, "not enough values to unpack: need at least " +
                                              std::to_string(fixed) + ", got " +
                                              std::to_string(parts->size()));
        }
        size_t restCount = parts->size() - fixed;
        std::vector<ir::Value*> rest;
        std::vector<types::TypePtr> restTypes;
        for (size_t i = 0; i < restCount; ++i) {
          rest.push_back((*parts)[*starred + i]->asValue(range, *this));
          restTypes.push_back(rest.back()->type());
        }
        ir::Node* tuple = insertNode(ir::Symbol::make("prim", "TupleConstruct"), rest, 1, range);
        tuple->output()->setType(types::tupleOf(restTypes));
        std::vector<SugaredValuePtr> regrouped(parts->begin(), parts->begin() + *starred);
        regrouped.push_back(std::make_shared<SimpleValue>(tuple->output()));
        regrouped.insert(regrouped.end(), parts->begin() + *starred + restCount, parts->end());
        for (size_t i = 0; i < elements.size(); ++i) {
          const lang::Expr& element = *elements[i];
          assignTo(i == *starred ? *element.as<lang::StarredExpr>()->value : element, regrouped[i],
                   range);
        }
        return;
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
      types::TypeKind kind = container->type()->kind();
      if (kind != types::TypeKind::List && kind != types::TypeKind::Dict) {
        throw lang::CompileError(subscript.value->range, itemAssignmentError(container->type()));
      }
      ir::Value* key = emitValue(*subscript.slice);
      ir::Value* element = value->asValue(range, *this);
      emitBuiltin(ir::Symbol::make("aten", "_set_item"),
                  {{range, "", container}, {range, "", key}, {range, "", element}}, range);
      return;
    }
    case lang::ExprKind::Attribute: {
      const auto& attribute = *target.as<lang::AttributeExpr>();
      ir::Value* object = emitValue(*attribute.value);
      auto objectValue = std::dynamic_pointer_cast<ObjectValue>(this->objectValue(object));
      if (!objectValue) {
        throw lang::CompileError(target.range, "cannot assign to attribute '" + attribute.attr +
                                                   "' of a value of type " +
                                                   object->type()->annotationStr() +
                                                   "; only attributes of modules and objects "
                                                   "can be assigned");
      }
      objectValue->setAttr(range, *this, attribute.attr, value->asValue(range, *this));
      return;
    }
    default:
      throw lang::CompileError(target.range, "cannot assign to this expression; assign to a variable, an attribute, a list item, a dict key or a tensor slice");
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
    unsupported(assign.range, "this augmented assignment operator on a subscript is not supported by tscript yet",
                "write it out: x[i] = x[i] <op> v");
  }
  ir::Value* container = emitValue(*subscript.value);
  if (container->type()->kind() == types::TypeKind::Tensor) {
    IndexedTensor indexed = emitTensorIndices(container, *subscript.slice, subscript.range);
    ir::Value* operand = emitValue(*assign.value);
    if (indexed.advanced.empty()) {
      // Ints and slices index a view: updating it in place updates the tensor.
      emitBuiltin(op->second.second, {indexed.value, operand}, assign.range);
      return;
    }
    // Tensor indices (`t[~finished] += 1`: Tacotron2's decoder) gather a copy, so the result
    // is written back, as Python's __setitem__ and 1.13 (aten::index, the in-place op,
    // aten::index_put_) do.
    ir::Value* indices = indexList(indexed.advanced, subscript.range);
    ir::Value* gathered = emitBuiltin("aten::index", {indexed.value, indices}, subscript.range);
    ir::Value* updated = emitBuiltin(op->second.second, {gathered, operand}, assign.range);
    emitBuiltin("aten::index_put_",
                {indexed.value, indices, updated, insertBoolConstant(false, assign.range)},
                assign.range);
    return;
  }
  types::TypeKind kind = container->type()->kind();
  if (kind != types::TypeKind::List && kind != types::TypeKind::Dict) {
    throw lang::CompileError(subscript.value->range, itemAssignmentError(container->type()));
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
      if (!variableType(name->id)) throw lang::CompileError(target->range, "name '" + name->id + "' is not defined");
      for (auto& scope : scopes_) scope.erase(name->id);
      continue;
    }
    if (const auto* subscript = target->as<lang::SubscriptExpr>()) {
      ir::Value* container = emitValue(*subscript->value);
      ir::Value* key = emitValue(*subscript->slice);
      emitBuiltin("aten::Delete", {container, key}, target->range);
      continue;
    }
    unsupported(target->range, "del of this kind of expression is not supported in TorchScript", "del a name, a list item or a dict key");
  }
}

void FunctionEmitter::emitAugAssign(const lang::AugAssignStmt& assign) {
  const lang::Expr& target = *assign.target;
  if (const auto* subscript = target.as<lang::SubscriptExpr>()) {
    return emitAugAssignSubscript(assign, *subscript);
  }
  // The target is read once; `store` writes the result back (to the variable, or to the
  // object's slot for `self.count += 1`).
  ir::Value* current;
  std::function<void(ir::Value*)> store;
  if (const auto* attribute = target.as<lang::AttributeExpr>()) {
    ir::Value* object = emitValue(*attribute->value);
    auto objectValue = std::dynamic_pointer_cast<ObjectValue>(this->objectValue(object));
    if (!objectValue) {
      throw lang::CompileError(target.range, "cannot assign to attribute '" + attribute->attr +
                                                 "' of a value of type " +
                                                 object->type()->annotationStr() +
                                                 "; only attributes of modules and objects can be "
                                                 "assigned");
    }
    current = objectValue->attr(target.range, *this, attribute->attr)->asValue(target.range, *this);
    store = [this, objectValue, attribute, &assign](ir::Value* result) {
      objectValue->setAttr(assign.range, *this, attribute->attr, result);
    };
  } else if (const auto* nameExpr = target.as<lang::NameExpr>()) {
    const std::string& name = nameExpr->id;
    if (!variableType(name)) {
      throw lang::CompileError(target.range, "name '" + name + "' is not defined");
    }
    current = loadVariable(name, target.range);
    store = [this, &name, &assign](ir::Value* result) { storeVariable(name, result, assign.range); };
  } else {
    throw lang::CompileError(target.range, "cannot assign to this expression; assign to a variable, an attribute, a list item, a dict key or a tensor slice");
  }
  ir::Value* operand = emitValue(*assign.value);
  // Tensors and lists update in place (`x += 1` is aten::add_), as in Python and TorchScript.
  // (torch.jit 1.13 rejects `//=` and compiles a tensor's `%=` to fmod_, which differs from
  // Python for negative operands; tscript does what eager PyTorch does.)
  static const std::map<lang::BinOpKind, std::string> kInPlace = {
      {lang::BinOpKind::Add, "add_"},           {lang::BinOpKind::Sub, "sub_"},
      {lang::BinOpKind::Mult, "mul_"},          {lang::BinOpKind::Div, "div_"},
      {lang::BinOpKind::FloorDiv, "floor_divide_"}, {lang::BinOpKind::Mod, "remainder_"},
      {lang::BinOpKind::Pow, "pow_"},           {lang::BinOpKind::BitAnd, "__iand__"},
      {lang::BinOpKind::BitOr, "__ior__"},      {lang::BinOpKind::BitXor, "__ixor__"},
      {lang::BinOpKind::LShift, "__ilshift__"}, {lang::BinOpKind::RShift, "__irshift__"}};
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
    ir::Value* updated = emitBuiltin(ir::Symbol::make("aten", kInPlace.at(assign.op)),
                                     {{assign.range, "", current}, {assign.range, "", operand}},
                                     assign.range);
    // Python rebinds the target to the result (`x += 1` is `x = x.__iadd__(1)`, the same
    // tensor), as torch.jit's graphs show: later reads use the in-place op's output.
    store(updated);
    return;
  }
  // Lists change in place, as Python's __iadd__/__imul__ do (aliases see it). As in
  // torch.jit's graphs, `xs *= n` rebinds xs to aten::mul_'s result and `xs += ys` does not
  // rebind (later reads use xs itself).
  if (kind == types::TypeKind::List && assign.op == lang::BinOpKind::Add) {
    emitBuiltin(ir::Symbol::make("aten", "add_"),
                {{assign.range, "", current}, {assign.range, "", operand}}, assign.range);
    return;
  }
  if (kind == types::TypeKind::List && assign.op == lang::BinOpKind::Mult &&
      operand->type()->kind() == types::TypeKind::Int) {
    store(emitBuiltin(ir::Symbol::make("aten", "mul_"),
                      {{assign.range, "", current}, {assign.range, "", operand}}, assign.range));
    return;
  }
  auto op = kOutOfPlace.find(assign.op);
  if (op == kOutOfPlace.end()) unsupported(assign.range, "this augmented assignment operator is not supported for this type by tscript yet", "write it out: x = x <op> y");
  ir::Value* result = emitBuiltin(ir::Symbol::make("aten", op->second),
                                  {{assign.range, "", current}, {assign.range, "", operand}},
                                  assign.range);
  store(result);
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
    // A branch that exits still reaches the end of its region, where the compiler's own
    // variables are read: they are merged from every branch.
    bool compilers = isCompilerVariable(name);
    bool branchExits[2] = {exits[0] && !compilers, exits[1] && !compilers};
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
    std::optional<types::TypePtr> merged;
    if (compilers) {
      // A path that raises stores nothing; `$return`'s type is checked at the return
      // statements, so its placeholder type may differ here.
      if (!types[0] && !types[1]) continue;
      merged = types[0] && types[1] ? types::unifyTypes(*types[0], *types[1]) : std::nullopt;
      if (!merged) merged = types[0] ? types[0] : types[1];
      scopes_.back()[name] = *merged;
      continue;
    }
    if ((!branchExits[0] && !types[0]) || (!branchExits[1] && !types[1])) continue;  // one path only
    merged = types[0] && types[1] ? types::unifyTypes(*types[0], *types[1])
                                  : (types[0] ? types[0] : types[1]);
    if (!merged && before && types::isSubtypeOf(*types[0], *before) &&
        types::isSubtypeOf(*types[1], *before)) {
      // Each branch narrowed a variable of the enclosing block (`isinstance(u, list)` refines
      // a Union to List[Tensor] in one branch and to Tensor in the other): after the `if` it
      // has its own type again.
      merged = before;
    }
    if (!merged) {
      throw lang::CompileError(range, "Type mismatch: " + (name == kReturnVariable ? std::string("the returned value") : "'" + name + "'") + " has type " +
                                          (*types[0])->annotationStr() + " in the true branch and type " +
                                          (*types[1])->annotationStr() + " in the false branch");
    }
    scopes_.back()[name] = *merged;
  }
}

bool FunctionEmitter::emitIf(const lang::IfStmt& statement, bool tail,
                             const std::vector<Segment>* continuation) {
  ir::Value* condition = emitCondition(*statement.test);
  Refinements refinements = refinementsOf(*statement.test);
  const lang::StmtList* bodies[2] = {&statement.body, &statement.orelse};
  // A condition known at compile time (is_scripting(), a decided isinstance) emits only the
  // branch it takes, so the other is never type-checked (TorchScript's metaprogramming).
  bool constantCondition;
  if (isConstantBool(condition, constantCondition)) {
    if (condition->uses().empty()) condition->node()->destroy();
    const lang::StmtList& taken = *bodies[constantCondition ? 0 : 1];
    std::vector<Segment> program{{&taken, 0}};
    if (continuation) program.insert(program.end(), continuation->begin(), continuation->end());
    bool exitedStatically = emitSequence(std::move(program), tail);
    return !continuation && (blockAlwaysExits(taken) || exitedStatically);
  }
  ir::Node* node = insertNode(ir::prim::If, {condition}, 0, statement.range);
  std::map<std::string, types::TypePtr> scopes[2];
  std::vector<ir::Node*> refinementStores[2];
  bool exits[2];
  for (size_t b = 0; b < 2; ++b) {
    ir::Block* block = node->addBlock();
    ir::WithInsertPoint guard(*graph_, block);
    pushScope();
    refinementStores[b] = applyRefinements(b == 0 ? refinements.whenTrue : refinements.whenFalse,
                                           statement.range);
    std::vector<Segment> program{{bodies[b], 0}};
    if (continuation) program.insert(program.end(), continuation->begin(), continuation->end());
    bool exitedStatically = emitSequence(std::move(program), tail);
    // With a continuation every branch runs to the end of the function.
    exits[b] = continuation ? true : blockAlwaysExits(*bodies[b]) || exitedStatically;
    scopes[b] = popScope();
  }
  // `if x is None: raise ...`: past the if, only the other branch's facts hold. As in 1.13,
  // the refined value is that branch's output of the if (the exiting branch gives an
  // uninitialized placeholder), not a second cast after it: a cast outside the guarded branch
  // would be evaluated where x may be None, and torch.jit's constant propagation fails on
  // `unchecked_cast(Tensor, None)` when such code of our archives is inlined with x = None.
  if (exits[0] != exits[1]) keepRefinementsPastIf(refinementStores[exits[0] ? 1 : 0]);
  mergeBranchScopes(scopes, exits, statement.range);
  return false;
}

// prim::Loop(max_trip_count, initial_condition) with body block(iteration) -> (condition).
// Variables the body assigns become loop-carried in ConvertToSSA.
void FunctionEmitter::emitLoop(const lang::SourceRange& range, ir::Value* tripCount,
                               const lang::Expr* condition, const lang::StmtList& body,
                               const std::function<void(ir::Value* index)>& bindTarget) {
  const Region& parent = regions_.back();
  Region region(Region::Kind::Loop);
  region.condition = condition;
  region.returnsAllowed = parent.returnsAllowed && tail_;
  region.containsReturn = containsReturn(body);
  if (containsLoopExit(body) || region.containsReturn) {
    region.continueVariable = "$continue" + std::to_string(++loopCounter_);
  }
  if (region.containsReturn) storeNotReturned(range);
  std::string continueVariable = region.continueVariable;
  regions_.push_back(std::move(region));
  const int depthOutside = unrolledDepth_;
  unrolledDepth_ = 0;  // the loop is a region of its own: break and continue apply to it
  emitLoop(range, tripCount, condition, [&] { emitSequence({{&body, 0}}, /*tail=*/true); },
           bindTarget, continueVariable);
  unrolledDepth_ = depthOutside;
  regions_.pop_back();
}

void FunctionEmitter::emitLoop(const lang::SourceRange& range, ir::Value* tripCount,
                               const lang::Expr* condition, const std::function<void()>& emitBody,
                               const std::function<void(ir::Value* index)>& bindTarget,
                               const std::string& continueVariable) {
  ir::Value* initialCondition = condition ? emitCondition(*condition) : insertBoolConstant(true, range);
  ir::Node* loop = insertNode(ir::prim::Loop, {tripCount, initialCondition}, 0, range);
  ir::Block* block = loop->addBlock();
  ir::Value* index = block->addInput()->setType(types::intType());
  {
    ir::WithInsertPoint guard(*graph_, block);
    pushScope();
    if (bindTarget) bindTarget(index);
    emitBody();
    ir::Value* nextCondition;
    if (!continueVariable.empty()) {
      nextCondition = variableType(continueVariable) ? loadVariable(continueVariable, range)
                                                     : insertBoolConstant(false, range);
    } else {
      nextCondition = condition ? emitCondition(*condition) : insertBoolConstant(true, range);
    }
    block->registerOutput(nextCondition);
    // Variables first assigned in the body do not outlive it (TorchScript's rule); the ones
    // assigned before keep their type, which storeVariable already enforced.
    popScope();
  }
}

void FunctionEmitter::emitWhile(const lang::WhileStmt& statement) {
  if (!statement.orelse.empty()) {
    unsupported(statement.orelse.front()->range, "else branches of while loops are not supported in TorchScript", "move the statements after the loop (with no break in the loop they run anyway)");
  }
  ir::Value* forever = insertConstant(std::numeric_limits<int64_t>::max(), statement.range);
  emitLoop(statement.range, forever, statement.test.get(), statement.body, nullptr);
}

void FunctionEmitter::emitFor(const lang::ForStmt& statement) {
  if (!statement.orelse.empty()) {
    unsupported(statement.orelse.front()->range, "else branches of for loops are not supported in TorchScript", "move the statements after the loop (with no break in the loop they run anyway)");
  }
  SugaredValuePtr iterable;
  if (pendingIterable_.first == &statement) {
    iterable = std::move(pendingIterable_.second);
  } else {
    iterable = emitSugared(*statement.iter);
  }
  pendingIterable_ = {};
  // Tuples and module lists are unrolled: the body is emitted once per element. (One that
  // may return, in tail position, is unrolled by emitSequence instead.)
  if (auto elements = iterable->unrolledElements(statement.iter->range, *this)) {
    ++unrolledDepth_;
    for (const SugaredValuePtr& element : *elements) {
      assignTo(*statement.target, element, statement.range);
      emitBlock(statement.body);
    }
    --unrolledDepth_;
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
  const Region& region = regions_.back();
  if (unrolledDepth_ > 0 && (!tail_ || !region.returnsAllowed)) {
    unsupported(statement.range,
                "return statements inside loops over tuples or module lists are only supported "
                "by tscript where nothing but the rest of the function follows the loop (these "
                "loops are unrolled)",
                "assign the result to a variable and return after the loop");
  }
  if ((!tail_ && &statement != withTailStatement_) || !region.returnsAllowed) {
    unsupported(statement.range, "return statements inside with blocks are only supported by "
                "tscript as the last statement of the block",
                "assign the result to a variable and return after the block");
  }
  ir::Value* value = statement.value ? emitValueWithHint(*statement.value, declaredReturnType_)
                                     : insertNoneConstant(statement.range);
  if (declaredReturnType_ && value->type()->kind() == types::TypeKind::Tuple &&
      declaredReturnType_->kind() == types::TypeKind::List) {
    // A tuple returned as a List[T] is converted when every element is a T, as torch.jit
    // converts it (`return q.chunk(...)`-style code in nn.functional returns tuples so).
    const auto& element = declaredReturnType_->as<types::ListType>()->element();
    const auto& members = value->type()->as<types::TupleType>()->elements();
    bool fits = std::all_of(members.begin(), members.end(), [&](const types::TypePtr& member) {
      return types::isSubtypeOf(member, element);
    });
    if (fits) {
      std::vector<ir::Value*> elements;
      if (value->node()->kind() == ir::Symbol::make("prim", "TupleConstruct")) {
        elements = value->node()->inputs();
      } else {
        ir::Node* unpack = insertNode(ir::Symbol::make("prim", "TupleUnpack"), {value},
                                      members.size(), statement.range);
        for (size_t i = 0; i < members.size(); ++i) {
          elements.push_back(unpack->output(i)->setType(members[i]));
        }
      }
      ir::Node* list = insertNode(ir::Symbol::make("prim", "ListConstruct"), elements, 1,
                                  statement.range);
      value = list->output()->setType(declaredReturnType_);
    }
  }
  if (declaredReturnType_ && !types::isSubtypeOf(value->type(), declaredReturnType_)) {
    throw lang::CompileError(statement.value ? statement.value->range : statement.range,
                             "Return value was annotated as having type " +
                                 declaredReturnType_->annotationStr() +
                                 " but is actually of type " + value->type()->annotationStr() + (value->type()->kind() == types::TypeKind::Optional ? "; it may be None: check `if x is not None:` before returning it" : ""));
  }
  returnedTypes_.push_back({value->type(), statement.range});
  storeVariable(kReturnVariable, value, statement.range);
  if (region.kind == Region::Kind::Loop) {
    // Leave the loop; the code after it sees `$did_return` (emitReturnGuard).
    storeVariable(kDidReturnVariable, insertBoolConstant(true, statement.range), statement.range);
    storeVariable(region.continueVariable, insertBoolConstant(false, statement.range),
                  statement.range);
  }
}

void FunctionEmitter::emitBreakOrContinue(const lang::Stmt& statement) {
  bool isBreak = statement.kind == lang::StmtKind::Break;
  std::string word = isBreak ? "'break'" : "'continue'";
  const Region& region = regions_.back();
  if (unrolledDepth_ > 0) {
    unsupported(statement.range,
                word + " inside loops over tuples or module lists is not supported in TorchScript "
                       "(these loops are unrolled)",
                "use a condition instead");
  }
  if (region.kind == Region::Kind::Function) {
    throw lang::CompileError(statement.range, word + " outside loop");
  }
  if (!tail_) unsupported(statement.range, word + " inside with blocks is not supported by tscript yet");
  if (region.containsReturn) storeNotReturned(statement.range);
  ir::Value* next;
  if (isBreak) {
    next = insertBoolConstant(false, statement.range);
  } else {
    next = region.condition ? emitCondition(*region.condition)
                            : insertBoolConstant(true, statement.range);
  }
  storeVariable(region.continueVariable, next, statement.range);
}

// `raise E(msg)`: prim::RaiseException(message, qualified class name), as 1.13 emits it.
std::optional<std::string> FunctionEmitter::exceptionClassName(const lang::Expr& callee) {
  // A local of that name is not a class; other names and attributes are asked of the
  // resolver, which knows Python's classes (a file compiled without Python knows none).
  const lang::Expr* root = &callee;
  while (auto* attribute = root->as<lang::AttributeExpr>()) root = attribute->value.get();
  auto* name = root->as<lang::NameExpr>();
  if (!name || variableType(name->id)) return std::nullopt;
  try {
    SugaredValuePtr value = emitSugared(callee);
    if (auto* exception = dynamic_cast<const ExceptionClass*>(value.get())) {
      return exception->qualifiedName();
    }
  } catch (const lang::CompileError&) {
    // Not something the resolver can describe: the raise keeps the name as written.
  }
  return std::nullopt;
}

void FunctionEmitter::emitRaise(const lang::RaiseStmt& statement) {
  ir::Value* message;
  std::string className = "builtins.Exception";
  if (!statement.exc) {
    unsupported(statement.range, "a bare 'raise' (re-raising) is not supported in TorchScript", "raise an exception object: raise ValueError(\"...\")");
  }
  const lang::Expr& exc = *statement.exc;
  const lang::Expr* callee = &exc;
  const lang::CallExpr* call = exc.as<lang::CallExpr>();
  if (call) callee = call->func.get();
  if (std::optional<std::string> resolved = exceptionClassName(*callee)) {
    className = *resolved;
  } else if (auto* name = callee->as<lang::NameExpr>()) {
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
  ir::Block* passed = node->addBlock();
  ir::Block* failed = node->addBlock();
  Refinements refinements = refinementsOf(*statement.test);
  std::map<std::string, types::TypePtr> scopes[2];
  {
    // Past the assert its condition holds: `assert x is not None` refines x. The refined
    // value is the if's output (as 1.13's `if c: pass else: raise`), see emitIf.
    ir::WithInsertPoint guard(*graph_, passed);
    pushScope();
    keepRefinementsPastIf(applyRefinements(refinements.whenTrue, statement.range));
    scopes[0] = popScope();
  }
  {
    ir::WithInsertPoint guard(*graph_, failed);
    // The message is evaluated where the condition is false: `assert b is None or
    // b.shape == s, f"{b.shape}"` reads b as a Tensor there.
    pushScope();
    applyRefinements(refinements.whenFalse, statement.range);
    ir::Value* message;
    const auto* literal = statement.msg ? statement.msg->as<lang::ConstantExpr>() : nullptr;
    if (literal && literal->value.kind == lang::ConstantValue::Kind::Str) {
      // 1.13 folds the prefix into a constant message (its cleanup passes propagate
      // constants); a computed message is prefixed at run time.
      message = insertStringConstant("AssertionError: " + literal->value.text, statement.range);
    } else if (statement.msg) {
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
    scopes[1] = popScope();
  }
  const bool exits[2] = {false, true};
  mergeBranchScopes(scopes, exits, statement.range);
}

}  // namespace tscript::compiler
