"""check_trace's runs (python/tscript/_tracing.py, _check_trace): which runs tscript does
against 1.13's, and when the repeated trace's run may be left out.

1.13 re-traces on each check input, then runs the trace, the Python function and (when those
two agree) the repeated trace. tscript leaves out the repeated trace's run only when it would
compute the trace's outputs again bit for bit: the same canonical graph over the same tensors,
no random (or uninitialized) node, and no write into the state the graphs read. Everything a
user can observe — warnings, errors, the module's state after the trace — stays 1.13's.
"""
import warnings

import pytest
import torch
import torch.nn as nn

import tscript
from tscript import _tracing
from tscript._trace_module import TracedMethod


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture
def traced_runs(monkeypatch):
    """How many times a traced method was run (the trace's run and the repeated trace's)."""
    calls = []
    original = TracedMethod.__call__

    def counting(self, *args, **kwargs):
        calls.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TracedMethod, "__call__", counting)
    return calls


class Stateless(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.scale = torch.tensor([2.0])  # a tensor constant, the same in both traces

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x))).mean((2, 3)) * self.scale


class Counting(nn.Module):
    """Writes a buffer on every run without its output depending on it: the trace's and the
    Python function's outputs agree, so 1.13 runs the repeated trace too."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls.add_(1)
        return self.lin(x)


class ReadsState(nn.Module):
    """Its output depends on the buffer it writes: every run differs from the previous one."""

    def __init__(self):
        super().__init__()
        self.register_buffer("steps", torch.zeros(2))

    def forward(self, x):
        self.steps.add_(1)
        return x + self.steps


class WithScripted(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = tscript.script(nn.ReLU())

    def forward(self, x):
        return self.inner(x) + 1


def test_a_stateless_module_runs_the_repeated_trace_no_more(traced_runs):
    torch.manual_seed(0)
    module = Stateless().eval()
    x = torch.rand(1, 3, 6, 6)
    traced = tscript.trace(module, (x,))
    assert traced_runs == ["forward"]  # the trace's own run; the repeated trace's left out
    other = torch.rand(3, 3, 6, 6)
    with torch.no_grad():
        torch.testing.assert_close(traced(other), module(other))


def test_a_module_writing_its_buffer_runs_as_many_times_as_in_1_13(traced_runs):
    torch.manual_seed(0)
    ours, theirs = Counting(), Counting()
    theirs.load_state_dict(ours.state_dict())
    x = torch.rand(2, 3)
    tscript.trace(ours, (x,))
    assert traced_runs == ["forward", "forward"]  # the buffer moved: the repeated trace runs
    torch.jit.trace(theirs, (x,))
    assert ours.calls.item() == theirs.calls.item() == 5.0


def test_a_module_reading_the_state_it_writes_warns_as_1_13():
    def messages(tracer):
        module = ReadsState()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tracer(module, (torch.zeros(2),))
        return module.steps.tolist(), [str(w.message).split("\n")[0] for w in caught
                                       if "does not match" in str(w.message)]

    ours, theirs = messages(tscript.trace), messages(torch.jit.trace)
    assert ours == theirs
    assert ours[1] == ["Output nr 1. of the traced function does not match the corresponding "
                       "output of the Python function. Detailed error:"]


def test_a_compiled_submodule_keeps_the_repeated_trace(traced_runs):
    module = WithScripted()
    tscript.trace(module, (torch.rand(2, 3),))
    assert traced_runs == ["forward", "forward"]


def test_check_inputs_of_other_sizes_still_compare_with_the_repeated_trace(traced_runs):
    torch.manual_seed(0)
    module = Stateless().eval()
    tscript.trace(module, (torch.rand(1, 3, 6, 6),),
                  check_inputs=[(torch.rand(2, 3, 6, 6),), (torch.rand(1, 3, 7, 7),)])
    # Each check input: the trace's run; the repeated traces are the trace again.
    assert traced_runs == ["forward", "forward"]


def _check_text(module, x):
    return _quiet(tscript.trace, module, (x,), check_trace=False).forward._check_text


def test_random_and_uninitialized_nodes_are_not_repeatable():
    torch.manual_seed(0)
    x = torch.rand(2, 3)
    dropout = nn.Sequential(nn.Linear(3, 3), nn.Dropout())
    assert not _tracing._repeatable(_check_text(dropout.train(), x))
    assert _tracing._repeatable(_check_text(dropout.eval(), x))

    class Noisy(nn.Module):
        def forward(self, x):
            return x + torch.rand_like(x)

    class Uninitialized(nn.Module):
        def forward(self, x):
            return torch.empty_like(x)

    assert not _tracing._repeatable(_check_text(Noisy(), x))
    assert not _tracing._repeatable(_check_text(Uninitialized(), x))
    assert _tracing._repeatable(_check_text(Stateless().eval(), torch.rand(1, 3, 6, 6)))


@tscript.ignore
def _python_side(x: torch.Tensor) -> torch.Tensor:
    return x + 1


@tscript.script
def _calls_python(x: torch.Tensor) -> torch.Tensor:
    return _python_side(x) * 2


class CallsPython(nn.Module):
    """A compiled function that calls back into Python (a prim::PythonOp): any Python code."""

    def forward(self, x):
        return _calls_python(x) + 1


def test_a_call_back_into_python_is_not_repeatable(traced_runs):
    x = torch.rand(2)
    assert not _tracing._repeatable(_check_text(CallsPython(), x))
    traced_runs.clear()
    traced = tscript.trace(CallsPython(), (x,))
    assert traced_runs == ["forward", "forward"]
    other = torch.rand(5)
    torch.testing.assert_close(traced(other), (other + 1) * 2 + 1)


def test_a_traced_function_calls_the_python_function_of_its_compiled_callee():
    # The recorder takes the callee's graph from the ScriptFunction itself, not from its
    # printed text, which does not say which Python function a prim::PythonOp calls.
    def fn(x):
        return _calls_python(x) - 1

    traced = tscript.trace(fn, (torch.rand(3),))
    assert "^_python_side" in str(traced.inlined_graph)
    other = torch.rand(4)
    torch.testing.assert_close(traced(other), (other + 1) * 2 - 1)


def test_a_nondeterministic_module_warns_as_1_13():
    class Noisy(nn.Module):
        def forward(self, x):
            return x + torch.rand_like(x)

    def kinds(tracer):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tracer(Noisy(), (torch.zeros(3),))
        return [str(w.message).split(".")[0] for w in caught]

    assert kinds(tscript.trace) == kinds(torch.jit.trace)
