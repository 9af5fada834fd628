// Name resolution: what a global name in TorchScript source means.
//
// The compiler asks a Resolver about every name that is not a local variable. There are two
// front doors with different resolvers and one compiler (DESIGN.md): the Python API resolves
// through the function's globals and closure; the archive importer and `tscript compile`
// resolve through the names defined in the source itself plus the builtin modules.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "compiler/sugared_value.h"
#include "lang/source.h"
#include "types/type.h"

namespace tscript::lang {
struct Expr;
}

namespace tscript::compiler {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The meaning of global `name` used at `range`; nullptr when the name is unknown.
  virtual SugaredValuePtr resolveValue(const std::string& name, const lang::SourceRange& range) = 0;
  // A type named in an annotation (classes, named tuples, enums); nullptr when unknown.
  virtual types::TypePtr resolveType(const std::string& name, const lang::SourceRange& range) = 0;
  // The value Python computed for the default of `parameter` of the function written where
  // `where` is (`eps: float = math.log(1000.0 / 16)`), when it is a constant; nullopt when
  // unknown. Asked only for defaults that are not literals.
  virtual std::optional<ir::ConstantValue> parameterDefault(const std::string& parameter,
                                                            const lang::SourceRange& where) {
    (void)parameter, (void)where;
    return std::nullopt;
  }
  // What a value of class or module type offers (attributes, methods, iteration over a
  // module list); nullptr when its class is unknown here.
  virtual SugaredValuePtr objectValue(ir::Value* object) {
    (void)object;
    return nullptr;
  }
  // Whether parameter defaults may be list literals of numbers or bools (`padding:
  // List[int]=[0, 0]`): printed code (archives) writes BroadcastingList defaults so, while
  // Python source may not (a mutable default).
  virtual bool allowsListDefaults() const { return false; }
  // `isinstance(obj, C)` where obj's type is a module or class type and `target` names a
  // Python class (`torch.nn.TransformerEncoderLayer`): whether obj's class is C or derives
  // from it, as Python decides. nullopt when `target` names no class this resolver knows.
  virtual std::optional<bool> objectIsInstance(const types::Type& objectType,
                                               const lang::Expr& target) {
    (void)objectType, (void)target;
    return std::nullopt;
  }
};

}  // namespace tscript::compiler
