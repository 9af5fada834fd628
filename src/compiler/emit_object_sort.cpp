// `sorted(xs)` and `xs.sort(reverse=...)` on a list of TorchScript class objects: the order is
// the class's `__lt__`, as in 1.13. 1.13's runtime calls the method from inside aten::sort;
// our operators cannot run compiled methods, so the sort is emitted in place instead: a
// bubble sort over the list (swapping only strictly out-of-order neighbours, so it is stable,
// as Python's sort is, also with reverse=True). `.graph` therefore shows the loops where
// 1.13 shows one aten::sort node.
#include "compiler/function_emitter.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

bool FunctionEmitter::isObjectListSort(ir::Symbol op, const std::vector<NamedValue>& args) const {
  if (op.toQualString() != "aten::sort" && op.toQualString() != "aten::sorted") return false;
  if (args.empty() || !args[0].value) return false;
  const auto* list = args[0].value->type()->as<types::ListType>();
  return list && list->element()->kind() == types::TypeKind::Class;
}

ir::Value* FunctionEmitter::emitObjectListSort(ir::Symbol op, const std::vector<NamedValue>& args,
                                               const lang::SourceRange& range) {
  const bool copy = op.toQualString() == "aten::sorted";
  const char* name = copy ? "sorted" : "sort";
  bool reverse = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (!(args[i].name == "reverse" || (args[i].name.empty() && i == 1 && !copy))) {
      throw lang::CompileError(args[i].range, std::string(name) + "() of a list of objects takes "
                                              "only `reverse`; a key function is not supported "
                                              "in TorchScript: define __lt__ on the class");
    }
    ir::ConstantValue constant;
    if (!ir::constantValueOf(args[i].value->node(), constant) ||
        constant.kind != ir::ConstantValue::Kind::Bool) {
      unsupported(args[i].range, std::string("a run-time `reverse` for ") + name + "() of a list "
                                 "of objects is not supported by tscript",
                  "write reverse=True or reverse=False");
    }
    reverse = constant.boolValue;
    discardUnusedConstant(args[i].value);
  }
  ir::Value* list = args[0].value;
  if (copy) list = emitBuiltin("aten::list", {list}, range);
  ir::Value* length = emitBuiltin("aten::len", {list}, range);
  ir::Value* one = insertConstant(int64_t(1), range);
  ir::Value* pass = nullptr;
  emitLoop(
      range, length, nullptr,
      [&] {
        // Pass i leaves the i largest (last in order) elements at the end.
        ir::Value* last = emitBuiltin("aten::sub", {length, one}, range);
        ir::Value* comparisons = emitBuiltin("aten::sub", {last, pass}, range);
        ir::Value* position = nullptr;
        emitLoop(
            range, comparisons, nullptr,
            [&] {
              ir::Value* next = emitBuiltin("aten::add", {position, one}, range);
              ir::Value* left = emitBuiltin("aten::__getitem__", {list, position}, range);
              ir::Value* right = emitBuiltin("aten::__getitem__", {list, next}, range);
              // `right < left` (`left < right` reversed): emitBuiltin calls the class's __lt__.
              ir::Value* outOfOrder = reverse ? emitBuiltin("aten::lt", {left, right}, range)
                                              : emitBuiltin("aten::lt", {right, left}, range);
              if (outOfOrder->type()->kind() != types::TypeKind::Bool) {
                throw lang::CompileError(range, "sorting a list of '" +
                                                    left->type()->annotationStr() +
                                                    "' needs its __lt__ to return bool, not " +
                                                    outOfOrder->type()->annotationStr());
              }
              ir::Node* swap = insertNode(ir::prim::If, {outOfOrder}, 0, range);
              {
                ir::WithInsertPoint guard(*graph_, swap->addBlock());
                emitBuiltin("aten::_set_item", {list, position, right}, range);
                emitBuiltin("aten::_set_item", {list, next, left}, range);
              }
              swap->addBlock();
            },
            [&](ir::Value* index) { position = index; });
      },
      [&](ir::Value* index) { pass = index; });
  return copy ? list : nullptr;
}

}  // namespace tscript::compiler
