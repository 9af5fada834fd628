#pragma once

#include <pybind11/pybind11.h>

namespace tscript::python {

// Parsing and diagnostics (bind_frontend.cpp).
void bindFrontEnd(pybind11::module_& m);
// Compiling and calling scripted functions (bind_script.cpp).
void bindScript(pybind11::module_& m);

}  // namespace tscript::python
