"""The Python face of tscript.script for functions: what a torch.jit user first tries.

Each test runs the same program in eager PyTorch, torch.jit (the reference) and tscript.
"""
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest
import torch

import tscript

REPO = Path(__file__).resolve().parents[2]


def foo(len: int):
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return rv


def scale(x, factor: float = 2.0):
    return x * factor


def uses_helper(x: torch.Tensor, n: int) -> torch.Tensor:
    return scale(x, 3.0) + n


def refine(x: Optional[int]) -> int:
    if x is None:
        return -1
    return x * 2


def raises(x: int) -> int:
    if x > 2:
        raise ValueError("x is too big")
    return x


def asserts(x: int) -> int:
    assert x < 0, "x must be negative"
    return x


def branch_on_scripting(x: torch.Tensor) -> torch.Tensor:
    if torch.jit.is_scripting():
        return x + 1
    return x - 1


def test_overview_foo_runs_like_eager_and_torch_jit():
    ours = tscript.script(foo)
    reference = torch.jit.script(foo)
    assert torch.equal(ours(13), foo(13))
    assert torch.equal(ours(13), reference(13))


def test_graph_has_the_shape_torch_jit_prints():
    graph = str(tscript.script(foo).graph)
    # The same node sequence as torch.jit's graph for foo (values and comments aside).
    expected_kinds = [line.split("=", 1)[1].split("(")[0].strip()
                      for line in str(torch.jit.script(foo).graph).splitlines() if " = " in line]
    ours_kinds = [line.split("=", 1)[1].split("(")[0].strip()
                  for line in graph.splitlines() if " = " in line]
    assert ours_kinds == expected_kinds


def test_code_is_the_source_torch_jit_prints():
    assert tscript.script(foo).code == torch.jit.script(foo).code


def test_calls_other_functions_and_inlines_them():
    ours = tscript.script(uses_helper)
    x = torch.arange(4.0)
    assert torch.equal(ours(x, 2), uses_helper(x, 2))
    # `.graph` keeps the call, as torch.jit 1.13's does; `.inlined_graph` (what runs) has the
    # callee's body instead.
    assert "prim::CallFunction" in str(ours.graph)
    assert "prim::CallFunction" in str(torch.jit.script(uses_helper).graph)
    assert "prim::CallFunction" not in str(ours.inlined_graph)
    assert "aten::mul" in str(ours.inlined_graph)


def test_keyword_arguments_and_schema():
    ours = tscript.script(refine)
    assert ours(x=4) == 8 and ours(None) == -1
    assert ours.schema == "refine(int? x) -> int"
    assert ours.name == "refine"


def test_argument_type_errors_name_the_parameter():
    ours = tscript.script(refine)
    with pytest.raises(TypeError, match="argument 'x'.*found type 'str'"):
        ours("no")
    with pytest.raises(TypeError, match="missing value for argument 'x'"):
        ours()


def test_raise_keeps_the_python_exception_class_and_traceback():
    ours = tscript.script(raises)
    with pytest.raises(ValueError) as error:
        ours(5)
    assert isinstance(error.value, tscript.Error) and isinstance(error.value, RuntimeError)
    text = str(error.value)
    assert "Traceback of TorchScript" in text
    assert text.splitlines()[-1] == "ValueError: x is too big"
    assert ours(1) == 1


def test_assert_raises_assertion_error_with_message():
    with pytest.raises(AssertionError, match="x must be negative"):
        tscript.script(asserts)(1)


def test_is_scripting_is_true_in_compiled_code():
    x = torch.zeros(2)
    assert torch.equal(tscript.script(branch_on_scripting)(x), x + 1)
    assert torch.equal(branch_on_scripting(x), x - 1)


def test_compile_errors_point_at_the_source():
    def bad(x: int) -> int:
        return x + "a"
    with pytest.raises(tscript.CompileError) as error:
        tscript.script(bad)
    text = str(error.value)
    assert "test_script_api.py" in text and "no overload of aten::add" in text
    assert "^" in text


def test_pytorch_jit_0_returns_the_function_unchanged():
    code = ("import tscript\n"
            "def f(x: int) -> int:\n    return x\n"
            "assert tscript.script(f) is f\n")
    env = dict(os.environ, PYTORCH_JIT="0", PYTHONPATH=str(REPO / "python"))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def signature_over_lines(
    x: int,
    y: int = 2,
) -> int:
    """A docstring whose second line is at the margin:
this one."""
    return x + \
y


def test_source_is_found_for_any_layout_of_a_def():
    # The fast indentation cut does not parse here; the inspect fallback must take over.
    assert tscript.script(signature_over_lines)(3) == 5


BOUNDS = (1, 4)
NESTED_CONSTANTS = ((1, "a"), 2.5)


def uses_tuple_globals(i: int) -> str:
    lo, hi = BOUNDS
    if BOUNDS[0] <= i <= BOUNDS[1]:
        return "in " + NESTED_CONSTANTS[0][1] + str(lo + hi)
    return "out"


def test_module_level_tuples_of_constants_are_constants():
    # torch.jit 1.13 rejects tuple globals; tscript builds them from their elements.
    ours = tscript.script(uses_tuple_globals)
    for i in (0, 2, 9):
        assert ours(i) == uses_tuple_globals(i)
