#include "ir/printer.h"

#include <sstream>
#include <vector>

namespace tscript::ir {

namespace {

// The attribute that makes a node a "group" printed as `kind_N` plus a `with` section.
constexpr const char* kSubgraph = "Subgraph";

void indent(std::ostream& out, size_t level) {
  for (size_t i = 0; i < level; ++i) out << "  ";
}

std::string typeText(const Value* value) {
  return value->type() ? value->type()->str() : "<no type>";
}

void printValuesWithTypes(std::ostream& out, const std::vector<Value*>& values,
                          const char* separator) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out << separator;
    out << "%" << values[i]->debugName() << " : " << typeText(values[i]);
  }
}

void printValueNames(std::ostream& out, const std::vector<Value*>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out << ", ";
    out << "%" << values[i]->debugName();
  }
}

const AttributeValue* subgraphOf(const Node* node) {
  const AttributeValue* value = node->findAttribute(kSubgraph);
  return value && value->kind() == AttributeKind::g ? value : nullptr;
}

void printAttributes(std::ostream& out, const Node* node, bool skipSubgraph) {
  out << "[";
  bool first = true;
  for (const auto& [name, value] : node->attributes()) {
    if (skipSubgraph && name == kSubgraph) continue;
    if (!first) out << ", ";
    first = false;
    out << name << "=" << formatAttribute(value);
  }
  out << "]";
}

std::string locationText(const Node* node) {
  if (node->sourceRange().valid()) return node->sourceRange().location();
  return node->printedLocation();
}

// `groups` collects the nodes whose subgraphs are printed after the graph; null when printing a
// single node for a message (then the kind prints plainly).
void printNode(std::ostream& out, const Node* node, size_t level, std::vector<const Node*>* groups,
               bool printSourceLocations) {
  indent(out, level);
  printValuesWithTypes(out, node->outputs(), ", ");
  out << " = ";
  if (groups && subgraphOf(node)) {
    out << node->kind().toQualString() << "_" << groups->size();
    groups->push_back(node);
    // PyTorch hides the other attributes of a DifferentiableGraph.
    if (node->attributes().size() > 1 &&
        node->kind().toQualString() != "prim::DifferentiableGraph") {
      printAttributes(out, node, /*skipSubgraph=*/true);
    }
  } else if (node->kind().toQualString() == std::string_view("prim::PythonOp")) {
    // A call into Python prints as 1.13's `^name[]()`: its other attributes (the host's key
    // for the callable) are not part of the text.
    const AttributeValue* name = node->findAttribute("name");
    out << "^" << (name && name->kind() == AttributeKind::s ? name->get<std::string>() : "")
        << "[]()";
  } else {
    out << node->kind().toQualString();
    if (!node->attributes().empty()) printAttributes(out, node, /*skipSubgraph=*/false);
  }
  out << "(";
  printValueNames(out, node->inputs());
  out << ")";
  if (!node->scope().empty()) out << ", scope: " << node->scope();
  if (printSourceLocations) {
    std::string location = locationText(node);
    if (!location.empty()) out << " # " << location;
  }
  out << "\n";
  if (!groups) return;
  for (size_t i = 0; i < node->blocks().size(); ++i) {
    const Block* block = node->blocks()[i];
    indent(out, level + 1);
    out << "block" << i << "(";
    printValuesWithTypes(out, block->inputs(), ", ");
    out << "):\n";
    for (const Node* nested : block->nodes()) {
      printNode(out, nested, level + 2, groups, /*printSourceLocations=*/true);
    }
    indent(out, level + 2);
    out << "-> (";
    printValueNames(out, block->outputs());
    out << ")\n";
  }
}

}  // namespace

void printGraph(std::ostream& out, const Graph& graph, bool printSourceLocations) {
  out << "graph(";
  printValuesWithTypes(out, graph.inputs(), ",\n      ");
  out << "):\n";
  std::vector<const Node*> groups;
  for (const Node* node : graph.nodes()) printNode(out, node, 1, &groups, printSourceLocations);
  out << "  return (";
  printValueNames(out, graph.outputs());
  out << ")\n";
  for (size_t i = 0; i < groups.size(); ++i) {
    out << "with " << groups[i]->kind().toQualString() << "_" << i << " = ";
    printGraph(out, *subgraphOf(groups[i])->get<GraphPtr>(), /*printSourceLocations=*/true);
  }
}

std::ostream& operator<<(std::ostream& out, const Graph& graph) {
  printGraph(out, graph, true);
  return out;
}

std::string Graph::toString(bool printSourceLocations) const {
  std::ostringstream out;
  printGraph(out, *this, printSourceLocations);
  return out.str();
}

std::string Node::toString() const {
  std::ostringstream out;
  printNode(out, this, 0, nullptr, true);
  std::string text = out.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace tscript::ir
