// Name resolution through Python: what a global name of a scripted function or method means.
//
// The Python side (python/tscript/_script.py) looks a name up in the function's globals and
// closure and answers with a small descriptor tuple, which python_resolver.cpp turns into a
// compiler SugaredValue:
//   ("module", obj)                  a Python module (torch, math, torch.jit, ...): its
//                                    attributes are resolved through Python again
//   ("builtin", "aten::relu")        a builtin operator
//   ("function", fn)                 a Python function to compile from its source (once
//                                    per process: function_cache.h, which also handles
//                                    "overloaded", "boolean_dispatch", "always_false")
//   ("constant", value)              None, bool, int, float or str
//   ("is_scripting",)                torch.jit.is_scripting / tscript.is_scripting
//   ("annotate",)                    torch.jit.annotate / tscript.annotate
//   ("python_call", modifier, fn, name, parameters, return annotation)
//                                    a function marked @ignore or @unused: called, not
//                                    compiled (python_calls.h)
//   ("unsupported", why, instead)    a Python value compiled code cannot use (a builtin such
//                                    as map, a class, a dict global): a CompileError at the use
//   ("static_scope", cls, why, instead)
//                                    an nn.Module class: its attributes (static methods)
//                                    resolve through Python; other uses are errors
//   ("torch_constant", "float32")    a dtype, layout or memory format: an int constant
//   ("namedtuple", name, [(field, annotation)], {field: default})
//                                    a NamedTuple class: a type in annotations, a constructor
//                                    in calls
//   ("class", module_type)           a Python class compiled as a TorchScript class (its
//                                    ModuleType, module_objects.h): a type in annotations,
//                                    a constructor in calls
//   ("interface", interface_type)    an @interface class (its _C.InterfaceType,
//                                    python_interfaces.h): a type in annotations only
//   ("enum", qualified name)         an enum.Enum subclass (python_enums.h): a type in
//                                    annotations, its members as attributes
//   ("enum_member", qualified name, member)
//                                    a member of one named by a global
//   ("traced_function", f)           a function made by tscript.trace: its graph is copied
//                                    in at the call (traced_function.h)
// Anything else (None) is an unknown name, reported by the compiler.
#pragma once

#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/compilation_unit.h"
#include "compiler/resolver.h"
#include "lang/ast.h"

namespace tscript::python {

class PythonResolver final : public compiler::Resolver {
 public:
  PythonResolver(pybind11::object resolveGlobal, pybind11::object resolveAttribute,
                 pybind11::object sourceOf)
      : resolveGlobal_(std::move(resolveGlobal)),
        resolveAttribute_(std::move(resolveAttribute)),
        sourceOf_(std::move(sourceOf)) {}

  void setUnit(compiler::CompilationUnit* unit) { unit_ = unit; }
  std::optional<bool> objectIsInstance(const types::Type& objectType,
                                       const lang::Expr& target) override;
  // Names used in `file` are the globals of `function` (function_cache.cpp).
  void bindFile(const lang::SourceFile* file, pybind11::handle function) {
    functionsByFile_[file] = pybind11::reinterpret_borrow<pybind11::object>(function);
  }
  compiler::CompilationUnit& unit() { return *unit_; }

  // Adds a Python function's source to the unit (once) and returns its name there. `use` is
  // where compiled code refers to it (invalid for the function passed to `script`).
  std::string define(pybind11::handle function, const lang::SourceRange& use);
  // Adds the functions of a source text (a CompilationUnit's) to the unit; its global names
  // are looked up in `scope` (the resolver's resolveGlobal is called with it). Returns the
  // names of the functions, in definition order.
  std::vector<std::string> defineSource(pybind11::object scope, std::string source,
                                        std::string filename);
  // Parses the source of a Python method (a function object) and keeps the AST; the names it
  // uses resolve through its globals. Returns its definition, owned by this resolver.
  // With `declaration` (an `@_overload_method` stub), the definition has the declaration's
  // signature and `function`'s body. Throws CompileError when Python has no source for it.
  const lang::FunctionDefStmt& parseMethod(pybind11::handle function,
                                           pybind11::handle declaration = {});

  compiler::SugaredValuePtr resolveValue(const std::string& name,
                                         const lang::SourceRange& range) override;
  types::TypePtr resolveType(const std::string& name, const lang::SourceRange& range) override;
  // A default Python evaluated (inspect.signature of the function written in `where`'s file).
  std::optional<ir::ConstantValue> parameterDefault(const std::string& parameter,
                                                    const lang::SourceRange& where) override;
  // Objects of script classes and modules: through the process-wide unit of classes.
  compiler::SugaredValuePtr objectValue(ir::Value* object) override;
  pybind11::object resolveAttribute(pybind11::handle object, const std::string& name) {
    return resolveAttribute_(object, name);
  }

 private:
  // The parsed source of a Python function (raises CompileError at `use` when none).
  lang::Module parseFunction(pybind11::handle function, const lang::SourceRange& use);

  pybind11::object resolveGlobal_;
  pybind11::object resolveAttribute_;
  pybind11::object sourceOf_;
  compiler::CompilationUnit* unit_ = nullptr;
  std::map<const lang::SourceFile*, pybind11::object> functionsByFile_;
  std::map<PyObject*, std::string> definedNames_;
  std::map<std::pair<PyObject*, PyObject*>, lang::Module> methods_;  // (body, declaration)
  std::vector<pybind11::object> keepAlive_;
};

// The process-wide unit that holds script classes and module types (set up by
// bind_module.cpp); null before the first module or class is scripted.
compiler::CompilationUnit*& classUnit();

// Types the Python side defined and names by qualified name in annotation texts (enums:
// python_enums.h), for parsing those texts; nullptr for other names.
types::TypePtr definedPythonType(const std::string& name, const lang::SourceRange& range);

// The type of a ("namedtuple", qualified name, [(field, annotation)], defaults) descriptor.
types::TypePtr namedTupleType(const pybind11::tuple& descriptor);

// The sugared value a descriptor tuple (see above) stands for; nullptr for None.
compiler::SugaredValuePtr sugaredFromDescriptor(PythonResolver& resolver,
                                                pybind11::handle descriptor,
                                                const lang::SourceRange& range);

}  // namespace tscript::python
