// Python enum.Enum subclasses as TorchScript enums.
//
// python/tscript/_script.py defines each enum class it meets once per process
// (`_C._define_enum`): its qualified name (`__torch__.module.Color`), its members and their
// values, which must all be ints, all floats or all strs (1.13's rule). The EnumType made is
// kept here by name, so annotation texts that name it (`__torch__.module.Color`, as module
// attribute types and @ignore signatures are spelled) resolve to it, and value conversion
// turns its members into Python members of the class (value_conversion.h).
//
// In compiled code the class is an EnumClass: `Color.RED` is a constant of the enum type
// (prim::Constant[value=__torch__.Color.RED]), `for c in Color` iterates a list constant of
// the members, as 1.13 emits them.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "compiler/sugared_value.h"
#include "types/type.h"

namespace tscript::python {

// The enum type defined under `qualifiedName`, or nullptr.
types::TypePtr enumTypeNamed(const std::string& qualifiedName);

// The class in compiled code (`Color`), and one of its members (a global `Color.RED`).
compiler::SugaredValuePtr enumClassValue(const std::string& qualifiedName);
compiler::SugaredValuePtr enumMemberValue(const std::string& qualifiedName,
                                          const std::string& member);

// `_define_enum(qualified_name, [(member, value)], cls)`.
void bindEnums(pybind11::module_& m);

}  // namespace tscript::python
