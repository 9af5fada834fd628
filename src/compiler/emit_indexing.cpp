// Tensor indexing, lowered as TorchScript 1.13 lowers it:
//   x[1:, 0]     aten::slice(x, 0, 1, None, 1) then aten::select(_, 1, 0)
//   x[..., 1]    dims after an ellipsis count from the end: aten::select(x, -1, 1)
//   x[None]      aten::unsqueeze(x, 0)
//   x[:, i]      tensor indices gather into one aten::index(_, [None, i]) after the slicing
//   x[0] = v     aten::copy_ into the selected view (a number first becomes a tensor of the
//                view's dtype and device); with tensor indices aten::index_put_
#include "compiler/function_emitter.h"
#include "lang/diagnostics.h"

namespace tscript::compiler {

namespace {

bool isConstantKind(const lang::Expr& expr, lang::ConstantValue::Kind kind) {
  const auto* constant = expr.as<lang::ConstantExpr>();
  return constant && constant->value.kind == kind;
}

// An index item takes up one dimension of the indexed tensor (ints, slices, tensors).
bool consumesDimension(const lang::Expr& item) {
  return !isConstantKind(item, lang::ConstantValue::Kind::None) &&
         !isConstantKind(item, lang::ConstantValue::Kind::Ellipsis);
}

}  // namespace

FunctionEmitter::IndexedTensor FunctionEmitter::emitTensorIndices(ir::Value* tensor,
                                                                  const lang::Expr& slice,
                                                                  const lang::SourceRange& range) {
  std::vector<const lang::Expr*> items;
  if (const auto* tuple = slice.as<lang::TupleExpr>()) {
    for (const lang::ExprPtr& element : tuple->elts) items.push_back(element.get());
  } else {
    items.push_back(&slice);
  }
  IndexedTensor result{tensor, {}};
  int64_t dim = 0;
  bool seenEllipsis = false;
  for (size_t k = 0; k < items.size(); ++k) {
    const lang::Expr& item = *items[k];
    if (isConstantKind(item, lang::ConstantValue::Kind::Ellipsis)) {
      if (seenEllipsis) throw lang::CompileError(item.range, "an index can only have a single ellipsis ('...')");
      seenEllipsis = true;
      int64_t remaining = 0;
      for (size_t j = k + 1; j < items.size(); ++j) remaining += consumesDimension(*items[j]) ? 1 : 0;
      // The dims in between are kept whole: they need entries for tensor indices that
      // follow, which 1.13 cannot give without the rank either, so such indices are refused.
      dim = -remaining;
      continue;
    }
    if (isConstantKind(item, lang::ConstantValue::Kind::None)) {
      result.value = emitBuiltin("aten::unsqueeze", {result.value, insertConstant(dim)}, item.range);
      result.advanced.push_back(nullptr);
      ++dim;
      continue;
    }
    if (const auto* part = item.as<lang::SliceExpr>()) {
      auto bound = [&](const lang::ExprPtr& expr) {
        return expr ? emitValue(*expr) : insertNoneConstant(item.range);
      };
      ir::Value* start = bound(part->lower);
      ir::Value* end = bound(part->upper);
      ir::Value* step = part->step ? emitValue(*part->step) : insertConstant(int64_t(1));
      result.value = emitBuiltin(ir::Symbol::fromQualString("aten::slice"),
                                 {{item.range, "", result.value},
                                  {item.range, "", insertConstant(dim)},
                                  {item.range, "", start},
                                  {item.range, "", end},
                                  {item.range, "", step}},
                                 item.range);
      result.advanced.push_back(nullptr);
      ++dim;
      continue;
    }
    ir::Value* index = emitValue(item);
    if (const auto* list = index->type()->as<types::ListType>();
        list && (list->element()->kind() == types::TypeKind::Int ||
                 list->element()->kind() == types::TypeKind::Bool)) {
      // x[[0, 2]]: the list becomes an index tensor (aten::tensor), as torch.jit does.
      index = emitBuiltin(ir::Symbol::fromQualString("aten::tensor"), {{item.range, "", index}},
                          item.range);
    }
    switch (index->type()->kind()) {
      case types::TypeKind::Int:
        result.value = emitBuiltin("aten::select", {result.value, insertConstant(dim), index}, item.range);
        if (dim < 0) ++dim;  // counted from the end: the next dim moved up by one
        break;
      case types::TypeKind::Tensor:
        if (seenEllipsis) {
          unsupported(item.range, "tensor indices after an ellipsis are not supported by tscript yet", "index with a tensor before the ellipsis, or in a separate subscript");
        }
        result.advanced.push_back(index);
        ++dim;
        break;
      default:
        throw lang::CompileError(item.range, "a tensor cannot be indexed with a value of type " +
                                                 index->type()->annotationStr() +
                                                 " (use ints, slices, None, ... or tensors)");
    }
  }
  // Trailing plain dimensions need no entry in the index list.
  while (!result.advanced.empty() && result.advanced.back() == nullptr) result.advanced.pop_back();
  return result;
}

ir::Value* FunctionEmitter::indexList(const std::vector<ir::Value*>& advanced,
                                      const lang::SourceRange& range) {
  std::vector<ir::Value*> elements;
  for (ir::Value* index : advanced) elements.push_back(index ? index : insertNoneConstant(range));
  ir::Node* list = insertNode(ir::Symbol::make("prim", "ListConstruct"), elements, 1, range);
  return list->output()->setType(types::listOf(types::optionalOf(types::tensorType())));
}

ir::Value* FunctionEmitter::emitTensorSubscript(ir::Value* tensor, const lang::Expr& slice,
                                                const lang::SourceRange& range) {
  IndexedTensor indexed = emitTensorIndices(tensor, slice, range);
  if (indexed.advanced.empty()) return indexed.value;
  return emitBuiltin("aten::index", {indexed.value, indexList(indexed.advanced, range)}, range);
}

ir::Value* FunctionEmitter::tensorLike(ir::Value* value, ir::Value* like,
                                       const lang::SourceRange& range) {
  if (value->type()->kind() == types::TypeKind::Tensor) return value;
  ir::Value* dtype = emitBuiltin("prim::dtype", {like}, range);
  ir::Value* device = emitBuiltin("prim::device", {like}, range);
  return emitBuiltin(ir::Symbol::make("aten", "tensor"),
                     {{range, "", value}, {range, "dtype", dtype}, {range, "device", device},
                      {range, "requires_grad", insertBoolConstant(false, range)}},
                     range);
}

void FunctionEmitter::emitTensorSubscriptAssign(ir::Value* tensor, const lang::Expr& slice,
                                                ir::Value* value, const lang::SourceRange& range) {
  IndexedTensor indexed = emitTensorIndices(tensor, slice, range);
  if (indexed.advanced.empty()) {
    ir::Value* source = tensorLike(value, indexed.value, range);
    emitBuiltin("aten::copy_", {indexed.value, source, insertBoolConstant(false, range)}, range);
    return;
  }
  ir::Value* source = tensorLike(value, indexed.value, range);
  emitBuiltin("aten::index_put_",
              {indexed.value, indexList(indexed.advanced, range), source,
               insertBoolConstant(false, range)},
              range);
}

}  // namespace tscript::compiler
