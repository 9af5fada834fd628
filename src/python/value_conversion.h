// Python objects <-> runtime::Value, at the boundary of a call into TorchScript code.
//
// Arguments are converted to the parameter's TorchScript type (a Python list becomes a
// List[int] or a List[Tensor] as the parameter says), and a value that does not fit raises
// TypeError naming the function, the parameter and both types, as torch.jit does. Results
// are converted by what they are.
#pragma once

#include <pybind11/pybind11.h>

#include "runtime/value.h"
#include "types/type.h"

namespace tscript::python {

// Throws pybind11::type_error when `object` does not fit `type`, naming the declared type of
// the whole parameter and, for containers, the element that does not fit: "f() Expected a
// value of type 'List[int]' for argument 'xs' but instead found type 'list' (xs[1] is a
// 'str', not an 'int').".
runtime::Value toValue(pybind11::handle object, const types::TypePtr& type,
                       const std::string& function, const std::string& parameter);

pybind11::object toPython(const runtime::Value& value);

// The Python object that stands for runtime object `object` when it goes to Python (the
// RecursiveScriptModule of a scripted module, so that an @ignore'd method gets the live
// module as `self`). Held weakly: when `face` dies the object has no face again.
void setPythonFace(const runtime::Object& object, pybind11::handle face);

// The Python class whose instances the values of `type` are (an enum.Enum subclass for an
// EnumType, a NamedTuple class for a named TupleType): toPython makes its instances. Keyed
// by the type's qualified name; held for the process.
void setPythonClass(const std::string& qualifiedName, pybind11::handle cls);

// The type name torch.jit shows for a Python value: "Tensor", "NoneType", "list", ...
std::string pythonTypeName(pybind11::handle object);

}  // namespace tscript::python
