"""tscript.trace for functions, against eager PyTorch and torch.jit.trace 1.13.

- the tracing examples of the overview page (shared/seed): scripted calls traced, traced calls
  scripted, check_inputs, fill_row_zero, PYTORCH_JIT=0, the requires-grad FAQ;
- the trace corpus (trace_corpus.py) run at other batch sizes: where 1.13's trace gives eager's
  result, ours must too;
- `.code` of traced functions against torch.jit's (rate reported, floor pinned);
- the API: nested inputs and outputs, keywords, argument errors, is_tracing,
  script_if_tracing, strict, _force_outplace.
Warning and error texts are pinned in test_trace_messages.py.
"""
import os
import subprocess
import sys
import textwrap
import warnings

import pytest
import torch

import tscript
import trace_corpus
from conftest import ROOT


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ---- the overview page -----------------------------------------------------------------------

def _foo_2x_plus_y(x, y):
    return 2 * x + y


def test_page_scripted_function_calls_traced_function():
    traced_foo = tscript.trace(_foo_2x_plus_y, (torch.rand(3), torch.rand(3)))

    @tscript.script
    def bar(x):
        return traced_foo(x, x)

    x = torch.rand(5)  # another size than traced
    torch.testing.assert_close(bar(x), 3 * x)
    assert "aten::mul" in bar.graph and "CallFunction" not in bar.graph


@tscript.script
def _page_foo(x, y):
    if x.max() > y.max():
        r = x
    else:
        r = y
    return r


def _page_bar(x, y, z):
    return _page_foo(x, y) + z


def test_page_traced_function_calls_scripted_function_both_branches():
    traced_bar = tscript.trace(_page_bar, (torch.rand(3), torch.rand(3), torch.rand(3)))
    assert 'prim::Constant[name="_page_foo"]' in traced_bar.graph
    assert "prim::CallFunction" in traced_bar.graph
    assert "prim::If" in traced_bar.inlined_graph
    assert "__torch__._page_foo(" in traced_bar.code
    big, small, z = torch.full((3,), 5.0), torch.zeros(3), torch.ones(3)
    torch.testing.assert_close(traced_bar(big, small, z), big + z)   # then-branch
    torch.testing.assert_close(traced_bar(small, big, z), big + z)   # else-branch
    torch.testing.assert_close(traced_bar(small, big, z), _page_bar(small, big, z))


def test_page_traced_graph_with_scripted_call_matches_torch_jit():
    reference = torch.jit.script(_page_foo._original)

    def jit_bar(x, y, z):
        return reference(x, y) + z

    inputs = (torch.rand(3), torch.rand(3), torch.rand(3))
    expected = str(torch.jit.trace(jit_bar, inputs).graph).replace("jit_bar", "_page_bar")
    ours = tscript.trace(_page_bar, inputs).graph
    strip = lambda text: "\n".join(l.split(" # ")[0] for l in text.splitlines())  # noqa: E731
    assert strip(ours) == strip(expected)


def loop_in_traced_fn(x):
    result = x[0]
    for i in range(x.size(0)):
        result = result * x[i]
    return result


def test_page_check_inputs_report_graphs_differ():
    inputs = (torch.rand(3, 4, 5),)
    check_inputs = [(torch.rand(4, 5, 6),), (torch.rand(2, 3, 4),)]
    with pytest.raises(tscript.TracingCheckError) as caught:
        _quiet(tscript.trace, loop_in_traced_fn, inputs, check_inputs=check_inputs)
    message = str(caught.value)
    assert message.startswith("Tracing failed sanity checks!\nERROR: Graphs differed across "
                              "invocations!\n\tGraph diff:\n")
    assert isinstance(caught.value, Exception) and not isinstance(caught.value, RuntimeError)
    assert "First diverging operator:" in message
    # The same error from 1.13, line for line apart from its Python stacks.
    with pytest.raises(Exception) as reference:
        _quiet(torch.jit.trace, loop_in_traced_fn, inputs, check_inputs=check_inputs)
    assert type(reference.value).__name__ == "TracingCheckError"
    cut = lambda text: text.split("\tTrace source location:")[0]  # noqa: E731
    assert cut(message) == cut(str(reference.value))


def test_page_loop_scripted_instead():
    scripted = tscript.script(loop_in_traced_fn)
    for shape in [(3, 4, 5), (4, 5, 6), (2, 3, 4)]:
        x = torch.rand(*shape)
        torch.testing.assert_close(scripted(x), loop_in_traced_fn(x))


def fill_row_zero(x):
    x[0] = torch.rand(*x.shape[1:2])
    return x


def fill_row_zero_cat(x):
    x = torch.cat((torch.rand(1, *x.shape[1:2]), x[1:2]), dim=0)
    return x


def test_page_fill_row_zero_warns_and_matches_torch_jit():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced = tscript.trace(fill_row_zero, (torch.rand(3, 4),))
    messages = [str(w.message) for w in caught if w.category is tscript.TracerWarning]
    # 1.13 (unlike the page, written for an older PyTorch) records the copy_ into the view, so
    # the only warnings are about aten::rand: nondeterministic, and outputs differ.
    assert messages[0].startswith("Trace had nondeterministic nodes.")
    assert messages[1].startswith("Output nr 1. of the traced function does not match the "
                                  "corresponding output of the Python function.")
    assert all(w.filename == __file__ for w in caught)
    reference = _quiet(torch.jit.trace, fill_row_zero, (torch.rand(3, 4),))
    strip = lambda text: "\n".join(l.split(" # ")[0] for l in text.splitlines())  # noqa: E731
    assert strip(traced.graph) == strip(str(reference.graph))
    x = torch.ones(5, 2)
    out = traced(x)
    assert out is not None and out.shape == (5, 2) and torch.equal(out[1:], torch.ones(4, 2))


def test_page_fill_row_zero_with_cat_traces():
    traced = _quiet(tscript.trace, fill_row_zero_cat, (torch.rand(3, 4),))
    assert "aten::cat" in traced.graph
    assert traced(torch.rand(5, 6)).shape == (2, 6)


def test_page_pytorch_jit_0_makes_trace_a_no_op(tmp_path):
    script = tmp_path / "disable_jit_example.py"
    script.write_text(textwrap.dedent("""\
        import torch, tscript

        @tscript.script
        def scripted_fn(x: torch.Tensor):
            for i in range(12):
                x = x + x
            return x

        def fn(x):
            x = torch.neg(x)
            return scripted_fn(x)

        traced_fn = tscript.trace(fn, (torch.rand(4, 5),))
        assert traced_fn is fn and scripted_fn.__name__ == "scripted_fn"
        assert not isinstance(scripted_fn, tscript.ScriptFunction)
        print(traced_fn(torch.ones(3, 4)).sum().item())
        """))
    env = dict(os.environ, PYTORCH_JIT="0", PYTHONPATH=str(ROOT / "python"))
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(-4096.0 * 12)


def test_page_faq_captured_tensor_requiring_grad_is_an_error():
    module = torch.nn.Linear(3, 2)

    with pytest.raises(RuntimeError) as ours:
        tscript.trace(lambda x: module(x), (torch.rand(1, 3),))
    with pytest.raises(RuntimeError) as reference:
        torch.jit.trace(lambda x: module(x), (torch.rand(1, 3),))
    assert str(ours.value) == str(reference.value)
    assert str(ours.value).startswith("Cannot insert a Tensor that requires grad as a constant. "
                                      "Consider making it a parameter or input, or detaching "
                                      "the gradient\nTensor:\n")


def test_modules_trace_as_modules_and_other_methods_need_trace_module():
    # As 1.13: a module and its bound forward go to trace_module (tests/python/
    # test_trace_module.py); another bound method is refused.
    module = torch.nn.ReLU()
    assert isinstance(tscript.trace(module, torch.rand(2)), tscript.TopLevelTracedModule)
    assert isinstance(tscript.trace(module.forward, torch.rand(2)), tscript.TopLevelTracedModule)
    with pytest.raises(AttributeError, match="Please use trace_module"):
        tscript.trace(module.extra_repr, torch.rand(2))


# ---- the corpus at other batch sizes ---------------------------------------------------------

def _rebatched(value, extra, generator):
    """`value` with the first dimension of every tensor grown by `extra`."""
    if isinstance(value, torch.Tensor):
        if value.dim() == 0:
            return value.clone()
        shape = (value.shape[0] + extra,) + tuple(value.shape[1:])
        if value.dtype.is_floating_point:
            return torch.randn(shape, generator=generator, dtype=value.dtype)
        high = int(value.max()) + 1 if value.numel() else 2
        return torch.randint(0, high, shape, generator=generator, dtype=value.dtype)
    if isinstance(value, tuple):
        return tuple(_rebatched(v, extra, generator) for v in value)
    if isinstance(value, list):
        return [_rebatched(v, extra, generator) for v in value]
    if isinstance(value, dict):
        return {k: _rebatched(v, extra, generator) for k, v in value.items()}
    return value


def _same(a, b):
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and \
            torch.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True)
    if isinstance(a, (tuple, list)):
        # (torch.return_types.max is a tuple subclass; traces return plain tuples, as 1.13)
        kind = tuple if isinstance(a, tuple) else list
        return isinstance(b, kind) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


_generalization = {}


def _run_other_batches(name):
    if name in _generalization:
        return _generalization[name]
    _, fn, make_inputs = next(case for case in trace_corpus.CASES if case[0] == name)
    traced = _quiet(tscript.trace, fn, make_inputs(), check_trace=False)
    reference = _quiet(torch.jit.trace, fn, make_inputs(), check_trace=False)
    rows = []
    for extra in (0, 2, 5):
        generator = torch.Generator().manual_seed(extra)
        inputs = _rebatched(make_inputs(), extra, generator) if extra else make_inputs()
        try:
            expected = fn(*trace_corpus_clone(inputs))
        except Exception:  # noqa: BLE001 - the function itself does not take this batch
            continue
        try:
            jit_ok = _same(reference(*trace_corpus_clone(inputs)), expected)
        except Exception:  # noqa: BLE001
            jit_ok = False
        try:
            ours = traced(*trace_corpus_clone(inputs))
            ours_ok = _same(ours, expected)
        except Exception as error:  # noqa: BLE001
            ours_ok, ours = False, error
        rows.append((extra, jit_ok, ours_ok, ours))
    _generalization[name] = rows
    return rows


def trace_corpus_clone(value):
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, tuple):
        return tuple(map(trace_corpus_clone, value))
    if isinstance(value, list):
        return list(map(trace_corpus_clone, value))
    if isinstance(value, dict):
        return {k: trace_corpus_clone(v) for k, v in value.items()}
    return value


CASE_NAMES = [case[0] for case in trace_corpus.CASES]
# Cases where 1.13's trace generalizes to other batch sizes and ours does not (must stay
# exact): the recorder reads the literal 2 as the size it equals (test_trace_graphs.py's
# KNOWN_DIFFERENT), so the view is fixed at the traced batch.
KNOWN_NOT_GENERALIZING = {"literal_equal_to_size"}


@pytest.mark.parametrize("name", CASE_NAMES)
def test_corpus_traced_runs_like_eager_where_torch_jit_generalizes(name):
    rows = _run_other_batches(name)
    assert rows and rows[0][0] == 0, "the example inputs themselves must run"
    failures = ["batch +%d: tscript's trace differs from eager: %r" % (extra, ours)
                for extra, jit_ok, ours_ok, ours in rows if (extra == 0 or jit_ok) and not ours_ok]
    if name in KNOWN_NOT_GENERALIZING:
        assert failures, "%s now generalizes: remove it from KNOWN_NOT_GENERALIZING" % name
        assert rows[0][2], "the example inputs themselves must give eager's result"
    else:
        assert not failures, "\n".join(failures)


def test_corpus_generalization_rate(capsys):
    rows = [row for name in CASE_NAMES for row in _run_other_batches(name) if row[0] > 0]
    jit = sum(r[1] for r in rows)
    ours = sum(r[2] for r in rows)
    with capsys.disabled():
        print("\ntraced corpus at other batch sizes: tscript equals eager in %d/%d runs, "
              "torch.jit.trace in %d/%d" % (ours, len(rows), jit, len(rows)))
    known = sum(r[1] and not r[2] for name in KNOWN_NOT_GENERALIZING
                for r in _run_other_batches(name) if r[0] > 0)
    assert ours >= jit - known


# ---- .code against torch.jit -----------------------------------------------------------------

# Measured: 58/60 (the two graphs that differ in test_trace_graphs.py).
MIN_SAME_CODE = 58


def test_code_matches_torch_jit_rate(capsys):
    same = 0
    for name, fn, make_inputs in trace_corpus.CASES:
        ours = _quiet(tscript.trace, fn, make_inputs(), check_trace=False).code
        reference = _quiet(torch.jit.trace, fn, make_inputs(), check_trace=False).code
        same += ours.strip() == reference.strip()
    with capsys.disabled():
        print("\ntraced .code identical to torch.jit.trace 1.13: %d/%d" % (same, len(trace_corpus.CASES)))
    assert same >= MIN_SAME_CODE


# ---- the API ---------------------------------------------------------------------------------

def _nested(t, xs, d):
    a, (b, c) = t
    return (a + b * c, [xs[0] - xs[1]]), d["p"] * d["q"]


def test_nested_inputs_and_outputs_are_flattened_and_rebuilt():
    example = ((torch.rand(2), (torch.rand(2), torch.rand(2))), [torch.rand(2), torch.rand(2)],
               {"p": torch.rand(2), "q": torch.rand(2)})
    traced = _quiet(tscript.trace, _nested, example, strict=False)
    assert "prim::TupleUnpack" in traced.graph and "prim::ListUnpack" in traced.graph
    other = ((torch.rand(4), (torch.rand(4), torch.rand(4))), [torch.rand(4), torch.rand(4)],
             {"p": torch.rand(4), "q": torch.rand(4)})
    assert _same(traced(*other), _nested(*other))
    assert traced.schema.startswith("_nested((Tensor, (Tensor, Tensor)) t, Tensor[] xs, "
                                    "Dict(str, Tensor) d) -> ")


def test_keywords_and_argument_errors():
    traced = tscript.trace(_foo_2x_plus_y, (torch.rand(3), torch.rand(3)))
    x, y = torch.rand(3), torch.rand(3)
    torch.testing.assert_close(traced(y=y, x=x), _foo_2x_plus_y(x, y))
    with pytest.raises(TypeError, match="missing value for argument 'y'"):
        traced(x)
    with pytest.raises(TypeError, match="Expected a value of type 'Tensor' for argument 'y'"):
        traced(x, 3)
    assert traced.name == "_foo_2x_plus_y" and traced.__name__ == "_foo_2x_plus_y"
    assert traced.code == ("def _foo_2x_plus_y(x: Tensor,\n    y: Tensor) -> Tensor:\n"
                           "  _0 = torch.add(torch.mul(x, CONSTANTS.c0), y)\n  return _0\n")


def test_weights_captured_as_constants_are_exact():
    torch.manual_seed(0)
    weight = torch.randn(4, 3)

    def affine(x):
        return x @ weight.t() + 0.123456789

    traced = tscript.trace(affine, (torch.rand(2, 3),))
    x = torch.rand(7, 3)
    assert torch.equal(traced(x), affine(x))


def test_traced_function_with_weights_called_from_script_calls_back():
    weight = torch.randn(3, 3)
    traced = tscript.trace(lambda x: x @ weight, (torch.rand(2, 3),))
    assert not traced._inlinable

    @tscript.script
    def user(x):
        return traced(x) + 1

    x = torch.rand(5, 3)
    torch.testing.assert_close(user(x), x @ weight + 1)


def test_traced_function_called_inside_a_trace_is_a_call():
    inner = tscript.trace(_foo_2x_plus_y, (torch.rand(3), torch.rand(3)))
    outer = tscript.trace(lambda a: inner(a, a).relu(), (torch.rand(3),))
    assert 'prim::Constant[name="_foo_2x_plus_y"]' in outer.graph
    x = torch.randn(6)
    torch.testing.assert_close(outer(x), (3 * x).relu())


def test_is_tracing():
    seen = []

    def f(x):
        seen.append(tscript.is_tracing())
        return x + 1

    assert not tscript.is_tracing()
    tscript.trace(f, (torch.rand(2),), check_trace=False)
    assert seen == [True]

    @tscript.script
    def scripted(x):
        if tscript.is_tracing():
            return x
        return x + 1
    assert torch.equal(scripted(torch.zeros(1)), torch.ones(1))


@tscript.script_if_tracing
def _helper(x, n: int):
    if bool(x.sum() > 0):
        return x * n
    return x - n


def test_script_if_tracing_keeps_control_flow():
    def uses(x):
        return _helper(x, 3) + 1

    assert torch.equal(uses(torch.ones(2)), torch.full((2,), 4.0))  # eager: plain Python
    traced = tscript.trace(uses, (torch.rand(3),))
    assert 'prim::Constant[name="_helper"]' in traced.graph
    for x in (torch.ones(4), -torch.ones(4)):
        torch.testing.assert_close(traced(x), uses(x))


def test_force_outplace_records_out_of_place_operators():
    def f(x):
        y = x.clone()
        y.add_(1)
        return y.mul_(2)

    ours = _quiet(tscript.trace, f, (torch.rand(3),), _force_outplace=True).graph
    reference = str(_quiet(torch.jit.trace, f, (torch.rand(3),), _force_outplace=True).graph)
    strip = lambda text: "\n".join(l.split(" # ")[0] for l in text.splitlines())  # noqa: E731
    assert strip(ours) == strip(reference)
    assert "aten::add_" not in ours and "aten::add(" in ours


def test_strict_false_allows_dict_outputs():
    traced = tscript.trace(lambda x: {"a": x * 2}, (torch.rand(2),), strict=False)
    assert "prim::DictConstruct" in traced.graph
    x = torch.rand(3)
    assert torch.equal(traced(x)["a"], x * 2)


def test_check_trace_passes_on_a_good_trace():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tscript.trace(lambda x: x.view(x.size(0), -1).relu(), (torch.rand(2, 3, 4),),
                      check_inputs=[(torch.rand(5, 2, 2),)])
