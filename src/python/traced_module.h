// Traced module methods (`tscript.trace(module)`, `tscript.trace_module`): the methods made
// from one module trace (tracer/module_split.h), added to the module types' compilation unit
// so that ScriptObject.call and scripted modules holding a traced one run them.
//
// Each method has two graphs:
//   display   as recorded and split (`.graph`, `.code`): prim::CallFunction of scripted
//             functions kept, tensor constants as prim::Constant, as 1.13 prints them;
//   runnable  added to the unit (CompilationUnit::addCompiledMethod): the function calls
//             inlined, and each tensor constant the interpreter cannot rebuild from its
//             printed text (weights, floats printed with 6 digits) read from a hidden
//             attribute of the type (`_tensor_constant0`), whose value Python sets on the
//             object (tracedHiddenAttributes).
#pragma once

#include <pybind11/pybind11.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/code_printer.h"
#include "python/traced_function.h"
#include "types/named_types.h"
#include "tracer/module_split.h"
#include "tracer/recorder.h"

namespace tscript::python {

class ModuleType;

// Splits the finished recording of `owner`'s method `name` (the recorder's graph, whose
// first input is `self`) and registers it and the submodule methods it made. `scopes` are
// the recorded submodule calls (id -> path and the submodule's ModuleType), `rootPath` the
// traced module's path (`__module`).
void registerTracedMethods(tracer::Recorder& recorder, const CalleeGraphs& callees,
                           ModuleType& owner, const std::string& name,
                           const std::vector<std::string>& argumentNames,
                           const std::string& rootPath,
                           const std::map<int64_t, std::pair<std::string, ModuleType*>>& scopes);

// What save needs of a traced method of `type`: the display graph, the real tensors of its
// tensor constants and its printed signature. Null when `name` is not a traced method.
struct TracedMethodForSave {
  std::shared_ptr<const ir::Graph> graph;
  const tracer::TensorConstants* constants;
  ir::CodeSignature signature;
};
std::optional<TracedMethodForSave> tracedMethodForSave(const types::ClassType& type,
                                                       const std::string& name);
// Whether `attribute` is one of the hidden tensor slots the runnable traced methods of `type`
// read (not part of the module as 1.13 has it, so never saved).
bool isHiddenTracedAttribute(const types::ClassType& type, const std::string& attribute);

void bindTracedModules(pybind11::module_& m);

}  // namespace tscript::python
