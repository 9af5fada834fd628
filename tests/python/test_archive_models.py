"""Issue 6's archive compatibility for the whole model suite of test_models.py, both ways:

- torch.jit.script + torch.jit.save -> tscript.load: outputs equal eager;
- tscript.script + tscript.save -> torch.jit.load: outputs equal eager;
- tscript.save -> tscript.load -> tscript.save: the same bytes.

The models come from test_models.py's lists (whatever they hold), built by its `_build` or its
constructors. The three checks of a model run one after another on one cached build, so each
model is constructed once. Only the quick models (FAST, measured with `--durations`) run in
`make test`, so the file's share stays ~3 minutes; the others are marked `slow`.

Run: TSCRIPT_VERIFY=1 TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python \
         /usr/bin/python3 -m pytest -q tests/python/test_archive_models.py  [-m slow]
"""
import functools
import io
import warnings

import pytest
import torch

import test_models
import tscript
from test_models import (AUDIO, CLASSIFICATION, DETECTION, NOT_YET, SEGMENTATION, TRANSFORMERS,
                         VIDEO, _build)


def _vision_inputs(name):
    shape = {**CLASSIFICATION, **SEGMENTATION, **VIDEO}[name]
    return lambda: (torch.randn(*shape),)


def _detection_inputs():
    torch.manual_seed(1)
    return ([torch.rand(3, 160, 200)],)


# name -> (make the eager model, make the inputs (a tuple), the eager output in the shape a
# scripted module returns it)
def _suite():
    suite = {}
    for name in list(CLASSIFICATION) + list(SEGMENTATION) + list(VIDEO):
        suite[name] = (functools.partial(_build, name), _vision_inputs(name), "vision")
    for name in DETECTION:
        if name not in NOT_YET:
            suite[name] = (functools.partial(_build, name), _detection_inputs, "detection")
    if test_models.audio is not None:
        for name, (make, inputs) in AUDIO.items():
            suite[name] = (make, inputs, "plain")
    for name, (make, inputs) in TRANSFORMERS.items():
        suite[name] = (make, inputs, "plain")
    return suite


SUITE = _suite()

# The models whose three checks together are quick (--durations on the shared 2-core machine
# under load: 0.5-26 s each, ~2.5 min in all) run in `make test`; every other model of the
# suite, including models added to test_models.py later, is marked `slow` (`make test-slow`;
# up to ~6 min for one model under load: vgg11, keypointrcnn, vit_b_16).
FAST = {
    "squeezenet1_0", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
    "regnet_x_400mf", "regnet_y_400mf", "mnasnet0_5", "efficientnet_b0", "shufflenet_v2_x0_5",
    "densenet121", "resnet18", "fasterrcnn_mobilenet_v3_large_320_fpn",
    "wav2vec2_base_arch", "wav2vec2_large_lv60k_arch", "conformer", "emformer", "convtasnet",
    "transformer", "transformer_batch_first_masks", "encoder", "decoder",
}
# Checks known to fail, with the reason (strict: a check that starts passing fails the test, so
# the entry is removed).
KNOWN_FAILURES = {
}
CHECKS = ["torch_jit_save_tscript_load", "tscript_save_torch_jit_load", "resave_byte_identical"]


def _params():
    params = []
    for name in SUITE:
        for check in CHECKS:
            marks = [] if name in FAST else [pytest.mark.slow]
            if (name, check) in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[(name, check)], strict=True))
            params.append(pytest.param(name, check, marks=marks, id=f"{name}-{check}"))
    return params


@functools.lru_cache(maxsize=1)
def _prepared(name):
    """The eager model, its inputs, eager's output, and tscript's archive of it (built once for
    the three checks of a model; only the latest model is kept)."""
    make, inputs, _ = SUITE[name]
    torch.manual_seed(0)
    model = make().eval()
    args = inputs()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model(*args)
    buffer = io.BytesIO()
    tscript.save(tscript.script(model), buffer)
    return model, args, expected, buffer.getvalue()


def _run(module, name, args):
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "RCNN always returns a (Losses, Detections) tuple"
        output = module(*args)
    kind = SUITE[name][2]
    if kind == "detection":
        losses, detections = output
        assert losses == {}
        return detections
    if kind == "vision" and isinstance(output, tuple):
        return output[0]  # googlenet/inception: the scripted NamedTuple; eager the logits
    if kind == "plain" and isinstance(output, tuple) and not isinstance(_prepared(name)[2], tuple):
        return output[0]
    return output


def _assert_same(got, expected, where="output"):
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, torch.Tensor), f"{where}: {type(got).__name__}, not a Tensor"
        # the same kernels run; 1.13's eager and the interpreters may pick different
        # (mathematically equal) overloads for fused add-multiplies, and detection boxes are
        # pixels decoded from exp() of regressions
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4, msg=where)
    elif isinstance(expected, dict):
        assert list(got.keys()) == list(expected.keys()), where
        for key in expected:
            _assert_same(got[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, (tuple, list)):
        assert len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            _assert_same(g, e, f"{where}[{i}]")
    else:
        assert got == expected, where


@pytest.mark.parametrize("name,check", _params())
def test_model_archive(name, check):
    model, args, expected, ours = _prepared(name)
    if check == "torch_jit_save_tscript_load":
        theirs = io.BytesIO()
        torch.jit.save(torch.jit.script(model), theirs)
        loaded = tscript.load(io.BytesIO(theirs.getvalue()))
        _assert_same(_run(loaded, name, args), expected)
    elif check == "tscript_save_torch_jit_load":
        loaded = torch.jit.load(io.BytesIO(ours))
        _assert_same(_run(loaded, name, args), expected)
    else:
        again = tscript.load(io.BytesIO(ours)).save_to_buffer()
        assert again == ours
