#include "compiler/compilation_unit.h"

#include <algorithm>
#include <set>

#include "compiler/inline_calls.h"
#include "compiler/schema_matching.h"
#include "ir/pass_registry.h"
#include "ir/verifier.h"
#include "passes/constant_pooling.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

SugaredValuePtr resolveBuiltin(const std::string& name) {
  using Which = SpecialBuiltin::Which;
  static const std::map<std::string, Which> kSpecial = {
      {"range", Which::Range}, {"print", Which::Print}, {"len", Which::Len},
      {"int", Which::Int},     {"float", Which::Float}, {"bool", Which::Bool},
      {"str", Which::Str},     {"min", Which::Min},     {"max", Which::Max},
      {"abs", Which::Abs},     {"enumerate", Which::Enumerate}, {"zip", Which::Zip},
      {"list", Which::List},   {"getattr", Which::Getattr},
  };
  auto special = kSpecial.find(name);
  if (special != kSpecial.end()) return std::make_shared<SpecialBuiltin>(special->second);
  // Python builtins that are plain operators of the same name (`sorted` -> aten::sorted).
  static const std::set<std::string> kOperatorBuiltins = {
      "sum", "sorted", "all", "any", "ord", "chr", "hex", "oct", "bin", "round", "divmod", "pow"};
  if (kOperatorBuiltins.count(name)) {
    return std::make_shared<BuiltinFunction>(ir::Symbol::make("aten", name));
  }
  // `torch.add` and `math.sqrt` are aten builtins, as in TorchScript.
  if (name == "torch" || name == "math") return std::make_shared<BuiltinModule>(name, "aten");
  return nullptr;
}

namespace {

lang::CompileError recursionError(const lang::SourceRange& range, const std::string& callee,
                                  const std::string& chain) {
  return lang::CompileError(range, "recursive call of '" + callee + "' (" + chain +
                                       "): TorchScript does not support recursion; rewrite it "
                                       "as a loop");
}

}  // namespace

// A call to another function of the unit: prim::CallFunction on a function constant.
class FunctionValue final : public SugaredValue {
 public:
  FunctionValue(CompilationUnit& unit, std::string name) : unit_(unit), name_(std::move(name)) {}
  std::string describe() const override { return "function '" + name_ + "'"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    std::string chain = unit_.recursionChain(name_);
    if (!chain.empty()) throw recursionError(range, name_, chain);
    const CompiledFunction* callee;
    try {
      callee = &unit_.function(name_);
    } catch (lang::CompileError& error) {
      error.addNote(range, "while compiling '" + name_ + "', called from here");
      throw;
    }
    // Bind arguments to parameters by position and keyword.
    std::vector<ir::Value*> bound(callee->parameterNames.size(), nullptr);
    size_t position = 0;
    for (const NamedValue& arg : args) {
      size_t index;
      if (arg.name.empty()) {
        index = position++;
        if (index >= bound.size()) {
          size_t given = std::count_if(args.begin(), args.end(),
                                       [](const NamedValue& a) { return a.name.empty(); });
          throw lang::CompileError(arg.range, name_ + "() takes " + std::to_string(bound.size()) +
                                                  " positional arguments but " +
                                                  std::to_string(given) + " were given");
        }
      } else {
        auto it = std::find(callee->parameterNames.begin(), callee->parameterNames.end(), arg.name);
        if (it == callee->parameterNames.end()) {
          throw lang::CompileError(arg.range, name_ + "() got an unexpected keyword argument '" + arg.name + "'");
        }
        index = it - callee->parameterNames.begin();
      }
      if (bound[index]) {
        throw lang::CompileError(arg.range, name_ + "() got multiple values for argument '" +
                                                callee->parameterNames[index] + "'");
      }
      if (!types::isSubtypeOf(arg.value->type(), callee->parameterTypes[index])) {
        throw lang::CompileError(arg.range, name_ + "() expects a value of type '" +
                                                callee->parameterTypes[index]->annotationStr() +
                                                "' for argument '" + callee->parameterNames[index] +
                                                "' but got a value of type '" +
                                                arg.value->type()->annotationStr() + "'");
      }
      bound[index] = arg.value;
    }
    for (size_t i = 0; i < bound.size(); ++i) {
      if (bound[i]) continue;
      if (!callee->parameterDefaults[i]) {
        throw lang::CompileError(range, name_ + "() is missing value for argument '" +
                                            callee->parameterNames[i] + "'");
      }
      bound[i] = insertConstantValue(emitter.graph(), *callee->parameterDefaults[i],
                                     callee->parameterTypes[i], range);
    }
    ir::Node* function = emitter.insertNode(ir::prim::Constant, {}, 1, range);
    function->s_("name", name_);
    function->output()->setType(types::functionType());
    std::vector<ir::Value*> inputs{function->output()};
    inputs.insert(inputs.end(), bound.begin(), bound.end());
    ir::Node* call = emitter.insertNode(ir::Symbol::make("prim", "CallFunction"), inputs, 1, range);
    return std::make_shared<SimpleValue>(call->output()->setType(callee->returnType));
  }

 private:
  CompilationUnit& unit_;
  std::string name_;
};

class CompilationUnit::UnitResolver final : public Resolver {
 public:
  explicit UnitResolver(CompilationUnit& unit) : unit_(unit) {}
  SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) override {
    if (unit_.hasFunction(name)) return std::make_shared<FunctionValue>(unit_, name);
    if (unit_.globals_) {
      if (SugaredValuePtr value = unit_.globals_->resolveValue(name, range)) return value;
    }
    return resolveBuiltin(name);
  }
  types::TypePtr resolveType(const std::string& name, const lang::SourceRange& range) override {
    return unit_.globals_ ? unit_.globals_->resolveType(name, range) : nullptr;
  }

 private:
  CompilationUnit& unit_;
};

SugaredValuePtr CompilationUnit::functionValue(const std::string& name) {
  return std::make_shared<FunctionValue>(*this, name);
}

CompilationUnit::CompilationUnit(const OperatorMatcher& matcher, std::shared_ptr<Resolver> globals)
    : matcher_(matcher), globals_(std::move(globals)) {}

void CompilationUnit::define(lang::Module module) {
  modules_.push_back(std::move(module));
  for (const lang::StmtPtr& statement : modules_.back().body) {
    if (auto* def = statement->as<lang::FunctionDefStmt>()) {
      if (def->kind == lang::StmtKind::AsyncFunctionDef) continue;
      definitions_[def->name] = def;
      compiled_.erase(def->name);
    }
  }
}

std::vector<std::string> CompilationUnit::functionNames() const {
  std::vector<std::string> names;
  for (const auto& entry : definitions_) names.push_back(entry.first);
  return names;
}

std::string CompilationUnit::recursionChain(const std::string& callee) const {
  auto first = std::find(compiling_.begin(), compiling_.end(), callee);
  if (first == compiling_.end()) return "";
  std::string chain;
  for (auto caller = first; caller != compiling_.end(); ++caller) chain += *caller + " -> ";
  return chain + callee;
}

const CompiledFunction& CompilationUnit::function(const std::string& name) {
  auto done = compiled_.find(name);
  if (done != compiled_.end()) return done->second;
  auto definition = definitions_.find(name);
  if (definition == definitions_.end()) {
    throw lang::CompileError(lang::SourceRange(), "no function named '" + name + "'");
  }
  // Calls check this at the call site (FunctionValue::call); this is the backstop.
  std::string chain = recursionChain(name);
  if (!chain.empty()) throw recursionError(definition->second->nameRange, name, chain);
  compiling_.push_back(name);
  UnitResolver resolver(*this);
  try {
    CompiledFunction compiled = FunctionEmitter(*definition->second, resolver, matcher_).emit();
    compiling_.pop_back();
    // Callees were compiled (and inlined) while emitting this function's calls to them.
    inlineCalls(*compiled.graph, [this](const std::string& callee) -> std::shared_ptr<const ir::Graph> {
      auto found = compiled_.find(callee);
      return found == compiled_.end() ? nullptr : found->second.graph;
    });
    // Inlined callee constants are copies, unknown to sourceLiterals: they count as
    // synthesized.
    passes::poolConstantsAsEmitted(*compiled.graph, [&compiled](const ir::Node* node) {
      return compiled.sourceLiterals.count(node) > 0;
    });
    compiled.sourceLiterals.clear();  // the pooled-away nodes are gone
    if (ir::verifyAfterEachPass()) ir::verify(*compiled.graph);
    return compiled_.emplace(name, std::move(compiled)).first->second;
  } catch (...) {
    compiling_.pop_back();
    throw;
  }
}

}  // namespace tscript::compiler
