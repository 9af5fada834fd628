"""Archives with an older version record: operators that changed meaning since (1.13's
upgraders: div of integers truncated before version 4, full with an int fill made floats before
5, linspace/logspace could leave out steps before 8/9, gelu had no `approximate` before 10)
behave as that version required, as torch.jit.load makes them behave. The archives are
torch.jit.save's with the version record (and, for steps, the code) edited.

Run: TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q \
         tests/python/test_archive_upgraders.py
"""
import io
import re
import zipfile

import pytest
import torch

import archive_upgrader_models
import tscript


def jit_archive(module):
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer)
    return buffer.getvalue()


def with_version(data, version, edit_code=lambda code: code):
    """The archive with its version record replaced by `version` and its code passed through
    edit_code."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name.endswith("/version"):
                continue
            body = src.read(name)
            if name.endswith(".py"):
                body = edit_code(body.decode()).encode()
            dst.writestr(name, body)
        dst.writestr("archive/version" if version < 6 else "archive/.data/version", f"{version}\n")
    return out.getvalue()


def without_steps(code):
    return code.replace("torch.linspace(0., 1., 5)", "torch.linspace(0., 1.)") \
               .replace("torch.logspace(0., 1., 5)", "torch.logspace(0., 1.)")


def assert_same(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        if isinstance(b, torch.Tensor):
            assert a.dtype == b.dtype, (a, b)
            torch.testing.assert_close(a, b)
        else:
            assert a == b


ARGS = (torch.tensor([7, -7, 5, 0]), torch.tensor([2, 2, -2, 3]), 2)


@pytest.mark.parametrize("version", [3, 4, 5, 7, 8, 9, 10])
def test_old_versions_behave_as_torch_jit_loads_them(version):
    data = jit_archive(archive_upgrader_models.OldOperators())
    edit = without_steps if version < 8 else (lambda code: code)
    old = with_version(data, version, edit)
    ours, reference = tscript.load(io.BytesIO(old)), torch.jit.load(io.BytesIO(old))
    assert_same(ours(*ARGS), reference(*ARGS))
    got = ours(*ARGS)
    if version < 4:
        # Integer division truncated: 7 / 2 = 3, -7 / 2 = -3 (and stays an integer tensor).
        assert got[0].tolist() == [3, -3, -2, 0] and got[1].tolist() == [3, -3, 2, 0]
    else:
        assert got[0].dtype == torch.float32
    assert got[4].dtype == (torch.float32 if version < 5 else torch.int64)
    assert got[6].dtype == torch.int64 and got[5].dtype == torch.float32
    if version < 8:
        assert got[7].numel() == 100 and got[8].numel() == 100  # steps defaulted to 100


def test_in_place_integer_division_before_version_4():
    old = with_version(jit_archive(archive_upgrader_models.InPlaceIntegerDiv()), 3)
    ours, reference = tscript.load(io.BytesIO(old)), torch.jit.load(io.BytesIO(old))
    assert_same(ours(*ARGS), reference(*ARGS))
    assert [t.tolist() for t in ours(*ARGS)] == [[3, -3, -2, 0], [3, -3, 2, 0]]
    current = with_version(jit_archive(archive_upgrader_models.InPlaceIntegerDiv()), 4)
    with pytest.raises(RuntimeError, match="can't be cast"):
        tscript.load(io.BytesIO(current))(*ARGS)


def test_resaving_an_old_archive_keeps_its_version_and_meaning():
    old = with_version(jit_archive(archive_upgrader_models.OldOperators()), 3, without_steps)
    again = tscript.load(io.BytesIO(old)).save_to_buffer()
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        assert archive.read("archive/version") == b"3\n"
    assert_same(torch.jit.load(io.BytesIO(again))(*ARGS), torch.jit.load(io.BytesIO(old))(*ARGS))


@pytest.mark.parametrize("version", [0, 11, 123])
def test_unsupported_versions_fail_naming_the_version(version):
    data = with_version(jit_archive(archive_upgrader_models.OldOperators()), version)
    with pytest.raises(RuntimeError, match=f"archive format version {version} is not supported"):
        tscript.load(io.BytesIO(data))


# Every spelling 1.13's printer writes for the upgraded operators (archive_upgrader_models.py
# shows the source; the printed forms are in its docstrings), run from archives of each version
# around the operator's change and compared with torch.jit.load of the same archive: values,
# dtypes, and the `out=` tensors the calls wrote into.

def steps_left_out(code):
    """linspace/logspace calls as code of versions before 8/9 could print them: without steps
    (None where base follows positionally)."""
    lines = []
    for line in code.splitlines():
        if "torch.linspace(" in line or "torch.logspace(" in line:
            line = line.replace(", 5, 2.", ", None, 2.").replace(", 5)", ")").replace(", 5, ", ", ")
        lines.append(line)
    return "\n".join(lines) + "\n"


def integer_out():
    return torch.zeros(4, dtype=torch.int64)


def float_out():
    return torch.zeros(5)


def outcome(module, make_args):
    """What calling `module` with fresh arguments gives: (outputs, arguments after the call), or
    the error's type when it fails."""
    args = make_args()
    try:
        result = module(*args)
    except RuntimeError as error:
        return ("error", type(error))
    return (result if isinstance(result, tuple) else (result,)), [a for a in args if isinstance(a, torch.Tensor)]


def assert_same_outcome(ours, reference):
    if reference[0] == "error":
        assert ours[0] == "error", f"torch.jit.load's module fails, ours returned {ours}"
        return
    assert ours[0] != "error", "ours fails where torch.jit.load's module runs"
    assert_same(ours[0], reference[0])
    assert_same(ours[1], reference[1])


A, B = torch.tensor([7, -7, 5, 0]), torch.tensor([2, 2, -2, 3])

CASES = {
    "div_spellings": (archive_upgrader_models.EveryDivSpelling, [3, 4],
                      lambda: (A, B, 2, 2.0, torch.zeros(4)), None),
    "div_out": (archive_upgrader_models.DivOut, [3, 4],
                lambda: (A, B, integer_out()), None),
    "div_out_float_out": (archive_upgrader_models.DivOut, [3, 4],
                          lambda: (A, B, torch.zeros(4)), None),
    "div_out_float_input": (archive_upgrader_models.DivOut, [3, 4],
                            lambda: (A.float(), B, torch.zeros(4)), None),
    "div_out_mode_none": (archive_upgrader_models.DivOutModeNone, [3, 4],
                          lambda: (A, B, torch.zeros(4)), None),
    "div_out_mode_none_integer_out": (archive_upgrader_models.DivOutModeNone, [3, 4],
                                      lambda: (A, B, integer_out()), None),
    "full": (archive_upgrader_models.FullForms, [3, 4, 5],
             lambda: (3, 1.5, integer_out()), None),
    "full_float_out": (archive_upgrader_models.FullForms, [4, 5],
                       lambda: (3, 1.5, torch.zeros(3)), None),
    "ranges_with_steps": (archive_upgrader_models.RangeForms, [7, 8, 9],
                          lambda: (float_out(),), None),
    "ranges_without_steps": (archive_upgrader_models.RangeForms, [3, 7],
                             lambda: (float_out(),), steps_left_out),
    "logspace_out": (archive_upgrader_models.LogspaceOut, [8, 9],
                     lambda: (float_out(),), None),
    "logspace_out_without_steps": (archive_upgrader_models.LogspaceOut, [8],
                                   lambda: (float_out(),), steps_left_out),
    "gelu": (archive_upgrader_models.GeluForms, [3, 9, 10],
             lambda: (torch.linspace(-3, 3, 7), torch.zeros(7)), None),
}


@pytest.mark.parametrize("case,version", [(case, version) for case, spec in CASES.items() for version in spec[1]])
def test_every_printed_spelling_behaves_as_torch_jit_loads_it(case, version):
    model, _, make_args, edit = CASES[case]
    old = with_version(jit_archive(model()), version, edit or (lambda code: code))
    ours, reference = tscript.load(io.BytesIO(old)), torch.jit.load(io.BytesIO(old))
    assert_same_outcome(outcome(ours, make_args), outcome(reference, make_args))


def method_and_operator_spellings(code):
    """Code as a hand-written or older printer's archive may spell divisions: methods and
    operators instead of torch.div / torch.div_ (1.13 upgrades those as well)."""
    return code.replace("method = torch.div(a, b)", "method = a.div(b)") \
               .replace("operator = torch.div(a, b)", "operator = a / b") \
               .replace("by_int = torch.div(a, n)", "by_int = a / n") \
               .replace("c0 = torch.div_(c, b)", "c0 = c.div_(b)") \
               .replace("_0 = torch.div_(d, n)", "d /= n\n    _0 = d")


@pytest.mark.parametrize("version", [3, 4])
def test_method_and_operator_divisions_are_upgraded_too(version):
    data = jit_archive(archive_upgrader_models.EveryDivSpelling())
    old = with_version(data, version, method_and_operator_spellings)
    with zipfile.ZipFile(io.BytesIO(old)) as archive:
        code = archive.read("archive/code/__torch__/archive_upgrader_models.py").decode()
    assert "a.div(b)" in code and "a / b" in code and "c.div_(b)" in code and "d /= n" in code
    make_args = CASES["div_spellings"][2]
    ours, reference = tscript.load(io.BytesIO(old)), torch.jit.load(io.BytesIO(old))
    expected = outcome(reference, make_args)
    assert_same_outcome(outcome(ours, make_args), expected)
    if version < 4:
        method, operator, by_int = expected[0][:3]
        assert method.tolist() == operator.tolist() == [3, -3, -2, 0]  # truncated
        assert by_int.tolist() == [3, -3, 2, 0] and by_int.dtype == torch.int64


# What a loaded old archive prints: 1.13 inlines each upgrader in place of the call it upgrades
# and folds the constants that leaves (an upgrader's `if steps is None` with steps a constant
# takes one branch), so `.graph` shows no call of an upgrader and `.code` reads as plain code.

def normalized_graph(graph):
    """Graph text without source locations, values renamed in order of first appearance (the
    two front ends name and number values differently; the data flow stays compared)."""
    names = {}
    text = re.sub(r" # .*", "", str(graph))
    return re.sub(r"%[\w.]+", lambda m: names.setdefault(m.group(0), f"%v{len(names)}"), text)


PRINTED_CASES = [("old_operators", archive_upgrader_models.OldOperators, version,
                  without_steps if version < 8 else None) for version in (3, 4, 5, 7, 8, 9)]
PRINTED_CASES += [(case, spec[0], version, spec[3]) for case, spec in CASES.items()
                  for version in spec[1]]
PRINTED_CASES += [("method_and_operator_divisions", archive_upgrader_models.EveryDivSpelling, 3,
                   method_and_operator_spellings)]


@pytest.mark.parametrize("case,model,version,edit", PRINTED_CASES,
                         ids=[f"{case}-v{version}" for case, _, version, _ in PRINTED_CASES])
def test_upgraded_calls_print_as_torch_jit_loads_them(case, model, version, edit):
    old = with_version(jit_archive(model()), version, edit or (lambda code: code))
    ours, reference = tscript.load(io.BytesIO(old)), torch.jit.load(io.BytesIO(old))
    assert "__upgraders__" not in str(ours.graph)
    assert normalized_graph(ours.graph) == normalized_graph(reference.graph)
    assert ours.code == reference.code


def test_an_upgraded_division_prints_inlined():
    old = with_version(jit_archive(archive_upgrader_models.OldOperators()), 3, without_steps)
    code = tscript.load(io.BytesIO(old)).code
    assert "    _1 = torch.div(a, b)\n  else:\n    _2 = torch.div(a, b, rounding_mode=\"trunc\")" in code
    # Folded: linspace's steps left out are the upgrader's 100, full's int fill a float.
    assert "torch.linspace(0., 1., 100)" in code and "fill_value = float(n)" in code
