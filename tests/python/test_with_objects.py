"""`with` on objects of TorchScript classes (`__enter__(self)`, `__exit__(self, Any, Any, Any)`),
compared with eager Python and torch.jit 1.13.

1.13 (checked by the torch.jit side of each test): `with obj as v:` is `%v = prim::Enter(%obj)`
(typed as `__enter__`'s result) before the body and `prim::Exit(%obj)` after it, innermost
first; when the body raises, `__exit__(obj, None, None, None)` of every entered object runs,
innermost first, and the error propagates. 1.13 saves `with torch.no_grad():` of scripted code
as an object of the archive class `__torch__.torch.autograd.grad_mode.no_grad` (`with _0:`),
which tscript loads and runs (also torchvision's retinanet, test_archive_models.py).

The context managers record what they did in a shared 0-d tensor, one decimal digit per event
(k on enter, k + 5 on exit), so eager, torch.jit and tscript runs can be compared exactly.
"""
import io
import re
from typing import Any

import pytest
import torch

import tscript


class Tally:
    def __init__(self, k: int, log: torch.Tensor):
        self.k = k
        self.log = log

    def __enter__(self) -> int:
        self.log.mul_(10).add_(self.k)
        return self.k * 2

    def __exit__(self, a: Any, b: Any, c: Any) -> None:
        self.log.mul_(10).add_(self.k + 5)


class Scaler:
    def __init__(self, factor: float, log: torch.Tensor):
        self.factor = factor
        self.log = log

    def __enter__(self) -> "Scaler":
        self.log.mul_(10).add_(1)
        return self

    def __exit__(self, a: Any, b: Any, c: Any) -> None:
        self.log.mul_(10).add_(6)

    def apply(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor


def one_item(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Tally(1, log) as a:
        x = x + a
    return x


def two_items_may_raise(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Tally(1, log) as a, Tally(2, log) as b:
        if bool(x.sum() > 100):
            raise ValueError("too big")
        x = x + a + b
    return x


def nested_statements_may_raise(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Tally(1, log):
        x = x * 2
        with Tally(2, log) as b:
            x = x + b
            if bool(x.sum() > 100):
                raise RuntimeError("inner")
        x = x - 1
    return x


def in_a_loop(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    for i in range(3):
        with Tally(i + 1, log) as k:
            x = x * k
    return x


def enter_returns_self(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Scaler(3.0, log) as s:
        y = s.apply(x)
    return y


def return_inside(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Tally(4, log) as a:
        return x + a


def _fails_when_big(x: torch.Tensor) -> torch.Tensor:
    if bool(x.sum() > 100):
        raise ValueError("raised by a callee")
    return x + 1


def callee_raises(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with Tally(3, log):
        x = _fails_when_big(x)
    return x


def with_no_grad_and_object(x: torch.Tensor, log: torch.Tensor) -> torch.Tensor:
    with torch.no_grad(), Tally(2, log) as b:
        y = x * b
    return y


def _small():
    return torch.ones(3, dtype=torch.float64)


def _big():
    return torch.full((3,), 50.0, dtype=torch.float64)


CASES = [
    (one_item, _small),
    (two_items_may_raise, _small),
    (two_items_may_raise, _big),
    (nested_statements_may_raise, _small),
    (nested_statements_may_raise, _big),
    (in_a_loop, _small),
    (enter_returns_self, _small),
    (return_inside, _small),
    (callee_raises, _small),
    (callee_raises, _big),
    (with_no_grad_and_object, _small),
]


def _outcome(fn, make_input):
    """(result or the error's last line, the log, grad mode after), for one fresh call."""
    log = torch.zeros((), dtype=torch.int64)
    x = make_input().requires_grad_()
    try:
        result = fn(x, log)
        result = (result.detach(), result.requires_grad)
    except Exception as error:  # noqa: BLE001 - the error is part of the outcome
        result = str(error).strip().splitlines()[-1].split(": ")[-1]  # the message alone
    return result, int(log), torch.is_grad_enabled()


def _same(a, b):
    (ra, la, ga), (rb, lb, gb) = a, b
    assert la == lb and ga == gb
    if isinstance(ra, str):
        assert ra == rb
    else:
        assert torch.equal(ra[0], rb[0]) and ra[1] == rb[1]


@pytest.mark.parametrize("fn,make_input", CASES,
                         ids=[f"{fn.__name__}-{make.__name__[1:]}" for fn, make in CASES])
def test_matches_eager_and_torch_jit(fn, make_input):
    eager = _outcome(fn, make_input)
    _same(_outcome(torch.jit.script(fn), make_input), eager)
    _same(_outcome(tscript.script(fn), make_input), eager)


def test_raising_body_exits_innermost_first():
    # The log spells the events: enter 1, enter 2, exit 2 (7), exit 1 (6).
    result, log, _ = _outcome(tscript.script(two_items_may_raise), _big)
    assert (result, log) == ("too big", 1276)


_VALUE = re.compile(r"%[A-Za-z0-9_.$]+")


def _normalize(graph_text):
    names = {}
    lines = []
    for line in str(graph_text).splitlines():
        line = line.split(" # ", 1)[0].rstrip()
        lines.append(_VALUE.sub(lambda m: names.setdefault(m.group(0), f"%v{len(names)}"), line))
    return "\n".join(lines)


@pytest.mark.parametrize("fn", [one_item, two_items_may_raise, nested_statements_may_raise,
                                return_inside])
def test_graph_and_code_equal_torch_jit(fn):
    ours, reference = tscript.script(fn), torch.jit.script(fn)
    assert "prim::Enter" in str(ours.graph)
    assert _normalize(ours.graph) == _normalize(reference.graph)
    assert ours.code == reference.code


class NoExit:
    def __init__(self):
        self.n = 1

    def __enter__(self) -> int:
        return self.n


class TypedExit:
    def __init__(self):
        self.n = 1

    def __enter__(self) -> int:
        return self.n

    def __exit__(self, a: int, b: Any, c: Any) -> None:
        pass


def with_a_number(x: int) -> int:
    with x:
        x = x + 1
    return x


def with_no_exit(x: int) -> int:
    with NoExit() as n:
        x = x + n
    return x


def with_typed_exit(x: int) -> int:
    with TypedExit() as n:
        x = x + n
    return x


def return_before_the_end(x: int, log: torch.Tensor) -> int:
    with Tally(1, log):
        if x > 2:
            return x
        x = x + 1
    return x


@pytest.mark.parametrize("fn,message", [
    (with_a_number, "With item expression must return an object"),
    (with_no_exit, "does not define __enter__ and __exit__ methods"),
    (with_typed_exit, "argument 1 of __exit__ must have Any type"),
])
def test_errors_as_torch_jit(fn, message):
    with pytest.raises(Exception, match=re.escape(message)):
        torch.jit.script(fn)
    with pytest.raises(tscript.CompileError, match=re.escape(message)):
        tscript.script(fn)


def test_return_before_the_end_of_the_block_is_a_clear_error():
    # 1.13 fails on this with an internal assertion ("outputs_[i]->uses().empty()").
    with pytest.raises(tscript.CompileError, match="only supported by tscript as the last "
                                                   "statement of the block"):
        tscript.script(return_before_the_end)


# ---- archives ----------------------------------------------------------------------------

def _doubled_without_grad(x: torch.Tensor, fail: bool):
    with torch.no_grad():
        y = x * 2
        if fail:
            raise ValueError("failed under no_grad")
        inside = torch.is_grad_enabled()
    return y, inside


class NoGradHelper(torch.nn.Module):
    def forward(self, x: torch.Tensor, fail: bool = False):
        y, inside = _doubled_without_grad(x, fail)
        return y + 0, x + 1, inside


class Tallied(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("log", torch.zeros((), dtype=torch.int64))

    def forward(self, x: torch.Tensor):
        with Tally(1, self.log) as a, Scaler(2.0, self.log) as s:
            y = s.apply(x) + a
            if bool(y.sum() > 100):
                raise ValueError("too big")
        return y


def _torch_jit_archive(module):
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer)
    return buffer.getvalue()


def test_torch_jit_archive_of_no_grad_runs_in_tscript():
    archive = _torch_jit_archive(NoGradHelper())
    loaded = tscript.load(io.BytesIO(archive))
    x = torch.randn(4, requires_grad=True)
    y, z, inside = loaded(x)
    eager_y, eager_z, eager_inside = NoGradHelper()(x)
    assert torch.equal(y, eager_y) and torch.equal(z, eager_z)
    assert (y.requires_grad, z.requires_grad, inside) == (False, True, False) == (
        eager_y.requires_grad, eager_z.requires_grad, eager_inside)
    assert torch.is_grad_enabled()
    with pytest.raises(Exception, match="failed under no_grad"):
        loaded(x, True)
    assert torch.is_grad_enabled()  # restored after the body raised
    _, z, _ = loaded(x)
    assert z.requires_grad


def test_torch_jit_archive_of_no_grad_has_the_grad_mode_class():
    loaded = tscript.load(io.BytesIO(_torch_jit_archive(NoGradHelper())))
    reference = torch.jit.load(io.BytesIO(_torch_jit_archive(NoGradHelper())))
    assert loaded.code == reference.code


def _run_tallied(module, x):
    module.log.zero_()
    try:
        result = module(x).detach()
    except Exception as error:  # noqa: BLE001
        result = str(error).strip().splitlines()[-1].split(": ")[-1]
    return result, int(module.log)


@pytest.mark.parametrize("value", [1.0, 60.0], ids=["passes", "raises"])
def test_user_context_managers_through_archives_both_ways(value):
    x = torch.full((3,), value)
    eager = _run_tallied(Tallied(), x)
    from_torch_jit = tscript.load(io.BytesIO(_torch_jit_archive(Tallied())))
    buffer = io.BytesIO()
    tscript.save(tscript.script(Tallied()), buffer)
    into_torch_jit = torch.jit.load(io.BytesIO(buffer.getvalue()))
    for module in (from_torch_jit, into_torch_jit):
        result, log = _run_tallied(module, x)
        assert log == eager[1]
        if isinstance(eager[0], str):
            assert result == eager[0]
        else:
            assert torch.equal(result, eager[0])


def test_tscript_archive_resaves_byte_identical():
    first = io.BytesIO()
    tscript.save(tscript.script(Tallied()), first)
    second = io.BytesIO()
    tscript.save(tscript.load(io.BytesIO(first.getvalue())), second)
    assert first.getvalue() == second.getvalue()
