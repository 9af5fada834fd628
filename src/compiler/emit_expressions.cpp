// Expressions (see function_emitter.h): operators, literals, subscripts, calls, f-strings.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "compiler/function_emitter.h"
#include "compiler/object_value.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

// Where the function assigns `name` (assignment, augmented or annotated assignment, for
// target, `with ... as`): the source offsets of those statements. Used to explain a name that
// is not defined at its use although the function assigns it.
void collectAssignments(const lang::Expr& target, const std::string& name, uint32_t offset,
                        std::vector<uint32_t>& offsets) {
  if (const auto* named = target.as<lang::NameExpr>()) {
    if (named->id == name) offsets.push_back(offset);
  } else if (const auto* tuple = target.as<lang::TupleExpr>()) {
    for (const lang::ExprPtr& element : tuple->elts) collectAssignments(*element, name, offset, offsets);
  } else if (const auto* list = target.as<lang::ListExpr>()) {
    for (const lang::ExprPtr& element : list->elts) collectAssignments(*element, name, offset, offsets);
  }
}

void collectAssignments(const lang::StmtList& statements, const std::string& name,
                        std::vector<uint32_t>& offsets) {
  for (const lang::StmtPtr& statement : statements) {
    uint32_t offset = statement->range.start;
    if (const auto* assign = statement->as<lang::AssignStmt>()) {
      for (const lang::ExprPtr& target : assign->targets) collectAssignments(*target, name, offset, offsets);
    } else if (const auto* augAssign = statement->as<lang::AugAssignStmt>()) {
      collectAssignments(*augAssign->target, name, offset, offsets);
    } else if (const auto* annAssign = statement->as<lang::AnnAssignStmt>()) {
      collectAssignments(*annAssign->target, name, offset, offsets);
    } else if (const auto* ifStmt = statement->as<lang::IfStmt>()) {
      collectAssignments(ifStmt->body, name, offsets);
      collectAssignments(ifStmt->orelse, name, offsets);
    } else if (const auto* whileStmt = statement->as<lang::WhileStmt>()) {
      collectAssignments(whileStmt->body, name, offsets);
      collectAssignments(whileStmt->orelse, name, offsets);
    } else if (const auto* forStmt = statement->as<lang::ForStmt>()) {
      collectAssignments(*forStmt->target, name, offset, offsets);
      collectAssignments(forStmt->body, name, offsets);
      collectAssignments(forStmt->orelse, name, offsets);
    } else if (const auto* withStmt = statement->as<lang::WithStmt>()) {
      for (const lang::WithItem& item : withStmt->items) {
        if (item.optionalVars) collectAssignments(*item.optionalVars, name, offset, offsets);
      }
      collectAssignments(withStmt->body, name, offsets);
    }
  }
}

// The error for a name that is neither a variable here nor a global: Python's NameError
// wording, or, when the function does assign the name, why it is not defined at this use.
lang::CompileError undefinedName(const lang::FunctionDefStmt& function, const std::string& name,
                                 const lang::SourceRange& use) {
  std::vector<uint32_t> assignments;
  collectAssignments(function.body, name, assignments);
  if (assignments.empty()) return lang::CompileError(use, "name '" + name + "' is not defined");
  bool assignedBefore = false;
  for (uint32_t offset : assignments) assignedBefore = assignedBefore || offset < use.start;
  if (!assignedBefore) {
    return lang::CompileError(use, "local variable '" + name + "' is used before it is assigned");
  }
  return lang::CompileError(
      use, "'" + name + "' is not defined on every path to this use: it is assigned only in "
               "some branches of an if, or inside a loop (TorchScript variables first assigned "
               "in a loop do not outlive it); assign it a value before the if or the loop too");
}

// Python operator -> the aten builtin TorchScript uses for it.
const char* binaryOperatorName(lang::BinOpKind op) {
  switch (op) {
    case lang::BinOpKind::Add: return "aten::add";
    case lang::BinOpKind::Sub: return "aten::sub";
    case lang::BinOpKind::Mult: return "aten::mul";
    case lang::BinOpKind::MatMult: return "aten::matmul";
    case lang::BinOpKind::Div: return "aten::div";
    case lang::BinOpKind::Mod: return "aten::remainder";
    case lang::BinOpKind::Pow: return "aten::pow";
    case lang::BinOpKind::LShift: return "aten::__lshift__";
    case lang::BinOpKind::RShift: return "aten::__rshift__";
    case lang::BinOpKind::BitOr: return "aten::__or__";
    case lang::BinOpKind::BitXor: return "aten::__xor__";
    case lang::BinOpKind::BitAnd: return "aten::__and__";
    case lang::BinOpKind::FloorDiv: return "aten::floordiv";
  }
  return "";
}

const char* comparisonOperatorName(lang::CmpOpKind op) {
  switch (op) {
    case lang::CmpOpKind::Eq: return "aten::eq";
    case lang::CmpOpKind::NotEq: return "aten::ne";
    case lang::CmpOpKind::Lt: return "aten::lt";
    case lang::CmpOpKind::LtE: return "aten::le";
    case lang::CmpOpKind::Gt: return "aten::gt";
    case lang::CmpOpKind::GtE: return "aten::ge";
    case lang::CmpOpKind::Is: return "aten::__is__";
    case lang::CmpOpKind::IsNot: return "aten::__isnot__";
    case lang::CmpOpKind::In: return "aten::__contains__";
    case lang::CmpOpKind::NotIn: return "aten::__contains__";
  }
  return "";
}

// `a + b` on tuples: a tuple of the elements of both (1.13 unpacks both and constructs).
ir::Value* concatenateTuples(FunctionEmitter& emitter, ir::Value* left, ir::Value* right,
                             const lang::SourceRange& range) {
  std::vector<ir::Value*> elements;
  std::vector<types::TypePtr> types;
  for (ir::Value* tuple : {left, right}) {
    std::vector<SugaredValuePtr> unpacked = *SimpleValue(tuple).unrolledElements(range, emitter);
    for (const SugaredValuePtr& element : unpacked) {
      elements.push_back(element->asValue(range, emitter));
      types.push_back(elements.back()->type());
    }
  }
  ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), elements, 1, range);
  return node->output()->setType(types::tupleOf(types));
}

// The value of an int constant (or nullopt for None) used as a tuple slice bound; tuple
// slices are resolved at compile time, so anything else is an error.
std::optional<int64_t> constantSliceBound(ir::Value* bound, const lang::SourceRange& range) {
  ir::Node* node = bound->node();
  if (bound->type()->kind() == types::TypeKind::None) return std::nullopt;
  if (node->kind() != ir::prim::Constant || bound->type()->kind() != types::TypeKind::Int) {
    throw lang::CompileError(range, "tuple slice indices must be integer constants");
  }
  return node->i("value");
}

// `t[a:b:c]` on a tuple, with constant bounds: the selected elements, each a prim::TupleIndex,
// in a new tuple (what 1.13 emits).
ir::Value* sliceTuple(FunctionEmitter& emitter, ir::Value* tuple, ir::Value* lower,
                      ir::Value* upper, ir::Value* step, const lang::SourceRange& range) {
  const auto& elementTypes = tuple->type()->as<types::TupleType>()->elements();
  int64_t length = static_cast<int64_t>(elementTypes.size());
  int64_t by = constantSliceBound(step, range).value_or(1);
  if (by == 0) throw lang::CompileError(range, "slice step cannot be zero");
  // Python's rules for omitted and out-of-range bounds.
  auto clamp = [&](std::optional<int64_t> bound, int64_t omitted) {
    if (!bound) return omitted;
    int64_t at = *bound < 0 ? *bound + length : *bound;
    if (by > 0) return std::clamp<int64_t>(at, 0, length);
    return std::clamp<int64_t>(at, -1, length - 1);
  };
  int64_t start = clamp(constantSliceBound(lower, range), by > 0 ? 0 : length - 1);
  int64_t stop = clamp(constantSliceBound(upper, range), by > 0 ? length : -1);
  std::vector<ir::Value*> elements;
  std::vector<types::TypePtr> types;
  for (int64_t i = start; by > 0 ? i < stop : i > stop; i += by) {
    ir::Node* index = emitter.insertNode(ir::Symbol::make("prim", "TupleIndex"),
                                         {tuple, emitter.insertConstant(i)}, 1, range);
    elements.push_back(index->output()->setType(elementTypes[i]));
    types.push_back(elementTypes[i]);
  }
  ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), elements, 1, range);
  return node->output()->setType(types::tupleOf(types));
}

}  // namespace

// ---- node and constant helpers ---------------------------------------------------------------

ir::Node* FunctionEmitter::insertNode(ir::Symbol kind, std::vector<ir::Value*> inputs,
                                      size_t outputs, const lang::SourceRange& range) {
  ir::Node* node = graph_->insert(kind, inputs, outputs);
  node->setSourceRange(range);
  return node;
}

ir::Value* FunctionEmitter::insertConstant(int64_t value, const lang::SourceRange& range) {
  ir::Node* node = insertNode(ir::prim::Constant, {}, 1, range);
  node->i_("value", value);
  return node->output()->setType(types::intType());
}

ir::Value* FunctionEmitter::insertConstant(double value, const lang::SourceRange& range) {
  ir::Node* node = insertNode(ir::prim::Constant, {}, 1, range);
  node->f_("value", value);
  return node->output()->setType(types::floatType());
}

ir::Value* FunctionEmitter::insertBoolConstant(bool value, const lang::SourceRange& range) {
  ir::Node* node = insertNode(ir::prim::Constant, {}, 1, range);
  node->i_("value", value ? 1 : 0);  // bools are int attributes, typed bool (as in 1.13)
  return node->output()->setType(types::boolType());
}

ir::Value* FunctionEmitter::insertStringConstant(const std::string& value,
                                                 const lang::SourceRange& range) {
  ir::Node* node = insertNode(ir::prim::Constant, {}, 1, range);
  node->s_("value", value);
  return node->output()->setType(types::strType());
}

ir::Value* FunctionEmitter::insertNoneConstant(const lang::SourceRange& range) {
  ir::Node* node = insertNode(ir::prim::Constant, {}, 1, range);
  return node->output()->setType(types::noneType());
}

void FunctionEmitter::discardUnusedConstant(ir::Value* constant) {
  ir::Node* node = constant->node();
  if (node->kind() != ir::prim::Constant || constant->hasUses()) return;
  hoistedLiterals_.erase(node);
  node->destroy();
}

ir::Value* FunctionEmitter::emitBuiltin(const char* qualifiedOp, std::vector<ir::Value*> inputs,
                                        const lang::SourceRange& range) {
  std::vector<NamedValue> args;
  for (ir::Value* input : inputs) args.push_back({range, "", input});
  return emitBuiltin(ir::Symbol::fromQualString(qualifiedOp), args, range);
}

namespace {

// The operator method of a TorchScript class that a builtin operator stands for when its
// first operand is an object (`a + b` is `a.__add__(b)`, `x in c` is `c.__contains__(x)`),
// or nullptr.
const char* operatorMethodFor(ir::Symbol op) {
  static const std::map<std::string, const char*> kMethods = {
      {"aten::add", "__add__"},       {"aten::sub", "__sub__"},
      {"aten::mul", "__mul__"},       {"aten::div", "__truediv__"},
      {"aten::floordiv", "__floordiv__"}, {"aten::remainder", "__mod__"},
      {"aten::pow", "__pow__"},       {"aten::matmul", "__matmul__"},
      {"aten::eq", "__eq__"},         {"aten::ne", "__ne__"},
      {"aten::lt", "__lt__"},         {"aten::le", "__le__"},
      {"aten::gt", "__gt__"},         {"aten::ge", "__ge__"},
      {"aten::len", "__len__"},       {"aten::__getitem__", "__getitem__"},
      {"aten::__contains__", "__contains__"},
  };
  auto found = kMethods.find(op.toQualString());
  return found == kMethods.end() ? nullptr : found->second;
}

}  // namespace

ir::Value* FunctionEmitter::emitBuiltin(ir::Symbol op, const std::vector<NamedValue>& args,
                                        const lang::SourceRange& range) {
  if (!args.empty() && args[0].value && args[0].value->type()->kind() == types::TypeKind::Class) {
    // Objects of TorchScript classes bring their own operators (prim::CallMethod).
    if (const char* method = operatorMethodFor(op)) {
      if (SugaredValuePtr object = objectValue(args[0].value)) {
        std::vector<NamedValue> rest(args.begin() + 1, args.end());
        return object->attr(range, *this, method)->call(range, *this, std::move(rest))->asValue(range, *this);
      }
    }
  }
  if (isObjectListSort(op, args)) return emitObjectListSort(op, args, range);
  return matcher_.emit(*graph_, op, args, range);
}

// ---- expressions -----------------------------------------------------------------------------

ir::Value* FunctionEmitter::emitValue(const lang::Expr& expr) {
  return emitSugared(expr)->asValue(expr.range, *this);
}

SugaredValuePtr FunctionEmitter::emitSugared(const lang::Expr& expr) {
  auto simple = [](ir::Value* value) { return std::make_shared<SimpleValue>(value); };
  switch (expr.kind) {
    case lang::ExprKind::Name: {
      const std::string& name = expr.as<lang::NameExpr>()->id;
      if (variableType(name)) return simple(loadVariable(name, expr.range));
      if (auto alias = aliases_.find(name); alias != aliases_.end()) return alias->second;
      if (auto why = unreadableVariable(name)) throw lang::CompileError(expr.range, *why);
      if (SugaredValuePtr global = resolver_.resolveValue(name, expr.range)) return global;
      throw undefinedName(def_, name, expr.range);
    }
    case lang::ExprKind::Constant:
      return simple(emitConstant(*expr.as<lang::ConstantExpr>()));
    case lang::ExprKind::Attribute: {
      const auto& attribute = *expr.as<lang::AttributeExpr>();
      return emitSugared(*attribute.value)->attr(expr.range, *this, attribute.attr);
    }
    case lang::ExprKind::Call:
      return emitCall(*expr.as<lang::CallExpr>());
    case lang::ExprKind::BinOp:
      return simple(emitBinOp(*expr.as<lang::BinOpExpr>()));
    case lang::ExprKind::UnaryOp:
      return simple(emitUnaryOp(*expr.as<lang::UnaryOpExpr>()));
    case lang::ExprKind::Compare:
      return simple(emitCompare(*expr.as<lang::CompareExpr>()));
    case lang::ExprKind::BoolOp:
      return simple(emitBoolOp(*expr.as<lang::BoolOpExpr>()));
    case lang::ExprKind::IfExp:
      return simple(emitIfExpr(*expr.as<lang::IfExpr>()));
    case lang::ExprKind::Subscript:
      return simple(emitSubscript(*expr.as<lang::SubscriptExpr>()));
    case lang::ExprKind::List:
      return simple(emitListLiteral(*expr.as<lang::ListExpr>(), nullptr));
    case lang::ExprKind::Dict:
      return simple(emitDictLiteral(*expr.as<lang::DictExpr>(), nullptr));
    case lang::ExprKind::Tuple: {
      std::vector<SugaredValuePtr> elements;
      for (const lang::ExprPtr& element : expr.as<lang::TupleExpr>()->elts) {
        if (element->kind == lang::ExprKind::Starred) {
          unsupported(element->range, "starred expressions in tuples are not supported in TorchScript", "list the elements one by one");
        }
        elements.push_back(emitSugared(*element));
      }
      return std::make_shared<SugaredTuple>(std::move(elements));
    }
    case lang::ExprKind::JoinedStr:
      return simple(emitJoinedStr(*expr.as<lang::JoinedStrExpr>()));
    case lang::ExprKind::Lambda:
      unsupported(expr.range, "lambdas are not supported in TorchScript", "define a function at module level and call it");
    case lang::ExprKind::NamedExpr:
      unsupported(expr.range, "assignment expressions (:=) are not supported in TorchScript", "assign the value in a statement before");
    case lang::ExprKind::Set:
    case lang::ExprKind::SetComp:
      unsupported(expr.range, "sets are not supported in TorchScript", "use a list, or the keys of a dict");
    case lang::ExprKind::Yield:
    case lang::ExprKind::YieldFrom:
      unsupported(expr.range, "generators (yield) are not supported in TorchScript", "build the values in a list and return it");
    case lang::ExprKind::Await:
      unsupported(expr.range, "'await' is not supported in TorchScript", "TorchScript has no coroutines");
    case lang::ExprKind::Starred:
      unsupported(expr.range, "starred expressions are not supported here in TorchScript");
    case lang::ExprKind::Slice:
      unsupported(expr.range, "a slice is only allowed inside brackets", "write x[a:b]");
    case lang::ExprKind::ListComp: {
      const auto& comprehension = *expr.as<lang::ListCompExpr>();
      return simple(emitListComprehension(expr.range, *comprehension.elt, comprehension.generators));
    }
    case lang::ExprKind::DictComp:
      return simple(emitDictComprehension(*expr.as<lang::DictCompExpr>()));
    case lang::ExprKind::GeneratorExp: {
      // Built eagerly as a list, as torch.jit does: `sum(x * x for x in xs)` works.
      const auto& generator = *expr.as<lang::GeneratorExpr>();
      return simple(emitListComprehension(expr.range, *generator.elt, generator.generators));
    }
    case lang::ExprKind::FormattedValue:
      break;
  }
  throw lang::CompileError(expr.range, "unexpected expression");
}

ir::Value* FunctionEmitter::hoistedLiteral(ir::Value* constant) {
  hoistedLiterals_.insert(constant->node());
  return constant;
}

ir::Value* FunctionEmitter::emitConstant(const lang::ConstantExpr& expr) {
  const lang::ConstantValue& value = expr.value;
  switch (value.kind) {
    case lang::ConstantValue::Kind::None: return insertNoneConstant(expr.range);
    case lang::ConstantValue::Kind::True: return insertBoolConstant(true, expr.range);
    case lang::ConstantValue::Kind::False: return insertBoolConstant(false, expr.range);
    case lang::ConstantValue::Kind::Int: return hoistedLiteral(insertConstant(value.intValue, expr.range));
    case lang::ConstantValue::Kind::Float: return hoistedLiteral(insertConstant(value.floatValue, expr.range));
    case lang::ConstantValue::Kind::Str: return insertStringConstant(value.text, expr.range);
    case lang::ConstantValue::Kind::BigInt:
      throw lang::CompileError(expr.range, "integer literal " + value.text +
                                               " does not fit in 64 bits (TorchScript ints are int64)");
    case lang::ConstantValue::Kind::Imaginary:
      unsupported(expr.range, "complex literals are not supported by tscript yet", "build the value with complex(real, imag)");
    case lang::ConstantValue::Kind::Bytes:
      unsupported(expr.range, "bytes literals are not supported in TorchScript", "use a str");
    case lang::ConstantValue::Kind::Ellipsis:
      unsupported(expr.range, "'...' (Ellipsis) is only supported in tensor indexing in TorchScript");
  }
  throw lang::CompileError(expr.range, "unexpected constant");
}

ir::Value* FunctionEmitter::emitBinOp(const lang::BinOpExpr& expr) {
  ir::Value* left = emitValue(*expr.left);
  ir::Value* right = emitValue(*expr.right);
  types::TypeKind leftKind = left->type()->kind();
  if (expr.op == lang::BinOpKind::Mod && leftKind == types::TypeKind::Str) {
    // `"%d of %s" % (n, s)`: the right operand, a tuple or a single value, is one input.
    return emitBuiltin(ir::Symbol::fromQualString("aten::percentFormat"),
                       {{expr.left->range, "", left}, {expr.right->range, "", right}}, expr.range);
  }
  if (expr.op == lang::BinOpKind::Add && leftKind == types::TypeKind::Tuple &&
      right->type()->kind() == types::TypeKind::Tuple) {
    return concatenateTuples(*this, left, right, expr.range);
  }
  return emitBuiltin(ir::Symbol::fromQualString(binaryOperatorName(expr.op)),
                     {{expr.left->range, "", left}, {expr.right->range, "", right}}, expr.range);
}

ir::Value* FunctionEmitter::emitUnaryOp(const lang::UnaryOpExpr& expr) {
  switch (expr.op) {
    case lang::UnaryOpKind::Not: {
      ir::Value* operand = emitCondition(*expr.operand);
      // `not torch.jit.is_scripting()` stays a compile-time constant, so the branch it
      // guards is dropped unchecked (1.13 folds it the same way).
      bool known;
      if (isConstantBool(operand, known)) {
        if (operand->uses().empty()) operand->node()->destroy();
        return insertBoolConstant(!known, expr.range);
      }
      return emitBuiltin("aten::__not__", {operand}, expr.range);
    }
    case lang::UnaryOpKind::USub: {
      // `-1` is the constant -1 (as 1.13 folds it), not neg(1).
      if (auto* constant = expr.operand->as<lang::ConstantExpr>()) {
        if (constant->value.kind == lang::ConstantValue::Kind::Int) {
          return insertConstant(-constant->value.intValue, expr.range);
        }
        if (constant->value.kind == lang::ConstantValue::Kind::Float) {
          return insertConstant(-constant->value.floatValue, expr.range);
        }
      }
      return emitBuiltin("aten::neg", {emitValue(*expr.operand)}, expr.range);
    }
    case lang::UnaryOpKind::UAdd:
      return emitValue(*expr.operand);
    case lang::UnaryOpKind::Invert:
      return emitBuiltin("aten::bitwise_not", {emitValue(*expr.operand)}, expr.range);
  }
  return nullptr;
}

// A condition: must be a bool (a Tensor is converted with aten::Bool, as 1.13 does).
ir::Value* FunctionEmitter::emitCondition(const lang::Expr& expr) {
  ir::Value* value = emitValue(expr);
  types::TypeKind kind = value->type()->kind();
  if (kind == types::TypeKind::Bool) return value;
  if (kind == types::TypeKind::Tensor || kind == types::TypeKind::Int ||
      kind == types::TypeKind::Float) {
    return emitBuiltin("aten::Bool", {value}, expr.range);
  }
  if (kind == types::TypeKind::Str || kind == types::TypeKind::List ||
      kind == types::TypeKind::Dict) {
    // A str, list or dict is true when it is not empty (`if not why_not_fast_path:` in
    // nn.MultiheadAttention, `if not image_shapes:` in torchvision's poolers).
    ir::Value* length = emitBuiltin("aten::len", {value}, expr.range);
    return emitBuiltin("aten::gt", {length, insertConstant(int64_t(0), expr.range)}, expr.range);
  }
  throw lang::CompileError(expr.range, "expected a bool condition but found a value of type " +
                                           value->type()->annotationStr());
}

// One comparison `left op right`.
ir::Value* FunctionEmitter::emitComparison(lang::CmpOpKind op, ir::Value* left, ir::Value* right,
                                           const lang::SourceRange& range) {
  if (op == lang::CmpOpKind::In || op == lang::CmpOpKind::NotIn) {
    ir::Value* contained;
    if (right->type()->kind() == types::TypeKind::Str) {
      // `key in s` is `s.find(key, 0, len(s)) != -1` (1.13's str __contains__, inlined).
      ir::Value* length = emitBuiltin("aten::len", {right}, range);
      ir::Value* at = emitBuiltin("aten::find", {right, left, insertConstant(int64_t(0), range), length},
                                  range);
      contained = emitBuiltin("aten::ne", {at, insertConstant(int64_t(-1), range)}, range);
      return op == lang::CmpOpKind::In ? contained : emitBuiltin("aten::__not__", {contained}, range);
    }
    // `x in c` is c.__contains__(x).
    contained = emitBuiltin(ir::Symbol::fromQualString("aten::__contains__"),
                                       {{range, "", right}, {range, "", left}}, range);
    return op == lang::CmpOpKind::In ? contained : emitBuiltin("aten::__not__", {contained}, range);
  }
  if (op == lang::CmpOpKind::Is || op == lang::CmpOpKind::IsNot) {
    // Decided by the static types when one side is always None and the other always or never
    // is (`self.downsample is not None` for a submodule left None), as torch.jit decides it:
    // the branch that cannot run is then not compiled.
    auto alwaysNone = [](const ir::Value* v) { return v->type()->kind() == types::TypeKind::None; };
    auto neverNone = [](const ir::Value* v) { return !types::isSubtypeOf(types::noneType(), v->type()); };
    std::optional<bool> same;
    if (alwaysNone(left) && alwaysNone(right)) {
      same = true;
    } else if ((alwaysNone(left) && neverNone(right)) || (neverNone(left) && alwaysNone(right))) {
      same = false;
    }
    if (same) return insertBoolConstant((op == lang::CmpOpKind::Is) == *same, range);
  }
  return emitBuiltin(ir::Symbol::fromQualString(comparisonOperatorName(op)),
                     {{range, "", left}, {range, "", right}}, range);
}

// `a < b < c` is `a < b and b < c`, with b evaluated once and c only if a < b.
ir::Value* FunctionEmitter::emitCompare(const lang::CompareExpr& expr) {
  ir::Value* left = emitValue(*expr.left);
  ir::Value* right = emitValue(*expr.comparators[0]);
  ir::Value* result = emitComparison(expr.ops[0], left, right, expr.range);
  for (size_t i = 1; i < expr.ops.size(); ++i) {
    if (result->type()->kind() != types::TypeKind::Bool) {
      result = emitBuiltin("aten::Bool", {result}, expr.range);
    }
    ir::Node* node = insertNode(ir::prim::If, {result}, 1, expr.range);
    ir::Block* then = node->addBlock();
    ir::Block* otherwise = node->addBlock();
    {
      ir::WithInsertPoint guard(*graph_, then);
      left = right;
      right = emitValue(*expr.comparators[i]);
      ir::Value* compared = emitComparison(expr.ops[i], left, right, expr.range);
      if (compared->type()->kind() != types::TypeKind::Bool) {
        compared = emitBuiltin("aten::Bool", {compared}, expr.range);
      }
      then->registerOutput(compared);
    }
    {
      ir::WithInsertPoint guard(*graph_, otherwise);
      otherwise->registerOutput(insertBoolConstant(false, expr.range));
    }
    result = node->output()->setType(types::boolType());
  }
  return result;
}

// `a and b` / `a or b` short-circuit: a prim::If whose other branch is a constant.
ir::Value* FunctionEmitter::emitBoolOp(const lang::BoolOpExpr& expr) {
  ir::Value* result = emitCondition(*expr.values[0]);
  bool isAnd = expr.op == lang::BoolOpKind::And;
  // `x is None or x < 0`: each operand is evaluated only when the ones before it were all
  // true (and) / all false (or), so it sees what they prove.
  std::map<std::string, types::TypePtr> known;
  for (size_t i = 1; i < expr.values.size(); ++i) {
    // A compile-time constant that decides the result (`not is_scripting() and ...` is
    // False): the operands after it are not compiled, as in torch.jit.
    bool constant;
    if (isConstantBool(result, constant) && constant != isAnd) return result;
    Refinements previous = refinementsOf(*expr.values[i - 1]);
    for (const auto& [name, type] : isAnd ? previous.whenTrue : previous.whenFalse) known[name] = type;
    ir::Node* node = insertNode(ir::prim::If, {result}, 1, expr.range);
    ir::Block* then = node->addBlock();
    ir::Block* otherwise = node->addBlock();
    {
      ir::WithInsertPoint guard(*graph_, isAnd ? then : otherwise);
      pushScope();
      applyRefinements(known, expr.range);
      ir::Value* operand = emitCondition(*expr.values[i]);
      popScope();
      (isAnd ? then : otherwise)->registerOutput(operand);
    }
    {
      ir::WithInsertPoint guard(*graph_, isAnd ? otherwise : then);
      (isAnd ? otherwise : then)->registerOutput(insertBoolConstant(!isAnd, expr.range));
    }
    result = node->output()->setType(types::boolType());
  }
  return result;
}

ir::Value* FunctionEmitter::emitIfExpr(const lang::IfExpr& expr) {
  ir::Value* condition = emitCondition(*expr.test);
  // `0 if o is None else o`: each branch sees what the condition proves, as in an if statement.
  Refinements refinements = refinementsOf(*expr.test);
  ir::Node* node = insertNode(ir::prim::If, {condition}, 1, expr.range);
  ir::Value* branchValues[2];
  const lang::Expr* branches[2] = {expr.body.get(), expr.orelse.get()};
  for (size_t b = 0; b < 2; ++b) {
    ir::Block* block = node->addBlock();
    ir::WithInsertPoint guard(*graph_, block);
    pushScope();
    applyRefinements(b == 0 ? refinements.whenTrue : refinements.whenFalse, expr.range);
    branchValues[b] = emitValue(*branches[b]);
    popScope();
    block->registerOutput(branchValues[b]);
  }
  std::optional<types::TypePtr> type = types::unifyTypes(branchValues[0]->type(), branchValues[1]->type());
  if (!type) {
    throw lang::CompileError(expr.range, "the two branches of the conditional expression have "
                                         "different types: " +
                                             branchValues[0]->type()->annotationStr() + " and " +
                                             branchValues[1]->type()->annotationStr());
  }
  return node->output()->setType(*type);
}

ir::Value* FunctionEmitter::emitSubscript(const lang::SubscriptExpr& expr) {
  ir::Value* container = emitValue(*expr.value);
  if (container->type()->kind() == types::TypeKind::Class) {
    // self.layers[0]: an element of a module container.
    if (auto object = std::dynamic_pointer_cast<ObjectValue>(objectValue(container))) {
      return object->item(expr.range, *this, emitValue(*expr.slice))->asValue(expr.range, *this);
    }
  }
  if (container->type()->kind() == types::TypeKind::Tensor) {
    return emitTensorSubscript(container, *expr.slice, expr.range);
  }
  if (const auto* slice = expr.slice->as<lang::SliceExpr>()) {
    std::vector<NamedValue> args{{expr.range, "", container}};
    auto bound = [&](const lang::ExprPtr& part) {
      return part ? emitValue(*part) : insertNoneConstant(expr.range);
    };
    if (container->type()->kind() == types::TypeKind::Tensor) {
      args.push_back({expr.range, "", insertConstant(int64_t(0))});
    }
    args.push_back({expr.range, "", bound(slice->lower)});
    args.push_back({expr.range, "", bound(slice->upper)});
    args.push_back({expr.range, "", slice->step ? emitValue(*slice->step) : insertConstant(int64_t(1))});
    if (container->type()->kind() == types::TypeKind::Tuple) {
      ir::Value* result = sliceTuple(*this, container, args[1].value, args[2].value, args[3].value,
                                     expr.range);
      // The bounds were only needed at compile time.
      for (size_t i = 1; i < args.size(); ++i) discardUnusedConstant(args[i].value);
      return result;
    }
    return emitBuiltin(ir::Symbol::fromQualString("aten::slice"), args, expr.range);
  }
  if (expr.slice->kind == lang::ExprKind::Tuple) {
    unsupported(expr.range, "indexing this value with a tuple is not supported by tscript yet", "index one dimension at a time: x[i][j]");
  }
  ir::Value* index = emitValue(*expr.slice);
  if (container->type()->kind() == types::TypeKind::Tensor &&
      index->type()->kind() == types::TypeKind::Int) {
    return emitBuiltin("aten::select", {container, insertConstant(int64_t(0)), index}, expr.range);
  }
  if (container->type()->kind() == types::TypeKind::Tuple) {
    ir::Node* indexNode = index->node();
    auto* tuple = container->type()->as<types::TupleType>();
    if (indexNode->kind() != ir::prim::Constant || !indexNode->hasAttribute("value")) {
      // A run-time index is fine when every element has the same type (1.13 allows it).
      const auto& elements = tuple->elements();
      bool homogeneous = !elements.empty() && index->type()->kind() == types::TypeKind::Int &&
                         std::all_of(elements.begin(), elements.end(),
                                     [&](const types::TypePtr& t) { return *t == *elements[0]; });
      if (!homogeneous) {
        throw lang::CompileError(expr.slice->range,
                                 "a tuple index must be an integer literal: the type of the "
                                 "element depends on it (" + container->type()->annotationStr() +
                                     "); use a constant index, or a List if the elements share "
                                     "one type");
      }
      ir::Node* node = insertNode(ir::Symbol::make("prim", "TupleIndex"), {container, index}, 1, expr.range);
      return node->output()->setType(elements[0]);
    }
    int64_t i = indexNode->i("value");
    int64_t size = static_cast<int64_t>(tuple->elements().size());
    if (i < 0) i += size;
    if (i < 0 || i >= size) {
      throw lang::CompileError(expr.slice->range,
                               "tuple index " + std::to_string(indexNode->i("value")) +
                                   " is out of range for " + container->type()->annotationStr() +
                                   " (" + std::to_string(size) + " elements)");
    }
    ir::Node* node = insertNode(ir::Symbol::make("prim", "TupleIndex"), {container, insertConstant(i)}, 1, expr.range);
    return node->output()->setType(tuple->elements()[i]);
  }
  return emitBuiltin("aten::__getitem__", {container, index}, expr.range);
}

ir::Value* FunctionEmitter::emitListLiteral(const lang::ListExpr& expr, const types::TypePtr& hint) {
  std::vector<ir::Value*> elements;
  for (const lang::ExprPtr& element : expr.elts) elements.push_back(emitValue(*element));
  types::TypePtr elementType;
  if (hint) {
    auto* list = hint->as<types::ListType>();
    if (!list) {
      throw lang::CompileError(expr.range, "a list literal cannot have type " + hint->annotationStr());
    }
    elementType = list->element();
  } else if (elements.empty()) {
    elementType = types::tensorType();  // `[]` is List[Tensor] unless annotated (1.13)
  } else {
    std::optional<types::TypePtr> unified = elements[0]->type();
    for (size_t i = 1; i < elements.size() && unified; ++i) {
      unified = types::unifyTypes(*unified, elements[i]->type());
    }
    if (!unified) {
      throw lang::CompileError(expr.range, "list elements have different types; annotate the list "
                                           "(x: List[T] = [...])");
    }
    elementType = *unified;
  }
  for (size_t i = 0; i < elements.size(); ++i) {
    if (!types::isSubtypeOf(elements[i]->type(), elementType)) {
      throw lang::CompileError(expr.elts[i]->range, "list element of type " +
                                                        elements[i]->type()->annotationStr() +
                                                        " does not match the list type " +
                                                        types::listOf(elementType)->annotationStr());
    }
  }
  ir::Node* node = insertNode(ir::Symbol::make("prim", "ListConstruct"), elements, 1, expr.range);
  return node->output()->setType(types::listOf(elementType));
}

ir::Value* FunctionEmitter::emitDictLiteral(const lang::DictExpr& expr, const types::TypePtr& hint) {
  std::vector<ir::Value*> inputs;
  types::TypePtr keyType;
  types::TypePtr valueType;
  if (hint) {
    auto* dict = hint->as<types::DictType>();
    if (!dict) throw lang::CompileError(expr.range, "a dict literal cannot have type " + hint->annotationStr());
    keyType = dict->key();
    valueType = dict->value();
  }
  for (size_t i = 0; i < expr.keys.size(); ++i) {
    if (!expr.keys[i]) unsupported(expr.values[i]->range, "dict unpacking (**) in dict literals is not supported in TorchScript", "copy the items in a loop: for k, v in other.items(): d[k] = v");
    ir::Value* key = emitValue(*expr.keys[i]);
    ir::Value* value = emitValue(*expr.values[i]);
    if (!hint && i == 0) {
      keyType = key->type();
      valueType = value->type();
    }
    if (!types::isSubtypeOf(key->type(), keyType) || !types::isSubtypeOf(value->type(), valueType)) {
      throw lang::CompileError(expr.keys[i]->range, "dict entries have different types; annotate "
                                                    "the dict (d: Dict[K, V] = {...})");
    }
    inputs.push_back(key);
    inputs.push_back(value);
  }
  if (!keyType) {  // `{}` is Dict[str, Tensor] unless annotated (1.13)
    keyType = types::strType();
    valueType = types::tensorType();
  }
  ir::Node* node = insertNode(ir::Symbol::make("prim", "DictConstruct"), inputs, 1, expr.range);
  return node->output()->setType(types::dictOf(keyType, valueType));
}

// f"a{x}b" is aten::format("a{}b", x), as in 1.13 (format specs are not supported there).
ir::Value* FunctionEmitter::emitJoinedStr(const lang::JoinedStrExpr& expr) {
  std::string format;
  std::vector<ir::Value*> arguments;
  for (const lang::ExprPtr& part : expr.values) {
    if (auto* constant = part->as<lang::ConstantExpr>()) {
      for (char c : constant->value.text) {
        format += c;
        if (c == '{' || c == '}') format += c;  // literal braces survive str.format
      }
      continue;
    }
    const auto& field = *part->as<lang::FormattedValueExpr>();
    if (field.formatSpec || field.conversion != -1) {
      unsupported(part->range, "format specs and conversions in f-strings are not supported in TorchScript",
                  "format the value with str() or str.format() first");
    }
    format += "{}";
    arguments.push_back(emitValue(*field.value));
  }
  std::vector<NamedValue> args{{expr.range, "", insertStringConstant(format, expr.range)}};
  for (ir::Value* argument : arguments) args.push_back({expr.range, "", argument});
  return emitBuiltin(ir::Symbol::fromQualString("aten::format"), args, expr.range);
}

ir::Value* FunctionEmitter::emitValueWithHint(const lang::Expr& expr, const types::TypePtr& hint) {
  if (hint && expr.kind == lang::ExprKind::List) return emitListLiteral(*expr.as<lang::ListExpr>(), hint);
  if (hint && expr.kind == lang::ExprKind::Dict) return emitDictLiteral(*expr.as<lang::DictExpr>(), hint);
  if (const auto* call = expr.as<lang::CallExpr>()) {
    const auto* method = call->func->as<lang::AttributeExpr>();
    if (method && method->attr == "tolist") return emitToList(*call, hint);
  }
  return emitValue(expr);
}

// `x.tolist()`: prim::tolist(x, list depth, element kind) typed by the context's hint, since
// the tensor's rank and dtype are only known at run time.
ir::Value* FunctionEmitter::emitToList(const lang::CallExpr& call, const types::TypePtr& hint) {
  const auto& method = *call.func->as<lang::AttributeExpr>();
  SugaredValuePtr object = emitSugared(*method.value);
  auto* simple = dynamic_cast<SimpleValue*>(object.get());
  if (!simple || simple->value()->type()->kind() != types::TypeKind::Tensor) {
    return emitCallOn(call, object->attr(call.func->range, *this, method.attr))->asValue(call.range, *this);
  }
  if (!call.args.empty() || !call.keywords.empty()) {
    throw lang::CompileError(call.range, "tolist() takes no arguments");
  }
  if (!hint) throw lang::CompileError(call.range, "Expected type hint for result of tolist()");
  int64_t depth = 0;
  types::TypePtr element = hint;
  while (auto* list = element->as<types::ListType>()) {
    element = list->element();
    ++depth;
  }
  int64_t kind;  // prim::tolist's element kinds
  switch (element->kind()) {
    case types::TypeKind::Int: kind = 0; break;
    case types::TypeKind::Float: kind = 1; break;
    case types::TypeKind::Bool: kind = 2; break;
    default:
      throw lang::CompileError(call.range, "Output annotation element type for tolist() must be "
                                           "int, float or bool, found " + hint->annotationStr());
  }
  ir::Node* node = insertNode(ir::Symbol::make("prim", "tolist"),
                              {simple->value(), insertConstant(depth), insertConstant(kind)}, 1,
                              call.range);
  return node->output()->setType(hint);
}

// As in torch.jit 1.13: the hint types empty containers and None (`annotate(Optional[int],
// None)` is a None of type int?); a tensor becomes the number T names (aten::FloatImplicit);
// any other value must already be of type T, and keeps its own type.
namespace {

bool isToListCall(const lang::Expr& expression) {
  const auto* call = expression.as<lang::CallExpr>();
  const auto* method = call ? call->func->as<lang::AttributeExpr>() : nullptr;
  return method && method->attr == "tolist";
}

}  // namespace

ir::Value* FunctionEmitter::emitAnnotate(const lang::CallExpr& call) {
  if (call.args.size() != 2 || !call.keywords.empty()) {
    throw lang::CompileError(call.range, "annotate() takes exactly two positional arguments: a "
                                         "type and a value, as in annotate(List[int], [])");
  }
  types::TypePtr type = annotationType(*call.args[0]);
  const lang::Expr& expression = *call.args[1];
  ir::Value* value;
  const auto* constant = expression.as<lang::ConstantExpr>();
  if (const auto* list = expression.as<lang::ListExpr>()) {
    value = emitListLiteral(*list, type);
  } else if (const auto* dict = expression.as<lang::DictExpr>()) {
    value = emitDictLiteral(*dict, type);
  } else if (constant && constant->value.kind == lang::ConstantValue::Kind::None &&
             types::isSubtypeOf(types::noneType(), type)) {
    value = insertNoneConstant(expression.range)->setType(type);
  } else if (isToListCall(expression)) {
    // `annotate(List[float], t.tolist())`: how 1.13 prints `x: List[float] = t.tolist()`.
    value = emitToList(*expression.as<lang::CallExpr>(), type);
  } else {
    value = emitValue(expression);
  }
  if (value->type()->kind() == types::TypeKind::Tensor) {
    switch (type->kind()) {
      case types::TypeKind::Int: return emitBuiltin("aten::IntImplicit", {value}, call.range);
      case types::TypeKind::Float: return emitBuiltin("aten::FloatImplicit", {value}, call.range);
      case types::TypeKind::Number: return emitBuiltin("aten::ScalarImplicit", {value}, call.range);
      default: break;
    }
  }
  if (!types::isSubtypeOf(value->type(), type)) {
    throw lang::CompileError(expression.range, "annotate() expected an expression of type " +
                                                   type->annotationStr() + " but found " +
                                                   value->type()->annotationStr());
  }
  return value;
}

ir::Value* FunctionEmitter::emitTypeArgumentBuiltin(const lang::CallExpr& call,
                                                    TypeArgumentBuiltin::Which which) {
  bool cast = which == TypeArgumentBuiltin::Which::UncheckedCast;
  size_t arity = cast ? 2 : 1;
  if (call.args.size() != arity || !call.keywords.empty()) {
    throw lang::CompileError(call.range, cast ? "unchecked_cast() takes a type and a value, as in "
                                                "unchecked_cast(List[int], x)"
                                              : "uninitialized() takes a type, as in "
                                                "uninitialized(Tensor)");
  }
  types::TypePtr type = annotationType(*call.args[0]);
  if (!cast) return insertNode(kinds::uninitialized(), {}, 1, {})->output()->setType(type);
  ir::Value* value = emitValue(*call.args[1]);
  ir::Node* node = insertNode(ir::Symbol::make("prim", "unchecked_cast"), {value}, 1, call.range);
  return node->output()->setType(type);
}

SugaredValuePtr FunctionEmitter::emitCall(const lang::CallExpr& expr) {
  // isinstance takes a type, not a value, as its second argument: handled by syntax (unless
  // a local variable shadows the name).
  if (isIsinstanceCallee(*expr.func)) return std::make_shared<SimpleValue>(emitIsinstance(expr));
  if (const auto* name = expr.func->as<lang::NameExpr>()) {
  }
  if (const auto* method = expr.func->as<lang::AttributeExpr>(); method && method->attr == "tolist") {
    return std::make_shared<SimpleValue>(emitToList(expr, nullptr));
  }
  SugaredValuePtr callee = emitSugared(*expr.func);
  if (dynamic_cast<const AnnotateFunction*>(callee.get())) {
    return std::make_shared<SimpleValue>(emitAnnotate(expr));
  }
  if (const auto* typed = dynamic_cast<const TypeArgumentBuiltin*>(callee.get())) {
    return std::make_shared<SimpleValue>(emitTypeArgumentBuiltin(expr, typed->which()));
  }
  if (const auto* special = dynamic_cast<const SpecialBuiltin*>(callee.get())) {
    if (special->which() == SpecialBuiltin::Which::Enumerate ||
        special->which() == SpecialBuiltin::Which::Zip) {
      return emitIterationCall(expr, special->which() == SpecialBuiltin::Which::Enumerate);
    }
    if (special->which() == SpecialBuiltin::Which::List && expr.args.size() == 1 &&
        expr.keywords.empty() && expr.args[0]->kind != lang::ExprKind::Starred) {
      // list(range(...)) is the range's new list itself (torch.jit builds no copy of it).
      SugaredValuePtr iterable = emitSugared(*expr.args[0]);
      if (dynamic_cast<const RangeValue*>(iterable.get())) {
        return std::make_shared<SimpleValue>(iterable->asValue(expr.args[0]->range, *this));
      }
      return callee->call(expr.range, *this,
                          {{expr.args[0]->range, "", iterable->asValue(expr.args[0]->range, *this)}});
    }
    if (special->which() == SpecialBuiltin::Which::Reversed && expr.args.size() == 1 &&
        expr.keywords.empty() && expr.args[0]->kind != lang::ExprKind::Starred) {
      // Kept sugared, so `reversed(range(n))` and `reversed(a_tuple)` need no list.
      return std::make_shared<ReversedValue>(emitSugared(*expr.args[0]));
    }
  }
  return emitCallOn(expr, callee);
}

SugaredValuePtr FunctionEmitter::emitIterationCall(const lang::CallExpr& expr, bool enumerate) {
  const char* name = enumerate ? "enumerate" : "zip";
  std::vector<SugaredValuePtr> iterables;
  for (const lang::ExprPtr& arg : expr.args) {
    if (arg->kind == lang::ExprKind::Starred) {
      unsupported(arg->range, std::string("starred arguments of ") + name + "() are not supported "
                              "by tscript", "pass the iterables one by one");
    }
    iterables.push_back(emitSugared(*arg));
  }
  ir::Value* start = nullptr;
  for (const lang::Keyword& keyword : expr.keywords) {
    if (!enumerate || !keyword.arg || *keyword.arg != "start") {
      throw lang::CompileError(keyword.range, std::string(name) + "() got an unexpected keyword "
                                              "argument '" + keyword.arg.value_or("**") + "'");
    }
    start = emitValue(*keyword.value);
  }
  if (enumerate) {
    if (iterables.size() == 2 && !start) {
      start = iterables[1]->asValue(expr.args[1]->range, *this);
      iterables.pop_back();
    }
    if (iterables.size() != 1) {
      throw lang::CompileError(expr.range, "enumerate() takes 1 or 2 arguments (" +
                                               std::to_string(expr.args.size() + expr.keywords.size()) +
                                               " given)");
    }
  } else if (iterables.empty()) {
    throw lang::CompileError(expr.range, "zip() needs at least one argument");
  }
  return std::make_shared<IterationBuiltin>(name, std::move(iterables), start);
}

SugaredValuePtr FunctionEmitter::emitCallOn(const lang::CallExpr& expr, const SugaredValuePtr& callee) {
  std::vector<NamedValue> args;
  for (const lang::ExprPtr& arg : expr.args) {
    if (arg->kind == lang::ExprKind::Starred) {
      // `f(*t)` of a tuple: its elements are the arguments (the count is known statically).
      const lang::Expr& starred = *arg->as<lang::StarredExpr>()->value;
      SugaredValuePtr sequence = emitSugared(starred);
      std::optional<std::vector<SugaredValuePtr>> elements = sequence->unrolledElements(arg->range, *this);
      if (!elements) {
        unsupported(arg->range, "starred arguments (*args) in calls are supported only for tuples, "
                                "whose length is known when compiling; this is a " +
                                    sequence->asValue(arg->range, *this)->type()->annotationStr(),
                    "pass the arguments one by one");
      }
      for (const SugaredValuePtr& element : *elements) {
        args.push_back({arg->range, "", element->asValue(arg->range, *this)});
      }
      continue;
    }
    args.push_back({arg->range, "", emitValue(*arg)});
  }
  for (const lang::Keyword& keyword : expr.keywords) {
    if (!keyword.arg) unsupported(keyword.range, "keyword argument unpacking (**kwargs) in calls is not supported in TorchScript", "pass the keyword arguments one by one");
    args.push_back({keyword.range, *keyword.arg, emitValue(*keyword.value)});
  }
  return callee->call(expr.range, *this, std::move(args));
}

}  // namespace tscript::compiler
