#include "compiler/script_builtins.h"

#include <unordered_map>

namespace tscript::compiler {

namespace {

ir::Value* emitOp(const OperatorMatcher& matcher, ir::Graph& graph, const char* op,
                  std::vector<ir::Value*> inputs, const lang::SourceRange& range) {
  std::vector<NamedValue> args;
  for (ir::Value* input : inputs) args.push_back({range, "", input});
  return matcher.emit(graph, ir::Symbol::fromQualString(op), args, range);
}

// `scalar OP tensor` for a commutative (or mirrored) operator: `tensor MIRROR scalar`.
template <const char* Mirror>
ir::Value* swapped(const OperatorMatcher& matcher, ir::Graph& graph,
                   const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  return emitOp(matcher, graph, Mirror, {inputs[1], inputs[0]}, range);
}

// a - b is torch.neg(b) + a.
ir::Value* scalarMinusTensor(const OperatorMatcher& matcher, ir::Graph& graph,
                             const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  ir::Value* negated = emitOp(matcher, graph, "aten::neg", {inputs[1]}, range);
  return emitOp(matcher, graph, "aten::add", {negated, inputs[0]}, range);
}

// a / b is torch.reciprocal(b) * a.
ir::Value* scalarOverTensor(const OperatorMatcher& matcher, ir::Graph& graph,
                            const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  ir::Value* reciprocal = emitOp(matcher, graph, "aten::reciprocal", {inputs[1]}, range);
  return emitOp(matcher, graph, "aten::mul", {reciprocal, inputs[0]}, range);
}

// self // other is torch.floor_divide(self, other).
ir::Value* floorDivide(const OperatorMatcher& matcher, ir::Graph& graph,
                       const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  return emitOp(matcher, graph, "aten::floor_divide", {inputs[0], inputs[1]}, range);
}

// _pair(x: BroadcastingList2[int]) -> List[int]: return x (and _single, _triple, _quadruple,
// for int and float): the repetition happens when the argument is matched.
ir::Value* identity(const OperatorMatcher&, ir::Graph&, const std::vector<ir::Value*>& inputs,
                    const lang::SourceRange&) {
  return inputs[0];
}

// list_with_default(out_size: List[int], defaults: List[int]):
//   assert len(defaults) > len(out_size)
//   return out_size
ir::Value* listWithDefault(const OperatorMatcher& matcher, ir::Graph& graph,
                           const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  ir::Value* defaultsLength = emitOp(matcher, graph, "aten::len", {inputs[1]}, range);
  ir::Value* sizeLength = emitOp(matcher, graph, "aten::len", {inputs[0]}, range);
  ir::Value* longer = emitOp(matcher, graph, "aten::gt", {defaultsLength, sizeLength}, range);
  ir::Node* check = graph.insert(ir::prim::If, {longer}, 0);
  check->setSourceRange(range);
  check->addBlock();
  ir::Block* raise = check->addBlock();
  {
    ir::WithInsertPoint guard(graph, raise);
    ir::Value* message = insertConstantValue(graph, ir::ConstantValue::fromString("AssertionError: "),
                                             types::strType(), range);
    ir::Value* none = insertConstantValue(graph, ir::ConstantValue::none(), types::noneType(), range);
    ir::Node* node = graph.insert(ir::Symbol::make("prim", "RaiseException"), {message, none}, 0);
    node->setSourceRange(range);
  }
  return inputs[0];
}

// torch._assert(condition, message): `assert condition, message` (a Tensor condition is
// converted with aten::Bool first).
ir::Value* assertBody(const OperatorMatcher& matcher, ir::Graph& graph,
                      const std::vector<ir::Value*>& inputs, const lang::SourceRange& range) {
  ir::Value* condition = inputs[0];
  if (condition->type()->kind() == types::TypeKind::Tensor) {
    condition = emitOp(matcher, graph, "aten::Bool", {condition}, range);
  }
  ir::Node* check = graph.insert(ir::prim::If, {condition}, 0);
  check->setSourceRange(range);
  check->addBlock();
  ir::Block* raise = check->addBlock();
  {
    ir::WithInsertPoint guard(graph, raise);
    ir::Value* prefix = insertConstantValue(graph, ir::ConstantValue::fromString("AssertionError: "),
                                            types::strType(), range);
    ir::Value* message = emitOp(matcher, graph, "aten::add", {prefix, inputs[1]}, range);
    ir::Value* none = insertConstantValue(graph, ir::ConstantValue::none(), types::noneType(), range);
    ir::Node* node = graph.insert(ir::Symbol::make("prim", "RaiseException"), {message, none}, 0);
    node->setSourceRange(range);
  }
  return insertConstantValue(graph, ir::ConstantValue::none(), types::noneType(), range);
}

constexpr char kMul[] = "aten::mul";
constexpr char kAdd[] = "aten::add";
constexpr char kEq[] = "aten::eq";
constexpr char kNe[] = "aten::ne";
constexpr char kLt[] = "aten::lt";
constexpr char kLe[] = "aten::le";
constexpr char kGt[] = "aten::gt";
constexpr char kGe[] = "aten::ge";

SchemaView schemaOf(const std::string& name, types::TypePtr first, const char* firstName,
                    types::TypePtr second, const char* secondName) {
  SchemaView view;
  view.name = "aten::" + name;
  view.arguments.push_back({firstName, first, std::nullopt, false, false, std::nullopt});
  view.arguments.push_back({secondName, second, std::nullopt, false, false, std::nullopt});
  view.returns.push_back(types::tensorType());
  view.text = name + "(" + first->annotationStr() + " " + firstName + ", " +
              second->annotationStr() + " " + secondName + ") -> Tensor";
  return view;
}

using Body = decltype(ScriptBuiltin::body);

std::unordered_map<std::string, std::vector<ScriptBuiltin>> buildTable() {
  std::unordered_map<std::string, std::vector<ScriptBuiltin>> table;
  // scalar OP tensor, one function per scalar type (1.13's order: float, int, complex);
  // the comparisons have no complex version.
  struct Reflected {
    const char* name;
    Body body;
    bool complex;
  };
  const Reflected reflected[] = {
      {"mul", swapped<kMul>, true},          {"add", swapped<kAdd>, true},
      {"ne", swapped<kNe>, true},            {"eq", swapped<kEq>, true},
      {"sub", scalarMinusTensor, true},      {"div", scalarOverTensor, true},
      {"lt", swapped<kGt>, false},           {"le", swapped<kGe>, false},
      {"gt", swapped<kLt>, false},           {"ge", swapped<kLe>, false},
  };
  for (const Reflected& op : reflected) {
    std::vector<types::TypePtr> scalars = {types::floatType(), types::intType()};
    if (op.complex) scalars.push_back(types::complexType());
    for (const types::TypePtr& scalar : scalars) {
      table[std::string("aten::") + op.name].push_back(
          {schemaOf(op.name, scalar, "a", types::tensorType(), "b"), op.body});
    }
  }
  for (const types::TypePtr& right : {types::numberType(), types::tensorType()}) {
    table["aten::floordiv"].push_back(
        {schemaOf("floordiv", types::tensorType(), "self", right, "other"), floorDivide});
  }
  const std::pair<const char*, int64_t> tuples[] = {
      {"_single", 1}, {"_pair", 2}, {"_triple", 3}, {"_quadruple", 4}};
  for (const auto& [name, size] : tuples) {
    for (const types::TypePtr& element : {types::intType(), types::floatType()}) {
      SchemaView view;
      view.name = std::string("aten::") + name;
      view.arguments.push_back({"x", types::listOf(element), size, false, false, std::nullopt});
      view.returns.push_back(types::listOf(element));
      view.text = std::string(name) + "(" + element->annotationStr() + "[" + std::to_string(size) +
                  "] x) -> " + element->annotationStr() + "[]";
      table[view.name].push_back({std::move(view), identity});
    }
  }
  {
    SchemaView view;
    view.name = "aten::list_with_default";
    view.arguments.push_back({"out_size", types::listOf(types::intType()), std::nullopt, false, false, std::nullopt});
    view.arguments.push_back({"defaults", types::listOf(types::intType()), std::nullopt, false, false, std::nullopt});
    view.returns.push_back(types::listOf(types::intType()));
    view.text = "list_with_default(int[] out_size, int[] defaults) -> int[]";
    table[view.name].push_back({std::move(view), listWithDefault});
  }
  for (const types::TypePtr& condition : {types::boolType(), types::tensorType()}) {
    SchemaView view;
    view.name = "aten::_assert";
    view.arguments.push_back({"condition", condition, std::nullopt, false, false, std::nullopt});
    view.arguments.push_back({"message", types::strType(), std::nullopt, false, false, std::nullopt});
    view.returns.push_back(types::noneType());
    view.text = "_assert(" + condition->annotationStr() + " condition, str message) -> NoneType";
    table[view.name].push_back({std::move(view), assertBody});
  }
  return table;
}

}  // namespace

const std::vector<ScriptBuiltin>& scriptBuiltinsFor(ir::Symbol op) {
  static const auto* const table =
      new std::unordered_map<std::string, std::vector<ScriptBuiltin>>(buildTable());
  static const std::vector<ScriptBuiltin> kNone;
  auto found = table->find(std::string(op.toQualString()));
  return found == table->end() ? kNone : found->second;
}

}  // namespace tscript::compiler
