"""The source tscript cuts for a function (`_script._source_of`, linecache cut by brackets,
indentation and triple-quoted strings) equals what inspect reads, for every function and
method of the library modules scripted models use (black-style signatures, docstrings at the
margin, backslash continuations), and for tricky local definitions."""
import ast
import inspect
import textwrap
import types

import pytest

import torch
import torch.nn.functional
import torchvision.models.detection.roi_heads
import torchvision.models.detection.rpn
import torchvision.models.detection.transform
import torchvision.ops.boxes
import torchvision.ops.poolers

from tscript import _script

MODULES = [torch.nn.functional, torch.functional, torch.nn.modules.activation,
           torch.nn.modules.conv, torchvision.models.detection.roi_heads,
           torchvision.models.detection.rpn, torchvision.models.detection.transform,
           torchvision.ops.boxes, torchvision.ops.poolers]


def _functions(module):
    """The module's functions and methods defined in its file (decorator wrappers such as
    `_script_if_tracing`'s are defined elsewhere; compiled code unwraps them first)."""
    candidates = []
    for value in vars(module).values():
        if isinstance(value, types.FunctionType):
            candidates.append(value)
        elif isinstance(value, type) and value.__module__ == module.__name__:
            candidates.extend(m for m in vars(value).values() if isinstance(m, types.FunctionType))
    return [fn for fn in candidates if fn.__code__.co_filename == module.__file__]


def _same_as_inspect(fn):
    source = _script._source_of(fn)
    assert source is not None, fn
    expected = textwrap.dedent("".join(inspect.getsourcelines(fn)[0]))
    assert ast.dump(ast.parse(source[0])) == ast.dump(ast.parse(expected)), fn.__qualname__
    assert source[2] == fn.__code__.co_firstlineno


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_library_functions_cut_as_inspect_reads_them(module):
    functions = list(_functions(module))
    assert functions
    for fn in functions:
        _same_as_inspect(fn)


def black_style(
    x: int,
    y: int = 2,
) -> int:
    """A docstring with an unbalanced bracket: [0, 1)
and a line at the margin."""
    total = x + \
y
    return total


def after_black_style():
    return 1
# a banner at the margin


def test_tricky_definitions_cut_as_inspect_reads_them():
    _same_as_inspect(black_style)
    _same_as_inspect(after_black_style)
    assert "banner" not in _script._source_of(after_black_style)[0]
    # Cut from linecache, not read by inspect's tokenizer (the slow fallback).
    lines = inspect.getsourcelines(inspect.getmodule(black_style))[0]
    assert _script._block_by_indentation(lines, black_style.__code__.co_firstlineno - 1)
    fallbacks = [fn.__qualname__ for module in MODULES for fn in _functions(module)
                 if _script._block_by_indentation(
                     inspect.getsourcelines(module)[0], fn.__code__.co_firstlineno - 1) is None]
    assert fallbacks == []
    assert black_style(1) == 3
