"""torch.functional compiled from its Python source, as torch.jit 1.13 does.

1.13 compiles eight torch.functional functions from source instead of mapping them to an
operator (stft, istft, lu, cdist, norm, unique, unique_consecutive, tensordot; see
python/tscript/_resolution.py): their bodies call torch._VF, whose callables are the aten
operators. That changes the graph (a `prim::CallFunction` of
`__torch__.torch.functional.<name>`) and the behaviour: torch.unique and torch.lu dispatch
on compile-time flags to functions returning one, two or three tensors, and torch.norm and
torch.tensordot pick one of their `@overload` declarations.

Each call in torch_functional_cases.py is run in eager Python, torch.jit and tscript; the
results must agree and `.code`/`.graph` must equal torch.jit's. The `___torch_mangle_N`
numbers of overloads are left out of the comparison: torch.jit numbers them with one counter
per process (so they depend on what was compiled before), tscript by declaration index.
"""
import re
import sys
import warnings
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch_functional_cases as cases  # noqa: E402
import tscript  # noqa: E402
from test_graph_equality import normalize  # noqa: E402

# `.graph` equal but for the order of the constants at its top: the constants the call's
# filled-in defaults add ("reflect", False) come first in torch.jit's graph.
GRAPH_CONSTANT_ORDER_DIFFERS = {"stft_basic", "istft_roundtrip", "norm_fro_list"}

_MANGLE = re.compile(r"___torch_mangle_[0-9]+\.")


def _without_mangles(text):
    return _MANGLE.sub("___torch_mangle_N.", str(text))


def _run(fn, make_args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.lu's deprecation
        return fn(*make_args())


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_matches_eager_and_torch_jit(name):
    fn, make_args = cases.CASES[name]
    expected = _run(fn, make_args)
    reference = torch.jit.script(fn)
    ours = tscript.script(fn)
    torch.testing.assert_close(_run(reference, make_args), expected)
    torch.testing.assert_close(_run(ours, make_args), expected)
    assert _without_mangles(ours.code) == _without_mangles(reference.code)
    if name in GRAPH_CONSTANT_ORDER_DIFFERS:
        assert sorted(_constants(ours.graph)) == sorted(_constants(reference.graph))
    else:
        assert normalize(_without_mangles(ours.graph)) == normalize(_without_mangles(reference.graph))


def _constants(graph):
    # "%v : int = prim::Constant[value=16]()" -> "int = prim::Constant[value=16]()"
    return [line.split(" # ")[0].split(" : ", 1)[1] for line in str(graph).splitlines()
            if "prim::Constant" in line]


def test_calls_compile_the_python_function():
    ours = tscript.script(cases.unique_inverse)
    assert "__torch__.torch.functional._return_inverse" in ours.code
    assert "aten::_unique2" in str(ours.inlined_graph)


def test_unique_flags_must_be_constants():
    def flags_from_an_argument(x: torch.Tensor, inverse: bool):
        return torch.unique(x, return_inverse=inverse)
    with pytest.raises(tscript.CompileError, match="return_inverse.*must be a constant True or False"):
        tscript.script(flags_from_an_argument)


def test_norm_overload_mismatch_lists_the_declarations():
    def norm_of_a_string_dim(x: torch.Tensor):
        return torch.norm(x, 2, "a")
    with pytest.raises(tscript.CompileError, match="no overload of 'norm'"):
        tscript.script(norm_of_a_string_dim)
