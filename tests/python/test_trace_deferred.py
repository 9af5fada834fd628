"""Deferred kernels (src/tracer/deferred_kernels.h): the recorder computes a call only when
its values can be read. Every test here runs traced code that reads, keeps or writes values
and checks them against eager mode, and that the graph is the one recorded with every call
computed (TSCRIPT_TRACE_DEFER=0).
"""
import io
import re
import warnings

import numpy
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import tscript


def _weights():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(4, 3, 3, 3, generator=generator), torch.randn(4, generator=generator)


WEIGHT, BIAS = _weights()
kept = []


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _graph_both_ways(monkeypatch, fn, inputs):
    deferred = _quiet(tscript.trace, fn, inputs, check_trace=False).graph
    monkeypatch.setenv("TSCRIPT_TRACE_DEFER", "0")
    computed = _quiet(tscript.trace, fn, inputs, check_trace=False).graph
    monkeypatch.delenv("TSCRIPT_TRACE_DEFER")
    return deferred, computed


POSITIVE = WEIGHT.abs()


def branch_on_value(x):
    y = F.relu(F.conv2d(x, POSITIVE)) - F.relu(F.conv2d(-x, POSITIVE))
    if y.sum() > 0:  # reads y: the convolutions must have run
        return y * 2
    return y - 1


def test_a_python_branch_sees_computed_values(monkeypatch):
    x = torch.rand(1, 3, 6, 6)
    deferred, computed = _graph_both_ways(monkeypatch, branch_on_value, (x,))
    assert deferred == computed and "aten::mul" in deferred
    negative = -torch.ones(1, 3, 6, 6) * 100
    assert "aten::sub" in _quiet(tscript.trace, branch_on_value, (negative,), check_trace=False).graph


def keeps_results(x):
    y = torch.sigmoid(F.conv2d(x, WEIGHT, BIAS))
    z = y * 3
    kept.append(y)  # kept past the trace: computed when the trace ends
    kept.append(z[0, 1])  # a view of a result
    return z + 1


def test_results_kept_by_the_user_hold_eager_values():
    kept.clear()
    x = torch.rand(1, 3, 6, 6)
    _quiet(tscript.trace, keeps_results, (x,), check_trace=False)
    y = torch.sigmoid(F.conv2d(x, WEIGHT, BIAS))
    torch.testing.assert_close(kept[0], y)
    torch.testing.assert_close(kept[1], (y * 3)[0, 1])


def writes_input(x, counter):
    y = F.conv2d(x, WEIGHT, BIAS)
    counter.add_(1)  # an in-place write to a tensor the caller holds
    return y.relu_() + counter


def test_in_place_writes_to_inputs_happen():
    counter = torch.zeros(1)
    x = torch.rand(1, 3, 5, 5)
    traced = _quiet(tscript.trace, writes_input, (x, counter), check_trace=False)
    assert counter.item() == 1.0
    torch.testing.assert_close(traced(x, torch.zeros(1)),
                               F.conv2d(x, WEIGHT, BIAS).relu() + 1)


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.register_buffer("calls", torch.zeros(1))
        self.activations = None

    def forward(self, x):
        self.calls.add_(1)
        y = self.conv(x).relu()
        self.activations = y  # kept on the module
        return y.mean((2, 3))


def test_module_buffers_and_stored_activations_hold_eager_values():
    module = WithBuffer().eval()
    for p in module.parameters():
        p.requires_grad_(False)
    x = torch.rand(2, 3, 6, 6)
    _quiet(tscript.trace, module, (x,), check_trace=False)
    assert module.calls.item() == 1.0
    torch.testing.assert_close(module.activations, module.conv(x).relu())


def reads_data(x):
    y = F.conv2d(x, WEIGHT, BIAS)
    kept.append(y.numpy().copy())
    kept.append(repr(y[0, 0, 0]))
    kept.append(y[0, 0, 0, 0].item())
    return y


def test_numpy_printing_and_item_read_computed_values():
    kept.clear()
    x = torch.rand(1, 3, 5, 5)
    _quiet(tscript.trace, reads_data, (x,), check_trace=False)
    y = F.conv2d(x, WEIGHT, BIAS)
    numpy.testing.assert_allclose(kept[0], y.numpy(), rtol=1e-6)
    assert kept[1] == repr(y[0, 0, 0])
    assert kept[2] == y[0, 0, 0, 0].item()


def saves(x):
    y = F.conv2d(x, WEIGHT, BIAS)
    buffer = io.BytesIO()
    torch.save(y, buffer)
    kept.append(buffer.getvalue())
    return y


def test_torch_save_inside_a_trace_saves_computed_values():
    kept.clear()
    x = torch.rand(1, 3, 5, 5)
    _quiet(tscript.trace, saves, (x,), check_trace=False)
    torch.testing.assert_close(torch.load(io.BytesIO(kept[0])), F.conv2d(x, WEIGHT, BIAS))


def fails_late(x):
    y = F.conv2d(x, WEIGHT, BIAS)
    kept.append(y)
    raise ValueError("late")


def test_an_exception_after_deferred_calls_still_computes_kept_values():
    kept.clear()
    x = torch.rand(1, 3, 5, 5)
    with pytest.raises(ValueError, match="late"):
        _quiet(tscript.trace, fails_late, (x,), check_trace=False)
    import gc
    gc.collect()  # the recording is released with the exception's traceback
    torch.testing.assert_close(kept[0], F.conv2d(x, WEIGHT, BIAS))


def model_like(x):
    y = F.relu(F.batch_norm(F.conv2d(x, WEIGHT, BIAS), torch.zeros(4), torch.ones(4),
                            training=False))
    y = F.max_pool2d(y, 2)
    return torch.flatten(F.adaptive_avg_pool2d(y, 1), 1) @ torch.ones(4, 2)


def test_graphs_are_the_same_with_and_without_deferral(monkeypatch):
    x = torch.rand(2, 3, 8, 8)
    for fn in (model_like, keeps_results, branch_on_value):
        deferred, computed = _graph_both_ways(monkeypatch, fn, (x,))
        assert deferred == computed, fn.__name__
    traced = _quiet(tscript.trace, model_like, (x,))
    other = torch.rand(3, 3, 8, 8)
    torch.testing.assert_close(traced(other), model_like(other))


def uses_grad(x):
    y = F.conv2d(x, WEIGHT)
    kept.append(y)
    return y * 2


def test_grad_mode_with_grad_requiring_inputs_computes_as_it_records():
    # Autograd must see the calls: a call with an argument that requires grad is not deferred.
    x = torch.rand(1, 3, 5, 5, requires_grad=True)
    kept.clear()
    _quiet(tscript.trace, uses_grad, (x,), check_trace=False)
    assert kept[0].grad_fn is not None
    torch.testing.assert_close(kept[0], F.conv2d(x, WEIGHT))


class Trainable(nn.Module):
    """Parameters that require grad (as modules have them): calls that autograd must see are
    computed as recorded; in-place writes into their results and views work as in eager."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.lin = nn.Linear(4, 2)
        self.seen = []

    def forward(self, x):
        y = self.bn(self.conv(x))
        self.seen.append(y.requires_grad)
        y.relu_()
        y[:, 0] = 0.5  # copy_ into a view: not deferred, runs below autograd
        y.masked_fill_(y > 2.0, 2.0)
        z = self.lin(y.mean((2, 3)))
        self.seen.append(z)
        return z


def test_module_with_parameters_requiring_grad(monkeypatch):
    torch.manual_seed(0)
    module = Trainable().eval()
    x = torch.rand(2, 3, 6, 6)
    traced = _quiet(tscript.trace, module, (x,), check_trace=False)
    assert module.seen[0] is True
    with torch.no_grad():
        expected = module.lin(module.bn(module.conv(x)).relu().index_fill(1, torch.tensor([0]), 0.5)
                              .clamp(max=2.0).mean((2, 3)))
    torch.testing.assert_close(module.seen[1].detach(), expected)
    other = torch.rand(3, 3, 6, 6)
    with torch.no_grad():
        module.seen.clear()
        torch.testing.assert_close(traced(other), module(other))
    module.seen.clear()
    deferred = traced.graph
    monkeypatch.setenv("TSCRIPT_TRACE_DEFER", "0")
    computed = _quiet(tscript.trace, module, (x,), check_trace=False).graph
    mangle = re.compile(r"___torch_mangle_\d+\.")
    assert mangle.sub("", deferred) == mangle.sub("", computed)


class Residual(nn.Module):
    """A residual block whose parameters require grad (grad mode on): the convolutions defer
    below autograd, the calls autograd sees after them run on their pending values and are
    queued again (shadow runs), and `out += shortcut` gives `out` a history made later."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.conv2, self.bn2 = nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.shortcut = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4))
        self.fc = nn.Linear(4, 2)
        self.kept = None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = out.relu_()
        self.kept = out
        return self.fc(out.mean((2, 3)))


def _eager_kept_and_grads(module, x):
    module.zero_grad()
    module(x)
    kept = module.kept
    kept.sum().backward()
    return kept.detach().clone(), kept._version, _grads(module)


def _grads(module):
    # fc is not on the way to `kept`: its parameters get no gradient.
    return [p.grad.clone() for name, p in module.named_parameters() if not name.startswith("fc.")]


def test_kept_activation_has_eager_values_history_and_versions():
    torch.manual_seed(0)
    module = Residual().eval()
    x = torch.rand(1, 3, 6, 6)
    values, version, grads = _eager_kept_and_grads(module, x)
    module.zero_grad()
    _quiet(tscript.trace, module, (x,), check_trace=False)
    kept = module.kept
    assert kept.requires_grad and kept.grad_fn is not None
    torch.testing.assert_close(kept.detach(), values)
    # Computing it later wrote no version eager did not (autograd saved the stand-ins).
    assert kept._version == version
    kept.sum().backward()
    got = _grads(module)
    assert len(got) == len(grads) == 12
    for mine, eager in zip(got, grads):
        torch.testing.assert_close(mine, eager)


class WritesSplitView(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        first, second = self.conv(x).split(2, dim=1)
        first.mul_(2)  # autograd refuses: a view returned with others by one function
        return first + second


def test_autograd_errors_on_pending_values_are_eager_errors():
    module = WritesSplitView()
    x = torch.rand(1, 3, 4, 4)
    with pytest.raises(RuntimeError) as eager:
        module(x)
    with pytest.raises(RuntimeError) as traced:
        _quiet(tscript.trace, module, (x,), check_trace=False)
    assert str(traced.value) == str(eager.value)
    assert "SplitBackward0" in str(traced.value)


def divides_and_drops(x, divisor):
    torch.div(x, divisor, rounding_mode="floor")  # result never read: a dropped call
    return x * 2


def divides_and_uses(x, divisor):
    y = torch.div(x, divisor, rounding_mode="trunc")
    return y + 1


def divides_in_place(x, divisor):
    y = x.clone()
    y.div_(divisor, rounding_mode="floor")
    return y


def _failing_line(error):
    """The last line of this file in the traceback of `error`."""
    lines = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == __file__:
            lines.append(tb.tb_lineno)
        tb = tb.tb_next
    return lines[-1]


@pytest.mark.parametrize("fn", [divides_and_drops, divides_and_uses, divides_in_place])
def test_integer_division_by_zero_fails_at_the_call_as_in_eager(fn):
    x = torch.tensor([4, 7, 9])
    zero = torch.zeros(3, dtype=torch.long)
    with pytest.raises(RuntimeError) as eager:
        fn(x, zero)
    with pytest.raises(RuntimeError) as traced:
        _quiet(tscript.trace, fn, (x, zero), check_trace=False)
    assert str(traced.value) == str(eager.value)
    assert "ZeroDivisionError" in str(traced.value)
    assert _failing_line(traced.value) == _failing_line(eager.value)


def test_floating_division_by_zero_still_defers_and_matches_eager():
    x = torch.tensor([4.0, -7.0, 0.0])
    zero = torch.zeros(3)
    traced = _quiet(tscript.trace, divides_and_uses, (x, zero), check_trace=False)
    torch.testing.assert_close(traced(x, zero), divides_and_uses(x, zero), equal_nan=True)
    ints = torch.tensor([4, 7, 9])
    true_division = _quiet(tscript.trace, lambda a, b: a / b, (ints, ints + 1), check_trace=False)
    torch.testing.assert_close(true_division(ints, torch.zeros(3, dtype=torch.long)),
                               ints / torch.zeros(3, dtype=torch.long))
