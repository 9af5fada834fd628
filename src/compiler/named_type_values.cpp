// See named_type_values.h.
#include "compiler/named_type_values.h"

#include <algorithm>

#include "compiler/function_emitter.h"
#include "compiler/schema_matching.h"
#include "lang/diagnostics.h"
#include "types/named_types.h"

namespace tscript::compiler {

namespace {

const types::EnumType& enumTypeOf(const types::TypePtr& type) { return *type->as<types::EnumType>(); }

ir::ConstantValue memberConstant(const types::EnumType& type, const std::string& member) {
  return ir::ConstantValue::fromEnumCase(type.qualifiedName() + "." + member);
}

}  // namespace

EnumClassValue::EnumClassValue(types::TypePtr type) : type_(std::move(type)) {
  if (!type_ || !type_->as<types::EnumType>()) throw std::logic_error("EnumClassValue: not an enum type");
}

std::string EnumClassValue::describe() const {
  return "enum class '" + enumTypeOf(type_).qualifiedName() + "'";
}

SugaredValuePtr EnumClassValue::attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                                     const std::string& name) {
  const types::EnumType& type = enumTypeOf(type_);
  if (!type.findMember(name)) throw lang::CompileError(range, describe() + " has no member '" + name + "'");
  return std::make_shared<SimpleValue>(
      insertConstantValue(emitter.graph(), memberConstant(type, name), type_, range));
}

ir::Value* EnumClassValue::asValue(const lang::SourceRange& range, FunctionEmitter& emitter) {
  const types::EnumType& type = enumTypeOf(type_);
  std::vector<ir::ConstantValue> members;
  for (const types::EnumType::Member& member : type.members()) {
    members.push_back(memberConstant(type, member.name));
  }
  return insertConstantValue(emitter.graph(), ir::ConstantValue::list(std::move(members)),
                             types::listOf(type_), range);
}

std::unique_ptr<LoopIteration> EnumClassValue::iterate(const lang::SourceRange& range,
                                                       FunctionEmitter& emitter) {
  return SimpleValue(asValue(range, emitter)).iterate(range, emitter);
}

NamedTupleConstructor::NamedTupleConstructor(types::TypePtr type, DefaultEmitter defaults)
    : type_(std::move(type)), defaults_(std::move(defaults)) {
  const auto* tuple = type_ ? type_->as<types::TupleType>() : nullptr;
  if (!tuple || !tuple->qualifiedName()) throw std::logic_error("NamedTupleConstructor: not a NamedTuple");
}

std::string NamedTupleConstructor::describe() const {
  return "NamedTuple '" + type_->as<types::TupleType>()->qualifiedName().value_or("") + "'";
}

SugaredValuePtr NamedTupleConstructor::call(const lang::SourceRange& range, FunctionEmitter& emitter,
                                            std::vector<NamedValue> args) {
  const auto& tuple = *type_->as<types::TupleType>();
  const auto& fields = tuple.fieldNames();
  std::vector<ir::Value*> bound(fields.size(), nullptr);
  size_t position = 0;
  for (const NamedValue& arg : args) {
    size_t index = position;
    if (arg.name.empty()) {
      ++position;
    } else {
      index = static_cast<size_t>(std::find(fields.begin(), fields.end(), arg.name) - fields.begin());
    }
    if (index >= fields.size()) {
      throw lang::CompileError(arg.range, describe() + (arg.name.empty()
                                                            ? " takes " + std::to_string(fields.size()) + " fields"
                                                            : " has no field '" + arg.name + "'"));
    }
    if (bound[index]) {
      throw lang::CompileError(arg.range, describe() + "() got several values for field '" +
                                              fields[index] + "'");
    }
    if (!types::isSubtypeOf(arg.value->type(), tuple.elements()[index])) {
      throw lang::CompileError(arg.range, "field '" + fields[index] + "' of " + describe() + " is a " +
                                              tuple.elements()[index]->annotationStr() + ", not a " +
                                              arg.value->type()->annotationStr());
    }
    bound[index] = arg.value;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (bound[i]) continue;
    bound[i] = defaults_ ? defaults_(fields[i], range, emitter) : nullptr;
    if (!bound[i]) throw lang::CompileError(range, describe() + "() is missing field '" + fields[i] + "'");
  }
  ir::Node* node = emitter.insertNode(ir::Symbol::make("prim", "TupleConstruct"), bound, 1, range);
  return std::make_shared<SimpleValue>(node->output()->setType(type_));
}

}  // namespace tscript::compiler
