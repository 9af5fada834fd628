// Deferred kernels without Python: calls recorded in a TraceSession run only when needed.
#include <ATen/ops/add.h>
#include <ATen/ops/allclose.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/relu.h>
#include <c10/core/GradMode.h>
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

TEST(DeferredKernels, ArgumentsRequiringGradDeferOnlyWithGradModeOff) {
  // A parameter requiring grad: autograd must see the call while grad mode is on (the result
  // has a history), not with grad mode off (the retrace of check_trace, a trace under
  // torch.no_grad()), where eager's result has no history either.
  at::Tensor input = at::rand({2, 3});
  at::Tensor weight = at::rand({3, 4}).set_requires_grad(true);
  at::Tensor expected = at::mm(input, weight).detach();
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(input, "x").toTensor();
  at::Tensor w = recorder.addInput(weight, "w").toTensor();
  ASSERT_TRUE(w.requires_grad());
  at::Tensor withGrad;
  at::Tensor withoutGrad;
  {
    TraceSession session(recorder);
    withGrad = at::mm(x, w);
    EXPECT_FALSE(recorder.deferred().hasPending());
    EXPECT_TRUE(withGrad.requires_grad());
    c10::AutoGradMode noGrad(false);
    withoutGrad = at::mm(x, w);
    EXPECT_TRUE(recorder.deferred().hasPending());
    EXPECT_FALSE(withoutGrad.requires_grad());
    recorder.setOutput(withoutGrad);
  }
  recorder.deferred().settle();  // with grad mode on again: the queued call still runs without
  EXPECT_FALSE(withoutGrad.requires_grad());
  EXPECT_TRUE(at::allclose(withoutGrad, expected));
  EXPECT_TRUE(at::allclose(withGrad.detach(), expected));
}

TEST(DeferredKernels, CallsAutogradSeesOnPendingValuesRunAndAreQueuedAgain) {
  // x + 1 waits (nothing requires grad; add has a meta kernel in libtorch, relu does not);
  // mm with a weight requiring grad must make eager's history, so it runs at once (a shadow
  // run on the sum's values, not computed yet) and is queued to run again after the sum.
  at::Tensor input = at::add(at::rand({2, 3}), -0.5);
  at::Tensor weight = at::rand({3, 4}).set_requires_grad(true);
  at::Tensor expected = at::mm(at::add(input, 1), weight).detach();
  Recorder recorder(TraceHooks{});
  at::Tensor x = recorder.addInput(input, "x").toTensor();
  at::Tensor w = recorder.addInput(weight, "w").toTensor();
  at::Tensor kept;
  {
    TraceSession session(recorder);
    at::Tensor y = at::add(x, 1);
    ASSERT_TRUE(recorder.deferred().hasPending());
    kept = at::mm(y, w);
    EXPECT_TRUE(recorder.deferred().hasPending());  // not flushed by the shadow run
    EXPECT_TRUE(kept.requires_grad());
    EXPECT_NE(kept.grad_fn(), nullptr);
    recorder.setOutput(kept);
  }
  recorder.deferred().settle();
  EXPECT_FALSE(recorder.deferred().hasPending());
  EXPECT_TRUE(at::allclose(kept.detach(), expected));
  EXPECT_EQ(kept._version(), 0);  // filling a stand-in is no write of eager's
}

}  // namespace
}  // namespace tscript::tracer
