// tscript._C: the bridge between the Python API (python/tscript) and the C++ layers.
// Each concern registers its bindings from its own translation unit (bind_*.cpp).
#include <pybind11/pybind11.h>

#include "python/bindings.h"

PYBIND11_MODULE(_C, m) {
  m.doc() = "tscript native core";
  tscript::python::bindFrontEnd(m);
  tscript::python::bindScript(m);
  tscript::python::bindModules(m);
  tscript::python::bindEnums(m);
  tscript::python::bindInterfaces(m);
  tscript::python::bindPythonCalls(m);  // after bindScript: its error translator goes first
  tscript::python::bindTracer(m);
  tscript::python::bindArchive(m);
  tscript::python::bindSave(m);
}
