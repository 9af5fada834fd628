// A graph as Graphviz DOT, for people who would rather look than read (`tscript graph
// --format=dot|svg`). One box per node (its kind, its constant or attribute values, its
// outputs with their types), one edge per use of a value (labelled with the value's name),
// and one cluster per block of an If or Loop. The layout is Graphviz's; the text is stable
// (nodes in graph order), so the output can be diffed.
#pragma once

#include <string>

#include "ir/ir.h"

namespace tscript::ir {

// `title` labels the drawing (the method's qualified name).
std::string graphToDot(const Graph& graph, const std::string& title);

}  // namespace tscript::ir
