"""Archives with an older version record: operators that changed meaning since (1.13's
upgraders: div of integers truncated before version 4, full with an int fill made floats before
5, linspace/logspace could leave out steps before 8/9, gelu had no `approximate` before 10)
behave as that version required, as torch.jit.load makes them behave. The archives are
torch.jit.save's with the version record (and, for steps, the code) edited.

Run: TSCRIPT_BIN=$PWD/build/bin/tscript PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q \
         tests/python/test_archive_upgraders.py
"""
import io
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
