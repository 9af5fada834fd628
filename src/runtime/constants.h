// Compile-time constants of the IR (prim::Constant attributes, schema defaults) as runtime
// values. The interpreter boxes every constant once, when a graph is linearized.
#pragma once

#include "ir/attributes.h"
#include "runtime/value.h"
#include "types/type.h"

namespace tscript::ir {
class Node;
}

namespace tscript::runtime {

// The value of a prim::Constant node. The attribute alone is ambiguous (bools are stored as
// ints, an empty list has no element type), so the node's output type decides. Throws
// ScriptError naming the node for constants the runtime cannot rebuild (tensor constants
// known only by their printed text, apart from the scalar forms `{2.5}` and `{3}`).
Value constantValueOf(const ir::Node& node);

// The attribute of a tensor constant that carries `tensor` itself (constantValueOf returns it),
// printed as `text`.
ir::TensorText tensorConstantAttribute(const at::Tensor& tensor, std::string text);
// The tensor such an attribute carries; null when it carries only text.
const at::Tensor* tensorOfAttribute(const ir::TensorText& attribute);

// A ConstantValue read as a value of `type` (a schema default, an element of an `ival`).
Value valueFromConstant(const ir::ConstantValue& constant, const types::TypePtr& type);

// Member `name` of enum type `enumType` (an EnumType), with its value; throws ScriptError
// when the enum has no such member.
Value enumMemberValue(const types::TypePtr& enumType, const std::string& name);

}  // namespace tscript::runtime
