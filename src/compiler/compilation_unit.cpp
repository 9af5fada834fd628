#include "compiler/compilation_unit.h"

#include <algorithm>
#include <set>

#include "compiler/erase_unused_reads.h"
#include "compiler/dead_code.h"
#include "compiler/inline_calls.h"
#include "compiler/interface_declaration.h"
#include "compiler/object_value.h"
#include "compiler/schema_matching.h"
#include "ir/pass_registry.h"
#include "ir/verifier.h"
#include "passes/canonicalize_outputs.h"
#include "passes/constant_pooling.h"
#include "passes/hoist_uninitialized.h"
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
      {"reversed", Which::Reversed}, {"hasattr", Which::Hasattr},
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

namespace {

// Whether a tuple value can be passed as `list` (every element is of its element type).
bool tupleFitsList(const types::TypePtr& value, const types::TypePtr& parameter) {
  const types::TypePtr& list = parameter->kind() == types::TypeKind::Optional
                                   ? parameter->as<types::OptionalType>()->element()
                                   : parameter;
  const auto* tuple = value->as<types::TupleType>();
  const auto* listType = list->as<types::ListType>();
  if (!tuple || !listType) return false;
  for (const types::TypePtr& element : tuple->elements()) {
    if (!types::isSubtypeOf(element, listType->element())) return false;
  }
  return true;
}

ir::Value* tupleAsList(FunctionEmitter& emitter, ir::Value* tuple, const types::TypePtr& parameter,
                       const lang::SourceRange& range) {
  const types::TypePtr& list = parameter->kind() == types::TypeKind::Optional
                                   ? parameter->as<types::OptionalType>()->element()
                                   : parameter;
  const auto& elementTypes = tuple->type()->as<types::TupleType>()->elements();
  std::vector<ir::Value*> elements;
  if (tuple->node()->kind() == ir::Symbol::make("prim", "TupleConstruct")) {
    elements = tuple->node()->inputs();
  } else {
    ir::Node* unpack = emitter.insertNode(ir::Symbol::make("prim", "TupleUnpack"), {tuple},
                                          elementTypes.size(), range);
    for (size_t i = 0; i < elementTypes.size(); ++i) {
      elements.push_back(unpack->output(i)->setType(elementTypes[i]));
    }
  }
  ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "ListConstruct"), elements, 1, range);
  return node->output()->setType(list);
}

}  // namespace

std::vector<ir::Value*> bindArguments(const CompiledFunction& callee, size_t first,
                                      const std::string& name, const std::vector<NamedValue>& args,
                                      const lang::SourceRange& range, FunctionEmitter& emitter) {
  std::vector<ir::Value*> bound(callee.parameterNames.size() - first, nullptr);
  size_t position = 0;
  for (const NamedValue& arg : args) {
    size_t index;
    if (arg.name.empty()) {
      index = position++;
      if (index >= bound.size()) {
        size_t given = std::count_if(args.begin(), args.end(),
                                     [](const NamedValue& a) { return a.name.empty(); });
        throw lang::CompileError(arg.range, name + "() takes " + std::to_string(bound.size()) +
                                                " positional arguments but " +
                                                std::to_string(given) + " were given");
      }
    } else {
      auto it = std::find(callee.parameterNames.begin() + first, callee.parameterNames.end(), arg.name);
      if (it == callee.parameterNames.end()) {
        throw lang::CompileError(arg.range, name + "() got an unexpected keyword argument '" + arg.name + "'");
      }
      index = it - callee.parameterNames.begin() - first;
    }
    if (bound[index]) {
      throw lang::CompileError(arg.range, name + "() got multiple values for argument '" +
                                              callee.parameterNames[index + first] + "'");
    }
    if (!types::isSubtypeOf(arg.value->type(), callee.parameterTypes[index + first]) &&
        !tupleFitsList(arg.value->type(), callee.parameterTypes[index + first])) {
      // Which method is missing or does not fit, when an interface is expected.
      std::string why = interfaceMismatchReason(arg.value->type(), callee.parameterTypes[index + first]);
      throw lang::CompileError(arg.range, name + "() expects a value of type '" +
                                              callee.parameterTypes[index + first]->annotationStr() +
                                              "' for argument '" + callee.parameterNames[index + first] +
                                              "' but got a value of type '" +
                                              arg.value->type()->annotationStr() + "'" + why);
    }
    bound[index] = arg.value;
  }
  // Every argument fits: convert the tuples passed for lists (`self.stride` of a conv is a
  // tuple constant, passed where a method declares List[int]), as torch.jit does.
  for (size_t i = 0; i < bound.size(); ++i) {
    if (bound[i] && !types::isSubtypeOf(bound[i]->type(), callee.parameterTypes[i + first])) {
      bound[i] = tupleAsList(emitter, bound[i], callee.parameterTypes[i + first], range);
    }
  }
  for (size_t i = 0; i < bound.size(); ++i) {
    if (bound[i]) continue;
    if (!callee.parameterDefaults[i + first]) {
      throw lang::CompileError(range, name + "() is missing value for argument '" +
                                          callee.parameterNames[i + first] + "'");
    }
    bound[i] = insertConstantValue(emitter.graph(), *callee.parameterDefaults[i + first],
                                   callee.parameterTypes[i + first], range);
  }
  return bound;
}

// A call to another function of the unit: prim::CallFunction on a function constant.
class FunctionValue final : public SugaredValue {
 public:
  FunctionValue(CompilationUnit& unit, std::string name) : unit_(unit), name_(std::move(name)) {}
  std::string describe() const override { return "function '" + name_ + "'"; }
  bool assignableAsAlias() const override { return true; }
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
    std::vector<ir::Value*> bound = bindArguments(*callee, 0, name_, args, range, emitter);
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
  SugaredValuePtr objectValue(ir::Value* object) override { return unit_.objectValue(object); }
  bool allowsListDefaults() const override {
    return unit_.globals_ && unit_.globals_->allowsListDefaults();
  }
  std::optional<bool> objectIsInstance(const types::Type& objectType,
                                       const lang::Expr& target) override {
    return unit_.globals_ ? unit_.globals_->objectIsInstance(objectType, target) : std::nullopt;
  }

 private:
  CompilationUnit& unit_;
};

// Names in a method: its own globals (the module's Python globals, or the archive file's
// names), then the builtins; objects through the unit's classes.
class CompilationUnit::MethodResolver final : public Resolver {
 public:
  MethodResolver(CompilationUnit& unit, Resolver* globals) : unit_(unit), globals_(globals) {}
  SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) override {
    if (globals_) {
      if (SugaredValuePtr value = globals_->resolveValue(name, range)) return value;
    }
    return resolveBuiltin(name);
  }
  types::TypePtr resolveType(const std::string& name, const lang::SourceRange& range) override {
    return globals_ ? globals_->resolveType(name, range) : nullptr;
  }
  SugaredValuePtr objectValue(ir::Value* object) override { return unit_.objectValue(object); }
  bool allowsListDefaults() const override { return globals_ && globals_->allowsListDefaults(); }
  std::optional<bool> objectIsInstance(const types::Type& objectType,
                                       const lang::Expr& target) override {
    return globals_ ? globals_->objectIsInstance(objectType, target) : std::nullopt;
  }
  std::optional<ir::ConstantValue> parameterDefault(const std::string& parameter,
                                                    const lang::SourceRange& where) override {
    return globals_ ? globals_->parameterDefault(parameter, where) : std::nullopt;
  }

 private:
  CompilationUnit& unit_;
  Resolver* globals_;
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

void CompilationUnit::defineFunction(const std::string& name, const lang::FunctionDefStmt& def) {
  definitions_[name] = &def;
  compiled_.erase(name);
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
  UnitResolver resolver(*this);
  CompiledFunction compiled = compile(name, *definition->second, resolver, nullptr);
  return compiled_.emplace(name, std::move(compiled)).first->second;
}

CompiledFunction CompilationUnit::compile(const std::string& key, const lang::FunctionDefStmt& def,
                                          Resolver& resolver, const types::TypePtr& selfType) {
  // Calls check this at the call site (FunctionValue::call); this is the backstop.
  std::string chain = recursionChain(key);
  if (!chain.empty()) throw recursionError(def.nameRange, def.name, chain);
  compiling_.push_back(key);
  try {
    CompiledFunction compiled = FunctionEmitter(def, resolver, matcher_, selfType).emit();
    if (emittedGraphRewrite_) emittedGraphRewrite_(key, *compiled.graph);
    compiling_.pop_back();
    eraseUnusedAttributeReads(*compiled.graph);
    if (!selfType) {
      // A function's graph is flat, as torch.jit prints it: callees were compiled (and
      // inlined) while emitting this function's calls to them. Methods keep their calls.
      inlineCalls(*compiled.graph, [this](const ir::Node& call) -> std::shared_ptr<const ir::Graph> {
        const std::string* callee = calledFunctionName(call);
        auto found = callee ? compiled_.find(*callee) : compiled_.end();
        return found == compiled_.end() ? nullptr : found->second.graph;
      });
    }
    // torch.jit's cleanup order: exit placeholders are made at the top before its constant
    // pooling (which orders as 1.13's only with dead code still there), then dead code goes and
    // control-flow outputs are ordered.
    passes::hoistUninitialized(*compiled.graph);
    // Inlined callee constants are copies, unknown to hoistedLiterals: they count as
    // synthesized.
    passes::poolConstantsAsEmitted(*compiled.graph, [&compiled](const ir::Node* node) {
      return compiled.hoistedLiterals.count(node) > 0;
    });
    compiled.hoistedLiterals.clear();  // the pooled-away nodes are gone
    eliminateDeadCode(*compiled.graph);
    passes::canonicalizeOutputs(*compiled.graph);
    if (ir::verifyAfterEachPass()) ir::verify(*compiled.graph);
    return compiled;
  } catch (...) {
    compiling_.pop_back();
    throw;
  }
}

namespace {

// A default as a signature keeps it (only literals: what interface declarations can have).
std::optional<types::ConstantLiteral> literalOf(const ir::ConstantValue& value) {
  using Kind = ir::ConstantValue::Kind;
  switch (value.kind) {
    case Kind::None: return types::ConstantLiteral::none();
    case Kind::Bool: return types::ConstantLiteral::ofBool(value.boolValue);
    case Kind::Int: return types::ConstantLiteral::ofInt(value.intValue);
    case Kind::Double: return types::ConstantLiteral::ofFloat(value.doubleValue);
    case Kind::String: return types::ConstantLiteral::ofStr(value.text);
    case Kind::Tuple: {
      std::vector<types::ConstantLiteral> elements;
      for (const ir::ConstantValue& element : value.elements) {
        std::optional<types::ConstantLiteral> literal = literalOf(element);
        if (!literal) return std::nullopt;
        elements.push_back(std::move(*literal));
      }
      return types::ConstantLiteral::ofTuple(std::move(elements));
    }
    default: return std::nullopt;
  }
}

types::MethodSignature methodSignatureOf(const CompiledFunction& method) {
  types::MethodSignature signature;
  signature.parameterNames.assign(method.parameterNames.begin() + 1, method.parameterNames.end());
  signature.parameterTypes.assign(method.parameterTypes.begin() + 1, method.parameterTypes.end());
  for (size_t i = 1; i < method.parameterDefaults.size(); ++i) {
    const std::optional<ir::ConstantValue>& value = method.parameterDefaults[i];
    signature.parameterDefaults.push_back(value ? literalOf(*value) : std::nullopt);
  }
  signature.returnType = method.returnType;
  return signature;
}

}  // namespace

CompilationUnit::~CompilationUnit() {
  // Types may outlive the unit (objects hold them): they must not call back into it.
  for (auto& [name, definition] : classes_) definition->type()->setMethodProvider({});
}

void CompilationUnit::recordMethodSignature(const types::ClassType& type, const std::string& name,
                                            const CompiledFunction& method) {
  if (ClassDefinition* definition = findClass(type.qualifiedName())) {
    if (!method.parameterNames.empty()) {
      definition->type()->addMethod(name, methodSignatureOf(method));
    }
  }
}

void CompilationUnit::defineClass(std::shared_ptr<ClassDefinition> definition) {
  const std::string& name = definition->type()->qualifiedName();
  if (ClassDefinition* replaced = findClass(name)) replaced->type()->setMethodProvider({});
  // The interface check asks for methods not compiled yet (a class passed where an interface
  // is expected): compile them then.
  const types::ClassType* type = definition->type().get();
  definition->type()->setMethodProvider([this, type](const std::string& method) {
    if (!hasMethod(*type, method)) return false;
    this->method(*type, method);
    return true;
  });
  // Methods compiled for a class of the same name belong to the old definition.
  std::string prefix = name + ".";
  for (auto it = compiled_.lower_bound(prefix); it != compiled_.end() && it->first.rfind(prefix, 0) == 0;) {
    it = compiled_.erase(it);
  }
  classes_[name] = std::move(definition);
}

ClassDefinition* CompilationUnit::findClass(const std::string& qualifiedName) const {
  auto found = classes_.find(qualifiedName);
  return found == classes_.end() ? nullptr : found->second.get();
}

const CompiledFunction& CompilationUnit::method(const types::ClassType& type, const std::string& name) {
  std::string key = type.qualifiedName() + "." + name;
  auto done = compiled_.find(key);
  if (done != compiled_.end()) return done->second;
  ClassDefinition* definition = findClass(type.qualifiedName());
  std::optional<MethodSource> source = definition ? definition->methodSource(name) : std::nullopt;
  if (!source) {
    throw lang::CompileError(lang::SourceRange(), "class '" + type.qualifiedName() +
                                                      "' has no method '" + name + "'");
  }
  MethodResolver resolver(*this, source->globals);
  // A method takes its place when its compilation starts, before the methods it calls (as
  // 1.13 registers a method before compiling its body): saved archives list them so.
  std::vector<std::string>& order = methodOrder_[type.qualifiedName()];
  order.push_back(name);
  CompiledFunction compiled;
  try {
    compiled = compile(key, *source->def, resolver, definition->type());
  } catch (...) {
    std::vector<std::string>& names = methodOrder_[type.qualifiedName()];
    names.erase(std::find(names.begin(), names.end(), name));
    throw;
  }
  const CompiledFunction& stored = compiled_.emplace(key, std::move(compiled)).first->second;
  recordMethodSignature(type, name, stored);
  return stored;
}

void CompilationUnit::addCompiledMethod(const types::ClassType& type, const std::string& name,
                                        CompiledFunction method) {
  auto [entry, added] = compiled_.insert_or_assign(type.qualifiedName() + "." + name, std::move(method));
  if (added) methodOrder_[type.qualifiedName()].push_back(name);
  recordMethodSignature(type, name, entry->second);
}

std::vector<std::string> CompilationUnit::compiledMethodNames(const types::ClassType& type) const {
  auto found = methodOrder_.find(type.qualifiedName());
  return found == methodOrder_.end() ? std::vector<std::string>{} : found->second;
}

bool CompilationUnit::hasMethod(const types::ClassType& type, const std::string& name) {
  if (compiled_.count(type.qualifiedName() + "." + name)) return true;
  ClassDefinition* definition = findClass(type.qualifiedName());
  return definition && definition->methodSource(name).has_value();
}

std::shared_ptr<ir::Graph> CompilationUnit::inlinedMethodGraph(const types::ClassType& type,
                                                               const std::string& name) {
  auto graph = method(type, name).graph->copy();
  inlineCalls(*graph, [this](const ir::Node& call) -> std::shared_ptr<const ir::Graph> {
    if (const std::string* callee = calledFunctionName(call)) {
      auto found = compiled_.find(*callee);
      return found == compiled_.end() ? nullptr : found->second.graph;
    }
    const auto* callee = call.input(0)->type()->as<types::ClassType>();
    if (!callee) return nullptr;  // an interface: dispatched when it runs
    return method(*callee, call.s("name")).graph;
  });
  if (ir::verifyAfterEachPass()) ir::verify(*graph);
  return graph;
}

SugaredValuePtr CompilationUnit::objectValue(ir::Value* object) {
  if (object->type()->kind() == types::TypeKind::Interface) {
    return std::make_shared<InterfaceValue>(object);
  }
  const auto* type = object->type()->as<types::ClassType>();
  if (!type) return nullptr;
  ClassDefinition* definition = findClass(type->qualifiedName());
  if (!definition) return nullptr;
  return std::make_shared<ObjectValue>(*this, *definition, object);
}

}  // namespace tscript::compiler
