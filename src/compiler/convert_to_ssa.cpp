#include "compiler/convert_to_ssa.h"

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/symbols.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

using VariableTypes = std::map<std::string, types::TypePtr>;  // ordered: deterministic outputs

const std::string& variableName(const ir::Node* node) { return node->s("name"); }

// True when the block can never fall through to its end (it raises or was cut short).
bool blockExits(const ir::Block* block) {
  for (const ir::Node* node : block->reverseNodes()) {
    if (node->kind() == kinds::raiseException()) return true;
    if (node->kind() == kinds::store() || node->kind() == kinds::load()) continue;
    return false;
  }
  return false;
}

bool isCompilerName(const std::string& name) { return !name.empty() && name[0] == '$'; }

std::string describeBranch(size_t index) { return index == 0 ? "true" : "false"; }

// Step 1: give control flow explicit Loads/Stores for the variables it assigns, so that step 2
// only ever has to look at straight-line code.
class ControlFlowLoadStores {
 public:
  explicit ControlFlowLoadStores(ir::Graph& graph) : graph_(graph) {}

  // Returns the variables stored in `block` (with their latest types); `defined` are the
  // variables visible on entry.
  VariableTypes run(ir::Block* block, const VariableTypes& defined,
                    VariableTypes* visibleAtEnd = nullptr) {
    VariableTypes visible = defined;
    VariableTypes stored;
    for (auto it = block->nodes().begin(); it != block->nodes().end(); ++it) {
      ir::Node* node = *it;
      if (node->kind() == kinds::store()) {
        // An annotated assignment declares the variable wider than its value.
        const types::TypePtr& type =
            node->hasAttribute("declared") ? node->ty("declared") : node->input(0)->type();
        visible[variableName(node)] = type;
        // A refinement narrows the variable inside this block only.
        if (!node->hasAttribute("refinement")) stored[variableName(node)] = type;
      } else if (node->kind() == ir::prim::If) {
        for (const auto& [name, type] : handleIf(node, visible)) {
          visible[name] = type;
          stored[name] = type;
        }
      } else if (node->kind() == ir::prim::Loop) {
        for (const auto& [name, type] : handleLoop(node, visible)) {
          visible[name] = type;
          stored[name] = type;
        }
      }
    }
    if (visibleAtEnd) *visibleAtEnd = std::move(visible);
    return stored;
  }

 private:
  ir::Value* insertLoad(const std::string& name, const types::TypePtr& type) {
    ir::Node* load = graph_.insert(kinds::load(), {}, 1);
    load->s_("name", name);
    load->output()->setType(type);
    return load->output();
  }
  // `nameValue`: the stored value takes the variable's name (step 2).
  void insertStore(const std::string& name, ir::Value* value, bool nameValue = true) {
    ir::Node* store = graph_.insert(kinds::store(), {value}, 0);
    store->s_("name", name);
    if (!nameValue) store->i_("unnamed", 1);
  }

  VariableTypes handleIf(ir::Node* node, const VariableTypes& defined) {
    ir::Block* branches[2] = {node->blocks()[0], node->blocks()[1]};
    VariableTypes visible[2];
    VariableTypes stored[2] = {run(branches[0], defined, &visible[0]),
                               run(branches[1], defined, &visible[1])};
    bool exits[2] = {blockExits(branches[0]), blockExits(branches[1])};

    // Candidates: assigned in a branch and visible afterwards, i.e. defined before the if,
    // or assigned on every branch that falls through.
    std::map<std::string, types::TypePtr> outputs;
    std::map<std::string, bool> candidates;
    for (const auto& s : stored) for (const auto& [name, type] : s) candidates[name] = true;
    for (const auto& [name, unused] : candidates) {
      bool before = defined.count(name) > 0;
      std::optional<types::TypePtr> branchType[2];
      for (size_t b = 0; b < 2; ++b) {
        // A branch that raises has no say in the type (1.13: the other branch's variables
        // escape, the raising one yields placeholders). The compiler's `$` variables are
        // still read at the end of their region, so they keep their values.
        if (exits[b] && !isCompilerName(name)) continue;
        auto found = stored[b].find(name);
        if (found != stored[b].end()) {
          branchType[b] = found->second;
        } else if (before) {
          // Not assigned in this branch: the value it had before, or its refinement here
          // (`if x is None: x = 2` makes x an int on both paths).
          branchType[b] = visible[b].at(name);
        }
      }
      if (!branchType[0] && !branchType[1]) continue;
      if ((!branchType[0] && !exits[0]) || (!branchType[1] && !exits[1])) {
        continue;  // defined on one path only: a later read reports it (step 2)
      }
      types::TypePtr unified;
      if (branchType[0] && branchType[1]) {
        std::optional<types::TypePtr> joined = types::unifyTypes(*branchType[0], *branchType[1]);
        if (!joined) {
          throw lang::CompileError(
              node->sourceRange(),
              "Type mismatch: " + name + " is set to type " + (*branchType[0])->annotationStr() +
                  " in the true branch and type " + (*branchType[1])->annotationStr() +
                  " in the false branch");
        }
        unified = *joined;
      } else {
        unified = branchType[0] ? *branchType[0] : *branchType[1];
      }
      outputs[name] = unified;
    }
    // An if that leaves its loop on some paths (it stores the compiler's `$...` variables)
    // has unnamed outputs, as torch.jit's exit transform leaves them.
    bool exitsLoop = false;
    for (const auto& [name, type] : outputs) exitsLoop |= name.rfind("$continue", 0) == 0;
    for (const auto& [name, type] : outputs) {
      for (size_t b = 0; b < 2; ++b) {
        ir::WithInsertPoint guard(graph_, branches[b]);
        ir::Value* value;
        if (exits[b] && (!isCompilerName(name) || (!stored[b].count(name) && !defined.count(name)))) {
          // This branch never reaches the end; any value of the right type will do.
          ir::Node* placeholder = graph_.insert(kinds::uninitialized(), {}, 1);
          placeholder->output()->setType(type);
          value = placeholder->output();
        } else {
          value = insertLoad(name, type);
        }
        branches[b]->registerOutput(value);
      }
      ir::Value* result = node->addOutput()->setType(type);
      ir::WithInsertPoint after(graph_, node->next());
      insertStore(name, result, /*nameValue=*/!exitsLoop);
    }
    (void)describeBranch;
    return outputs;
  }

  VariableTypes handleLoop(ir::Node* node, const VariableTypes& defined) {
    ir::Block* body = node->blocks()[0];
    VariableTypes stored = run(body, defined);
    VariableTypes carried;
    for (const auto& [name, type] : stored) {
      auto before = defined.find(name);
      if (before == defined.end()) continue;  // local to the body
      std::optional<types::TypePtr> joined = types::unifyTypes(before->second, type);
      if (!joined || !types::isSubtypeOf(type, before->second)) {
        throw lang::CompileError(node->sourceRange(),
                                 "Variable '" + name + "' previously had type " +
                                     before->second->annotationStr() +
                                     " but is now being assigned to a value of type " +
                                     type->annotationStr() + " in the loop");
      }
      carried[name] = before->second;
    }
    for (const auto& [name, type] : carried) {
      {
        ir::WithInsertPoint guard(graph_, node);
        node->addInput(insertLoad(name, type));
      }
      ir::Value* blockInput = body->addInput()->setType(type);
      {
        ir::WithInsertPoint guard(graph_, body->nodes().begin() == body->nodes().end()
                                              ? body->returnNode()
                                              : *body->nodes().begin());
        insertStore(name, blockInput);
      }
      {
        ir::WithInsertPoint guard(graph_, body);
        body->registerOutput(insertLoad(name, type));
      }
      ir::Value* result = node->addOutput()->setType(type);
      ir::WithInsertPoint after(graph_, node->next());
      insertStore(name, result);
    }
    return carried;
  }

  ir::Graph& graph_;
};

// Step 2: replace Loads by the values last stored, scope by scope.
class EraseLoadStores {
 public:
  void run(ir::Block* block, const std::vector<std::unordered_map<std::string, ir::Value*>*>& outer) {
    std::unordered_map<std::string, ir::Value*> scope;
    std::vector<std::unordered_map<std::string, ir::Value*>*> scopes = outer;
    scopes.push_back(&scope);
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
      ir::Node* node = *it;
      ++it;  // advance first: the node may be destroyed
      if (node->kind() == kinds::store()) {
        ir::Value* value = node->input(0);
        const std::string& name = variableName(node);
        // Names starting with '$' are the compiler's own (the function result): they
        // name no Python variable, so the values stay unnamed, as in torch.jit's graphs.
        // `_0`, `_12` (the printer's temporaries, read back from archives) name nothing
        // either: 1.13's emitter leaves them unnamed (its meaningfulName rule).
        bool printerTemporary = name.size() > 1 && name[0] == '_' &&
                                name.find_first_not_of("0123456789", 1) == std::string::npos;
        bool userVariable = !name.empty() && name[0] != '$' && !printerTemporary;
        bool named = userVariable && !node->hasAttribute("unnamed");
        // As torch.jit names them: a value keeps the first name it gets, and a value from an
        // enclosing block is not named after a variable of this one.
        if (named && !value->hasDebugName() && value->node()->owningBlock() == block) {
          value->setDebugName(name);
        }
        scope[name] = value;
        node->destroy();
      } else if (node->kind() == kinds::load()) {
        const std::string& name = variableName(node);
        ir::Value* value = lookup(scopes, name);
        if (!value) {
          throw lang::CompileError(node->sourceRange(),
                                   "'" + name + "' is not defined on every path to this use "
                                   "(assign it before the if/loop, or in every branch)");
        }
        node->output()->replaceAllUsesWith(value);
        node->destroy();
      } else {
        for (ir::Block* sub : node->blocks()) run(sub, scopes);
      }
    }
    // The block's return node reads values; they were replaced in place above.
  }

 private:
  static ir::Value* lookup(const std::vector<std::unordered_map<std::string, ir::Value*>*>& scopes,
                           const std::string& name) {
    for (size_t i = scopes.size(); i-- > 0;) {
      auto found = scopes[i]->find(name);
      if (found != scopes[i]->end()) return found->second;
    }
    return nullptr;
  }
};

}  // namespace

void convertToSSA(ir::Graph& graph) {
  ControlFlowLoadStores(graph).run(graph.block(), {});
  EraseLoadStores().run(graph.block(), {});
}

}  // namespace tscript::compiler
