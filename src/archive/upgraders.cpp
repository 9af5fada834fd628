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
  // an upgrader by the overload a call resolved to (div.Tensor -> div_Tensor_0_3, ...); the
  // overloads whose upgrader is the identity (div.*_mode, full.names, full.out, gelu,
  // gelu.out) stay the builtin here.
  std::string choose(const std::vector<NamedValue>& args) const {
    using types::TypeKind;
    if (name_ == "div" || name_ == "div_") {
      // div of numbers never changed; with a rounding_mode (None included) neither did div.
      if (args.empty() || kindOf(args[0]) != TypeKind::Tensor) return "";
      if (keywordArgument(args, "rounding_mode")) return "";
      const NamedValue* other = argumentAt(args, 1, "other");
      if (!other) return "";
      const NamedValue* out = keywordArgument(args, "out");
      if (args.size() != (out ? 3u : 2u)) return "";  // something else: the builtin reports it
      TypeKind divisor = kindOf(*other);
      if (out) return name_ == "div" && divisor == TypeKind::Tensor ? "div_out_0_3" : "";
      std::string prefix = name_ == "div" ? "div_" : "div__";
      if (divisor == TypeKind::Tensor) return prefix + "Tensor_0_3";
      if (divisor == TypeKind::Int || divisor == TypeKind::Float || divisor == TypeKind::Number)
        return prefix + "Scalar_0_3";
      return "";
    }
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

}  // namespace

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
