// Printed code of classes and methods, as 1.13 writes them into `code/__torch__/*.py`
// (ARCHIVE_FORMAT.md §4.2) and shows them as `.code`: used by `tscript code model.pt`,
// the Python `.code` of loaded modules, and (later) by save.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/compilation_unit.h"
#include "ir/code_printer.h"
#include "runtime/value.h"
#include "types/named_types.h"

namespace tscript::archive {

// The signature of a compiled function or method for the printer.
ir::CodeSignature codeSignatureOf(const compiler::CompiledFunction& function, const std::string& name);

// Printer options with the registry's operator schemas; function constants named
// `__torch__.x.f` print as they are, other names as `__torch__.<name>`. With `constants` (a
// loaded archive's constants.pkl, which must outlive the options), tensor constants print as
// the `CONSTANTS.cN` that holds their tensor.
ir::CodePrinterOptions archiveCodePrinterOptions(bool printFirstArgumentType,
                                                 const std::vector<runtime::Value>* constants = nullptr);

// `def name(self, ...)` as `.code` prints a method (untyped self, level 0). `constants` (the
// archive's constants.pkl) numbers its tensor constants `CONSTANTS.cN` as the archive does.
std::string methodCode(compiler::CompilationUnit& unit, const types::ClassType& type,
                       const std::string& name,
                       const std::vector<runtime::Value>* constants = nullptr);

// What a class of an archive needs printed besides its type: its methods in order, hooks.
struct ClassCodeParts {
  std::vector<std::string> methods;
  std::vector<std::string> forwardPreHooks;
  std::vector<std::string> forwardHooks;
};

// `class M(Module):` with `__parameters__`, `__buffers__`, hook lists, one `name : T` line per
// attribute (`__annotations__["0"] = T` for names that are not identifiers), constants
// `name : Final[T] = v`, then every method at level 1 with `self` typed. `printer` carries the
// CONSTANTS table of the file.
void printClass(ir::CodePrinter& printer, compiler::CompilationUnit& unit,
                const types::ClassType& type, const ClassCodeParts& parts);
// The part of printClass() before the methods. `savedAttribute` (when set) says which
// attributes are declared: an object may hold slots that are not part of what is saved (the
// hidden tensor slots of traced methods).
void printClassHeader(ir::CodePrinter& printer, const types::ClassType& type,
                      const ClassCodeParts& parts,
                      const std::function<bool(const std::string& attribute)>& savedAttribute = {});

// `class I(Interface):` (or `(ModuleInterface)`) with one declaration per method, as 1.13
// prints them: parameters on one line, `self` untyped, the body `pass`.
std::string interfaceCode(const types::InterfaceType& interface);

// A free function at level 0, as archives print it.
void printFunction(ir::CodePrinter& printer, compiler::CompilationUnit& unit, const std::string& name,
                   const std::string& printedName);

// `class Color(Enum):` with one `NAME = value` line per member, as 1.13 prints an enum (1.13
// writes string values between quotes unescaped, so `"` in a value makes its archive
// unloadable; here such values are escaped, which changes nothing for other strings).
std::string enumClassCode(const types::EnumType& type);

// The spelling of a class constant's value (`True`, `0.10000000000000001`, `"zeros"`, `(1, 1)`).
std::string constantLiteralCode(const types::ConstantLiteral& literal);

}  // namespace tscript::archive
