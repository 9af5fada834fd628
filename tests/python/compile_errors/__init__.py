"""Golden tests of compile errors: one small program per common mistake.

Each ``<case>.py`` in this folder defines the function(s) of one mistake and names the
function to script in ``ENTRY``; ``<case>.expected`` holds the full text tscript's
CompileError gives for it (``str(error)``), with the repository prefix removed from paths.
torch.jit 1.13 must reject every case too, except those that set ``TORCH_JIT_ACCEPTS`` to the
reason tscript rejects code that torch.jit compiles. A case that tscript wrongly compiles sets
``TSCRIPT_BUG`` to a description of the bug; it has no golden until the bug is fixed.

``tests/python/test_compile_errors.py`` checks the goldens; ``update_goldens.py`` rewrites them.
"""
import importlib.util
import pathlib
import sys
from types import ModuleType
from typing import List

CASE_DIR = pathlib.Path(__file__).resolve().parent
REPO = CASE_DIR.parents[2]

# Files in this folder that are tooling, not cases.
_TOOL_FILES = {"__init__.py", "update_goldens.py"}


def case_names() -> List[str]:
    return sorted(path.stem for path in CASE_DIR.glob("*.py") if path.name not in _TOOL_FILES)


def load_case(name: str) -> ModuleType:
    """Imports ``<name>.py`` from its file (the cases are not a package of importable names).

    The module is registered in sys.modules, as an import would, so that torch.jit can find
    the source of classes defined in it."""
    module_name = f"compile_error_cases.{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, CASE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def expected_path(name: str) -> pathlib.Path:
    return CASE_DIR / f"{name}.expected"


def normalize(text: str) -> str:
    """The error text with paths relative to the repository, so goldens hold no checkout path."""
    return text.replace(str(REPO) + "/", "")


class CompiledWithoutError(AssertionError):
    """A case that should fail to compile compiled."""


def tscript_error_text(module: ModuleType) -> str:
    """The normalized text of the CompileError tscript raises for the case's ENTRY."""
    import tscript
    try:
        tscript.script(module.ENTRY)
    except tscript.CompileError as error:
        return normalize(str(error))
    raise CompiledWithoutError(f"tscript compiled {module.__name__} without an error")
