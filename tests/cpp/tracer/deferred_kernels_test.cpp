// Deferred kernels without Python: calls recorded in a TraceSession run only when needed.
#include <ATen/ops/add.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/relu.h>
#include <gtest/gtest.h>

#include "tracer/recorder.h"

namespace tscript::tracer {
namespace {

TEST(DeferredKernels, KeptResultsHoldEagerValuesAndTheGraphIsComplete) {
  // mm and relu have meta kernels in libtorch itself (convolution's is registered by
  // torch's Python package, which this test does not load: it would run at once).
  at::Tensor input = at::add(at::rand({5, 3}), -0.5);
  at::Tensor weight = at::rand({3, 4});
  at::Tensor kept;
  at::Tensor expected = at::relu(at::mm(input, weight));
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(input, "x").toTensor();
  {
    TraceSession session(recorder);
    at::Tensor y = at::mm(x, weight);
    EXPECT_TRUE(recorder.deferred().hasPending());  // nothing computed yet
    kept = at::relu(y);
    at::Tensor dropped = at::add(kept, 1);
    recorder.setOutput(dropped);
  }
  recorder.deferred().settle();
  EXPECT_FALSE(recorder.deferred().hasPending());
  EXPECT_TRUE(at::allclose(kept, expected));
  recorder.finish();
  std::string text = recorder.graph().toString();
  EXPECT_NE(text.find("aten::mm"), std::string::npos) << text;
  EXPECT_NE(text.find("aten::add"), std::string::npos) << text;
}

TEST(DeferredKernels, AReadingCallComputesWhatCameBefore) {
  at::Tensor input = at::rand({2, 3});
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(input, "x").toTensor();
  {
    TraceSession session(recorder);
    at::Tensor y = at::add(at::relu(x), 2);
    EXPECT_TRUE(recorder.deferred().hasPending());
    // item() reads data: the queue runs first.
    double first = y[0][0].item<double>();
    EXPECT_FALSE(recorder.deferred().hasPending());
    EXPECT_DOUBLE_EQ(first, at::add(at::relu(input), 2)[0][0].item<double>());
    recorder.setOutput(y);
  }
}

}  // namespace
}  // namespace tscript::tracer
