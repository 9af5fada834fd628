"""Round trip of real torch.jit graphs through `tscript opt`.

Every graph printed by PyTorch 1.13 (`.graph`, `.inlined_graph`, traced and frozen graphs,
fork subgraphs) is written to a file, read back by tscript's IR parser and printed by its
printer; the output must equal the input byte for byte.

Run with /usr/bin/python3 (the interpreter that has torch):
    TSCRIPT_BIN=build-ir/bin/tscript /usr/bin/python3 -m pytest tests/python/test_ir_roundtrip_torchjit.py
"""
import math
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

REPO = Path(__file__).resolve().parents[2]
TSCRIPT = Path(os.environ.get("TSCRIPT_BIN", REPO / "build" / "bin" / "tscript"))


# ---------------------------------------------------------------- scripted functions

def f_loops(x: Tensor, n: int) -> Tensor:
    i = 0
    while i < n:
        x = x * 2
        i += 1
        if i > 5:
            break
    for j in range(3):
        if j == 1:
            continue
        x = x + j
    return x


def f_tuples(x: Tensor) -> Tuple[Tensor, int]:
    a, b = x.size(0), x.size(1)
    t = (x, a)
    u, v = t
    return t[0] + u, b + v


def f_lists(x: List[int]) -> List[int]:
    y = [1, 2, 3]
    y.append(len(x))
    y[0] = 5
    z = y[1:]
    for e in x:
        z.append(e * 2)
    del z[0]
    return z


def f_dicts(d: Dict[str, int]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for k in d.keys():
        out[k] = d[k] + 1
    for k, v in d.items():
        out[k + "_"] = v
    out["x"] = d.get("y", 3)
    return out


def f_optional(x: Optional[int], y: Optional[Tensor]) -> int:
    if x is None:
        return 0
    if y is not None and x > 2:
        return x + int(y.sum())
    return x


def f_strings(s: str) -> str:
    t = s.upper() + s.lower()
    if s.startswith("a"):
        t = t + s[1:3]
    return "{} and {}".format(t, len(s))


def f_consts() -> Tuple[str, float, float, float, float, int, bool, Optional[int], torch.device, List[int], complex, float, float, int]:
    return ("a\"b'c\n\t\\\x01é", 1.0, 1.5e-10, math.inf, -math.inf, 12345678901, True, None,
            torch.device("cuda:1"), [1, 2], 2j, math.nan, math.pi, torch.float32)


def f_big_floats() -> List[float]:
    return [1e10, 1e16, 1e17, 1e20, 12345678901234567.0, 9999999999.0, -0.0, 5e-324, 1.7976931348623157e308,
            0.1, -2.5, 3e-8, 1e-5]


def f_float_scalars(x: float) -> float:
    a = x * 1e10 + 1e11
    b = a - 1e17 + 1e18 - 2.0
    return b / 0.1 + 1e-300 - 123456789.125


def f_string_escapes() -> List[str]:
    return ["tab\there", "nl\nx", "quote\"", "apos'", "back\\slash", "\x00\x07\x1b\x7f", "é ü ✓", "\r\v\f\b\a", ""]


def f_ints() -> List[int]:
    return [0, -1, 9223372036854775807, -9223372036854775807, 1099511627776, 255]


def f_bools(a: bool, b: bool, x: int) -> bool:
    c = a and b or not a
    return c and 0 < x < 10


def f_ternary(x: int) -> int:
    return x if x > 0 else -x


def f_early(x: Tensor, n: int) -> Tensor:
    for i in range(n):
        if i == 3:
            return x
        x = x + 1
    if n < 0:
        raise ValueError("negative")
    return x * 2


def f_nograd(x: Tensor) -> Tensor:
    with torch.no_grad():
        y = x * 2
    return y


def f_fork(x: Tensor) -> Tensor:
    f = torch.jit.fork(torch.neg, x)
    return torch.jit.wait(f)


def _work(x: Tensor, k: int) -> Tensor:
    return x * k + 1


def f_fork_many(x: Tensor) -> Tensor:
    futs = [torch.jit.fork(_work, x, i) for i in range(3)]
    g = torch.jit.fork(_work, x, 10)
    total = torch.jit.wait(g)
    for f in futs:
        total = total + torch.jit.wait(f)
    return total


def f_union(x: Union[int, str, None]) -> str:
    if isinstance(x, int):
        return str(x + 1)
    elif isinstance(x, str):
        return x
    return "none"


def f_comprehension(xs: List[int]) -> Dict[int, int]:
    sq = [x * x for x in xs]
    return {x: x + 1 for x in sq}


def f_methods(x: Tensor) -> Tensor:
    y = x.view(-1).clamp(min=0.0, max=6.0)
    z = torch.cat([y, y], dim=0)
    return z.sum(dim=0, keepdim=True).to(torch.float64)


def f_minmax(a: int, b: int, c: float) -> float:
    return max(a, b) / min(a, b) + abs(c) + a ** b + math.sqrt(c) + float(a // b)


def f_print(x: Tensor) -> Tensor:
    print("value:", x, "a long string constant that goes on and on and on and on and on")
    return x


def f_unwrap(x: Optional[int]) -> int:
    assert x is not None, "x must not be None"
    return x + 1


def f_indexing(x: Tensor) -> Tensor:
    x[0] = 1.0
    x[1:3] += 2
    y = x[x > 0]
    x.add_(1).mul_(2)
    return y + x[..., 0]


def f_range_enumerate(xs: List[int], ys: List[str]) -> int:
    total = 0
    for i in range(10, 0, -2):
        total += i
    for i, (a, b) in enumerate(zip(xs, ys)):
        total += i * a + len(b)
    for t in (1, 2.5, "s"):
        total += 1
    while True:
        total -= 1
        if total < 100:
            break
    return total


def f_nested_control(x: Tensor, n: int) -> Tensor:
    for i in range(n):
        for j in range(i):
            if (i + j) % 2 == 0:
                x = x + j
            elif i > j * 2:
                x = x - i
            else:
                continue
    return x


def f_tensor_factories(n: int) -> Tensor:
    a = torch.zeros([n, 3], dtype=torch.float32)
    b = torch.ones(2, 3, dtype=torch.int64, device=torch.device("cpu"))
    c = torch.arange(0, n)
    d = torch.full([2], 0.5)
    return a.sum() + b.sum() + c.sum() + d.sum() + torch.tensor([1.5, 2.5]).sum()


def f_dict_of_lists(d: Dict[str, List[Tensor]]) -> List[Tensor]:
    out: List[Tensor] = []
    for k in sorted(d.keys()):
        out.extend(d[k])
    return out


def f_nested_types(a: List[Tuple[int, Optional[str]]], b: Dict[int, List[float]]) -> Tuple[List[int], Dict[int, float]]:
    firsts = [p[0] for p in a]
    sums: Dict[int, float] = {}
    for k, v in b.items():
        sums[k] = sum(v)
    return firsts, sums


def f_any(x: Any) -> str:
    return "any"


def f_complex(z: complex) -> complex:
    return z * 2j + 1.5 - 0.5j


def f_string_ops(s: str, t: str) -> bool:
    return "ab" in s and s.split(",")[0].strip() == t and s.find("x") > 0 and s.replace("a", "b") != t


def f_exceptions(x: int) -> int:
    if x < 0:
        raise RuntimeError("negative: " + str(x))
    try_value = x
    return try_value


def f_list_of_tensors(xs: List[Tensor]) -> Tensor:
    acc = torch.zeros(1)
    for t in xs:
        acc = acc + t.sum()
    return acc / len(xs)


def f_isinstance_tensor(x: Union[Tensor, List[Tensor]]) -> Tensor:
    if isinstance(x, Tensor):
        return x
    return torch.stack(x)


def f_layouts(x: Tensor) -> Tensor:
    y = x.contiguous(memory_format=torch.channels_last)
    return y.to(dtype=torch.half, copy=True).float()


def f_devices(x: Tensor) -> str:
    d = x.device
    return str(d) + str(torch.device("cpu")) + str(torch.device("cuda:0"))


def f_numeric_edge() -> Tuple[float, float, float, float]:
    return 1e-10, 1e100, 100000000000.5, 0.30000000000000004


class Point(NamedTuple):
    x: int
    y: Tensor


def f_namedtuple(p: Point) -> Tensor:
    return p.y * p.x


def f_getattr_chain(x: Tensor) -> List[int]:
    return list(x.shape) + [x.dim(), x.numel()]


def f_while_complex(x: Tensor) -> Tensor:
    i = 0
    j = 10
    while i < j and bool(x.sum() > 0):
        x = x - 0.5
        i += 1
        j -= 1
    return x


SCRIPTED_FUNCTIONS = [
    f_loops, f_tuples, f_lists, f_dicts, f_optional, f_strings, f_consts, f_big_floats,
    f_float_scalars, f_string_escapes, f_ints, f_bools, f_ternary, f_early, f_nograd, f_fork,
    f_fork_many, f_union, f_comprehension, f_methods, f_minmax, f_print, f_unwrap, f_indexing,
    f_range_enumerate, f_nested_control, f_tensor_factories, f_dict_of_lists, f_nested_types,
    f_any, f_complex, f_string_ops, f_exceptions, f_list_of_tensors, f_isinstance_tensor,
    f_layouts, f_devices, f_numeric_edge, f_namedtuple, f_getattr_chain, f_while_complex,
]


# ---------------------------------------------------------------- modules

class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.scale = 2.5

    def forward(self, x):
        return self.conv(x) * self.scale


class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.lin = nn.Linear(8, 4)
        self.bn = nn.BatchNorm2d(2)
        self.names: List[str] = ["a", "b"]
        self.table: Dict[str, int] = {"k": 1}

    def forward(self, x):
        y = self.bn(self.inner(x))
        y = F.relu(y).flatten(1)
        return self.lin(y[:, :8]) + len(self.names) + self.table["k"]


class WithConstants(nn.Module):
    __constants__ = ["alpha", "sizes", "name"]

    def __init__(self):
        super().__init__()
        self.alpha = 0.125
        self.sizes = [1, 2, 3]
        self.name = "model"
        self.register_buffer("small", torch.tensor([1.0, 2.0, 3.0]))
        self.register_buffer("one", torch.tensor(2.5))
        self.register_buffer("big", torch.arange(20.0))

    def forward(self, x):
        return x * self.alpha + self.small.sum() + self.one + self.big[0] + len(self.sizes)


class Recurrent(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(4, 4)

    def forward(self, xs: List[Tensor]):
        h = torch.zeros(1, 4)
        c = torch.zeros(1, 4)
        for x in xs:
            h, c = self.cell(x, (h, c))
        return h


class Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Dropout(0.1), nn.Linear(3, 2))

    def forward(self, x):
        return self.body(x)


class ForkModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        fut = torch.jit.fork(self.lin, x)
        return torch.jit.wait(fut) + 1


def module_cases():
    cases = {}
    for name, ctor in [("outer", Outer), ("constants", WithConstants), ("recurrent", Recurrent),
                       ("seq", Seq), ("fork_module", ForkModule)]:
        m = torch.jit.script(ctor().eval())
        cases[f"module_{name}.graph"] = lambda m=m: str(m.graph)
        cases[f"module_{name}.inlined"] = lambda m=m: str(m.inlined_graph)
        cases[f"module_{name}.nolocs"] = lambda m=m: m.graph.str(False)
    cases["module_outer.frozen"] = lambda: str(torch.jit.freeze(torch.jit.script(Outer().eval())).graph)
    cases["module_constants.frozen"] = lambda: str(
        torch.jit.freeze(torch.jit.script(WithConstants().eval())).graph)
    cases["module_seq.frozen"] = lambda: str(torch.jit.freeze(torch.jit.script(Seq().eval())).graph)
    cases["module_outer.method_sub"] = lambda: str(torch.jit.script(Outer()).inner.graph)
    return cases


def trace_cases():
    cases = {}
    outer_input = torch.randn(1, 1, 12, 12)
    cases["trace_outer.graph"] = lambda: str(torch.jit.trace(Outer().eval(), outer_input).graph)
    cases["trace_outer.inlined"] = lambda: str(torch.jit.trace(Outer().eval(), outer_input).inlined_graph)
    cases["trace_seq.inlined"] = lambda: str(torch.jit.trace(Seq().eval(), torch.randn(2, 3)).inlined_graph)

    def fn(x, y):
        z = x.matmul(y.t()).relu()
        return z.sum(1, keepdim=True) / 3, z.to(torch.int64)

    cases["trace_fn"] = lambda: str(torch.jit.trace(fn, (torch.randn(2, 3), torch.randn(4, 3))).graph)

    def fn_consts(x):
        return x + torch.tensor([1, 2]) * 3 + torch.tensor(7)

    cases["trace_consts"] = lambda: str(torch.jit.trace(fn_consts, (torch.randn(2),)).graph)
    return cases


def optimized_cases():
    cases = {}

    def run_twice(fn, *args):
        s = torch.jit.script(fn)
        s(*args)
        s(*args)
        return str(torch.jit.last_executed_optimized_graph())

    cases["optimized_methods"] = lambda: run_twice(f_methods, torch.randn(4, 2))
    cases["optimized_loops"] = lambda: run_twice(f_loops, torch.randn(3), 4)
    return cases



from enum import Enum


class Color(Enum):
    RED = 1
    GREEN = 2


def f_enum(c: Color) -> int:
    if c == Color.RED:
        return 1
    return c.value


@torch.jit.script
class Counter:
    def __init__(self, start: int):
        self.count = start

    def bump(self, by: int) -> int:
        self.count += by
        return self.count


def f_class(n: int) -> int:
    c = Counter(n)
    return c.bump(2) + c.bump(3)


@torch.jit.interface
class Scorer(torch.nn.Module):
    def forward(self, input: Tensor) -> Tensor:
        pass


class UsesInterface(nn.Module):
    impl: Scorer

    def __init__(self):
        super().__init__()
        self.impl = Seq().body[0]

    def forward(self, x):
        return self.impl.forward(x)


def f_one_tuple(x: int) -> Tuple[int]:
    return (x,)


def f_nested_constants() -> Tuple[List[List[int]], Tuple[int, Tuple[str, float]], List[bool], List[float]]:
    return [[1, 2], [3]], (1, ("a", 2.5)), [True, False], [1.0, 1e10, -0.0]


def extra_cases():
    cases = {}
    for fn in (f_enum, f_class, f_one_tuple, f_nested_constants):
        cases[fn.__name__ + ".graph"] = lambda fn=fn: str(torch.jit.script(fn).graph)
    cases["module_interface.graph"] = lambda: str(torch.jit.script(UsesInterface()).graph)

    def constant_propagated(fn):
        g = torch.jit.script(fn).graph.copy()
        torch._C._jit_pass_constant_propagation(g)
        return str(g)

    for fn in (f_nested_constants, f_consts, f_big_floats, f_string_escapes, f_tuples, f_ints):
        cases[fn.__name__ + ".constprop"] = lambda fn=fn: constant_propagated(fn)

    def profiled(fn, *args):
        s = torch.jit.script(fn)
        s(*args)
        return str(torch.jit.last_executed_optimized_graph())

    cases["profiled_methods"] = lambda: profiled(f_methods, torch.randn(4, 2))
    cases["profiled_while"] = lambda: profiled(f_while_complex, torch.randn(3))

    def fused(dynamic, requires_grad):
        old_cpu = torch._C._jit_can_fuse_on_cpu()
        old_llvm = torch._C._jit_get_te_must_use_llvm_cpu()
        torch._C._jit_override_can_fuse_on_cpu(True)
        torch._C._jit_set_te_must_use_llvm_cpu(False)
        old_strategy = torch.jit.set_fusion_strategy([("DYNAMIC", 2)] if dynamic else [("STATIC", 2)])
        try:
            def chain(a: Tensor, b: Tensor) -> Tensor:
                return (a * b + 1.5).relu().sigmoid() * a

            s = torch.jit.script(chain)
            a = torch.randn(4, 8, requires_grad=requires_grad)
            b = torch.randn(4, 8, requires_grad=requires_grad)
            for _ in range(3):
                s(a, b)
            return str(torch.jit.last_executed_optimized_graph())
        finally:
            torch.jit.set_fusion_strategy(old_strategy)
            torch._C._jit_set_te_must_use_llvm_cpu(old_llvm)
            torch._C._jit_override_can_fuse_on_cpu(old_cpu)

    cases["fused_static"] = lambda: fused(False, False)
    cases["fused_dynamic_grad"] = lambda: fused(True, True)

    def optimized_for_inference():
        m = torch.jit.freeze(torch.jit.script(Outer().eval()))
        return str(torch.jit.optimize_for_inference(m).graph)

    cases["module_outer.optimize_for_inference"] = optimized_for_inference
    return cases


def all_cases():
    cases = {}
    for fn in SCRIPTED_FUNCTIONS:
        cases[fn.__name__ + ".graph"] = lambda fn=fn: str(torch.jit.script(fn).graph)
        cases[fn.__name__ + ".nolocs"] = lambda fn=fn: torch.jit.script(fn).graph.str(False)
    cases.update(module_cases())
    cases.update(trace_cases())
    cases.update(optimized_cases())
    cases.update(extra_cases())
    return cases


CASES = all_cases()


def roundtrip(text: str, tmp_path: Path) -> str:
    path = tmp_path / "graph.ir"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    result = subprocess.run([str(TSCRIPT), "opt", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8", "surrogateescape")


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
@pytest.mark.parametrize("name", sorted(CASES))
def test_roundtrip(name, tmp_path):
    text = CASES[name]()
    assert roundtrip(text, tmp_path) == text


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
@pytest.mark.parametrize("name", sorted(CASES))
def test_verifier_accepts(name, tmp_path):
    """Graphs torch.jit produced are well formed: tscript's verifier must agree."""
    path = tmp_path / "graph.ir"
    path.write_bytes(CASES[name]().encode("utf-8", "surrogateescape"))
    result = subprocess.run([str(TSCRIPT), "opt", "--passes=verify", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
