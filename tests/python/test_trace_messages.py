"""Golden texts of the tracer's warnings and errors.

Each case traces a small function with tscript and with torch.jit 1.13 and requires the same
TracerWarning messages (ours point at the user's line; 1.13 points some of them inside its
own _trace.py), plus tscript's own control-flow warning where a Python `if`/`while` was
decided by a tensor. The full texts are pinned here, so a change of wording shows in review.
"""
import re
import warnings

import pytest
import torch

import tscript

DATAFLOW = (" might cause the trace to be incorrect. We can't record the data flow of Python "
            "values, so this value will be treated as a constant in the future. This means "
            "that the trace might not generalize to other inputs!")


def _messages(trace, fn, inputs, **kwargs):
    """[(message, filename, line)] of the TracerWarnings of one trace."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            trace(fn, inputs, **kwargs)
        except Exception as error:  # noqa: BLE001 - errors are compared by the caller
            caught.append(error)
    return [(str(w.message), w.filename, w.lineno) if not isinstance(w, Exception) else w
            for w in caught if isinstance(w, Exception) or "TracerWarning" in w.category.__name__]


def conversions(x):
    a = bool(x.sum() > 0)
    b = int(x[0, 0])
    c = float(x[0, 0])
    d = x.sum().item()
    e = x.tolist()
    f = len(x)
    for row in x:
        pass
    for i in range(x.size(0)):  # an index conversion: no warning in 1.13
        pass
    return x * 2


def tensor_literal(x):
    return x * torch.tensor(2.0)


def list_output(x):
    return [x * 2, x]


CONVERSIONS_EXPECTED = [
    "Converting a tensor to a Python boolean" + DATAFLOW,
    "Converting a tensor to a Python integer" + DATAFLOW,
    "Converting a tensor to a Python float" + DATAFLOW,
    "Converting a tensor to a Python number" + DATAFLOW,
    "Converting a tensor to a Python list" + DATAFLOW,
    "Using len to get tensor shape might cause the trace to be incorrect. Recommended usage "
    "would be tensor.shape[0]. Passing a tensor of different shape might lead to errors or "
    "silently give incorrect results.",
    "Iterating over a tensor might cause the trace to be incorrect. Passing a tensor of "
    "different shape won't change the number of iterations executed (and might lead to errors "
    "or silently give incorrect results).",
]


def test_conversion_warnings_are_1_13_s_at_the_user_s_lines():
    ours = _messages(tscript.trace, conversions, (torch.rand(3, 4),), check_trace=False)
    reference = _messages(torch.jit.trace, conversions, (torch.rand(3, 4),), check_trace=False)
    assert [m for m, _, _ in ours] == CONVERSIONS_EXPECTED
    assert ours == reference  # texts, files and lines
    first = conversions.__code__.co_firstlineno
    assert [line - first for _, _, line in ours] == [1, 2, 3, 4, 5, 6, 7]


def test_torch_tensor_warning():
    ours = _messages(tscript.trace, tensor_literal, (torch.rand(3),), check_trace=False)
    reference = _messages(torch.jit.trace, tensor_literal, (torch.rand(3),), check_trace=False)
    assert ours == reference
    assert ours[0][0] == (
        "torch.tensor results are registered as constants in the trace. You can safely ignore "
        "this warning if you use this function to create tensors out of constant variables that "
        "would be the same every time you call this function. In any other case, this might "
        "cause the trace to be incorrect.")


def copy_constructs(x):
    y = torch.tensor(x)  # torch's own UserWarning, besides the TracerWarning
    return y * 2


def _all_warnings(trace, fn, inputs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trace(fn, inputs, check_trace=False)
    return [(w.category.__name__, str(w.message), w.filename, w.lineno) for w in caught]


def test_torch_s_own_warnings_inside_a_trace_point_at_the_user_s_line():
    ours = _all_warnings(tscript.trace, copy_constructs, (torch.rand(3),))
    reference = _all_warnings(torch.jit.trace, copy_constructs, (torch.rand(3),))
    assert ours == reference
    line = copy_constructs.__code__.co_firstlineno + 1
    assert [(category, filename, lineno) for category, _, filename, lineno in ours] == [
        ("TracerWarning", __file__, line), ("UserWarning", __file__, line)]
    assert ours[1][1] == (
        "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
        "or sourceTensor.clone().detach().requires_grad_(True), rather than "
        "torch.tensor(sourceTensor).")


CONTAINER = ("Encountering a %s at the output of the tracer might cause the trace to be "
             "incorrect, this is only valid if the container structure does not change based on "
             "the module's inputs. Consider using a constant container instead (e.g. for `list`, "
             "use a `tuple` instead. for `dict`, use a `NamedTuple` instead). If you absolutely "
             "need this and know the side effects, pass strict=False to trace() to allow this "
             "behavior.")


def test_list_output_warning_and_dict_output_error():
    ours = _messages(tscript.trace, list_output, (torch.rand(3),), check_trace=False)
    reference = _messages(torch.jit.trace, list_output, (torch.rand(3),), check_trace=False)
    assert [m for m, _, _ in ours] == [m for m, _, _ in reference] == [CONTAINER % "list"]
    assert ours[0][1] == __file__  # at the trace call, where 1.13 points inside _trace.py
    with pytest.raises(RuntimeError) as caught:
        tscript.trace(lambda x: {"a": x}, (torch.rand(3),), check_trace=False)
    assert str(caught.value) == CONTAINER % "dict"


def test_input_type_error():
    with pytest.raises(RuntimeError) as ours:
        tscript.trace(lambda x, n: x * n, (torch.rand(3), 3))
    with pytest.raises(RuntimeError) as reference:
        torch.jit.trace(lambda x, n: x * n, (torch.rand(3), 3))
    assert str(ours.value) == str(reference.value) == (
        "Type 'Tuple[Tensor, int]' cannot be traced. Only Tensors and (possibly nested) Lists, "
        "Dicts, and Tuples of Tensors can be traced")


def control_flow(x):
    if x.sum() > 0:
        x = x + 1
    while (x < 0).any():
        x = x + 1
    return x


def test_control_flow_warning_names_the_line():
    ours = _messages(tscript.trace, control_flow, (torch.rand(3),), check_trace=False)
    first = control_flow.__code__.co_firstlineno
    where = "%s:%d" % (__file__, first + 1)
    loop = "%s:%d" % (__file__, first + 3)
    assert [(m, line - first) for m, _, line in ours] == [
        ("Converting a tensor to a Python boolean" + DATAFLOW, 1),
        ("The Python `if` at %s was decided by a tensor (its values or sizes) during the trace "
         "(it was True): the trace records only the path taken, so every other input will take "
         "it too. Use tscript.script (or tscript.script_if_tracing) for control flow that "
         "depends on data." % where, 1),
        ("Converting a tensor to a Python boolean" + DATAFLOW, 3),
        ("The Python `while` loop at %s was decided by a tensor (its values or sizes) during "
         "the trace (it was False): the trace records only the path taken, so every other input "
         "will take it too. Use tscript.script (or tscript.script_if_tracing) for control flow "
         "that depends on data." % loop, 3),
    ]
    # 1.13 has the conversion warnings only.
    reference = _messages(torch.jit.trace, control_flow, (torch.rand(3),), check_trace=False)
    assert [m for m, _, _ in reference] == [ours[0][0], ours[2][0]]


def test_explicit_bool_is_not_a_control_flow_warning():
    def f(x):
        flag = bool(x.sum() > 0)
        return x * 2 if flag else x

    ours = _messages(tscript.trace, f, (torch.rand(3),), check_trace=False)
    assert len(ours) == 1 and ours[0][0].startswith("Converting a tensor to a Python boolean")


def test_warnings_are_filterable_like_torch_jit_s():
    assert issubclass(tscript.TracerWarning, Warning)
    with warnings.catch_warnings():
        tscript.TracerWarning.ignore_lib_warnings()
        assert warnings.filters[0][0] == "ignore" and warnings.filters[0][2] is tscript.TracerWarning
        assert warnings.filters[0][3].pattern.startswith("torch.(?!jit)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=tscript.TracerWarning)
        tscript.trace(conversions, (torch.rand(3, 4),), check_trace=False)
    assert not caught
    # Raised inside torch's own modules (not the user's code): ignored by default, as in 1.13.
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        tscript.TracerWarning.ignore_lib_warnings()
        tscript.trace(lambda x: torch.nn.functional.interpolate(x, scale_factor=2.0),
                      (torch.rand(1, 1, 2, 2),), check_trace=False)
    assert all(w.category is not tscript.TracerWarning or "torch/" not in w.filename
               for w in caught)


def inplace_view(x):
    y = x.clone()
    y[0] = torch.zeros(3)
    return y


def test_force_outplace_live_references_warning():
    ours = _messages(tscript.trace, inplace_view, (torch.rand(2, 3),), check_trace=False,
                     _force_outplace=True)
    reference = _messages(torch.jit.trace, inplace_view, (torch.rand(2, 3),), check_trace=False,
                          _force_outplace=True)
    assert [m for m, _, _ in ours] == [m for m, _, _ in reference] == [
        "There are 2 live references to the data region being modified when tracing in-place "
        "operator copy_ (possibly due to an assignment). This might cause the trace to be "
        "incorrect, because all other views that also reference this data will not reflect "
        "this change in the trace! On the other hand, if all other views use the same memory "
        "chunk, but are disjoint (e.g. are outputs of torch.split), this might still be safe."]
    assert ours[0][2] == inplace_view.__code__.co_firstlineno + 2


def noisy(x):
    return x + torch.rand(3)


def test_check_trace_warnings():
    ours = _messages(tscript.trace, noisy, (torch.rand(3),))
    messages = [m for m, _, _ in ours]
    location = "%s:%d:0" % (__file__, noisy.__code__.co_firstlineno + 1)
    assert re.sub(r"%\d+", "%N", messages[0]) == (
        "Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n"
        "\t%N : Float(3, strides=[1], requires_grad=0, device=cpu) = aten::rand(%N, %N, %N, %N, %N)"
        " # " + location + "\n"
        "This may cause errors in trace checking. To disable trace checking, pass "
        "check_trace=False to tscript.trace()")
    assert messages[1].startswith(
        "Output nr 1. of the traced function does not match the corresponding output of the "
        "Python function. Detailed error:\nTensor-likes are not close!\n\nMismatched elements: ")
    assert all(filename == __file__ for _, filename, _ in ours)
    reference = _messages(torch.jit.trace, noisy, (torch.rand(3),))
    assert messages[1].split("Mismatched")[0] == reference[1][0].split("Mismatched")[0]


_CAPTURED = [torch.ones(12), torch.full((12,), 2.0)]


def test_tracing_check_error_for_a_tensor_constant():
    """A captured tensor that differs between the trace and check_trace's re-trace."""
    def run(trace):
        counter = [0]

        def changing(x):
            counter[0] += 1
            return x + _CAPTURED[counter[0] % 2]

        with pytest.raises(Exception) as caught:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trace(changing, (torch.rand(12),))
        assert type(caught.value).__name__ == "TracingCheckError"
        return str(caught.value)

    ours = run(tscript.trace)
    reference = run(torch.jit.trace)
    line = "%s:%d:0" % (__file__, test_tracing_check_error_for_a_tensor_constant.__code__.co_firstlineno + 7)
    assert ours.startswith(
        "Tracing failed sanity checks!\nERROR: Tensor-valued Constant nodes differed in value "
        "across invocations. This often indicates that the tracer has encountered untraceable "
        "code.\n\tNode:\n\t\t%1 : Tensor = prim::Constant[value=<Tensor>]() # " + line +
        "\n\tSource Location:\n")
    assert "\tComparison exception: \tTensor-likes are not close!" in ours
    cut = lambda text: text.split("Source Location")[0]  # noqa: E731
    assert cut(ours) == cut(reference)
