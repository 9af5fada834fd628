// See upgraders.h.
#include "archive/upgraders.h"

#include <algorithm>
#include <map>

#include "compiler/function_emitter.h"
#include "ir/ir.h"
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
    return torch.true_divide(self, other)
  return torch.div(self, other, rounding_mode="trunc")
def div_Scalar_0_3(self: Tensor, other: number) -> Tensor:
  if torch.is_floating_point(self) or isinstance(other, float):
    return torch.true_divide(self, other)
  return torch.div(self, other, rounding_mode="trunc")
def div__Tensor_0_3(self: Tensor, other: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other):
    return torch.true_divide_(self, other)
  return torch.div_(self, other, rounding_mode="trunc")
def div__Scalar_0_3(self: Tensor, other: number) -> Tensor:
  if torch.is_floating_point(self) or isinstance(other, float):
    return torch.true_divide_(self, other)
  return torch.div_(self, other, rounding_mode="trunc")
def div_out_0_3(self: Tensor, other: Tensor, *, out: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other) or torch.is_floating_point(out):
    return torch.div(self, other, out=out)
  return torch.div(self, other, rounding_mode="trunc", out=out)
def full_int_0_4(size: List[int], fill_value: int, dtype: Optional[int]=None, layout: Optional[int]=None, device: Optional[Device]=None, pin_memory: Optional[bool]=None) -> Tensor:
  if dtype is None:
    return torch.full(size, float(fill_value), dtype=dtype, layout=layout, device=device, pin_memory=pin_memory)
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

types::TypeKind kindOf(const NamedValue& argument) { return argument.value->type()->kind(); }

// The argument bound to parameter `position` / `keyword`, or nullptr.
const NamedValue* argumentAt(const std::vector<NamedValue>& args, size_t position, const std::string& keyword) {
  size_t positional = 0;
  for (const NamedValue& arg : args) {
    if (arg.name.empty()) {
      if (positional++ == position) return &arg;
    } else if (arg.name == keyword) {
      return &arg;
    }
  }
  return nullptr;
}

// The keyword-only argument `keyword` (rounding_mode, out, names), or nullptr.
const NamedValue* keywordArgument(const std::vector<NamedValue>& args, const std::string& keyword) {
  for (const NamedValue& arg : args)
    if (arg.name == keyword) return &arg;
  return nullptr;
}

bool isNoneOrMissing(const NamedValue* argument) {
  return !argument || argument->value->type()->kind() == types::TypeKind::None;
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
  std::string choose(const std::vector<NamedValue>& args) const {
    using types::TypeKind;
    if (name_ == "full") {
      const NamedValue* fill = argumentAt(args, 1, "fill_value");
      if (!fill || (kindOf(*fill) != TypeKind::Int && kindOf(*fill) != TypeKind::Bool)) return "";
      // full.names and full.out: their upgraders keep the call as it is (out's dtype decides).
      if (keywordArgument(args, "names") || keywordArgument(args, "out")) return "";
      return "full_int_0_4";
    }
    if (name_ == "linspace" || name_ == "logspace") {
      if (!isNoneOrMissing(argumentAt(args, 2, "steps"))) return "";
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
    if (node->output()->hasDebugName()) {  // the result keeps its name in printed graphs
      std::string name = node->output()->debugName();
      node->output()->setDebugName("");
      call->output()->setDebugName(name);
    }
    node->output()->replaceAllUsesWith(call->output());
    node->destroy();
  }
}

}  // namespace

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
