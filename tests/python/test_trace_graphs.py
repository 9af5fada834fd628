"""tscript's recorder against torch.jit.trace 1.13: the `.graph` text of the same traced run.

Every case of trace_corpus.py is traced by both; the texts are compared after normalizing
value numbers (the ids of unnamed values depend on how many values each implementation
created and deleted along the way) and, at the first level, source-location comments.
Named values (`%x`, `%n`, `%x.1`) are compared as they are: naming is part of what is tested.

Levels and pins (each list must stay exact: a listed case that starts to match fails too):
- KNOWN_DIFFERENT: cases whose graphs differ even without source comments;
- KNOWN_DIFFERENT_LOCATIONS: cases that match only once source comments are removed.
"""
import re
import warnings

import pytest
import torch

import tscript
import trace_corpus

KNOWN_DIFFERENT = {
    # Our int matching takes the first int of equal value: the literal 2 takes the size's
    # aten::Int (see docs/OVERVIEW.md, Tracer).
    "literal_equal_to_size",
}
KNOWN_DIFFERENT_LOCATIONS = {
    # 1.13 locates the dict input's aten::__getitem__ at its own torch/jit/_trace.py frame.
    "dict_input",
}
# Floors of the identical rate, measured: 59/60 without source comments, 58/60 with them.
MIN_IDENTICAL = 59
MIN_IDENTICAL_WITH_LOCATIONS = 58

_SOURCE_COMMENT = re.compile(r" # [^\n]*:\d+:\d+$", re.M)
_VALUE = re.compile(r"%([A-Za-z0-9_.]+)")


def normalize(graph_text, keep_locations=False, keep_names=True):
    """Renumber unnamed values `%12` as `%v0, %v1, ...` in order of first appearance.

    keep_locations=False also removes the ` # file:line:col` comments that end node lines;
    keep_names=False renames named values (`%x.1`) the same way.
    """
    if not keep_locations:
        graph_text = _SOURCE_COMMENT.sub("", graph_text)
    renamed = {}

    def rename(match):
        name = match.group(1)
        if keep_names and not name.isdigit():
            return match.group(0)
        if name not in renamed:
            renamed[name] = "%%v%d" % len(renamed)
        return renamed[name]

    return _VALUE.sub(rename, graph_text)


# ---- the normalizer ----------------------------------------------------------------------

def test_normalize_renumbers_by_first_appearance():
    text = ("graph(%x : Tensor):\n"
            "  %7 : int = prim::Constant[value=1]() # a.py:3:0\n"
            "  %3 : Tensor = aten::add(%x, %x, %7) # a.py:3:0\n"
            "  return (%3)\n")
    assert normalize(text) == ("graph(%x : Tensor):\n"
                               "  %v0 : int = prim::Constant[value=1]()\n"
                               "  %v1 : Tensor = aten::add(%x, %x, %v0)\n"
                               "  return (%v1)\n")


def test_normalize_keeps_names_unless_asked():
    text = "  %x.1 : Tensor = aten::relu(%12)\n"
    assert normalize(text) == "  %x.1 : Tensor = aten::relu(%v0)\n"
    assert normalize(text, keep_names=False) == "  %v0 : Tensor = aten::relu(%v1)\n"


def test_normalize_leaves_strings_and_scopes_alone():
    text = ('  %2 : str = prim::Constant[value="a # b.py:1:2 %3"]()\n'
            "  %4 : Tensor = aten::relu(%2), scope: __module.a # f.py:9:0\n")
    out = normalize(text)
    # The comment at the end of the second line goes; the text inside the string stays
    # (numbers inside strings are renumbered too: harmless, both sides get the same).
    assert out.splitlines()[0].startswith('  %v0 : str = prim::Constant[value="a # b.py:1:2')
    assert out.splitlines()[1] == "  %v2 : Tensor = aten::relu(%v0), scope: __module.a"
    assert normalize(text, keep_locations=True).splitlines()[1].endswith("# f.py:9:0")


def test_normalize_distinguishes_different_graphs():
    a = "  %1 : Tensor = aten::relu(%0)\n  %2 : Tensor = aten::relu(%1)\n"
    b = "  %1 : Tensor = aten::relu(%0)\n  %2 : Tensor = aten::relu(%0)\n"
    assert normalize(a) != normalize(b)


# ---- the corpus --------------------------------------------------------------------------

_results = {}


def _traced(name):
    """(torch.jit.trace text, tscript text or the exception's text) for a corpus case."""
    if name not in _results:
        _, fn, make_inputs = next(case for case in trace_corpus.CASES if case[0] == name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarnings of the reference
            reference = str(torch.jit.trace(fn, make_inputs(), check_trace=False).graph)
        try:
            ours = tscript.trace_graph_text(fn, make_inputs())
        except Exception as error:  # noqa: BLE001 - reported as a difference
            ours = "tscript failed: %s: %s" % (type(error).__name__, error)
        _results[name] = (reference, ours)
    return _results[name]


CASE_NAMES = [case[0] for case in trace_corpus.CASES]


def test_corpus_is_large_enough_and_names_are_unique():
    assert len(CASE_NAMES) >= 40
    assert len(set(CASE_NAMES)) == len(CASE_NAMES)
    assert KNOWN_DIFFERENT <= set(CASE_NAMES)
    assert KNOWN_DIFFERENT_LOCATIONS <= set(CASE_NAMES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_graph_matches_torch_jit_trace(name):
    reference, ours = _traced(name)
    same = normalize(reference) == normalize(ours)
    same_with_locations = normalize(reference, keep_locations=True) == normalize(
        ours, keep_locations=True)
    if name in KNOWN_DIFFERENT:
        assert not same, "%s now matches torch.jit: remove it from KNOWN_DIFFERENT" % name
        return
    assert same, "graphs differ\n--- torch.jit.trace\n%s\n--- tscript\n%s" % (reference, ours)
    if name in KNOWN_DIFFERENT_LOCATIONS:
        assert not same_with_locations, (
            "%s now matches with locations: remove it from KNOWN_DIFFERENT_LOCATIONS" % name)
    else:
        assert same_with_locations, "source comments differ\n--- torch.jit.trace\n%s\n--- tscript\n%s" % (
            reference, ours)


def test_identical_rate(capsys):
    identical = sum(normalize(r) == normalize(o) for r, o in map(_traced, CASE_NAMES))
    with_locations = sum(
        normalize(r, keep_locations=True) == normalize(o, keep_locations=True)
        for r, o in map(_traced, CASE_NAMES))
    with capsys.disabled():
        print("\ntrace graphs identical to torch.jit.trace 1.13: %d/%d without source comments, "
              "%d/%d with them" % (identical, len(CASE_NAMES), with_locations, len(CASE_NAMES)))
    assert identical >= MIN_IDENTICAL
    assert with_locations >= MIN_IDENTICAL_WITH_LOCATIONS


# ---- errors and the Tensor method patches -----------------------------------------------

def test_errors_name_the_problem():
    with pytest.raises(tscript.TraceError, match="returned None"):
        tscript.trace_graph_text(lambda x: None, torch.ones(2))
    stranger = torch.ones(2)
    with pytest.raises(tscript.TraceError, match="output 0 .* does not depend on its inputs"):
        tscript.trace_graph_text(lambda x: stranger, torch.ones(2))
    with pytest.raises(tscript.TraceError, match="cannot trace a value of type <class 'int'>"):
        tscript.trace_graph_text(lambda x, n: x * n, (torch.ones(2), 3))
    weight = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad as a constant"):
        tscript.trace_graph_text(lambda x: x * weight, torch.ones(2))


def test_tensor_methods_are_restored_even_after_an_error():
    def failing(x):
        x.size(0)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        tscript.trace_graph_text(failing, torch.ones(3, 2))
    # torch.Tensor inherits all of them from torch._C._TensorBase: nothing may be left over.
    for name in ("size", "shape", "numel", "__index__", "__int__", "__float__", "__bool__",
                 "item", "tolist"):
        assert name not in torch.Tensor.__dict__, name
    x = torch.ones(3, 2)
    assert x.size(0) == 3 and isinstance(x.size(0), int)
    assert isinstance(x.shape, torch.Size) and x.numel() == 6
    # A second trace still works (no session left behind).
    assert "aten::relu" in tscript.trace_graph_text(torch.relu, x)
