"""Python exceptions for errors raised while TorchScript code runs.

torch.jit 1.13 raises its own Error class (or RuntimeError) whatever the Python exception
was, with the class only in the text ("builtins.ValueError: ..."). tscript raises an
exception that is both a ``tscript.Error`` (a RuntimeError, so code written against
torch.jit's behaviour still catches it) and the Python class the program raised, so that
``except ValueError`` works as it does in eager Python. ``str(e)`` is the TorchScript
traceback followed by ``Class: message``.
"""
import builtins

__all__ = ["Error", "script_error"]


class Error(RuntimeError):
    """An error raised while running TorchScript code."""


_classes = {}


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


def script_error(python_class, message, full_text):
    """The exception to raise for a ScriptError of `python_class` (called by tscript._C)."""
    # `assert` compiles to a RuntimeError whose message names the assertion, as in 1.13.
    if python_class == "RuntimeError" and message.startswith("AssertionError: "):
        python_class = "AssertionError"
    return _error_class(python_class)(full_text)
