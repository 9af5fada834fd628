// Node -> Operation: what the interpreter calls for each node of a graph (code.h).
//
// Resolution happens once, when a graph is linearized. Structural prim:: ops (tuple, list
// and dict construction, attribute access) get a small per-site context; every other node
// is matched against the overloads the operator registry has for its kind, by the IR types
// of its inputs, and calls either a tscript builtin (a plain function pointer) or a c10
// dispatcher kernel through the IValue bridge.
#pragma once

#include "runtime/code.h"

namespace tscript::ops {
class Operator;
}

namespace tscript::runtime {

// Throws ScriptError ("RuntimeError") naming the node when no implementation fits.
Operation operationFor(const ir::Node& node);

// The registry overload a node calls, chosen by its input types (the first that accepts
// them, in registration order), or nullptr. Exposed for the compiler's tests and tools.
const ops::Operator* matchOverloadForNode(const ir::Node& node);

}  // namespace tscript::runtime
