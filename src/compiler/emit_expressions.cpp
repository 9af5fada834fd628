// Expressions (see function_emitter.h): operators, literals, subscripts, calls, f-strings.
#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/function_emitter.h"
#include "compiler/symbols.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

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
  sourceLiterals_.erase(node);
  node->destroy();
}

ir::Value* FunctionEmitter::emitBuiltin(const char* qualifiedOp, std::vector<ir::Value*> inputs,
                                        const lang::SourceRange& range) {
  std::vector<NamedValue> args;
  for (ir::Value* input : inputs) args.push_back({range, "", input});
  return emitBuiltin(ir::Symbol::fromQualString(qualifiedOp), args, range);
}

ir::Value* FunctionEmitter::emitBuiltin(ir::Symbol op, const std::vector<NamedValue>& args,
                                        const lang::SourceRange& range) {
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
      if (SugaredValuePtr global = resolver_.resolveValue(name, expr.range)) return global;
      throw lang::CompileError(expr.range, "undefined value " + name);
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
          unsupported(element->range, "Starred expressions in tuples");
        }
        elements.push_back(emitSugared(*element));
      }
      return std::make_shared<SugaredTuple>(std::move(elements));
    }
    case lang::ExprKind::JoinedStr:
      return simple(emitJoinedStr(*expr.as<lang::JoinedStrExpr>()));
    case lang::ExprKind::Lambda:
      unsupported(expr.range, "Lambdas", "define a function and call it");
    case lang::ExprKind::NamedExpr:
      unsupported(expr.range, "Assignment expressions (:=)", "assign in a statement before");
    case lang::ExprKind::Set:
    case lang::ExprKind::SetComp:
      unsupported(expr.range, "Sets", "use a list or a dict with None values");
    case lang::ExprKind::Yield:
    case lang::ExprKind::YieldFrom:
      unsupported(expr.range, "Generators (yield)", "build and return a list");
    case lang::ExprKind::Await:
      unsupported(expr.range, "await expressions");
    case lang::ExprKind::Starred:
      unsupported(expr.range, "Starred expressions");
    case lang::ExprKind::Slice:
      unsupported(expr.range, "Slices outside of subscripts");
    case lang::ExprKind::ListComp:
      return simple(emitListComprehension(*expr.as<lang::ListCompExpr>()));
    case lang::ExprKind::DictComp:
      return simple(emitDictComprehension(*expr.as<lang::DictCompExpr>()));
    case lang::ExprKind::GeneratorExp:
      unsupported(expr.range, "Generator expressions", "use a list comprehension: [... for ...]");
    case lang::ExprKind::FormattedValue:
      break;
  }
  throw lang::CompileError(expr.range, "unexpected expression");
}

ir::Value* FunctionEmitter::literal(ir::Value* constant) {
  sourceLiterals_.insert(constant->node());
  return constant;
}

ir::Value* FunctionEmitter::emitConstant(const lang::ConstantExpr& expr) {
  const lang::ConstantValue& value = expr.value;
  switch (value.kind) {
    case lang::ConstantValue::Kind::None: return literal(insertNoneConstant(expr.range));
    case lang::ConstantValue::Kind::True: return literal(insertBoolConstant(true, expr.range));
    case lang::ConstantValue::Kind::False: return literal(insertBoolConstant(false, expr.range));
    case lang::ConstantValue::Kind::Int: return literal(insertConstant(value.intValue, expr.range));
    case lang::ConstantValue::Kind::Float: return literal(insertConstant(value.floatValue, expr.range));
    case lang::ConstantValue::Kind::Str: return literal(insertStringConstant(value.text, expr.range));
    case lang::ConstantValue::Kind::BigInt:
      throw lang::CompileError(expr.range, "integer literal " + value.text +
                                               " does not fit in 64 bits (TorchScript ints are int64)");
    case lang::ConstantValue::Kind::Imaginary:
      unsupported(expr.range, "Complex literals", "tscript does not compile them yet");
    case lang::ConstantValue::Kind::Bytes:
      unsupported(expr.range, "Bytes literals", "use str");
    case lang::ConstantValue::Kind::Ellipsis:
      unsupported(expr.range, "'...' outside of tensor indexing");
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
    case lang::UnaryOpKind::Not:
      return emitBuiltin("aten::__not__", {emitCondition(*expr.operand)}, expr.range);
    case lang::UnaryOpKind::USub: {
      // `-1` is the constant -1 (as 1.13 folds it), not neg(1).
      if (auto* constant = expr.operand->as<lang::ConstantExpr>()) {
        if (constant->value.kind == lang::ConstantValue::Kind::Int) {
          return literal(insertConstant(-constant->value.intValue, expr.range));
        }
        if (constant->value.kind == lang::ConstantValue::Kind::Float) {
          return literal(insertConstant(-constant->value.floatValue, expr.range));
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
  for (size_t i = 1; i < expr.values.size(); ++i) {
    ir::Node* node = insertNode(ir::prim::If, {result}, 1, expr.range);
    ir::Block* then = node->addBlock();
    ir::Block* otherwise = node->addBlock();
    bool isAnd = expr.op == lang::BoolOpKind::And;
    {
      ir::WithInsertPoint guard(*graph_, isAnd ? then : otherwise);
      (isAnd ? then : otherwise)->registerOutput(emitCondition(*expr.values[i]));
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
  ir::Node* node = insertNode(ir::prim::If, {condition}, 1, expr.range);
  ir::Value* branchValues[2];
  const lang::Expr* branches[2] = {expr.body.get(), expr.orelse.get()};
  for (size_t b = 0; b < 2; ++b) {
    ir::Block* block = node->addBlock();
    ir::WithInsertPoint guard(*graph_, block);
    branchValues[b] = emitValue(*branches[b]);
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
    unsupported(expr.range, "Multi-dimensional indexing", "tscript does not compile it yet");
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
        throw lang::CompileError(expr.slice->range, "tuple indices must be integer literals "
                                                    "unless all the elements have one type");
      }
      ir::Node* node = insertNode(ir::Symbol::make("prim", "TupleIndex"), {container, index}, 1, expr.range);
      return node->output()->setType(elements[0]);
    }
    int64_t i = indexNode->i("value");
    int64_t size = static_cast<int64_t>(tuple->elements().size());
    if (i < 0) i += size;
    if (i < 0 || i >= size) {
      throw lang::CompileError(expr.slice->range, "tuple index out of range");
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
    if (!expr.keys[i]) unsupported(expr.values[i]->range, "Dict unpacking (**)");
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
      unsupported(part->range, "Format specs and conversions in f-strings",
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

SugaredValuePtr FunctionEmitter::emitCall(const lang::CallExpr& expr) {
  // isinstance takes a type, not a value, as its second argument: handled by syntax (unless
  // a local variable shadows the name).
  if (const auto* name = expr.func->as<lang::NameExpr>()) {
    if (name->id == "isinstance" && !variableType("isinstance")) {
      return std::make_shared<SimpleValue>(emitIsinstance(expr));
    }
  }
  if (const auto* method = expr.func->as<lang::AttributeExpr>(); method && method->attr == "tolist") {
    return std::make_shared<SimpleValue>(emitToList(expr, nullptr));
  }
  return emitCallOn(expr, emitSugared(*expr.func));
}

SugaredValuePtr FunctionEmitter::emitCallOn(const lang::CallExpr& expr, const SugaredValuePtr& callee) {
  std::vector<NamedValue> args;
  for (const lang::ExprPtr& arg : expr.args) {
    if (arg->kind == lang::ExprKind::Starred) {
      unsupported(arg->range, "Starred arguments (*args) in calls", "pass the arguments one by one");
    }
    args.push_back({arg->range, "", emitValue(*arg)});
  }
  for (const lang::Keyword& keyword : expr.keywords) {
    if (!keyword.arg) unsupported(keyword.range, "Keyword argument unpacking (**kwargs) in calls");
    args.push_back({keyword.range, *keyword.arg, emitValue(*keyword.value)});
  }
  return callee->call(expr.range, *this, std::move(args));
}

}  // namespace tscript::compiler
