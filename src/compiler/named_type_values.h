// Enum classes and NamedTuple classes as values in compiled code, shared by the front ends
// that name them (the Python resolver, the archive importer).
//
//   Color.RED            a constant of the enum type (prim::Constant[value=__torch__.Color.RED])
//   for c in Color       a list constant of every member, in definition order
//   Point(x, y=1.)       prim::TupleConstruct typed as the NamedTuple; fields bound by position
//                        and keyword, missing ones from the defaults the front end knows
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/sugared_value.h"
#include "types/type.h"

namespace tscript::compiler {

class EnumClassValue final : public SugaredValue {
 public:
  // `type` must be an EnumType.
  explicit EnumClassValue(types::TypePtr type);
  std::string describe() const override;
  SugaredValuePtr attr(const lang::SourceRange& range, FunctionEmitter& emitter,
                       const std::string& name) override;
  ir::Value* asValue(const lang::SourceRange& range, FunctionEmitter& emitter) override;
  std::unique_ptr<LoopIteration> iterate(const lang::SourceRange& range,
                                         FunctionEmitter& emitter) override;

 private:
  types::TypePtr type_;
};

class NamedTupleConstructor final : public SugaredValue {
 public:
  // The value of a field the call leaves out, emitted at the call; nullptr when the field
  // has no default.
  using DefaultEmitter = std::function<ir::Value*(const std::string& field, const lang::SourceRange&,
                                                  FunctionEmitter&)>;
  // `type` must be a TupleType with a qualified name.
  NamedTupleConstructor(types::TypePtr type, DefaultEmitter defaults);
  std::string describe() const override;
  SugaredValuePtr call(const lang::SourceRange& range, FunctionEmitter& emitter,
                       std::vector<NamedValue> args) override;

 private:
  types::TypePtr type_;
  DefaultEmitter defaults_;
};

}  // namespace tscript::compiler
