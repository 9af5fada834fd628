"""The function examples of the TorchScript overview page (../shared/seed/README.md items 5,
6, 8 and 15, and a scripted `bar` calling a scripted `foo` as in item 2), written as the page
writes them: scripted by tscript, their `.graph` equals torch.jit 1.13's once value names
and source comments are normalized (test_graph_equality.normalize), and their results equal
eager Python's.
"""
from typing import Dict, Optional

import pytest
import torch

import tscript
from test_graph_equality import normalize


def foo_len(len):
    # type: (int) -> torch.Tensor
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return rv


def fn(x):
    result = x[0]
    for i in range(x.size(0)):
        result = result * x[i]
    return result


def make_dict(flag: bool):
    x: Dict[str, int] = {}
    x['hi'] = 2
    b: Optional[int] = None
    if flag:
        b = 2
    return x, b


def foo_max(x, y):
    if x.max() > y.max():
        r = x
    else:
        r = y
    return r


def make_bar(script):
    """`bar` calling the scripted `foo_max`, scripted by `script` (tscript's or torch.jit's):
    each implementation calls its own scripted foo, as the page's code does."""
    scripted_foo = script(foo_max)

    def bar(x, y, z):
        return scripted_foo(x, y) + z

    return script(bar)


EXAMPLES = {
    "foo(len)": (lambda script: script(foo_len), [(0,), (3,), (12,)]),
    "fn(x)": (lambda script: script(fn),
              [(torch.rand(3, 4, 5),), (torch.rand(4, 5, 6),), (torch.rand(2, 3, 4),)]),
    "make_dict": (lambda script: script(make_dict), [(True,), (False,)]),
    "bar": (make_bar, [(torch.rand(3), torch.rand(3), torch.rand(3)),
                       (torch.full((3,), 5.0), torch.zeros(3), torch.ones(3))]),
}


def eager(name):
    return make_bar(lambda f: f) if name == "bar" else EXAMPLES[name][0](lambda f: f)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_graph_equals_torch_jit(name):
    make, _ = EXAMPLES[name]
    ours = make(tscript.script).graph
    reference = make(torch.jit.script).graph
    assert normalize(ours) == normalize(reference), f"tscript:\n{ours}\ntorch.jit:\n{reference}"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_results_equal_eager(name):
    make, argument_sets = EXAMPLES[name]
    scripted = make(tscript.script)
    python = eager(name)
    for args in argument_sets:
        expected = python(*args)
        actual = scripted(*args)
        if isinstance(expected, torch.Tensor):
            torch.testing.assert_close(actual, expected, rtol=0, atol=0)
        else:
            assert actual == expected


def test_foo_len_code_is_the_page_text():
    # The page prints 1.13's `.code` of foo(len) (item 5); ours prints the same text.
    assert tscript.script(foo_len).code == torch.jit.script(foo_len).code
