#include "compiler/object_value.h"

#include <algorithm>

#include "compiler/compilation_unit.h"
#include "compiler/function_emitter.h"
#include "compiler/schema_matching.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

const ir::Symbol kGetAttr = ir::Symbol::make("prim", "GetAttr");
const ir::Symbol kSetAttr = ir::Symbol::make("prim", "SetAttr");
const ir::Symbol kCallMethod = ir::Symbol::make("prim", "CallMethod");

ir::ConstantValue constantOf(const types::ConstantLiteral& literal) {
  using Kind = types::ConstantLiteral::Kind;
  switch (literal.kind) {
    case Kind::None: return ir::ConstantValue::none();
    case Kind::Bool: return ir::ConstantValue::fromBool(literal.boolValue);
    case Kind::Int: return ir::ConstantValue::fromInt(literal.intValue);
    case Kind::Float: return ir::ConstantValue::fromDouble(literal.floatValue);
    case Kind::Str: return ir::ConstantValue::fromString(literal.strValue);
    case Kind::Tuple: {
      std::vector<ir::ConstantValue> elements;
      for (const types::ConstantLiteral& element : literal.elements) elements.push_back(constantOf(element));
      return ir::ConstantValue::tuple(std::move(elements));
    }
  }
  return ir::ConstantValue::none();
}

bool isConstantInt(const ir::Value* value, int64_t& result) {
  ir::ConstantValue constant;
  if (!ir::constantValueOf(value->node(), constant) || constant.kind != ir::ConstantValue::Kind::Int) {
    return false;
  }
  result = constant.intValue;
  return true;
}

// The display name of a class in messages: `Linear` for `__torch__.torch.nn...Linear`.
std::string kindAndName(const types::ClassType& type) {
  return (type.isModule() ? "module '" : "object of class '") + type.baseName() + "'";
}

// `blocks.keys()`, `.values()`, `.items()` of a ModuleDict: compile-time sequences.
class ModuleDictView final : public SugaredValue {
 public:
  ModuleDictView(std::shared_ptr<ObjectValue> dict, std::string method)
      : dict_(std::move(dict)), method_(std::move(method)) {}
  std::string describe() const override { return "ModuleDict." + method_; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    if (!args.empty()) throw lang::CompileError(range, method_ + "() takes no arguments");
    std::vector<SugaredValuePtr> elements;
    for (auto& [name, module] : dict_->submodules(range, emitter)) {
      SugaredValuePtr key = std::make_shared<SimpleValue>(emitter.insertStringConstant(name, range));
      if (method_ == "keys") {
        elements.push_back(key);
      } else if (method_ == "values") {
        elements.push_back(module);
      } else {
        elements.push_back(std::make_shared<SugaredTuple>(std::vector<SugaredValuePtr>{key, module}));
      }
    }
    return std::make_shared<SugaredTuple>(std::move(elements));
  }

 private:
  std::shared_ptr<ObjectValue> dict_;
  std::string method_;
};

}  // namespace

std::string ObjectValue::describe() const { return kindAndName(*definition_.type()); }

ir::Value* ObjectValue::slotValue(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  const std::string& name) {
  const types::ClassType::Attribute* attribute = definition_.type()->findAttribute(name);
  // Attribute reads and writes carry no source location, as in torch.jit's graphs.
  (void)range;
  ir::Node* node = emitter.insertNode(kGetAttr, {self_}, 1, {});
  node->s_("name", name);
  // torch.jit names the value after the attribute (`%weight`); names that are numbers (the
  // entries of a ModuleList) get a leading underscore (`%_0`).
  bool digits = !name.empty() && std::all_of(name.begin(), name.end(), ::isdigit);
  node->output()->setType(attribute->type)->setDebugName(digits ? "_" + name : name);
  return node->output();
}

SugaredValuePtr ObjectValue::attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  const std::string& name) {
  const types::ClassType& type = *definition_.type();
  if (type.findAttribute(name)) return std::make_shared<SimpleValue>(slotValue(range, emitter, name));
  if (const types::ConstantLiteral* constant = type.findConstant(name)) {
    return std::make_shared<SimpleValue>(
        insertConstantValue(emitter.graph(), constantOf(*constant), constant->type(), range));
  }
  std::vector<std::string> overloads = definition_.overloads(name);
  if (!overloads.empty()) {
    return std::make_shared<OverloadedMethodValue>(unit_, self_, name, std::move(overloads));
  }
  if (unit_.hasMethod(type, name)) return std::make_shared<MethodValue>(unit_, self_, name);
  if (std::string getter = "__" + name + "_getter"; unit_.hasMethod(type, getter)) {
    // A @property: reading it calls its getter, compiled as a method (1.13's naming).
    return MethodValue(unit_, self_, getter).call(range, emitter, {});
  }
  if (SugaredValuePtr extra = definition_.extraAttribute(self_, name, range, emitter)) return extra;
  if (definition_.container() == ClassDefinition::Container::Dict &&
      (name == "keys" || name == "values" || name == "items")) {
    // self.blocks.items(): a compile-time sequence, iterated by unrolling.
    return std::make_shared<ModuleDictView>(
        std::static_pointer_cast<ObjectValue>(shared_from_this()), name);
  }
  std::string why = definition_.whyNoAttribute(name);
  throw lang::CompileError(range, describe() + " has no attribute '" + name + "'" +
                                      (why.empty() ? "" : ": " + why));
}

SugaredValuePtr ObjectValue::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  std::vector<NamedValue> args) {
  std::vector<std::string> preHooks = definition_.forwardPreHookMethods();
  std::vector<std::string> hooks = definition_.forwardHookMethods();
  if (preHooks.empty() && hooks.empty()) return callForward(range, emitter, std::move(args));
  // With hooks, as 1.13 runs them: the positional inputs as a tuple go through each pre-hook
  // (None keeps them, a non-tuple result is one input), then forward, then each hook with
  // the inputs and the output (None keeps the output).
  std::vector<ir::Value*> inputs;
  std::vector<types::TypePtr> inputTypes;
  for (const NamedValue& arg : args) {
    if (!arg.name.empty()) {
      throw lang::CompileError(arg.range, "a module with forward hooks takes positional arguments "
                                          "only (the hooks receive them as a tuple)");
    }
    inputs.push_back(arg.value);
    inputTypes.push_back(arg.value->type());
  }
  ir::Symbol tupleConstruct = ir::Symbol::make("prim", "TupleConstruct");
  ir::Value* tuple = emitter.insertNode(tupleConstruct, inputs, 1, range)->output()->setType(
      types::tupleOf(inputTypes));
  for (const std::string& hook : preHooks) {
    ir::Value* result = MethodValue(unit_, self_, hook).call(range, emitter, {{range, "", tuple}})
                            ->asValue(range, emitter);
    if (result->type()->kind() == types::TypeKind::None) continue;
    tuple = result->type()->kind() == types::TypeKind::Tuple
                ? result
                : emitter.insertNode(tupleConstruct, {result}, 1, range)->output()->setType(
                      types::tupleOf({result->type()}));
  }
  std::vector<NamedValue> forwardArgs;
  std::optional<std::vector<SugaredValuePtr>> elements = SimpleValue(tuple).unrolledElements(range, emitter);
  for (const SugaredValuePtr& element : *elements) {
    forwardArgs.push_back({range, "", element->asValue(range, emitter)});
  }
  ir::Value* output = callForward(range, emitter, std::move(forwardArgs))->asValue(range, emitter);
  for (const std::string& hook : hooks) {
    ir::Value* result = MethodValue(unit_, self_, hook)
                            .call(range, emitter, {{range, "", tuple}, {range, "", output}})
                            ->asValue(range, emitter);
    if (result->type()->kind() != types::TypeKind::None) output = result;
  }
  return std::make_shared<SimpleValue>(output);
}

SugaredValuePtr ObjectValue::callForward(const lang::SourceRange& range, FunctionEmitter& emitter,
                                         std::vector<NamedValue> args) {
  const char* method = definition_.type()->isModule() ? "forward" : "__call__";
  if (!definition_.overloads(method).empty()) return attr(range, emitter, method)->call(range, emitter, std::move(args));
  if (!unit_.hasMethod(*definition_.type(), method)) {
    throw lang::CompileError(range, describe() + " is not callable: it has no " + method +
                                        " method");
  }
  return MethodValue(unit_, self_, method).call(range, emitter, std::move(args));
}

std::vector<std::string> ObjectValue::submoduleNames() const {
  std::vector<std::string> names;
  for (const types::ClassType::Attribute& attribute : definition_.type()->attributes()) {
    if (attribute.isModule) names.push_back(attribute.name);
  }
  if (names.empty() && definition_.container() != ClassDefinition::Container::None) {
    // A ParameterList / ParameterDict: its elements are its parameters (1.13 iterates and
    // indexes them as it does the submodules of a ModuleList / ModuleDict).
    for (const types::ClassType::Attribute& attribute : definition_.type()->attributes()) {
      if (attribute.isParameter) names.push_back(attribute.name);
    }
  }
  return names;
}

std::vector<std::pair<std::string, SugaredValuePtr>> ObjectValue::submodules(
    const lang::SourceRange& range, FunctionEmitter& emitter) {
  std::vector<std::pair<std::string, SugaredValuePtr>> result;
  for (const std::string& name : submoduleNames()) {
    result.emplace_back(name, std::make_shared<SimpleValue>(slotValue(range, emitter, name)));
  }
  return result;
}

std::optional<std::vector<SugaredValuePtr>> ObjectValue::unrolledElements(
    const lang::SourceRange& range, FunctionEmitter& emitter) {
  switch (definition_.container()) {
    case ClassDefinition::Container::None:
      return std::nullopt;
    case ClassDefinition::Container::List: {
      std::vector<SugaredValuePtr> elements;
      for (auto& entry : submodules(range, emitter)) elements.push_back(entry.second);
      return elements;
    }
    case ClassDefinition::Container::Dict: {
      std::vector<SugaredValuePtr> keys;
      for (const std::string& name : submoduleNames()) {
        keys.push_back(std::make_shared<SimpleValue>(emitter.insertStringConstant(name, range)));
      }
      return keys;
    }
  }
  return std::nullopt;
}

SugaredValuePtr ObjectValue::item(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  ir::Value* index) {
  std::vector<std::string> names = submoduleNames();
  if (definition_.container() == ClassDefinition::Container::Dict) {
    ir::ConstantValue key;
    if (!ir::constantValueOf(index->node(), key) || key.kind != ir::ConstantValue::Kind::String) {
      throw lang::CompileError(range, "a ModuleDict can only be indexed with a string literal");
    }
    emitter.discardUnusedConstant(index);
    if (std::find(names.begin(), names.end(), key.text) == names.end()) {
      throw lang::CompileError(range, describe() + " has no key '" + key.text + "'");
    }
    return std::make_shared<SimpleValue>(slotValue(range, emitter, key.text));
  }
  if (definition_.container() == ClassDefinition::Container::None &&
      unit_.hasMethod(*definition_.type(), "__getitem__")) {
    // `obj[i]` on an object whose class defines __getitem__.
    return MethodValue(unit_, self_, "__getitem__").call(range, emitter, {{range, "", index}});
  }
  int64_t position;
  if (definition_.container() != ClassDefinition::Container::List || !isConstantInt(index, position)) {
    throw lang::CompileError(
        range, definition_.container() == ClassDefinition::Container::List
                   ? "a module list can only be indexed with an integer literal (its elements "
                     "are of different types); to use each element, loop over it"
                   : describe() + " cannot be indexed");
  }
  emitter.discardUnusedConstant(index);
  int64_t count = static_cast<int64_t>(names.size());
  if (position < -count || position >= count) {
    throw lang::CompileError(range, "index " + std::to_string(position) + " is out of range for " +
                                        describe() + ", which has " + std::to_string(count) +
                                        " modules");
  }
  if (position < 0) position += count;
  return std::make_shared<SimpleValue>(slotValue(range, emitter, names[position]));
}

void ObjectValue::setAttr(const lang::SourceRange& range, FunctionEmitter& emitter,
                          const std::string& name, ir::Value* value) {
  types::ClassType& type = *definition_.type();
  if (std::string setter = "__" + name + "_setter"; unit_.hasMethod(type, setter)) {
    // A @property with a setter: assigning calls it (`prim::CallMethod[name="__k_setter"]`,
    // 1.13's naming), and its None result is left unused, as in 1.13's graph.
    MethodValue(unit_, self_, setter).call(range, emitter, {{range, "", value}});
    return;
  }
  const types::ClassType::Attribute* attribute = type.findAttribute(name);
  if (!attribute && emitter.definesAttributesOf(self_) && !type.findConstant(name)) {
    // `self.x = v` in a class's __init__ defines x, typed by v (class annotations, added
    // before, take precedence).
    type.addAttribute({name, value->type()});
    attribute = type.findAttribute(name);
  }
  if (!attribute) {
    if (type.findConstant(name)) {
      throw lang::CompileError(range, "cannot assign to '" + name + "': it is a constant of " +
                                          describe() + " (in __constants__ or Final)");
    }
    throw lang::CompileError(range, "cannot assign to '" + name + "': " + describe() +
                                        " has no attribute of that name; attributes are "
                                        "created in __init__, which runs in Python");
  }
  if (attribute->isModule) {
    throw lang::CompileError(range, "cannot assign to submodule '" + name + "' in compiled code");
  }
  if (!types::isSubtypeOf(value->type(), attribute->type)) {
    throw lang::CompileError(range, "cannot assign a value of type " + value->type()->annotationStr() +
                                        " to attribute '" + name + "' of type " +
                                        attribute->type->annotationStr());
  }
  ir::Node* node = emitter.insertNode(kSetAttr, {self_, value}, 0, {});
  node->s_("name", name);
}

SugaredValuePtr MethodValue::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                  std::vector<NamedValue> args) {
  const auto& type = *self_->type()->as<types::ClassType>();
  std::string chain = unit_.recursionChain(type.qualifiedName() + "." + name_);
  if (!chain.empty()) {
    throw lang::CompileError(range, "recursive call of method '" + name_ + "' (" + chain +
                                        "): TorchScript does not support recursion; rewrite it "
                                        "as a loop");
  }
  const CompiledFunction* callee;
  try {
    callee = &unit_.method(type, name_);
  } catch (lang::CompileError& error) {
    error.addNote(range, "while compiling method '" + name_ + "' of " + kindAndName(type) +
                             ", called from here");
    throw;
  }
  std::vector<ir::Value*> inputs{self_};
  std::vector<ir::Value*> bound = bindArguments(*callee, 1, name_, args, range, emitter);
  inputs.insert(inputs.end(), bound.begin(), bound.end());
  ir::Node* node = emitter.insertNode(kCallMethod, inputs, 1, range);
  node->s_("name", name_);
  return std::make_shared<SimpleValue>(node->output()->setType(callee->returnType));
}

SugaredValuePtr OverloadedMethodValue::call(const lang::SourceRange& range,
                                            FunctionEmitter& emitter, std::vector<NamedValue> args) {
  const auto& type = *self_->type()->as<types::ClassType>();
  std::string tried;
  for (const std::string& overload : overloads_) {
    const CompiledFunction& callee = unit_.method(type, overload);
    // Binding only checks (and fills defaults at the end), so a failed attempt emits nothing
    // but default constants, which stay unused.
    try {
      bindArguments(callee, 1, name_, args, range, emitter);
    } catch (const lang::CompileError& error) {
      tried += "\n  " + overload + ": " + error.message();
      continue;
    }
    return MethodValue(unit_, self_, overload).call(range, emitter, std::move(args));
  }
  throw lang::CompileError(range, "no overload of method '" + name_ + "' accepts these arguments:" + tried);
}

namespace {

// A method of an interface bound to a value: prim::CallMethod[name=...](value, args...).
class InterfaceMethodValue final : public SugaredValue {
 public:
  InterfaceMethodValue(ir::Value* self, std::string name, const types::MethodSignature& signature)
      : self_(self), name_(std::move(name)), signature_(signature) {}
  std::string describe() const override { return "method '" + name_ + "'"; }
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override {
    // The declaration as a callee: `self` first, then the declared parameters with their
    // defaults (1.13 ignores an interface's defaults; its implementations have the same
    // ones, which the interface check enforces).
    CompiledFunction callee;
    callee.name = name_;
    callee.parameterNames.push_back("self");
    callee.parameterTypes.push_back(self_->type());
    callee.parameterNames.insert(callee.parameterNames.end(), signature_.parameterNames.begin(),
                                 signature_.parameterNames.end());
    callee.parameterTypes.insert(callee.parameterTypes.end(), signature_.parameterTypes.begin(),
                                 signature_.parameterTypes.end());
    callee.parameterDefaults.resize(callee.parameterNames.size());
    for (size_t i = 0; i < signature_.parameterNames.size(); ++i) {
      if (const types::ConstantLiteral* value = signature_.defaultOf(i)) {
        callee.parameterDefaults[i + 1] = constantOf(*value);
      }
    }
    callee.parameterBroadcastSizes.resize(callee.parameterNames.size());
    std::vector<ir::Value*> inputs{self_};
    std::vector<ir::Value*> bound = bindArguments(callee, 1, name_, args, range, emitter);
    inputs.insert(inputs.end(), bound.begin(), bound.end());
    ir::Node* node = emitter.insertNode(kCallMethod, inputs, 1, range);
    node->s_("name", name_);
    return std::make_shared<SimpleValue>(node->output()->setType(signature_.returnType));
  }

 private:
  ir::Value* self_;
  std::string name_;
  types::MethodSignature signature_;
};

const types::InterfaceType& interfaceOf(const ir::Value* value) {
  return *value->type()->as<types::InterfaceType>();
}

}  // namespace

std::string InterfaceValue::describe() const {
  return "value of interface '" + interfaceOf(self_).qualifiedName() + "'";
}

SugaredValuePtr InterfaceValue::attr(const lang::SourceRange& range, FunctionEmitter&,
                                     const std::string& name) {
  const types::InterfaceType& interface = interfaceOf(self_);
  if (const types::MethodSignature* signature = interface.findMethodSignature(name)) {
    return std::make_shared<InterfaceMethodValue>(self_, name, *signature);
  }
  throw lang::CompileError(range, "interface '" + interface.qualifiedName() +
                                      "' has no method '" + name + "'; an interface offers only "
                                      "the methods it declares");
}

SugaredValuePtr InterfaceValue::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                     std::vector<NamedValue> args) {
  const types::InterfaceType& interface = interfaceOf(self_);
  if (!interface.isModuleInterface() || !interface.findMethodSignature("forward")) {
    throw lang::CompileError(range, describe() + " is not callable: it declares no forward "
                                                 "method");
  }
  return attr(range, emitter, "forward")->call(range, emitter, std::move(args));
}

}  // namespace tscript::compiler
