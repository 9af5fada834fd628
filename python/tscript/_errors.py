"""Python exceptions for errors raised while TorchScript code runs.

torch.jit 1.13 raises its own Error class (or RuntimeError) whatever the Python exception
was, with the class only in the text ("builtins.ValueError: ..."). tscript raises an
exception that is both a ``tscript.Error`` (a RuntimeError, so code written against
torch.jit's behaviour still catches it) and the Python class the program raised, so that
``except ValueError`` works as it does in eager Python. ``str(e)`` is the TorchScript
traceback followed by ``Class: message``.
"""
import builtins

__all__ = ["ArgumentTypeError", "Error", "script_error", "python_call_error",
           "register_exception_class"]


class Error(RuntimeError):
    """An error raised while running TorchScript code."""


class ArgumentTypeError(Error, TypeError):
    """A ScriptFunction was called with an argument its parameter's type does not accept.
    Both a TypeError (what Python code expects) and a RuntimeError (what torch.jit raises)."""


_classes = {}
_combined_classes = {}
# Exception classes of the program raised from compiled code, by qualified name
# ("__main__.CorpusError"): the name is all the IR keeps of the class.
_program_classes = {}
_unknown_classes = {}


def _combined_class(python_class):
    """A class that is both tscript.Error and `python_class` (any exception class, including
    the program's own), or Error when the two cannot be combined."""
    cls = _combined_classes.get(python_class)
    if cls is None:
        if python_class is RuntimeError or issubclass(python_class, Error):
            cls = python_class if issubclass(python_class, Error) else Error
        else:
            try:
                cls = type(python_class.__name__, (Error, python_class),
                           {"__module__": python_class.__module__})
            except TypeError:  # layouts that cannot be combined (OSError, ...), or final classes
                cls = Error
        _combined_classes[python_class] = cls
    return cls


def _error_class(python_class):
    cls = _classes.get(python_class)
    if cls is None:
        base = getattr(builtins, python_class, None)
        if isinstance(base, type) and issubclass(base, Exception) and base is not RuntimeError:
            try:
                cls = type(python_class, (Error, base), {"__module__": "tscript"})
            except TypeError:  # a builtin whose layout cannot be combined with RuntimeError's
                cls = Error
        else:
            cls = Error
        _classes[python_class] = cls
    return cls


def register_exception_class(cls):
    """The qualified name compiled code raises `cls` by (1.13's spelling: module and
    qualified class name); a ScriptError of that name raises `cls` again."""
    name = f"{cls.__module__}.{cls.__qualname__}"
    if cls.__module__ != "builtins":
        _program_classes[name] = cls
    return name


def _unknown_class(qualified_name):
    """A stand-in for an exception class known only by name (code loaded from an archive, or a
    class that is gone): a tscript.Error subclass of that name."""
    cls = _unknown_classes.get(qualified_name)
    if cls is None:
        module, _, name = qualified_name.rpartition(".")
        cls = type(name, (Error,), {"__module__": module})
        _unknown_classes[qualified_name] = cls
    return cls


def _instantiate(cls, full_text):
    try:
        return cls(full_text)
    except TypeError:
        # The program's class wants other constructor arguments: make the instance without
        # running its __init__ (BaseException.__new__ still sets args, so str() works).
        try:
            error = cls.__new__(cls, full_text)
            BaseException.__init__(error, full_text)
            return error
        except TypeError:
            return Error(full_text)


def script_error(python_class, message, full_text):
    """The exception to raise for a ScriptError of `python_class` (called by tscript._C)."""
    # `assert` compiles to a RuntimeError whose message names the assertion, as in 1.13.
    if python_class == "RuntimeError" and message.startswith("AssertionError: "):
        python_class = "AssertionError"
    if "." in python_class:  # a program's class, by qualified name (builtins are unqualified)
        program_class = _program_classes.get(python_class)
        if program_class is None:
            return _instantiate(_unknown_class(python_class), full_text)
        return _instantiate(_combined_class(program_class), full_text)
    return _error_class(python_class)(full_text)


def python_call_error(original, full_text):
    """The exception to raise when a Python function called from compiled code (@ignore)
    raised `original`: of original's class (and tscript.Error), with the TorchScript traceback
    as its text and `original` as its __cause__ (called by tscript._C)."""
    cls = _combined_class(type(original))
    try:
        error = cls(full_text)
    except TypeError:  # a class whose constructor wants other arguments
        error = Error(full_text)
    error.__cause__ = original
    return error
