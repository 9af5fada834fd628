// splitTracedScopes: the methods of a traced module from its flat recording (module_split.h).
#include "tracer/module_split.h"

#include <algorithm>
#include <unordered_set>

#include "tracer/recorder.h"
#include "types/named_types.h"

namespace tscript::tracer {

const ir::Symbol kTracedAttr = ir::Symbol::fromQualString("prim::TracedAttr");
const ir::Symbol kScopeBegin = ir::Symbol::fromQualString("tscript::scope_begin");
const ir::Symbol kScopeEnd = ir::Symbol::fromQualString("tscript::scope_end");

void prependTo(ir::Graph& graph, ir::Node* node) {
  if (graph.block()->empty()) {
    graph.block()->appendNode(node);
  } else {
    node->insertBefore(*graph.nodes().begin());
  }
}

namespace {

const ir::Symbol kGetAttr = ir::Symbol::fromQualString("prim::GetAttr");
const ir::Symbol kCallMethod = ir::Symbol::fromQualString("prim::CallMethod");
const ir::Symbol kTupleConstruct = ir::Symbol::fromQualString("prim::TupleConstruct");
const ir::Symbol kTupleUnpack = ir::Symbol::fromQualString("prim::TupleUnpack");

bool startsWithPath(const std::string& path, const std::string& prefix) {
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         path[prefix.size()] == '.';
}

// The prim::GetAttr chains of one graph, from its `self` (the module at `selfPath`).
// Submodules read for a call and attributes read as values get separate chains, as in 1.13
// (`%sub` for `self.sub.lin.weight`, `%sub.1` for `self.sub(x)`).
class AttributeChains {
 public:
  AttributeChains(ir::Graph& graph, ir::Value* self, std::string selfPath)
      : graph_(graph), self_(self), selfPath_(std::move(selfPath)) {}

  bool reaches(const std::string& path) const { return startsWithPath(path, selfPath_); }

  // The value of the attribute at `path` (under selfPath); new chain nodes go first in the
  // graph (after the part of the chain that exists already).
  ir::Value* resolve(const std::string& path, const types::TypePtr& leafType) {
    bool forCall = leafType->kind() == types::TypeKind::Class;
    auto& cache = cache_[forCall ? 1 : 0];
    ir::Value* current = self_;
    ir::Node* after = nullptr;
    std::string prefix = selfPath_;
    size_t start = selfPath_.size() + 1;
    while (start <= path.size()) {
      size_t end = path.find('.', start);
      if (end == std::string::npos) end = path.size();
      std::string name = path.substr(start, end - start);
      prefix += "." + name;
      start = end + 1;
      auto cached = cache.find(prefix);
      if (cached != cache.end()) {
        current = cached->second;
        after = current->node();
        continue;
      }
      types::TypePtr type = leafType;
      if (const auto* owner = current->type()->as<types::ClassType>()) {
        if (const auto* attribute = owner->findAttribute(name)) type = attribute->type;
      }
      if (prefix == path) type = leafType->kind() == types::TypeKind::Class ? leafType : type;
      ir::Node* get = graph_.create(kGetAttr, {current});
      get->s_("name", name);
      get->output()->setType(type);
      // 1.13 names `%_0` the value of attribute "0" (a name cannot be all digits).
      bool digits = name.find_first_not_of("0123456789") == std::string::npos;
      get->output()->setDebugName(digits ? "_" + name : name);
      if (after == nullptr) {
        prependTo(graph_, get);
      } else {
        get->insertAfter(after);
      }
      after = get;
      current = get->output();
      cache[prefix] = current;
    }
    return current;
  }

 private:
  ir::Graph& graph_;
  ir::Value* self_;
  std::string selfPath_;
  std::map<std::string, ir::Value*> cache_[2];
};

class Splitter {
 public:
  Splitter(ir::Graph& flat, const std::map<int64_t, TracedScope>& scopes,
           TensorConstants& constants, const std::function<std::string(const TracedScope&)>& namer)
      : flat_(flat), scopes_(scopes), constants_(constants), namer_(namer) {}

  std::vector<TracedMethod> run(const std::string& rootPath) {
    std::vector<ir::Node*> open;
    std::vector<std::string> texts;
    for (ir::Node* node = *flat_.nodes().begin(); node != flat_.returnNode();) {
      ir::Node* next = node->next();
      if (node->kind() == kScopeBegin) {
        const TracedScope& scope = scopeOf(node);
        texts.push_back(texts.empty() ? scope.path : texts.back() + "/" + scope.path);
        open.push_back(node);
      } else if (node->kind() == kScopeEnd) {
        if (open.empty() || open.back()->i("id") != node->i("id")) {
          throw TraceError("internal: unbalanced module scopes in a module trace");
        }
        convert(open.back(), node, texts.back());
        open.pop_back();
        texts.pop_back();
      }
      node = next;
    }
    if (!open.empty()) throw TraceError("internal: a module scope of the trace was not closed");
    finishRoot(rootPath);
    return std::move(methods_);
  }

 private:
  const TracedScope& scopeOf(const ir::Node* marker) const {
    auto found = scopes_.find(marker->i("id"));
    if (found == scopes_.end()) throw TraceError("internal: unknown module scope in a trace");
    return found->second;
  }

  types::TypePtr shapedType(const ir::Value* value) const {
    auto shaped = shapedTypes_.find(value);
    return shaped != shapedTypes_.end() ? shaped->second : value->type();
  }

  // A placeholder for the module at `path` in the flat graph (the `self` of a call).
  ir::Value* modulePlaceholder(const TracedScope& scope) {
    auto found = modules_.find(scope.path);
    if (found != modules_.end()) return found->second;
    ir::Node* node = flat_.create(kTracedAttr);
    node->s_("scope", scope.path);
    node->output()->setType(scope.moduleType);
    prependTo(flat_, node);
    return modules_[scope.path] = node->output();
  }

  void convert(ir::Node* begin, ir::Node* end, const std::string& scopeText) {
    const TracedScope& scope = scopeOf(begin);
    std::vector<ir::Node*> body;
    for (ir::Node* node = begin->next(); node != end; node = node->next()) body.push_back(node);
    std::unordered_set<const ir::Node*> inBody(body.begin(), body.end());

    TracedMethod method;
    method.scopeId = begin->i("id");
    method.graph = std::make_shared<ir::Graph>();
    ir::Graph& graph = *method.graph;
    ir::Value* self = graph.addInput("self");
    self->setType(scope.moduleType);
    AttributeChains chains(graph, self, scope.path);
    std::unordered_map<ir::Value*, ir::Value*> mapping;
    std::vector<ir::Value*> captures;
    auto resolve = [&](ir::Value* value) -> ir::Value* {
      auto found = mapping.find(value);
      if (found != mapping.end()) return found->second;
      ir::Value* result;
      if (value->node()->kind() == kTracedAttr && chains.reaches(value->node()->s("scope"))) {
        result = chains.resolve(value->node()->s("scope"), value->type());
      } else {
        // Read from outside the call: an input of the method, passed by the caller.
        result = graph.addInput(value->hasDebugName() ? value->debugName() : "");
        // A call's output is typed `Tensor`; the method reading it sees the shaped type
        // of the value the callee computed, as in 1.13.
        result->setType(shapedType(value));
        captures.push_back(value);
      }
      return mapping[value] = result;
    };
    for (ir::Node* node : body) {
      ir::Node* copy = graph.insertNode(graph.createClone(node, resolve));
      if (!synthetic_.count(node) && node->kind() != kCallMethod) copy->setScope(scopeText);
      for (size_t i = 0; i < node->outputs().size(); ++i) mapping[node->output(i)] = copy->output(i);
      auto constant = constants_.find(node);
      if (constant != constants_.end()) {
        method.tensorConstants.emplace(copy, constant->second);
        constants_.erase(constant);
      }
    }

    // The values read after the call, in order of first use.
    std::unordered_map<const ir::Node*, size_t> position;
    size_t index = 0;
    for (ir::Node* node = end->next(); node != flat_.returnNode(); node = node->next()) {
      position[node] = index++;
    }
    position[flat_.returnNode()] = index;
    struct Output {
      size_t position, offset;
      ir::Value* value;
    };
    std::vector<Output> outputs;
    for (ir::Node* node : body) {
      for (ir::Value* output : node->outputs()) {
        bool used = false;
        Output first{0, 0, output};
        for (const ir::Use& use : output->uses()) {
          if (inBody.count(use.user)) continue;
          auto at = position.find(use.user);
          if (at == position.end()) continue;
          if (!used || std::make_pair(at->second, use.offset) <
                           std::make_pair(first.position, first.offset)) {
            first.position = at->second;
            first.offset = use.offset;
          }
          used = true;
        }
        if (used) outputs.push_back(first);
      }
    }
    std::stable_sort(outputs.begin(), outputs.end(), [](const Output& a, const Output& b) {
      return std::make_pair(a.position, a.offset) < std::make_pair(b.position, b.offset);
    });

    std::vector<ir::Value*> callInputs{modulePlaceholder(scope)};
    callInputs.insert(callInputs.end(), captures.begin(), captures.end());
    ir::Node* call = flat_.create(kCallMethod, callInputs);
    method.name = namer_(scope);
    call->s_("name", method.name);
    call->insertBefore(begin);
    synthetic_.insert(call);
    if (outputs.empty()) {
      ir::Node* none = graph.insert(ir::prim::Constant, {});
      none->output()->setType(types::noneType());
      graph.registerOutput(none->output());
      call->output()->setType(types::noneType());
    } else if (outputs.size() == 1) {
      graph.registerOutput(mapping.at(outputs[0].value));
      call->output()->setType(types::unshapedType(outputs[0].value->type()));
      shapedTypes_[call->output()] = shapedType(outputs[0].value);
      outputs[0].value->replaceAllUsesWith(call->output());
    } else {
      std::vector<ir::Value*> elements;
      std::vector<types::TypePtr> shaped, unshaped;
      for (const Output& output : outputs) {
        elements.push_back(mapping.at(output.value));
        shaped.push_back(shapedType(output.value));
        unshaped.push_back(types::unshapedType(output.value->type()));
      }
      ir::Node* tuple = graph.insert(kTupleConstruct, elements);
      tuple->output()->setType(types::tupleOf(shaped));
      graph.registerOutput(tuple->output());
      call->output()->setType(types::tupleOf(unshaped));
      ir::Node* unpack = flat_.create(kTupleUnpack, {call->output()}, outputs.size());
      unpack->insertAfter(call);
      synthetic_.insert(unpack);
      for (size_t i = 0; i < outputs.size(); ++i) {
        unpack->output(i)->setType(shaped[i]);
        outputs[i].value->replaceAllUsesWith(unpack->output(i));
      }
    }
    for (auto it = body.rbegin(); it != body.rend(); ++it) {
      for (ir::Value* output : (*it)->outputs()) {
        if (output->hasUses()) {
          // Only other body nodes, destroyed before this one, can read it.
          throw TraceError("internal: a value of a module call is still used after the split");
        }
      }
      synthetic_.erase(*it);
      (*it)->destroy();
    }
    begin->destroy();
    end->destroy();
    methods_.push_back(std::move(method));
  }

  // The traced method itself: placeholders become chains from its `self`.
  void finishRoot(const std::string& rootPath) {
    AttributeChains chains(flat_, flat_.inputs().at(0), rootPath);
    std::vector<ir::Node*> nodes;
    std::vector<ir::Node*> placeholders;
    for (ir::Node* node : flat_.nodes()) {
      (node->kind() == kTracedAttr ? placeholders : nodes).push_back(node);
    }
    nodes.push_back(flat_.returnNode());
    for (ir::Node* node : nodes) {
      for (size_t i = 0; i < node->inputs().size(); ++i) {
        ir::Value* input = node->input(i);
        if (input->node()->kind() != kTracedAttr) continue;
        const std::string& path = input->node()->s("scope");
        if (!chains.reaches(path)) {
          throw TraceError("the trace reads " + path + ", which is not part of the traced module");
        }
        node->replaceInput(i, chains.resolve(path, input->type()));
      }
    }
    for (ir::Node* placeholder : placeholders) placeholder->destroy();
  }

  ir::Graph& flat_;
  const std::map<int64_t, TracedScope>& scopes_;
  TensorConstants& constants_;
  const std::function<std::string(const TracedScope&)>& namer_;
  std::map<std::string, ir::Value*> modules_;
  std::unordered_set<const ir::Node*> synthetic_;
  std::unordered_map<const ir::Value*, types::TypePtr> shapedTypes_;
  std::vector<TracedMethod> methods_;
};

}  // namespace

std::vector<TracedMethod> splitTracedScopes(
    ir::Graph& flat, const std::string& rootPath, const std::map<int64_t, TracedScope>& scopes,
    TensorConstants& tensorConstants,
    const std::function<std::string(const TracedScope&)>& namer) {
  return Splitter(flat, scopes, tensorConstants, namer).run(rootPath);
}

}  // namespace tscript::tracer
