#include "ir/dot_printer.h"

#include <sstream>
#include <unordered_map>

#include "ir/attributes.h"

namespace tscript::ir {

namespace {

// DOT's double-quoted strings: quotes and backslashes escaped; `\l` ends left-justified lines.
std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\l";
      continue;
    }
    out += c;
  }
  return out;
}

class DotWriter {
 public:
  explicit DotWriter(std::ostringstream& out) : out_(out) {}

  void block(const Block& block, const std::string& indent) {
    declare(*block.paramNode(), indent, block.owningNode() ? "block inputs" : "graph inputs",
            "shape=invhouse, style=filled, fillcolor=\"#e8f0fe\"");
    for (Node* node : block.nodes()) {
      if (node->blocks().empty()) {
        declare(*node, indent, label(*node), style(*node));
        edgesInto(*node, indent);
        continue;
      }
      // A node with blocks (If, Loop): the node itself, then each block as a cluster.
      declare(*node, indent, label(*node), "style=filled, fillcolor=\"#fff4e0\"");
      edgesInto(*node, indent);
      for (size_t i = 0; i < node->blocks().size(); ++i) {
        out_ << indent << "subgraph cluster_" << clusters_++ << " {\n"
             << indent << "  label=\"" << escaped(node->kind().toQualString()) << " block" << i
             << "\"; style=dashed;\n";
        this->block(*node->blocks()[i], indent + "  ");
        out_ << indent << "}\n";
        // The block hangs off its owner, so the layout keeps it below.
        out_ << indent << id(*node) << " -> " << id(*node->blocks()[i]->paramNode())
             << " [style=dotted, arrowhead=none];\n";
      }
    }
    declare(*block.returnNode(), indent, block.owningNode() ? "block outputs" : "return",
            "shape=house, style=filled, fillcolor=\"#e6f4ea\"");
    edgesInto(*block.returnNode(), indent);
  }

 private:
  std::string id(const Node& node) {
    auto [it, inserted] = ids_.emplace(&node, ids_.size());
    return "n" + std::to_string(it->second);
  }

  static std::string valueText(const Value& value) {
    std::string text = "%" + value.debugName();
    if (value.type()) text += " : " + value.type()->annotationStr();
    return text;
  }

  static std::string label(const Node& node) {
    std::string text = node.kind().toQualString();
    for (const auto& [name, value] : node.attributes()) {
      std::string shown = formatAttribute(value);
      if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
      text += "\n" + name + "=" + shown;
    }
    for (const Value* output : node.outputs()) text += "\n" + valueText(*output);
    return text + "\n";
  }

  static std::string style(const Node& node) {
    if (node.kind().toQualString() == "prim::Constant") {
      return "style=filled, fillcolor=\"#f1f3f4\", fontsize=10";
    }
    return "";
  }

  void declare(const Node& node, const std::string& indent, const std::string& text,
               const std::string& attributes) {
    out_ << indent << id(node) << " [label=\"" << escaped(text) << "\"";
    if (!attributes.empty()) out_ << ", " << attributes;
    out_ << "];\n";
  }

  void edgesInto(const Node& node, const std::string& indent) {
    for (const Value* input : node.inputs()) {
      out_ << indent << id(*input->node()) << " -> " << id(node) << " [label=\""
           << escaped("%" + input->debugName()) << "\"];\n";
    }
  }

  std::ostringstream& out_;
  std::unordered_map<const Node*, size_t> ids_;
  size_t clusters_ = 0;
};

}  // namespace

std::string graphToDot(const Graph& graph, const std::string& title) {
  std::ostringstream out;
  out << "digraph \"" << escaped(title) << "\" {\n"
      << "  label=\"" << escaped(title) << "\"; labelloc=t;\n"
      << "  node [shape=box, fontname=\"monospace\"];\n"
      << "  edge [fontname=\"monospace\", fontsize=9];\n";
  DotWriter(out).block(*graph.block(), "  ");
  out << "}\n";
  return out.str();
}

}  // namespace tscript::ir
