"""break, continue and return inside loops: results equal eager and torch.jit, and the
`.code` of the simple shapes is the text torch.jit 1.13 prints (the exit transform and the
while-loop form of for loops that can stop early)."""
import os
import subprocess
from pathlib import Path
from typing import List, Optional, Tuple, Union

import pytest
import torch

import tscript

TSCRIPT = os.environ.get("TSCRIPT_BIN",
                         str(Path(__file__).resolve().parents[2] / "build" / "bin" / "tscript"))


def sum_until(x: int) -> int:
    s = 0
    for i in range(x):
        if i > 5:
            break
        s += i
    return s


def sum_odd(x: int) -> int:
    s = 0
    for i in range(x):
        if i % 2 == 0:
            continue
        s += i
    return s


def index_of(xs: List[int], t: int) -> int:
    for i in range(len(xs)):
        if xs[i] == t:
            return i
    return -1


def while_continue_break(x: int) -> int:
    i = 0
    while i < x:
        i += 1
        if i == 3:
            continue
        if i == 7:
            break
    return i


def nested_return(n: int) -> int:
    for i in range(n):
        for j in range(n):
            if i * j > 6:
                return i + j
    return -1


def first_above(xs: List[int]):
    for x in xs:
        if x > 2:
            return x


def break_in_else_branch(xs: List[int]) -> List[int]:
    out: List[int] = []
    for x in xs:
        if x >= 0:
            out.append(x)
        else:
            break
        out.append(x * 10)
    return out


def accumulate_rows(x: torch.Tensor, limit: float) -> torch.Tensor:
    total = torch.zeros(())
    for row in x:
        total = total + row.sum()
        if float(total) > limit:
            return total
    return -total


def always_raises(x: int) -> int:
    raise NotImplementedError("not for " + str(x))


CASES = [
    (sum_until, [(3,), (10,), (0,)]),
    (sum_odd, [(7,), (0,)]),
    (index_of, [([1, 2, 3], 2), ([1], 5), ([], 1)]),
    (while_continue_break, [(5,), (10,), (0,)]),
    (nested_return, [(2,), (5,)]),
    (first_above, [([1, 2],), ([1, 5],)]),
    (break_in_else_branch, [([1, 2, -1, 3],), ([],)]),
    (accumulate_rows, [(torch.ones(4, 3), 5.0), (torch.ones(2, 2), 100.0)]),
]


@pytest.mark.parametrize("fn,argsets", CASES, ids=[c[0].__name__ for c in CASES])
def test_results_equal_eager_and_torch_jit(fn, argsets):
    ours = tscript.script(fn)
    reference = torch.jit.script(fn)
    for args in argsets:
        expected = fn(*args)
        for got in (ours(*args), reference(*args)):
            if isinstance(expected, torch.Tensor):
                assert torch.equal(got, expected)
            else:
                assert got == expected


@pytest.mark.parametrize("fn", [sum_until, index_of])
def test_code_is_torch_jits(fn):
    assert tscript.script(fn).code == torch.jit.script(fn).code


def test_function_that_always_raises_compiles_and_raises():
    with pytest.raises(NotImplementedError, match="not for 3"):
        tscript.script(always_raises)(3)


def missing_return(x: int) -> int:
    if x > 0:
        return 1


def test_declared_result_with_a_path_that_returns_nothing_is_an_error():
    with pytest.raises(tscript.CompileError, match="can reach its end without returning a value"):
        tscript.script(missing_return)


def test_break_outside_a_loop_is_an_error(tmp_path):
    # CPython rejects this file, so it goes through `tscript compile` rather than a def here.
    source = tmp_path / "bad.py"
    source.write_text("def f(x: int) -> int:\n    if x > 0:\n        break\n    return x\n")
    result = subprocess.run([TSCRIPT, "compile", str(source)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "bad.py:3:8: error: 'break' outside loop" in result.stderr


def add_int_to_list(xs: List[int]):
    return xs + 1


def assign_into_tuple(t: Tuple[int, int]):
    t[0] = 3
    return t


def test_list_plus_int_is_an_error_not_a_one_element_list():
    with pytest.raises(tscript.CompileError, match="no overload of aten::add accepts"):
        tscript.script(add_int_to_list)


def test_assigning_into_a_tuple_is_an_error():
    with pytest.raises(tscript.CompileError, match="does not support item assignment"):
        tscript.script(assign_into_tuple)


def length_of_tensor(x: torch.Tensor) -> int:
    return len(x)


def test_len_of_a_tensor_is_its_first_dimension():
    # Was len([x]) == 1 through a wrong varargs packing into aten::len.t.
    assert tscript.script(length_of_tensor)(torch.ones(5, 2)) == 5


def grad_mode_restored_after_raise(x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        if x.sum() > 100:
            raise ValueError("too big")
        y = x * 2
    return y


def test_no_grad_body_raising_restores_grad_mode():
    ours = tscript.script(grad_mode_restored_after_raise)
    x = torch.full((3,), 50.0, requires_grad=True)
    with pytest.raises(ValueError):
        ours(x)
    assert torch.is_grad_enabled()
    assert not ours(torch.ones(3, requires_grad=True)).requires_grad


def union_three_types(u: Union[int, float, str]) -> float:
    if isinstance(u, str):
        return float(len(u))
    elif isinstance(u, int):
        return float(u) + 0.5
    else:
        return u * 2.0


def test_isinstance_on_a_union_is_decided_at_run_time_and_refines():
    ours = tscript.script(union_three_types)
    for value in (3, 2.5, "abc"):
        assert ours(value) == union_three_types(value)
    # The graph is torch.jit's: prim::isinstance, then a cast in each branch.
    assert "prim::isinstance[types=[str]]" in str(ours.graph)
    assert "Union(float, int) = prim::unchecked_cast" in str(ours.graph)


def unpack_list(xs: List[int]) -> int:
    a, b, c = xs
    return a * 100 + b * 10 + c


def test_unpacking_a_list_checks_its_length_when_it_runs():
    ours = tscript.script(unpack_list)
    assert ours([1, 2, 3]) == 123
    with pytest.raises(ValueError, match="not enough values to unpack"):
        ours([1, 2])
