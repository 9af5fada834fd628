"""tscript: an independent TorchScript, a drop-in for ``torch.jit``.

This package is the thin Python face of the C++ core in ``tscript._C``. What works today is
listed in the README's feature table; names of ``torch.jit`` that are not implemented yet are
not exported, so that a missing feature fails loudly instead of silently.
"""
from tscript import _C
from tscript._C import CompileError
from tscript._errors import Error
from tscript._script import (ScriptFunction, annotate, export, ignore, is_scripting, script,
                             unused)
from tscript._compilation_unit import CompilationUnit
from tscript._interface import interface
from tscript._module import RecursiveScriptModule, ScriptMethod, ScriptModule
from tscript._archive import LoadedModule, load
from tscript._serialization import save
from tscript._isinstance import isinstance  # noqa: A001  (torch.jit.isinstance's name)

__all__ = ["CompilationUnit", "CompileError", "Error", "LoadedModule", "RecursiveScriptModule",
           "ScriptFunction",
           "ScriptMethod", "ScriptModule", "TracerWarning", "TracingCheckError", "annotate",
           "export", "ignore", "interface", "is_scripting", "isinstance", "is_tracing", "load", "parse_outline", "save", "script",
           "script_if_tracing", "trace", "trace_module", "unused"]


def parse_outline(source: str, filename: str = "<string>", first_line: int = 1) -> str:
    """Parse Python source with tscript's parser and return its AST outline.

    Raises CompileError (with ``file:line:col``, the source line and a caret) on a syntax error.
    """
    return _C._parse_outline(source, filename, first_line)
from tscript._tracing import (TraceError, TracerWarning, TracingCheckError, is_tracing,  # noqa: E402
                              script_if_tracing, trace, trace_graph_text)
from tscript._trace_module import TopLevelTracedModule, TracedModule, trace_module  # noqa: E402
