// Bindings of the front end: parsing and its diagnostics.
#include <memory>

#include "lang/parser.h"
#include "python/bindings.h"

namespace py = pybind11;

namespace tscript::python {

void bindFrontEnd(py::module_& m) {
  // Compile errors reach Python as tscript.CompileError (a subclass of Exception) whose
  // text is the rendered diagnostic: location, message, source line and caret.
  static py::exception<lang::CompileError> compileError(m, "CompileError", PyExc_Exception);
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const lang::CompileError& e) {
      compileError(e.what());
    }
  });

  m.def(
      "_parse_outline",
      [](const std::string& source, const std::string& filename, uint32_t firstLine) {
        auto file = std::make_shared<lang::SourceFile>(filename, source, firstLine);
        lang::Module module;
        {
          py::gil_scoped_release release;  // parsing touches no Python objects
          module = lang::parseModule(file);
        }
        return lang::outlineAst(module);
      },
      py::arg("source"), py::arg("filename") = "<string>", py::arg("first_line") = 1,
      "Parse Python source and return the AST outline (the format of tests/python/ast_outline.py).");
}

}  // namespace tscript::python
