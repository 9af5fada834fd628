#pragma once

#include <pybind11/pybind11.h>

namespace tscript::python {

// Parsing and diagnostics (bind_frontend.cpp).
void bindFrontEnd(pybind11::module_& m);
// Compiling and calling scripted functions (bind_script.cpp).
void bindScript(pybind11::module_& m);
// Module types, their objects and methods (bind_module.cpp).
void bindModules(pybind11::module_& m);
// Python enum classes as TorchScript enums (python_enums.cpp).
void bindEnums(pybind11::module_& m);
void bindInterfaces(pybind11::module_& m);
// Calls from compiled code into @ignore'd Python functions (python_calls.cpp).
void bindPythonCalls(pybind11::module_& m);

// The tracer's recorder and the hooks of python/tscript/_tracing.py (bind_tracer.cpp).
void bindTracer(pybind11::module_& m);
// bind_archive.cpp: tscript.load (archives as LoadedObjects).
void bindArchive(pybind11::module_& m);
// bind_save.cpp: tscript.save of scripted and traced modules.
void bindSave(pybind11::module_& m);

}  // namespace tscript::python
