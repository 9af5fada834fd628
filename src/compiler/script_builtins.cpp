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
