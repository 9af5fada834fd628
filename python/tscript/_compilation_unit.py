"""``tscript.CompilationUnit``: functions compiled from a source string, like torch.jit's
``CompilationUnit``.

Global names in the source are looked up in the caller's frame (its locals, then its
globals), as torch.jit does with ``_frames_up``; functions of the same ``define`` call see
each other. Errors point into the string, whose file name is ``<string>``.
"""
import sys

from tscript import _C
from tscript._script import (_COMPILER_BUILTINS, _describe_or_explain, _resolve_attribute,
                             _source_of)

__all__ = ["CompilationUnit"]


def _resolve_scope_name(scope, name):
    """The descriptor of global `name` of a source text whose names are those of `scope`."""
    if name in scope:
        return _describe_or_explain(scope[name], name)
    if name in _COMPILER_BUILTINS:
        return None
    builtins = scope.get("__builtins__")
    builtins = getattr(builtins, "__dict__", builtins) or {}
    if name in builtins:
        return _describe_or_explain(builtins[name], name)
    return None


class CompilationUnit:
    """Compiles every function of `lang` now (errors are raised here); ``cu.name`` is the
    ScriptFunction of function `name`. ``define(src)`` adds more functions; as in torch.jit,
    each ``define`` is compiled on its own (it cannot call functions of earlier ones) and a
    name may be defined only once."""

    def __init__(self, lang: str = "", _frames_up: int = 0):
        self._functions = {}
        if lang:
            self.define(lang, _frames_up=_frames_up + 1)

    def define(self, src: str, rcb=None, _frames_up: int = 0):
        if rcb is not None:
            raise TypeError("tscript.CompilationUnit.define does not take a resolution callback; "
                            "names are looked up in the caller's frame")
        frame = sys._getframe(_frames_up + 1)
        scope = dict(frame.f_globals)
        scope.update(frame.f_locals)
        functions = _C._compile_source(src, "<string>", scope, _resolve_scope_name,
                                       _resolve_attribute, _source_of)
        for function in functions:
            if function.name in self._functions:
                raise RuntimeError(f"method '{function.name}' already defined.")
        for function in functions:
            function.__name__ = function.__qualname__ = function.name
            self._functions[function.name] = function

    def find_function(self, name):
        """The ScriptFunction `name`, or None."""
        return self._functions.get(name)

    def get_functions(self):
        return list(self._functions.values())

    def __getattr__(self, name):
        functions = self.__dict__.get("_functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"'CompilationUnit' has no function '{name}'")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._functions))
