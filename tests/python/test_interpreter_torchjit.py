"""The interpreter against eager Python, on the graphs torch.jit 1.13 compiles.

Each case is a function; torch.jit scripts it (the reference compiler, test-only), its
`.graph` text is run by `tscript run-ir` on the given inputs, and the printed outputs must
equal the repr of what torch.jit returns for the same inputs (which is eager Python's answer
except where 1.13 deliberately differs, like 17-digit floats in f-strings). Cases with an expected
exception check the Python exception class and message, and that a TorchScript traceback
is printed ending in the same error line as torch.jit's.

Tensor inputs are written as TensorArg(shape, fill) and become `tensor:SHAPE:FILL` for
run-ir and torch.full(shape, fill) for eager, so both sides see the same data.
"""
import math
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]
TSCRIPT = Path(os.environ.get("TSCRIPT_BIN", REPO / "build" / "bin" / "tscript"))


@dataclass
class TensorArg:
    shape: Tuple[int, ...]
    fill: float = 0.0

    def eager(self):
        return torch.full(self.shape, self.fill)

    def text(self):
        return "tensor:" + "x".join(map(str, self.shape)) + ":" + repr(self.fill)


def arg_text(value):
    if isinstance(value, TensorArg):
        return value.text()
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, list):
        return ",".join(arg_text(v) for v in value)
    return str(value) if not isinstance(value, float) else repr(value)


def eager_arg(value):
    return value.eager() if isinstance(value, TensorArg) else value


# ---- the cases ---------------------------------------------------------------------------

def int_loop(n: int) -> int:
    s = 0
    for i in range(n):
        s = s + i
    return s


def range_step(a: int, b: int, c: int) -> List[int]:
    out: List[int] = []
    for i in range(a, b, c):
        out.append(i)
    return out


def while_collatz(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def break_continue(n: int) -> int:
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        if i > 20:
            break
        total += i
    return total


def early_return(x: int) -> str:
    if x < 0:
        return "negative"
    for i in range(10):
        if i == x:
            return "small"
    return "large"


def floor_div_mod(a: int, b: int) -> Tuple[int, int, float, float]:
    return a // b, a % b, a / b, float(a) % float(b)


def float_math(x: float) -> Tuple[float, float, float, int, int]:
    return math.sqrt(x), math.exp(-x), math.log(x + 1.0), math.floor(x), math.ceil(x)


def compare_chain(a: int, b: int, c: int) -> Tuple[bool, bool, bool]:
    return a < b < c, a == b or b == c, not (a >= c)


def bit_ops(a: int, b: int) -> Tuple[int, int, int, int, int]:
    return a & b, a | b, a ^ b, a << 3, a >> 1


def string_methods(s: str) -> Tuple[str, str, List[str], int, bool, str]:
    return s.upper(), s.strip(), s.split(","), s.find("b"), s.startswith(" a"), s[1:5:2]


def fstring(x: int, y: float, s: str) -> str:
    return f"x={x} y={y} s={s}!"


def str_format(a: int, b: str) -> str:
    return "{} and {}".format(a, b)


def list_ops(n: int) -> List[int]:
    xs = [3, 1, 2]
    xs.append(n)
    xs.insert(0, 10)
    xs.extend([7, 8])
    xs.remove(1)
    xs.sort()
    popped = xs.pop()
    xs.append(popped * 2)
    return xs + xs[1:3]


def list_aliasing(n: int) -> Tuple[List[int], List[int]]:
    a = [1, 2]
    b = a
    b.append(n)
    c = a.copy()
    c.append(0)
    return a, c


def list_comprehension(n: int) -> List[int]:
    return [i * i for i in range(n)]


def list_contains_index(x: int) -> Tuple[bool, int, int]:
    xs = [5, 6, 7, 6]
    return x in xs, xs.index(6), xs.count(6)


def dict_ops(k: str) -> Tuple[List[str], List[int], int, bool]:
    d: Dict[str, int] = {"b": 2, "a": 1}
    d[k] = 10
    d["c"] = 3
    v = d.pop("b")
    return list(d.keys()), list(d.values()), v + d.get("zz", 100), "a" in d


def dict_items(n: int) -> int:
    d: Dict[int, int] = {}
    for i in range(n):
        d[i] = i * i
    total = 0
    for k, v in d.items():
        total += k * v
    return total


def tuple_ops(a: int, b: int) -> Tuple[int, int, Tuple[int, int]]:
    t = (a, b)
    x, y = t
    return y, x, t


def optional_refine(x: Optional[int]) -> int:
    if x is None:
        return -1
    return x + 1


def builtins_mix(a: int, b: float) -> Tuple[int, float, int, str, str, int]:
    return abs(-a), abs(-b), min(a, 3), str(a), hex(a), int(b)


def tensor_loop(x: torch.Tensor, n: int) -> float:
    for _ in range(n):
        x = x + 1.0
    return float(x.sum())


def foo_overview(len: int) -> float:
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return float(rv.sum())


def tensor_ops(x: torch.Tensor, y: torch.Tensor) -> Tuple[float, List[int], int]:
    z = torch.matmul(x, y.t()) + torch.relu(x - 0.5).sum()
    return float(z.mean()), z.size(), z.dim()


def tensor_indexing(x: torch.Tensor) -> Tuple[float, float, List[int]]:
    x[0, 1] = 5.0
    row = x[1]
    return float(x[0].sum()), float(row.sum()), list(x[:, 1:].shape)


def tensor_cat_stack(x: torch.Tensor) -> List[int]:
    return list(torch.cat([x, x], dim=0).shape) + list(torch.stack([x, x, x]).shape)


def tensor_inplace(x: torch.Tensor) -> float:
    x.add_(2.0)
    x.mul_(3.0)
    return float(x.sum())


def tensor_to_number(x: torch.Tensor) -> Tuple[int, float, bool]:
    return int(x.sum()), float(x.mean()), bool(x.sum() > 1)


def tensor_shape_loop(x: torch.Tensor) -> float:
    total = 0.0
    for i in range(x.size(0)):
        total += float(x[i].sum())
    return total


def tensor_scalar_arithmetic(x: torch.Tensor) -> List[float]:
    # float32 tensors with constant numbers take the interpreter's fast path
    # (runtime/tensor_scalar_fast_path.h); the results must be bit-identical.
    y = (x + 0.1) * 3 - 16777217
    z = y / 7.0 - 1e-8
    w = x * 1e-40
    return [float(v) for v in z] + [float(v) for v in w] + [float(v) for v in x.sub(0.3, alpha=2)]


def tensor_scalar_other_dtypes(x: torch.Tensor) -> List[float]:
    # not float32: the ordinary overloads (type promotion included)
    a = x.long() * 2.5
    b = x.double() + 0.1
    c = x.long() + 1
    return [float(v) for v in a] + [float(v) for v in b] + [float(v) for v in c]


def raise_value_error(x: int) -> int:
    if x > 2:
        raise ValueError("x is too big")
    return x


def assert_fails(x: int) -> int:
    assert x < 0, "x must be negative"
    return x


def index_error(i: int) -> int:
    xs = [1, 2, 3]
    return xs[i]


def zero_division(a: int, b: int) -> int:
    return a // b


def key_error(k: str) -> int:
    d = {"a": 1}
    return d[k]


def tensor_shape_error(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.matmul(x, y)


@dataclass
class Case:
    fn: object
    args: tuple
    error: Optional[type] = None


CASES = [
    Case(int_loop, (1000,)),
    Case(int_loop, (0,)),
    Case(range_step, (10, -3, -4)),
    Case(range_step, (2, 11, 3)),
    Case(while_collatz, (27,)),
    Case(break_continue, (40,)),
    Case(early_return, (-5,)),
    Case(early_return, (3,)),
    Case(early_return, (30,)),
    Case(floor_div_mod, (-7, 2)),
    Case(floor_div_mod, (7, -2)),
    Case(float_math, (2.5,)),
    Case(compare_chain, (1, 2, 3)),
    Case(compare_chain, (3, 3, 1)),
    Case(bit_ops, (12, 10)),
    Case(bit_ops, (-12, 5)),
    Case(string_methods, (" a,b,c ",)),
    Case(fstring, (3, 0.1, "hi")),
    Case(str_format, (3, "x")),
    Case(list_ops, (4,)),
    Case(list_aliasing, (9,)),
    Case(list_comprehension, (10,)),
    Case(list_contains_index, (7,)),
    Case(dict_ops, ("k",)),
    Case(dict_ops, ("a",)),
    Case(dict_items, (6,)),
    Case(tuple_ops, (1, 2)),
    Case(optional_refine, (None,)),
    Case(optional_refine, (4,)),
    Case(builtins_mix, (255, 2.75)),
    Case(tensor_loop, (TensorArg((1,)), 100)),
    Case(foo_overview, (13,)),
    Case(tensor_ops, (TensorArg((2, 3), 1.5), TensorArg((4, 3), 0.25))),
    Case(tensor_indexing, (TensorArg((3, 4), 1.0),)),
    Case(tensor_cat_stack, (TensorArg((2, 3), 1.0),)),
    Case(tensor_inplace, (TensorArg((2, 2), 1.0),)),
    Case(tensor_to_number, (TensorArg((2, 2), 0.5),)),
    Case(tensor_shape_loop, (TensorArg((4, 2), 2.0),)),
    Case(tensor_scalar_arithmetic, (TensorArg((3,), 0.7),)),
    Case(tensor_scalar_other_dtypes, (TensorArg((3,), 2.0),)),
    Case(raise_value_error, (5,), ValueError),
    Case(raise_value_error, (1,)),
    Case(assert_fails, (1,), AssertionError),
    Case(index_error, (5,), IndexError),
    Case(zero_division, (1, 0), ZeroDivisionError),
    Case(key_error, ("b",), KeyError),
    Case(tensor_shape_error, (TensorArg((2, 3)), TensorArg((2, 3))), RuntimeError),
]


def case_id(case):
    return case.fn.__name__ + "(" + ",".join(arg_text(a) for a in case.args) + ")"


def run_ir(graph_text, args, tmp_path):
    path = tmp_path / "graph.ir"
    path.write_text(graph_text)
    command = [str(TSCRIPT), "run-ir", str(path)]
    for arg in args:
        command += ["--arg", arg_text(arg)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_interpreter_matches_eager(case, tmp_path):
    scripted = torch.jit.script(case.fn)
    graph = str(scripted.graph)
    result = run_ir(graph, case.args, tmp_path)
    if case.error is not None:
        # Eager Python raises case.error; torch.jit 1.13 reports the error as the last line
        # of its message ("builtins.ValueError: x is too big", "RuntimeError: list index
        # out of range"), and the interpreter's traceback must end in that same line.
        with pytest.raises(case.error):
            case.fn(*[eager_arg(a) for a in case.args])
        with pytest.raises(Exception) as jit_error:
            scripted(*[eager_arg(a) for a in case.args])
        expected_line = str(jit_error.value).strip().splitlines()[-1].replace("builtins.", "")
        assert result.returncode == 1, result.stdout
        assert "Traceback of TorchScript" in result.stderr, result.stderr
        assert result.stderr.strip().splitlines()[-1] == expected_line, result.stderr
        return
    assert result.returncode == 0, result.stderr
    # torch.jit's own result is the reference: it differs from eager Python in places
    # (floats in f-strings print with 17 digits), and the interpreter must match 1.13.
    expected = scripted(*[eager_arg(a) for a in case.args])
    assert result.stdout == repr(expected) + "\n"
