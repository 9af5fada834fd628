// From one recorded graph to the methods of a traced module (1.13's FixupTraceScopeBlocks).
//
// A module trace records one flat graph (recorder.h, "modules"): `self` is its first input,
// parameters and buffers are `prim::TracedAttr[scope="__module.a.weight"]` placeholders, and
// the nodes recorded during each submodule call sit between `tscript::scope_begin[id=N]` and
// `tscript::scope_end[id=N]` markers. splitTracedScopes turns each bracketed call, innermost
// first, into a method of the submodule's type:
//
//   Given (flat):                           Result:
//     scope_begin[id=1]                       %conv1 = prim::GetAttr[name="conv1"](%self)
//     %y = aten::_convolution(%x, %w, ...)    %3 : Tensor = prim::CallMethod[name="forward"](%conv1, %x)
//     scope_end[id=1]                       and method conv1.forward:
//     %z = aten::relu(%y)                     graph(%self : Conv2d, %x):
//                                               %weight = prim::GetAttr[name="weight"](%self)
//                                               %y = aten::_convolution(%x, %weight, ...), scope: __module.conv1
//                                               return (%y)
//
// The method's inputs are the values its nodes read from outside (in order of first use,
// named as the caller's values); its outputs the values of its nodes read after the call (in
// order of first use there): none returns None, several a tuple the caller unpacks. A
// placeholder becomes a prim::GetAttr chain from the `self` of the innermost method whose
// module holds it (inserted first, so the chains end up in reverse order of first use, as in
// 1.13), else an input of the method. Nodes recorded in a call get the call's scope text
// (`__module.sub/__module.sub.lin`); the nodes the split makes have none.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/ir.h"

namespace tscript::tracer {

extern const ir::Symbol kTracedAttr;
extern const ir::Symbol kScopeBegin;
extern const ir::Symbol kScopeEnd;

// Inserts `node` (not inserted yet) before every node of `graph`.
void prependTo(ir::Graph& graph, ir::Node* node);

// One submodule call bracketed in the flat graph.
struct TracedScope {
  std::string path;           // `__module.sub.lin`
  types::TypePtr moduleType;  // the submodule's ClassType
};

// A method made from one call.
struct TracedMethod {
  int64_t scopeId;
  std::string name;  // given by the namer
  std::shared_ptr<ir::Graph> graph;
  std::unordered_map<const ir::Node*, at::Tensor> tensorConstants;
};

using TensorConstants = std::unordered_map<const ir::Node*, at::Tensor>;

// Splits `flat` in place (it becomes the traced method's graph, `flat.inputs()[0]` is `self`
// of the module at `rootPath`) and returns the submodule methods, innermost first.
// `tensorConstants` (of `flat`) is rekeyed: the entries of nodes moved into a method go to
// that method. `namer` gives the method name of a call (forward, forward1, ... per type).
std::vector<TracedMethod> splitTracedScopes(
    ir::Graph& flat, const std::string& rootPath, const std::map<int64_t, TracedScope>& scopes,
    TensorConstants& tensorConstants,
    const std::function<std::string(const TracedScope&)>& namer);

}  // namespace tscript::tracer
