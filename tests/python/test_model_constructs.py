"""The constructs of torchvision's detection models (model_construct_cases.py), each run in
eager Python, torch.jit and tscript, with the same results (or the same exception)."""
import copy
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import model_construct_cases as cases  # noqa: E402
import tscript  # noqa: E402


def _outcome(fn, args):
    try:
        return ("returned", fn(*copy.deepcopy(args)))
    except Exception as error:  # noqa: BLE001 - the class is what is compared
        return ("raised", error)


@pytest.mark.parametrize("fn, arg_sets, raises", cases.CASES, ids=[c[0].__name__ for c in cases.CASES])
def test_matches_eager_and_torch_jit(fn, arg_sets, raises):
    reference = torch.jit.script(fn)
    ours = tscript.script(fn)
    for args in arg_sets:
        expected = _outcome(fn, args)
        for scripted in (reference, ours):
            kind, value = _outcome(scripted, args)
            if raises is not None:
                assert expected[0] == kind == "raised"
                assert isinstance(expected[1], raises)
                # torch.jit raises its own torch.jit.Error; tscript's error is also the
                # class the program raised.
                assert isinstance(value, raises if scripted is ours else Exception)
                assert str(expected[1]) in str(value)
            else:
                assert kind == "returned", value
                torch.testing.assert_close(value, expected[1])
