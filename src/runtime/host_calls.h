// prim::PythonOp: a call from compiled code back into the host language (a Python function
// marked @ignore). The runtime knows no Python, so the host that can make such calls (the
// tscript Python extension) installs a resolver here when it loads; without one, such a node
// fails with a ScriptError saying that Python is needed, when it is reached.
//
// A PythonOp node carries the callee's name (attribute `name`, what `.graph` prints as
// `^name[]()`) and the host's key for the callable (attribute `host_function`, an int the
// host chose); its inputs are the arguments, its one output the result.
#pragma once

#include "runtime/code.h"

namespace tscript::ir {
class Node;
}

namespace tscript::runtime {

inline constexpr const char* kHostFunctionAttribute = "host_function";

// Makes the Operation of one PythonOp node. May throw ScriptError (unknown key).
using HostCallResolver = Operation (*)(const ir::Node& node);

// Installs the resolver (the last call wins; nullptr removes it). Call before building Code.
void setHostCallResolver(HostCallResolver resolver);

// The Operation for a PythonOp node: the installed resolver's, or one that throws when run.
Operation hostCallOperation(const ir::Node& node);

}  // namespace tscript::runtime
