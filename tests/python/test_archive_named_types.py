"""NamedTuples, enums and forward hooks in archives, both directions: torch.jit.save ->
tscript.load and tscript.save -> torch.jit.load (and tscript.load), compared with eager;
torchvision's googlenet and inception_v3, whose scripted forward returns a NamedTuple.

Run: TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q \
         tests/python/test_archive_named_types.py
"""
import io
import subprocess
import sys
import textwrap
import zipfile

import pytest
import torch

import archive_named_type_models as models
import tscript


def jit_archive(module):
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(module), buffer)
    return buffer.getvalue()


def our_archive(module):
    buffer = io.BytesIO()
    tscript.save(tscript.script(module), buffer)
    return buffer.getvalue()


def code_records(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name).decode()
                for name in archive.namelist() if name.endswith(".py")}


def assert_outputs_equal(got, expected):
    assert type(got).__name__ == type(expected).__name__
    assert tuple(got._fields) == tuple(expected._fields)
    for a, b in zip(got, expected):
        if isinstance(b, torch.Tensor):
            torch.testing.assert_close(a, b)
        else:
            assert a == b


@pytest.mark.parametrize("color", [models.Color.RED, models.Color.GREEN])
def test_enums_and_named_tuples_from_torch_jit(color):
    eager = models.EnumsAndNamedTuples()
    data = jit_archive(eager)
    ours, reference = tscript.load(io.BytesIO(data)), torch.jit.load(io.BytesIO(data))
    x = torch.randn(4)
    got = ours(x, color)
    assert_outputs_equal(got, eager(x, color))
    assert_outputs_equal(got, reference(x, color))
    assert ours.color is reference.color is models.Color.GREEN
    assert ours.mode is models.Mode.SLOW and ours.scale is models.Scale.DOUBLE
    ours.color = models.Color.RED
    reference.color = models.Color.RED
    assert_outputs_equal(ours(x, color), reference(x, color))


def test_enum_and_named_tuple_archive_resaves_byte_identical():
    data = jit_archive(models.EnumsAndNamedTuples())
    once = tscript.load(io.BytesIO(data)).save_to_buffer()
    assert tscript.load(io.BytesIO(once)).save_to_buffer() == once
    x = torch.randn(4)
    assert_outputs_equal(torch.jit.load(io.BytesIO(once))(x, models.Color.GREEN),
                         models.EnumsAndNamedTuples()(x, models.Color.GREEN))


def test_named_tuple_argument_from_torch_jit():
    data = jit_archive(models.TakesNamedTuple())
    ours = tscript.load(io.BytesIO(data))
    x = torch.randn(3)
    for value in [models.Out(x, 3, None), models.Out(x, 3, x * 2)]:
        torch.testing.assert_close(ours(value), models.TakesNamedTuple()(value))


@pytest.mark.parametrize("color", [models.Color.RED, models.Color.GREEN])
def test_enums_and_named_tuples_saved_by_tscript(color):
    eager = models.EnumsAndNamedTuples()
    data = our_archive(eager)
    code = code_records(data)["code/__torch__/archive_named_type_models.py"]
    # 1.13's spelling of enum classes (ARCHIVE_FORMAT.md §4.3).
    assert "class Color(Enum):\n  RED = 1\n  GREEN = 2\n" in code
    assert 'class Mode(Enum):\n  FAST = "fast"\n  SLOW = "slow"\n' in code
    assert "class Scale(Enum):\n  HALF = 0.5\n  DOUBLE = 2.\n" in code
    x = torch.randn(4)
    expected = eager(x, color)
    for loaded in (torch.jit.load(io.BytesIO(data)), tscript.load(io.BytesIO(data))):
        assert_outputs_equal(loaded(x, color), expected)
        assert loaded.color is models.Color.GREEN
    # The enum attributes pickle as 1.13 pickles them: data.pkl is the same bytes.
    with zipfile.ZipFile(io.BytesIO(data)) as ours, \
            zipfile.ZipFile(io.BytesIO(jit_archive(eager))) as theirs:
        assert ours.read("archive/data.pkl") == theirs.read("archive/data.pkl")


def test_enum_member_missing_from_the_code_fails_clearly():
    data = jit_archive(models.EnumsAndNamedTuples())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name.endswith("archive_named_type_models.py"):
                body = body.replace(b"  GREEN = 2\n", b"")
            dst.writestr(name, body)
    with pytest.raises(RuntimeError, match="no member whose value"):
        tscript.load(io.BytesIO(out.getvalue()))


def test_forward_hooks_from_torch_jit():
    x = torch.randn(3)
    for eager in (models.Hooked(), models.CallsHooked()):
        data = jit_archive(eager)
        ours, reference = tscript.load(io.BytesIO(data)), torch.jit.load(io.BytesIO(data))
        torch.testing.assert_close(ours(x), eager(x))
        torch.testing.assert_close(ours(x), reference(x))
        # forward itself does not run the hooks.
        inner = ours if isinstance(eager, models.Hooked) else ours.inner
        ref_inner = reference if isinstance(eager, models.Hooked) else reference.inner
        torch.testing.assert_close(inner.forward(x), ref_inner.forward(x))
        torch.testing.assert_close(inner(x), ref_inner(x))


def test_forward_hooks_saved_by_tscript():
    x = torch.randn(3)
    for eager in (models.Hooked(), models.CallsHooked()):
        data = our_archive(eager)
        code = code_records(data)["code/__torch__/archive_named_type_models.py"]
        # 1.13's layout: hooks named after their functions, listed in the class, printed after
        # the methods (forward hooks first), and called by a caller as functions.
        assert '  __forward_pre_hooks__ = ["double_input", "keep_input", ]\n' \
               '  __forward_hooks__ = ["add_one", ]\n' in code
        assert code.index("  def add_one(") < code.index("  def double_input(") < \
            code.index("  def keep_input(")
        for loaded in (torch.jit.load(io.BytesIO(data)), tscript.load(io.BytesIO(data))):
            torch.testing.assert_close(loaded(x), eager(x))
        if isinstance(eager, models.CallsHooked):
            assert "__torch__.archive_named_type_models.Hooked.double_input(inner, (x,), )" in code
            functions = code_records(data)["code/__torch__/archive_named_type_models/Hooked.py"]
            assert functions.startswith("def double_input(module: __torch__.archive_named_type_models.Hooked,")
        # Saved again by tscript after loading: the same archive.
        again = tscript.load(io.BytesIO(data)).save_to_buffer()
        assert tscript.load(io.BytesIO(again)).save_to_buffer() == again


# ---- torchvision models that return NamedTuples ---------------------------------------------------

SAVE_IN_FRESH_PROCESS = textwrap.dedent("""
    import sys, torch, torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, sys.argv[1])(weights=None, init_weights=True).eval()
    torch.jit.save(torch.jit.script(model), sys.argv[2])
""")


@pytest.fixture(scope="module")
def named_tuple_vision_archives(tmp_path_factory):
    torchvision = pytest.importorskip("torchvision")
    folder = tmp_path_factory.mktemp("vision_nt")
    archives = {}
    for name in ["googlenet", "inception_v3"]:
        path = folder / f"{name}.pt"
        # A fresh process, so that torch.jit's class names do not depend on earlier tests.
        subprocess.run([sys.executable, "-c", SAVE_IN_FRESH_PROCESS, name, str(path)], check=True,
                       capture_output=True, timeout=600)
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None, init_weights=True).eval()
        archives[name] = (model, path)
    return archives


@pytest.mark.parametrize("name", ["googlenet", "inception_v3"])
def test_named_tuple_vision_models_from_torch_jit(named_tuple_vision_archives, name):
    model, path = named_tuple_vision_archives[name]
    size = 299 if name == "inception_v3" else 224
    torch.manual_seed(1)
    x = torch.randn(1, 3, size, size)
    ours, reference = tscript.load(path), torch.jit.load(str(path))
    got = ours(x)
    with torch.no_grad():
        expected = model(x)
        expected_jit = reference(x)
    # Eager returns the logits in eval mode; scripted forward always returns the NamedTuple.
    assert type(got).__name__ == type(expected_jit).__name__
    assert got._fields == expected_jit._fields
    torch.testing.assert_close(got[0], expected, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(got[0], expected_jit[0], rtol=1e-4, atol=1e-5)
    assert all(value is None for value in got[1:]) and all(v is None for v in expected_jit[1:])
    # ... and back: our save of the loaded model loads in torch.jit with the same outputs.
    again = torch.jit.load(io.BytesIO(ours.save_to_buffer()))
    torch.testing.assert_close(again(x)[0], expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["googlenet", "inception_v3"])
def test_named_tuple_vision_models_saved_by_tscript(named_tuple_vision_archives, name):
    model, _ = named_tuple_vision_archives[name]
    size = 299 if name == "inception_v3" else 224
    torch.manual_seed(2)
    x = torch.randn(1, 3, size, size)
    data = our_archive(model)
    with torch.no_grad():
        expected = model(x)
    for loaded in (torch.jit.load(io.BytesIO(data)), tscript.load(io.BytesIO(data))):
        got = loaded(x)
        assert type(got).__name__ in ("GoogLeNetOutputs", "InceptionOutputs")
        torch.testing.assert_close(got[0], expected, rtol=1e-4, atol=1e-5)
