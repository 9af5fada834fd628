"""tscript's parser against CPython's `ast` on the code PyTorch models are written in.

Every .py file of Debian's torch/nn, torchvision/models and torchaudio/models must parse with
no error, and its outline (every node, its kind, fields, names, constants and line:col) must
equal the outline of CPython's own `ast` (see ast_outline.py and src/lang/ast.cpp).
"""
import difflib
import importlib.util
import pathlib

import pytest

import tscript
from ast_outline import outline

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _package_dir(name: str, sub: str) -> pathlib.Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / sub


CORPUS_DIRS = [("torch", "nn"), ("torchvision", "models"), ("torchaudio", "models")]
CORPUS = sorted(
    path
    for package, sub in CORPUS_DIRS
    for path in _package_dir(package, sub).rglob("*.py")
) + [ROOT / "tests" / "lang" / "syntax_tour.py"]


def test_corpus_is_large_enough():
    # Guards against an install that lost a package: the corpus is ~200 files.
    assert len(CORPUS) > 150


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: "/".join(p.parts[-3:]))
def test_outline_matches_cpython(path):
    source = path.read_text(encoding="utf-8")
    expected = outline(source, str(path))
    actual = tscript.parse_outline(source, str(path))
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    "cpython", "tscript", n=3, lineterm="")
        pytest.fail("outline differs from CPython's ast:\n" + "\n".join(list(diff)[:60]))
