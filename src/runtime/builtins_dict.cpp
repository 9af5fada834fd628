// Dict operators. 1.13 registers each once per key type (str, int, bool, float, complex,
// Tensor); the tables below are written once with `{K}` for the key type and expanded.
// Dicts keep insertion order (DictObject). Where 1.13 differs from Python:
//   - popitem() removes the FIRST entry (Python: the last);
//   - a missing key raises RuntimeError "KeyError: <key>", the key printed by scriptStr.
#include "runtime/builtins_table.h"
#include "runtime/errors.h"

namespace tscript::runtime {
namespace {

[[noreturn]] void keyError(const Value& key) {
  throwError("RuntimeError", "KeyError: " + scriptStr(key));
}

void getItem(Stack& stack) {
  Value key = pop(stack);
  Value self = pop(stack);
  const Value* found = self.toDict().find(key);
  if (!found) keyError(key);
  stack.push_back(*found);
}

void setItem(Stack& stack) {
  Value value = pop(stack);
  Value key = pop(stack);
  Value self = pop(stack);
  self.toDict().insertOrAssign(std::move(key), std::move(value));
}

void getOrNone(Stack& stack) {
  Value key = pop(stack);
  Value self = pop(stack);
  const Value* found = self.toDict().find(key);
  stack.push_back(found ? *found : Value());
}

void getOrDefault(Stack& stack) {
  Value fallback = pop(stack);
  Value key = pop(stack);
  Value self = pop(stack);
  const Value* found = self.toDict().find(key);
  stack.push_back(found ? *found : std::move(fallback));
}

void setDefault(Stack& stack) {
  Value fallback = pop(stack);
  Value key = pop(stack);
  Value self = pop(stack);
  stack.push_back(self.toDict().insertIfAbsent(std::move(key), std::move(fallback)));
}

void popKey(Stack& stack) {
  Value key = pop(stack);
  Value self = pop(stack);
  DictObject& dict = self.toDict();
  Value* found = dict.find(key);
  if (!found) keyError(key);
  Value value = std::move(*found);
  dict.erase(key);
  stack.push_back(std::move(value));
}

void popKeyOrDefault(Stack& stack) {
  Value fallback = pop(stack);
  Value key = pop(stack);
  Value self = pop(stack);
  DictObject& dict = self.toDict();
  Value* found = dict.find(key);
  if (!found) return stack.push_back(std::move(fallback));
  Value value = std::move(*found);
  dict.erase(key);
  stack.push_back(std::move(value));
}

void popFirstItem(Stack& stack) {
  Value self = pop(stack);
  DictObject& dict = self.toDict();
  if (dict.empty()) throwError("RuntimeError", "popitem(): dictionary is empty");
  DictObject::Entry first = dict.front();
  dict.erase(first.key);
  stack.push_back(makeTuple({std::move(first.key), std::move(first.value)}));
}

void deleteKey(Stack& stack) {
  Value key = pop(stack);
  Value self = pop(stack);
  if (!self.toDict().erase(key)) keyError(key);
}

void keys(Stack& stack) {
  const DictObject& dict = stack.back().toDict();
  std::vector<Value> result;
  result.reserve(dict.size());
  for (const auto& entry : dict) result.push_back(entry.key);
  stack.back() = makeList(dict.keyType, std::move(result));
}

void values(Stack& stack) {
  const DictObject& dict = stack.back().toDict();
  std::vector<Value> result;
  result.reserve(dict.size());
  for (const auto& entry : dict) result.push_back(entry.value);
  stack.back() = makeList(dict.valueType, std::move(result));
}

void items(Stack& stack) {
  const DictObject& dict = stack.back().toDict();
  std::vector<Value> result;
  result.reserve(dict.size());
  for (const auto& entry : dict) result.push_back(makeTuple({entry.key, entry.value}));
  stack.back() = makeList(types::tupleOf({dict.keyType, dict.valueType}), std::move(result));
}

Value copyOf(const DictObject& dict) {
  Value copy = makeDict(dict.keyType, dict.valueType);
  DictObject& target = copy.toDict();
  for (const auto& entry : dict) target.insertOrAssign(entry.key, entry.value);
  return copy;
}

void copyDict(Stack& stack) { stack.back() = copyOf(stack.back().toDict()); }

void update(Stack& stack) {
  Value other = pop(stack);
  Value self = pop(stack);
  DictObject& target = self.toDict();
  // Snapshot first: `d.update(d)` must not iterate a dict it is changing.
  std::vector<DictObject::Entry> added;
  for (const auto& entry : other.toDict()) added.push_back(entry);
  for (auto& entry : added) target.insertOrAssign(std::move(entry.key), std::move(entry.value));
}

// dict(list of (key, value) tuples)
void fromPairs(Stack& stack) {
  const ListObject& pairs = stack.back().toList();
  const auto* pairType = pairs.elementType->as<types::TupleType>();
  types::TypePtr keyType = pairType ? pairType->elements().at(0) : types::anyType();
  types::TypePtr valueType = pairType ? pairType->elements().at(1) : types::anyType();
  Value result = makeDict(keyType, valueType);
  for (const Value& pair : pairs.elements) {
    const auto& kv = pair.toTuple().elements;
    result.toDict().insertOrAssign(kv[0], kv[1]);
  }
  stack.back() = std::move(result);
}

const std::vector<BuiltinOperator> kPerKeyType = expandForDictKeyTypes({
    {"aten::len.Dict_{K}(Dict({K}, t) self) -> int",
     [](Stack& s) { s.back() = Value(s.back().toDict().size()); }},
    {"aten::__getitem__.Dict_{K}(Dict({K}, t) self, {K} key) -> t(*)", getItem},
    {"aten::_set_item.{K}(Dict({K}, t)(a!) l, {K}(b -> *) idx, t(c -> *) v) -> ()", setItem},
    {"aten::__contains__.{K}(Dict({K}, t) dict, {K} key) -> bool",
     [](Stack& s) {
       Value key = pop(s);
       s.back() = Value(s.back().toDict().contains(key));
     }},
    {"aten::get.{K}(Dict({K}, t) self, {K} key) -> t(*)?", getOrNone},
    {"aten::get.default_{K}(Dict({K}, t) self, {K} key, t default_value) -> t(*)", getOrDefault},
    {"aten::setdefault.{K}(Dict({K}, t)(a!) self, {K}(b -> *) key, t(c -> *) default_value) -> t(*)",
     setDefault},
    {"aten::pop.Dict_{K}(Dict({K}, t)(a!) self, {K} key) -> t(*)", popKey},
    {"aten::pop.Dict_default_{K}(Dict({K}, t)(a!) self, {K} key, t default_value) -> t(*)",
     popKeyOrDefault},
    {"aten::popitem.{K}(Dict({K}, t)(a!) self) -> (({K}, t))", popFirstItem},
    {"aten::Delete.Dict_{K}(Dict({K}, t)(a!) self, {K} key) -> ()", deleteKey},
    {"aten::keys.{K}(Dict({K}, t) self) -> {K}[](*)", keys},
    {"aten::values.{K}(Dict({K}, t) self) -> t[](*)", values},
    {"aten::items.{K}(Dict({K}, t) self) -> (({K}, t)[])", items},
    {"aten::clear.{K}(Dict({K}, t)(a!) self) -> ()",
     [](Stack& s) {
       Value self = pop(s);
       self.toDict().clear();
     }},
    {"aten::copy.Dict_{K}(Dict({K}, t)(a) self) -> Dict({K}, t)", copyDict},
    {"aten::dict.Dict_{K}(Dict({K}, t)(a) self) -> Dict({K}, t)", copyDict},
    {"aten::update.{K}(Dict({K}, t)(a!) self, Dict({K}, t)(a!) to_add) -> ()", update},
    {"aten::dict.{K}(({K}, tVal)[] inputs) -> Dict({K}, tVal)", fromPairs},
});

const std::vector<BuiltinOperator> kOperators = [] {
  std::vector<BuiltinOperator> all = kPerKeyType;
  all.push_back({"aten::dict() -> Dict(str, Tensor)", [](Stack& s) {
                   s.push_back(makeDict(types::strType(), types::tensorType()));
                 }});
  return all;
}();

}  // namespace

const std::vector<BuiltinOperator>& dictOperators() { return kOperators; }

}  // namespace tscript::runtime
