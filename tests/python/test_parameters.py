"""Parameters: defaults (in calls from Python and from script, in `.schema` and `.code`),
`# type:` signature comments, and the errors for defaults TorchScript cannot keep."""
from typing import Optional, Tuple

import pytest
import torch

import tscript

EPS = 1e-5


def with_defaults(x, scale: float = 2.0, n: int = 3, name: str = "hi",
                  t: Tuple[int, int] = (1, 2), o: Optional[int] = None, eps: float = EPS,
                  neg: int = -1):
    return x * scale + n + t[1] + neg + (0 if o is None else o) + eps + len(name)


def calls_with_defaults(x):
    return with_defaults(x) + with_defaults(x, 0.5, name="zz", o=4)


def commented(x, y):
    # type: (Tensor, int) -> Tensor
    return x + y


def mutable_default(x, xs=[1]):
    return x


def unannotated_float_default(x, scale=2.0):
    return x * scale


def non_constant_default(x, n: int = len("abc")):
    return x


def test_defaults_fill_missing_arguments_from_python():
    ours, reference = tscript.script(with_defaults), torch.jit.script(with_defaults)
    x = torch.ones(2)
    for args, kwargs in [((x,), {}), ((x, 3.0), {}), ((x,), {"o": 5, "name": "abcd"})]:
        expected = with_defaults(*args, **kwargs)
        assert torch.equal(ours(*args, **kwargs), expected)
        assert torch.equal(reference(*args, **kwargs), expected)


def test_defaults_fill_missing_arguments_of_script_calls():
    x = torch.ones(3)
    assert torch.equal(tscript.script(calls_with_defaults)(x), calls_with_defaults(x))


def test_schema_and_code_print_defaults_as_torch_jit_does():
    ours, reference = tscript.script(with_defaults), torch.jit.script(with_defaults)
    assert ours.schema == str(reference.schema)
    assert "eps: float=1.0000000000000001e-05" in ours.code


def test_type_comment_gives_the_signature():
    ours = tscript.script(commented)
    assert ours.schema == "commented(Tensor x, int y) -> Tensor"
    assert torch.equal(ours(torch.ones(2), 3), commented(torch.ones(2), 3))


def test_mutable_default_is_an_error():
    with pytest.raises(tscript.CompileError, match="mutable default values are not supported"):
        tscript.script(mutable_default)


def test_unannotated_parameter_with_a_float_default_says_to_annotate():
    with pytest.raises(tscript.CompileError, match="annotate it: scale: float"):
        tscript.script(unannotated_float_default)


def test_default_computed_by_python_is_its_value():
    # As torch.jit does, a default that is an expression (`len("abc")`) takes the value Python
    # computed when it ran the def, when that value is a constant.
    ours, reference = tscript.script(non_constant_default), torch.jit.script(non_constant_default)
    assert ours.schema == "non_constant_default(Tensor x, int n=3) -> Tensor"
    x = torch.ones(2)
    torch.testing.assert_close(ours(x), reference(x))
