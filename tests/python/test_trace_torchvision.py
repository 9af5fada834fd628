"""Every torchvision (0.14) classification model traced by tscript.trace and run again.

Each model of `torchvision.models.list_models(module=torchvision.models)` is built with random
weights in eval mode, traced as a module at batch 1 (check_trace off: check_trace itself is
tested on 7 of them in test_trace_module.py), and run at batch 1 and at batch 2, both compared
with eager. A trace that does not generalize to batch 2 is compared with torch.jit.trace's: it
is only allowed when 1.13's trace does not generalize either (KNOWN_NOT_BATCH_DYNAMIC, which
must stay exact).

Inputs are as small as each architecture allows, so that the whole file stays a few minutes on
2 cores. Models that are slow to build even so (hundreds of millions of parameters: weight
initialization dominates) are marked `slow`, which `make test` leaves out (`make test-slow`
runs them).
"""
import warnings

import pytest
import torch
import torchvision
from torchvision.models import list_models

import tscript

ALL_MODELS = list_models(module=torchvision.models)

# Height and width of the input (square); 32 unless the architecture needs more.
INPUT_SIZE = {
    "alexnet": 64,  # 11x11 stride-4 stem and three 3x3 stride-2 pools
    "googlenet": 64,
    "inception_v3": 75,  # the smallest size its stem accepts
    "swin": 64,  # prefix: every swin_* (window 7 on a 16x16 patch grid, padded)
    "maxvit": 224,  # every block's grid must be divisible by the partition size 7
    "vit_h_14": 28,  # two 14x14 patches per side
}
# Constructor arguments: ViTs take their image size (the position embedding depends on it),
# googlenet/inception_v3 skip their (scipy) weight init and auxiliary heads, maxvit is told
# its input size.
MODEL_KWARGS = {
    "googlenet": {"init_weights": False, "aux_logits": False},
    "inception_v3": {"init_weights": False, "aux_logits": False},
}

# Left out of `make test`: the big variants (measured on 2 shared cores: 7-60 s each, most of
# it weight initialization); the family's smallest member stays in (swin_t/swin_v2_t,
# convnext_tiny, vgg11, regnet_*_400mf...). The other 55 take about 3.5 minutes together.
SLOW = {
    "convnext_small", "convnext_base", "convnext_large", "efficientnet_v2_l",
    "regnet_x_16gf", "regnet_x_32gf", "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf",
    "resnext101_32x8d", "resnext101_64x4d", "swin_s", "swin_b", "swin_v2_s", "swin_v2_b",
    "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "vit_h_14",
    "vit_l_16", "vit_l_32", "wide_resnet101_2",
}

# Models whose trace does not run at batch 2 like eager, in tscript and in torch.jit.trace
# 1.13 alike (checked by the test).
KNOWN_NOT_BATCH_DYNAMIC = set()


def _input_size(name):
    for prefix, size in INPUT_SIZE.items():
        if name.startswith(prefix):
            return size
    if name.startswith("vit_"):
        return 32
    return 32


def _build(name):
    kwargs = dict(MODEL_KWARGS.get(name, {}))
    size = _input_size(name)
    if name.startswith("vit_"):
        kwargs["image_size"] = size
    if name.startswith("maxvit"):
        kwargs["input_size"] = (size, size)
    torch.manual_seed(0)
    return getattr(torchvision.models, name)(**kwargs).eval(), size


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _differs(a, b):
    try:
        torch.testing.assert_close(a, b)
        return None
    except AssertionError as error:
        return str(error)


def test_every_classification_model_is_listed():
    # The list comes from torchvision itself; the pins must name real models.
    assert len(ALL_MODELS) >= 80
    for name in ("alexnet", "vgg11", "resnet18", "resnext50_32x4d", "wide_resnet50_2",
                 "googlenet", "inception_v3", "mobilenet_v3_small", "mnasnet0_5",
                 "regnet_y_400mf", "convnext_tiny", "swin_t", "maxvit_t", "vit_b_16"):
        assert name in ALL_MODELS, name
    assert SLOW <= set(ALL_MODELS)
    assert KNOWN_NOT_BATCH_DYNAMIC <= set(ALL_MODELS)


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
    for name in ALL_MODELS])
def test_traced_model_runs_like_eager_at_batch_1_and_2(name):
    model, size = _build(name)
    example = torch.rand(1, 3, size, size)
    traced = _quiet(tscript.trace, model, example, check_trace=False)
    with torch.no_grad():
        torch.testing.assert_close(traced(example), model(example))
        other = torch.rand(2, 3, size, size)
        expected = model(other)
        ours = _differs(traced(other), expected)
        if ours is None:
            assert name not in KNOWN_NOT_BATCH_DYNAMIC, (
                "%s now runs at batch 2: remove it from KNOWN_NOT_BATCH_DYNAMIC" % name)
            return
        reference = _quiet(torch.jit.trace, model, example, check_trace=False)
        theirs = _differs(reference(other), expected)
    assert theirs is not None, "tscript's trace differs from eager at batch 2 where " \
                               "torch.jit.trace's does not:\n" + ours
    assert name in KNOWN_NOT_BATCH_DYNAMIC, (
        "%s: neither trace runs at batch 2 like eager (pin it in KNOWN_NOT_BATCH_DYNAMIC):\n%s"
        % (name, ours))
