// List and dict comprehensions: `[e for x in xs if c]` becomes an empty list, a loop over xs
// (unrolled for tuples), and `aten::append` under the `if` — the shape torch.jit gives them.
// Generator expressions are list comprehensions too (torch.jit builds them eagerly as lists).
// The comprehension's variables live in the loop body's scope and do not leak.
#include "compiler/function_emitter.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

void FunctionEmitter::emitComprehensionClauses(const std::vector<lang::Comprehension>& clauses,
                                               size_t index,
                                               const std::function<void()>& emitInsertion) {
  if (index == clauses.size()) {
    emitInsertion();
    return;
  }
  const lang::Comprehension& clause = clauses[index];
  if (clause.isAsync) unsupported(clause.range, "async comprehensions are not supported in TorchScript", "use a plain comprehension");
  // The `if` filters of this clause guard the rest (the next clauses and the insertion).
  auto emitFiltered = [&](size_t filter, const auto& self) -> void {
    if (filter == clause.ifs.size()) {
      emitComprehensionClauses(clauses, index + 1, emitInsertion);
      return;
    }
    ir::Value* condition = emitCondition(*clause.ifs[filter]);
    ir::Node* node = insertNode(ir::prim::If, {condition}, 0, clause.ifs[filter]->range);
    {
      ir::WithInsertPoint guard(*graph_, node->addBlock());
      pushScope();
      self(filter + 1, self);
      popScope();
    }
    node->addBlock();
  };
  SugaredValuePtr iterable = emitSugared(*clause.iter);
  if (auto elements = iterable->unrolledElements(clause.iter->range, *this)) {
    for (const SugaredValuePtr& element : *elements) {
      pushScope();
      assignTo(*clause.target, element, clause.range);
      emitFiltered(0, emitFiltered);
      popScope();
    }
    return;
  }
  std::unique_ptr<LoopIteration> iteration = iterable->iterate(clause.iter->range, *this);
  ir::Value* tripCount = iteration->tripCount(*this, clause.iter->range);
  emitLoop(
      clause.range, tripCount, nullptr, [&] { emitFiltered(0, emitFiltered); },
      [&](ir::Value* loopIndex) {
        assignTo(*clause.target, iteration->element(*this, clause.iter->range, loopIndex),
                 clause.range);
      });
}

ir::Value* FunctionEmitter::emitListComprehension(const lang::SourceRange& range,
                                                  const lang::Expr& elementExpr,
                                                  const std::vector<lang::Comprehension>& clauses) {
  // The list's element type is the first element's type, known once it has been emitted.
  ir::Node* list = insertNode(ir::Symbol::make("prim", "ListConstruct"), {}, 1, range);
  list->output()->setType(types::listOf(types::anyType()));
  bool typed = false;
  emitComprehensionClauses(clauses, 0, [&] {
    ir::Value* element = emitValue(elementExpr);
    if (!typed) {
      list->output()->setType(types::listOf(element->type()));
      typed = true;
    }
    emitBuiltin(ir::Symbol::make("aten", "append"),
                {{range, "", list->output()}, {elementExpr.range, "", element}}, range);
  });
  return list->output();
}

ir::Value* FunctionEmitter::emitListOf(SugaredValue& iterable, const lang::SourceRange& range) {
  std::unique_ptr<LoopIteration> iteration = iterable.iterate(range, *this);
  ir::Node* list = insertNode(ir::Symbol::make("prim", "ListConstruct"), {}, 1, range);
  list->output()->setType(types::listOf(types::intType()));
  ir::Value* tripCount = iteration->tripCount(*this, range);
  SugaredValuePtr element;
  emitLoop(
      range, tripCount, nullptr,
      [&] {
        ir::Value* value = element->asValue(range, *this);
        list->output()->setType(types::listOf(value->type()));
        emitBuiltin(ir::Symbol::make("aten", "append"), {{range, "", list->output()}, {range, "", value}},
                    range);
      },
      [&](ir::Value* index) { element = iteration->element(*this, range, index); });
  return list->output();
}

ir::Value* FunctionEmitter::emitDictComprehension(const lang::DictCompExpr& expr) {
  ir::Node* dict = insertNode(ir::Symbol::make("prim", "DictConstruct"), {}, 1, expr.range);
  dict->output()->setType(types::dictOf(types::strType(), types::anyType()));
  bool typed = false;
  emitComprehensionClauses(expr.generators, 0, [&] {
    ir::Value* key = emitValue(*expr.key);
    ir::Value* value = emitValue(*expr.value);
    if (!typed) {
      dict->output()->setType(types::dictOf(key->type(), value->type()));
      typed = true;
    }
    emitBuiltin(ir::Symbol::make("aten", "_set_item"),
                {{expr.range, "", dict->output()}, {expr.key->range, "", key},
                 {expr.value->range, "", value}},
                expr.range);
  });
  return dict->output();
}

}  // namespace tscript::compiler
