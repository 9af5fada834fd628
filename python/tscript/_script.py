"""``tscript.script`` for functions: compile Python source with tscript's compiler.

Name resolution happens here, on the Python side, because only Python knows a function's
globals and closure. The compiler (tscript._C) asks for each global name it meets and gets a
descriptor back (the format is documented in src/python/bind_script.cpp).
"""
import builtins
import inspect
import math
import os
import textwrap
import types

import torch

from tscript import _C

__all__ = ["script", "ScriptFunction", "is_scripting", "is_tracing", "ignore", "unused"]

# Python builtins the compiler implements itself (range, len, print, ...): not resolved here.
_COMPILER_BUILTINS = {"range", "len", "print", "int", "float", "bool", "str", "min", "max", "abs",
                      "enumerate", "zip", "list", "sum", "sorted", "all", "any", "ord", "chr",
                      "hex", "oct", "bin", "round", "divmod", "pow", "getattr"}


def is_scripting() -> bool:
    """True inside compiled code, False when running as plain Python."""
    return False


def is_tracing() -> bool:
    return False


def ignore(fn=None, *, drop=False):
    """Leave a function as Python (calls from compiled code are not supported yet)."""
    def mark(f):
        f._tscript_ignore = True
        return f
    return mark(fn) if fn is not None else mark


unused = ignore


def _is_scripting_marker(obj):
    if obj is is_scripting:
        return True
    # torch.jit.is_scripting is recognized by identity, without importing torch.jit here.
    return getattr(obj, "__module__", None) == "torch._jit_internal" and \
        getattr(obj, "__name__", None) == "is_scripting"


def _describe(obj):
    """The descriptor of a Python object seen from compiled code, or None."""
    if _is_scripting_marker(obj):
        return ("is_scripting",)
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return ("constant", obj)
    if isinstance(obj, (torch.dtype, torch.layout, torch.memory_format)):
        # str(torch.float) is "torch.float32": aliases arrive under their canonical name.
        return ("torch_constant", str(obj)[len("torch."):])
    if obj is torch.device:
        return ("builtin", "aten::device")
    if isinstance(obj, types.ModuleType):
        return ("module", obj)
    if isinstance(obj, types.BuiltinFunctionType):
        module = getattr(obj, "__module__", None) or ""
        if module.startswith("torch") or obj.__self__ is torch or obj.__self__ is math or \
                getattr(obj.__self__, "__name__", "") in ("torch._C._VariableFunctions", "math"):
            return ("builtin", "aten::" + obj.__name__)
        if obj.__self__ is not None and getattr(obj.__self__, "__name__", None) == "math":
            return ("builtin", "aten::" + obj.__name__)
        return None
    if isinstance(obj, types.FunctionType):
        module = getattr(obj, "__module__", "") or ""
        if module == "torch.nn.functional" or module.startswith("torch.functional"):
            # tscript maps torch.nn.functional to the ATen operators of the same name until it
            # compiles torch.nn.functional from its source (the modules issue).
            return ("builtin", "aten::" + obj.__name__)
        return ("function", obj)
    return None


def _resolve_global(fn, name):
    code = fn.__code__
    if name in code.co_freevars and fn.__closure__:
        cell = fn.__closure__[code.co_freevars.index(name)]
        try:
            return _describe(cell.cell_contents)
        except ValueError:  # an empty cell
            return None
    if name in fn.__globals__:
        return _describe(fn.__globals__[name])
    if name in _COMPILER_BUILTINS:
        return None
    if hasattr(builtins, name):
        return _describe(getattr(builtins, name))
    return None


def _resolve_attribute(obj, name):
    if not hasattr(obj, name):
        return None
    return _describe(getattr(obj, name))


def _source_of(fn):
    """(source, filename, first line) of a function, dedented."""
    try:
        lines, first_line = inspect.getsourcelines(fn)
    except (OSError, TypeError) as error:
        raise OSError(f"Can't get source for {fn!r}. tscript needs the source of a function to "
                      "compile it, make sure the original .py file is available.") from error
    filename = inspect.getsourcefile(fn) or "<unknown>"
    source = textwrap.dedent("".join(lines))
    return source, filename, first_line


# A compiled function: call it like the Python one; ``.graph`` (the IR as text), ``.schema``,
# ``.name``. It is the C++ class itself so that calls pay no Python-level indirection.
ScriptFunction = _C.ScriptFunction


def script(obj):
    """Compile a function to TorchScript. With PYTORCH_JIT=0 it is returned unchanged."""
    if os.environ.get("PYTORCH_JIT", "1") == "0":
        return obj
    if isinstance(obj, ScriptFunction):
        return obj
    if not isinstance(obj, types.FunctionType):
        raise TypeError(f"tscript.script: cannot compile {obj!r} yet (functions only; modules "
                        "and classes are not implemented)")
    compiled = _C._script_function(obj, _resolve_global, _resolve_attribute, _source_of)
    compiled.__name__ = obj.__name__
    compiled.__qualname__ = obj.__qualname__
    compiled.__doc__ = obj.__doc__
    compiled._original = obj
    return compiled
