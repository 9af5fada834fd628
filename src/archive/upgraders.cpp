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
def div_Scalar_int_0_3(self: Tensor, other: int) -> Tensor:
  if torch.is_floating_point(self):
    return torch.true_divide(self, other)
  return torch.div(self, other, rounding_mode="trunc")
def div__Tensor_0_3(self: Tensor, other: Tensor) -> Tensor:
  if torch.is_floating_point(self) or torch.is_floating_point(other):
    return torch.true_divide_(self, other)
  return torch.div_(self, other, rounding_mode="trunc")
def div__Scalar_int_0_3(self: Tensor, other: int) -> Tensor:
  if torch.is_floating_point(self):
    return torch.true_divide_(self, other)
  return torch.div_(self, other, rounding_mode="trunc")
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
  // The upgrader the arguments call for, or "" for the operator as it is today.
  std::string choose(const std::vector<NamedValue>& args) const {
    using types::TypeKind;
    if (name_ == "div" || name_ == "div_") {
      // Only the two-argument forms changed; with a rounding_mode the meaning was the same.
      if (args.size() != 2 || !args[0].name.empty() || !args[1].name.empty()) return "";
      if (kindOf(args[0]) != TypeKind::Tensor) return "";  // div of numbers never changed
      std::string prefix = name_ == "div" ? "div_" : "div__";
      if (kindOf(args[1]) == TypeKind::Tensor) return prefix + "Tensor_0_3";
      if (kindOf(args[1]) == TypeKind::Int || kindOf(args[1]) == TypeKind::Bool) return prefix + "Scalar_int_0_3";
      return "";
    }
    if (name_ == "full") {
      const NamedValue* fill = argumentAt(args, 1, "fill_value");
      if (!fill || (kindOf(*fill) != TypeKind::Int && kindOf(*fill) != TypeKind::Bool)) return "";
      if (argumentAt(args, 2, "names")) return "";  // full.names: a list of names third
      return "full_int_0_4";
    }
    if (name_ == "linspace" || name_ == "logspace") {
      if (!isNoneOrMissing(argumentAt(args, 2, "steps"))) return "";
      return name_ == "linspace" ? "linspace_0_7" : "logspace_0_8";
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
