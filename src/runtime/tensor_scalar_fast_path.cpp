// See tensor_scalar_fast_path.h.
#include "runtime/tensor_scalar_fast_path.h"

#include <ATen/ops/add.h>
#include <ATen/ops/div.h>
#include <ATen/ops/mul.h>
#include <ATen/ops/scalar_tensor.h>
#include <ATen/ops/sub.h>

#include "ir/ir.h"
#include "ops/registry.h"
#include "runtime/constants.h"

namespace tscript::runtime {

namespace {

enum class ArithmeticOp : uint8_t { Add, Sub, Mul, Div };

struct FastPathSite {
  ArithmeticOp op;
  at::Tensor wrappedFloat;  // the constant as a 0-dim float32 wrapped number
  Operation general;
};

at::Scalar scalarOf(const Value& value) {
  if (value.isInt()) return at::Scalar(value.toInt());
  if (value.isBool()) return at::Scalar(value.toBool());
  if (value.isFloat()) return at::Scalar(value.toFloat());
  return at::Scalar(c10::complex<double>(value.toComplex()));
}

void callFastPath(Stack& stack, const void* context) {
  const auto& site = *static_cast<const FastPathSite*>(context);
  bool hasAlpha = site.op == ArithmeticOp::Add || site.op == ArithmeticOp::Sub;
  const Value& self = stack[stack.size() - (hasAlpha ? 3 : 2)];
  const at::Tensor& tensor = self.toTensor();
  if (tensor.scalar_type() != at::kFloat || !tensor.device().is_cpu()) {
    site.general(stack);
    return;
  }
  at::Tensor result;
  switch (site.op) {
    case ArithmeticOp::Add: result = at::add(tensor, site.wrappedFloat, scalarOf(stack.back())); break;
    case ArithmeticOp::Sub: result = at::sub(tensor, site.wrappedFloat, scalarOf(stack.back())); break;
    case ArithmeticOp::Mul: result = at::mul(tensor, site.wrappedFloat); break;
    case ArithmeticOp::Div: result = at::div(tensor, site.wrappedFloat); break;
  }
  drop(stack, hasAlpha ? 3 : 2);
  stack.emplace_back(std::move(result));
}

}  // namespace

std::optional<Operation> tensorScalarFastPath(const ir::Node& node, const ops::Operator& op,
                                              Operation general) {
  const ops::Schema& schema = op.schema();
  if (schema.overloadName != "Scalar") return std::nullopt;
  ArithmeticOp arithmetic;
  if (schema.name == "aten::add") {
    arithmetic = ArithmeticOp::Add;
  } else if (schema.name == "aten::sub") {
    arithmetic = ArithmeticOp::Sub;
  } else if (schema.name == "aten::mul") {
    arithmetic = ArithmeticOp::Mul;
  } else if (schema.name == "aten::div") {
    arithmetic = ArithmeticOp::Div;
  } else {
    return std::nullopt;
  }
  const ir::Node* number = node.input(1)->node();
  if (number->kind() != ir::prim::Constant) return std::nullopt;
  Value constant = constantValueOf(*number);
  if (!constant.isInt() && !constant.isFloat()) return std::nullopt;
  at::Tensor wrapped = constant.isInt() ? at::scalar_tensor(constant.toInt(), at::kFloat)
                                        : at::scalar_tensor(constant.toFloat(), at::kFloat);
  wrapped.unsafeGetTensorImpl()->set_wrapped_number(true);

  Operation operation;
  operation.context = std::make_shared<const FastPathSite>(
      FastPathSite{arithmetic, std::move(wrapped), std::move(general)});
  operation.withContext = callFastPath;
  return operation;
}

}  // namespace tscript::runtime
