// The recorder without Python: ATen calls made from C++ inside a TraceSession.
#include <ATen/ops/conv2d.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/zeros.h>
#include <gtest/gtest.h>

#include <string>

#include "ir/printer.h"
#include "tracer/recorder.h"

namespace tscript::tracer {
namespace {

int countOccurrences(const std::string& text, const std::string& pattern) {
  int count = 0;
  for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1)) {
    ++count;
  }
  return count;
}

TraceHooks fixedLocation() {
  TraceHooks hooks;
  hooks.sourceLocation = [] { return std::string("model.py:7:0"); };
  return hooks;
}

TEST(Recorder, CompositeOperatorIsRecordedAsItselfAndItsInsidesAreNot) {
  Recorder recorder(fixedLocation());
  at::Tensor x = recorder.addInput(at::ones({2, 3}), "x").toTensor();
  at::Tensor w = recorder.addInput(at::ones({4, 3}), "w").toTensor();
  at::Tensor y;
  {
    TraceSession session(recorder);
    y = at::linear(x, w);
  }
  recorder.setOutput(y);
  recorder.finish();
  EXPECT_EQ(recorder.graph().toString(),
            "graph(%x : Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu),\n"
            "      %w : Float(4, 3, strides=[3, 1], requires_grad=0, device=cpu)):\n"
            "  %2 : NoneType = prim::Constant()\n"
            "  %3 : Float(2, 4, strides=[4, 1], requires_grad=0, device=cpu) = "
            "aten::linear(%x, %w, %2) # model.py:7:0\n"
            "  return (%3)\n");
}

TEST(Recorder, ConvolutionFrontDoorsAreTransparentAsIn113) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({1, 2, 5, 5}), "x").toTensor();
  at::Tensor w = recorder.addInput(at::ones({3, 2, 3, 3}), "w").toTensor();
  at::Tensor y;
  {
    TraceSession session(recorder);
    y = at::conv2d(x, w);
  }
  recorder.setOutput(y);
  recorder.finish();
  std::string text = recorder.graph().toString();
  EXPECT_EQ(countOccurrences(text, "aten::_convolution("), 1) << text;
  EXPECT_EQ(countOccurrences(text, "aten::conv2d("), 0) << text;
  EXPECT_EQ(countOccurrences(text, "aten::convolution("), 0) << text;
}

TEST(Recorder, InPlaceResultReplacesTheTensorsValue) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({2}), "x").toTensor();
  at::Tensor y;
  {
    TraceSession session(recorder);
    at::Tensor t = at::relu(x);
    t.add_(1);
    y = at::relu(t);
  }
  recorder.setOutput(y);
  recorder.finish();
  std::string text = recorder.graph().toString();
  // relu(%x) -> %1; add_(%1, ...) -> %4; the second relu reads %4, not %1.
  EXPECT_NE(text.find("= aten::relu(%x)"), std::string::npos) << text;
  EXPECT_NE(text.find("%4 : Float(2, strides=[1], requires_grad=0, device=cpu) = aten::add_(%1, "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("= aten::relu(%4)"), std::string::npos) << text;
}

TEST(Recorder, NothingIsRecordedOutsideASession) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({2}), "x").toTensor();
  at::Tensor outside = at::relu(x);
  EXPECT_FALSE(recorder.isTraced(outside));
  EXPECT_EQ(activeRecorder(), nullptr);
  {
    TraceSession session(recorder);
    EXPECT_EQ(activeRecorder(), &recorder);
    EXPECT_TRUE(recorder.isTraced(at::relu(x)));
  }
  EXPECT_EQ(activeRecorder(), nullptr);
}

TEST(Recorder, SessionsDoNotNest) {
  Recorder first(TraceHooks{});
  Recorder second(TraceHooks{});
  TraceSession session(first);
  EXPECT_THROW(TraceSession nested(second), TraceError);
}

TEST(Recorder, OutputWithoutDataDependenceIsAnError) {
  Recorder recorder(TraceHooks{});
  recorder.addInput(at::ones({2}), "x");
  at::Tensor stranger = at::zeros({2});  // made before the session: never recorded
  try {
    recorder.setOutput(stranger);
    FAIL() << "expected a TraceError";
  } catch (const TraceError& error) {
    EXPECT_NE(std::string(error.what()).find("output 0"), std::string::npos) << error.what();
  }
}

TEST(Recorder, UntracedTensorsBecomeConstantsUnlessTheyRequireGrad) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({2}), "x").toTensor();
  at::Tensor bias = at::zeros({2});
  at::Tensor weight = at::ones({2}).set_requires_grad(true);
  at::Tensor y;
  {
    TraceSession session(recorder);
    y = x.add(bias);
    EXPECT_THROW(x.mul(weight), TraceError);
  }
  recorder.setOutput(y);
  recorder.finish();
  std::string text = recorder.graph().toString();
  EXPECT_NE(text.find("Float(2, strides=[1], requires_grad=0, device=cpu) = "
                      "prim::Constant[value= 0  0 [ CPUFloatType{2} ]]()"),
            std::string::npos)
      << text;
  EXPECT_EQ(recorder.tensorConstants().size(), 1u);
}

TEST(Recorder, SizeArithmeticFeedsAnIntArgument) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({4, 4}), "x").toTensor();
  at::Tensor y;
  {
    TraceSession session(recorder);
    at::Tensor n = recorder.recordSize(x, 0);  // 4, as a traced 0-dim Long tensor
    at::Tensor doubled = n.mul(2);
    y = x.view({2, -1});                      // literal ints: constants
    int64_t asInt = doubled.item<int64_t>();  // what Python's argument parser does
    y = x.reshape({asInt, -1});               // 8: read from aten::Int(doubled)
  }
  recorder.setOutput(y);
  recorder.finish();
  std::string text = recorder.graph().toString();
  EXPECT_NE(text.find("= aten::size(%x, %"), std::string::npos) << text;
  EXPECT_NE(text.find("Long(device=cpu) = prim::NumToTensor("), std::string::npos) << text;
  EXPECT_EQ(countOccurrences(text, "aten::Int("), 1) << text;
  // The unused view is gone (dead code), the reshape's list reads the aten::Int.
  EXPECT_EQ(countOccurrences(text, "aten::view("), 0) << text;
}

TEST(Recorder, PendingIntsAreDroppedAfterEachRecordedCall) {
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(at::ones({4, 3}), "x").toTensor();
  at::Tensor y;
  {
    TraceSession session(recorder);
    at::Tensor n = recorder.recordSize(x, 0);
    (void)n.item<int64_t>();  // converted, then not used by the next call
    at::Tensor r = at::relu(x);
    y = r.view({4, 3});  // 4 here is a literal
  }
  recorder.setOutput(y);
  recorder.finish();
  EXPECT_EQ(countOccurrences(recorder.graph().toString(), "aten::Int("), 0)
      << recorder.graph().toString();
}

TEST(Recorder, TupleAndListInputsAreUnpacked) {
  Recorder recorder(TraceHooks{});
  c10::List<at::Tensor> list;
  list.push_back(at::ones({2}));
  list.push_back(at::ones({2}));
  c10::IValue withInt = c10::ivalue::Tuple::create({at::ones({1}), c10::IValue(3)});
  EXPECT_THROW(recorder.addInput(withInt, "bad"), TraceError);
  c10::IValue tuple = c10::ivalue::Tuple::create({at::ones({1}), list});
  recorder.addInput(tuple, "t");
  std::string text = recorder.graph().toString();
  EXPECT_NE(text.find("%t : (Float(1, strides=[1], requires_grad=0, device=cpu), Tensor[]))"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("%1 : Float(1, strides=[1], requires_grad=0, device=cpu), %2 : Tensor[] "
                      "= prim::TupleUnpack(%t)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("%3 : Tensor, %4 : Tensor = prim::ListUnpack(%2)"), std::string::npos)
      << text;
}

TEST(TensorConstantText, MatchesTheGraphPrinterOf113) {
  EXPECT_EQ(tensorConstantText(at::ones({}, at::kLong).mul(2)), "{2}");
  EXPECT_EQ(tensorConstantText(at::ones({1}).mul(2.5)), "{2.5}");
  EXPECT_EQ(tensorConstantText(at::ones({3}, at::kLong)), " 1  1  1 [ CPULongType{3} ]");
  EXPECT_EQ(tensorConstantText(at::ones({11})), "<Tensor>");
}

}  // namespace
}  // namespace tscript::tracer
