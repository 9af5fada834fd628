// See upgraders.h.
#include "archive/upgraders.h"

#include <algorithm>
#include <map>

#include "compiler/function_emitter.h"
#include "compiler/inline_calls.h"
#include "compiler/schema_matching.h"
#include "ir/ir.h"
#include "passes/constant_propagation.h"
#include "runtime/constants.h"
#include "runtime/operation_resolver.h"
#include "types/type.h"

namespace tscript::archive {

namespace {

using compiler::NamedValue;
using compiler::SugaredValuePtr;

const ir::Symbol kDiv = ir::Symbol::make("aten", "div");
const ir::Symbol kDivInPlace = ir::Symbol::make("aten", "div_");

// Written for this project from the rules of ARCHIVE_FORMAT.md §1.4. Bodies name operators
// as printed code does; these calls are never upgraded again (the importer resolves `torch`
// in this source to the plain builtins).
const char* const kSource = R"(
def div_Tensor_0_3(self: Tensor, other: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other):
    return torch.div(self, other)
  return torch.div(self, other, rounding_mode="trunc")
def div_Scalar_0_3(self: Tensor, other: number) -> Tensor:
  if torch.is_floating_point(self) or isinstance(other, float):
    return torch.div(self, other)
  other = unchecked_cast(Union[complex, int], other)
  return torch.div(self, other, rounding_mode="trunc")
def div__Tensor_0_3(self: Tensor, other: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other):
    return torch.div_(self, other)
  return torch.div_(self, other, rounding_mode="trunc")
def div__Scalar_0_3(self: Tensor, other: number) -> Tensor:
  if torch.is_floating_point(self) or isinstance(other, float):
    return torch.div_(self, other)
  other = unchecked_cast(Union[complex, int], other)
  return torch.div_(self, other, rounding_mode="trunc")
def div_out_0_3(self: Tensor, other: Tensor, *, out: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other) or torch.is_floating_point(out):
    return torch.div(self, other, out=out)
  return torch.div(self, other, rounding_mode="trunc", out=out)
def full_0_4(size: List[int], fill_value: number, dtype: Optional[int]=None, layout: Optional[int]=None, device: Optional[Device]=None, pin_memory: Optional[bool]=None) -> Tensor:
  if dtype is None:
    fill_value = float(fill_value)
  else:
    dtype = unchecked_cast(int, dtype)
  return torch.full(size, fill_value, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
def linspace_0_7(start: number, end: number, steps: Optional[int]=None, dtype: Optional[int]=None, layout: Optional[int]=None, device: Optional[Device]=None, pin_memory: Optional[bool]=None) -> Tensor:
  if steps is None:
    return torch.linspace(start, end, 100, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
  return torch.linspace(start, end, steps, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
def logspace_0_8(start: number, end: number, steps: Optional[int]=None, base: float=10., dtype: Optional[int]=None, layout: Optional[int]=None, device: Optional[Device]=None, pin_memory: Optional[bool]=None) -> Tensor:
  if steps is None:
    return torch.logspace(start, end, 100, base, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
  return torch.logspace(start, end, steps, base, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
def linspace_out_0_7(start: number, end: number, steps: Optional[int]=None, *, out: Tensor) -> Tensor:
  if steps is None:
    return torch.linspace(start, end, 100, out=out)
  return torch.linspace(start, end, steps, out=out)
def logspace_out_0_8(start: number, end: number, steps: Optional[int]=None, base: float=10., *, out: Tensor) -> Tensor:
  if steps is None:
    return torch.logspace(start, end, 100, base, out=out)
  return torch.logspace(start, end, steps, base, out=out)
)";

// The keyword-only argument `keyword` (rounding_mode, out, names), or nullptr.
const NamedValue* keywordArgument(const std::vector<NamedValue>& args, const std::string& keyword) {
  for (const NamedValue& arg : args)
    if (arg.name == keyword) return &arg;
  return nullptr;
}

class UpgradedOperator final : public compiler::SugaredValue {
 public:
  UpgradedOperator(std::string name, SugaredValuePtr builtin,
                   std::function<SugaredValuePtr(const std::string&)> upgrader)
      : name_(std::move(name)), builtin_(std::move(builtin)), upgrader_(std::move(upgrader)) {}
  std::string describe() const override { return builtin_->describe(); }
  bool assignableAsAlias() const override { return builtin_->assignableAsAlias(); }
  SugaredValuePtr call(const lang::SourceRange& range, compiler::FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    std::string chosen = choose(args);
    if (chosen.empty()) return builtin_->call(range, emitter, std::move(args));
    return upgrader_(chosen)->call(range, emitter, std::move(args));
  }

 private:
  // The upgrader the arguments call for, or "" for the operator as it is today. 1.13 picks
  // an upgrader by the overload a call resolved to (full -> full_0_4, ...); the overloads
  // whose upgrader is the identity (full.names, full.out, gelu, gelu.out) stay the builtin.
  // div is upgraded in the graph instead (upgradeDivisions): it has method and operator
  // spellings (a.div(b), a / b, a /= b) that never pass through `torch`.
  // Every call of the overloads an upgrader changes goes to it, as 1.13 replaces every node of
  // an old schema (the upgrader decides at run time, or once inlined and folded, whether the
  // old meaning applies: `steps` given, a float fill, a dtype).
  std::string choose(const std::vector<NamedValue>& args) const {
    if (name_ == "full") {
      // full.names and full.out: their upgraders keep the call as it is (out's dtype decides).
      if (keywordArgument(args, "names") || keywordArgument(args, "out")) return "";
      return "full_0_4";
    }
    if (name_ == "linspace" || name_ == "logspace") {
      bool into = keywordArgument(args, "out") != nullptr;
      if (name_ == "linspace") return into ? "linspace_out_0_7" : "linspace_0_7";
      return into ? "logspace_out_0_8" : "logspace_0_8";
    }
    return "";
  }

  std::string name_;
  SugaredValuePtr builtin_;
  std::function<SugaredValuePtr(const std::string&)> upgrader_;
};

// The upgrader of an aten::div / aten::div_ node, from the overload its inputs select, or ""
// when its meaning did not change: div of numbers (no Tensor self), the *_mode overloads (a
// rounding_mode, None included: their 1.13 upgraders are the identity).
std::string divisionUpgrader(const ir::Node& node) {
  using types::TypeKind;
  const std::vector<ir::Value*>& inputs = node.inputs();
  if (inputs.size() < 2 || inputs[0]->type()->kind() != TypeKind::Tensor) return "";
  bool inPlace = node.kind() == kDivInPlace;
  TypeKind divisor = inputs[1]->type()->kind();
  if (inputs.size() == 3) {  // div.out(self, other, *, out) or div.Tensor_mode / Scalar_mode
    bool out = inputs[2]->type()->kind() == TypeKind::Tensor;
    return out && !inPlace && divisor == TypeKind::Tensor ? "div_out_0_3" : "";
  }
  if (inputs.size() != 2) return "";  // div.out_mode
  std::string prefix = inPlace ? "div__" : "div_";
  if (divisor == TypeKind::Tensor) return prefix + "Tensor_0_3";
  if (divisor == TypeKind::Int || divisor == TypeKind::Float || divisor == TypeKind::Number)
    return prefix + "Scalar_0_3";
  return "";
}

void upgradeDivisionsIn(ir::Block& block, const std::function<std::string(const std::string&)>& compiledUpgrader) {
  ir::NodeRange nodes = block.nodes();
  for (ir::NodeIterator it = nodes.begin(); it != nodes.end();) {
    ir::Node* node = *it++;  // advanced first: `node` may be destroyed below
    for (ir::Block* nested : node->blocks()) upgradeDivisionsIn(*nested, compiledUpgrader);
    if (node->kind() != kDiv && node->kind() != kDivInPlace) continue;
    std::string upgrader = divisionUpgrader(*node);
    if (upgrader.empty()) continue;
    ir::Graph& graph = *node->owningGraph();
    ir::Node* function = graph.create(ir::prim::Constant, 1);
    function->s_("name", compiledUpgrader(upgrader));
    function->output()->setType(types::functionType());
    function->setSourceRange(node->sourceRange());
    function->insertBefore(node);
    std::vector<ir::Value*> inputs{function->output()};
    inputs.insert(inputs.end(), node->inputs().begin(), node->inputs().end());
    ir::Node* call = graph.create(ir::Symbol::make("prim", "CallFunction"), inputs);
    call->output()->setType(node->output()->type());
    call->setSourceRange(node->sourceRange());
    call->insertBefore(node);
    // The result loses its name, as the value 1.13's replacement leaves is the upgrader's.
    node->output()->replaceAllUsesWith(call->output());
    node->destroy();
  }
}

// Nodes of an operator whose archive predates its change but whose upgrader is the identity
// (div with a rounding_mode, full.names, full.out, gelu): 1.13 replaces them by the upgrader's
// copy of the same call, whose result has no name.
void forgetNamesOfIdentityUpgrades(ir::Block& block, uint64_t version) {
  for (ir::Node* node : block.nodes()) {
    for (ir::Block* nested : node->blocks()) forgetNamesOfIdentityUpgrades(*nested, version);
    if (node->kind().ns() != "aten" || version >= operatorBumpVersion(std::string(node->kind().name()))) continue;
    bool division = node->kind() == kDiv || node->kind() == kDivInPlace;
    if (division && node->input(0)->type()->kind() != types::TypeKind::Tensor) continue;  // numbers
    for (ir::Value* output : node->outputs()) output->setDebugName("");
  }
}

// A runtime value as a constant the IR can hold, or nullopt.
std::optional<ir::ConstantValue> constantOf(const runtime::Value& value) {
  using runtime::ValueKind;
  switch (value.kind()) {
    case ValueKind::None: return ir::ConstantValue::none();
    case ValueKind::Bool: return ir::ConstantValue::fromBool(value.toBool());
    case ValueKind::Int: return ir::ConstantValue::fromInt(value.toInt());
    case ValueKind::Float: return ir::ConstantValue::fromDouble(value.toFloat());
    case ValueKind::String: return ir::ConstantValue::fromString(value.toStringRef());
    case ValueKind::Tuple: {
      std::vector<ir::ConstantValue> elements;
      for (const runtime::Value& element : value.toTuple().elements) {
        std::optional<ir::ConstantValue> constant = constantOf(element);
        if (!constant) return std::nullopt;
        elements.push_back(std::move(*constant));
      }
      return ir::ConstantValue::tuple(std::move(elements));
    }
    default: return std::nullopt;
  }
}

// passes::ConstantFolder by running the node's operator: its results become constants without
// a source location, as 1.13's constant propagation inserts them.
std::vector<ir::Value*> foldByRunning(ir::Node& node) {
  runtime::Stack stack;
  std::vector<ir::ConstantValue> results;
  try {
    for (const ir::Value* input : node.inputs()) stack.push_back(runtime::constantValueOf(*input->node()));
    runtime::operationFor(node)(stack);
  } catch (const std::exception&) {
    return {};  // fails on these inputs: left to fail (or not) when it runs
  }
  if (stack.size() != node.outputs().size()) return {};
  for (const runtime::Value& value : stack) {
    std::optional<ir::ConstantValue> constant = constantOf(value);
    if (!constant) return {};
    results.push_back(std::move(*constant));
  }
  ir::Graph& graph = *node.owningGraph();
  ir::WithInsertPoint guard(graph, &node);
  std::vector<ir::Value*> constants;
  for (size_t i = 0; i < results.size(); ++i) {
    const types::TypePtr& type = node.output(i)->type();
    ir::Value* constant = compiler::insertConstantValue(graph, results[i], type, lang::SourceRange());
    // A None keeps the result's type (`int?`), as 1.13's does.
    if (results[i].kind == ir::ConstantValue::Kind::None) constant->setType(type);
    constants.push_back(constant);
  }
  return constants;
}

}  // namespace

void applyUpgraders(ir::Graph& graph, uint64_t version,
                    const std::function<std::string(const std::string&)>& compiledUpgrader,
                    const std::function<std::shared_ptr<const ir::Graph>(const std::string&)>& functionGraph) {
  if (version >= operatorBumpVersion("div")) {
    forgetNamesOfIdentityUpgrades(*graph.block(), version);
  } else {
    upgradeDivisions(graph, compiledUpgrader);  // first: the division nodes left are identities
    forgetNamesOfIdentityUpgrades(*graph.block(), version);
  }
  const std::string prefix = std::string(kUpgraderQualifier) + ".";
  bool inlined = compiler::inlineCalls(graph, [&](const ir::Node& call) -> std::shared_ptr<const ir::Graph> {
    const std::string* callee = compiler::calledFunctionName(call);
    if (!callee || callee->rfind(prefix, 0) != 0) return nullptr;
    return functionGraph(*callee);
  });
  if (!inlined) return;
  passes::propagateImmutableConstants(graph, foldByRunning);
  passes::eraseDeadResultsAndConstants(graph);
}

void upgradeDivisions(ir::Graph& graph, const std::function<std::string(const std::string&)>& compiledUpgrader) {
  upgradeDivisionsIn(*graph.block(), compiledUpgrader);
}

uint64_t operatorBumpVersion(const std::string& name) {
  static const std::map<std::string, uint64_t> kBumps = {
      {"div", 4}, {"div_", 4}, {"full", 5}, {"linspace", 8}, {"logspace", 9}, {"gelu", 10}};
  auto found = kBumps.find(name);
  return found == kBumps.end() ? 0 : found->second;
}

const std::string& upgraderSource() {
  static const std::string source(kSource);
  return source;
}

SugaredValuePtr upgradedOperator(const std::string& name, SugaredValuePtr builtin,
                                 std::function<SugaredValuePtr(const std::string&)> upgrader) {
  return std::make_shared<UpgradedOperator>(name, std::move(builtin), std::move(upgrader));
}

}  // namespace tscript::archive
