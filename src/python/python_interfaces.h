// `@tscript.interface` / `@torch.jit.interface` classes as TorchScript interface types.
//
// python/tscript/_interface.py declares each interface class once per process
// (`_C.InterfaceType(qualified_name, is_module)` + `add_method(name, function)` for each
// method the class body defines): the signatures are read from the methods' source through
// the module compiler's resolver (compiler/interface_declaration.h), the bodies ignored. The
// type is kept here by name, so annotation texts that name it (a module attribute
// `impl: ModIf` is spelled `__torch__.ModIf`) resolve to it.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "types/type.h"

namespace tscript::python {

// The interface type declared under `qualifiedName`, or nullptr.
types::TypePtr interfaceTypeNamed(const std::string& qualifiedName);

// The type behind an `_C.InterfaceType` handle.
types::TypePtr interfaceTypeOf(pybind11::handle handle);

void bindInterfaces(pybind11::module_& m);

}  // namespace tscript::python
