"""The scripting corpus: small TorchScript functions grouped by construct.

Every corpus module defines plain module-level functions (no decorators) and a list ``CASES``
built with :func:`case`. The harness ``tests/python/test_script_corpus.py`` runs each case in
eager Python, ``torch.jit.script`` and ``tscript.script`` and compares the outcomes; see
README.md in this folder for the format and the rules.
"""
import copy
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence, Tuple, Type

import torch

# Modules in this package that hold tooling, not cases.
_TOOL_MODULES = {"update_known_failures"}


@dataclass(frozen=True)
class Case:
    """One corpus function and the argument sets it is called with.

    ``make_inputs`` returns a fresh list of argument tuples on every call, so that a run that
    mutates its inputs (``x.add_``, ``l.append``) cannot leak into the next run.
    ``raises``: the exception type eager Python raises for every argument set (None: eager
    must return normally). ``tscript_only``: torch.jit 1.13 rejects the function but tscript
    is meant to compile it. ``torch_jit_differs``: torch.jit 1.13 compiles it but computes
    something else than Python (a 1.13 bug); tscript must match eager. ``why`` says why
    (required for both flags).
    """

    fn: Callable[..., Any]
    make_inputs: Callable[[], List[Tuple[Any, ...]]]
    raises: Optional[Type[BaseException]] = None
    tscript_only: bool = False
    torch_jit_differs: bool = False
    why: str = ""

    @property
    def module(self) -> str:
        return self.fn.__module__.rsplit(".", 1)[-1]

    @property
    def id(self) -> str:
        return f"{self.module}::{self.fn.__name__}"


def case(fn: Callable[..., Any], *arg_sets: Sequence[Any],
         raises: Optional[Type[BaseException]] = None,
         tscript_only: str = "", torch_jit_differs: str = "") -> Case:
    """A case calling ``fn`` once per argument tuple in ``arg_sets`` (``()`` if none given).

    The argument tuples are templates: every run gets a deep copy, so tensors and lists are
    fresh each time. ``tscript_only`` is the reason torch.jit 1.13 rejects ``fn``;
    ``torch_jit_differs`` the reason its result differs from eager Python.
    """
    assert not (tscript_only and torch_jit_differs), "a case has at most one of the flags"
    templates = [tuple(args) for args in arg_sets] or [()]
    return Case(fn=fn,
                make_inputs=lambda: copy.deepcopy(templates),
                raises=raises,
                tscript_only=bool(tscript_only),
                torch_jit_differs=bool(torch_jit_differs),
                why=tscript_only or torch_jit_differs)


def randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Normal samples from a fixed seed: the same tensor every time for the same arguments."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator, dtype=dtype)


def randint(low: int, high: int, *shape: int, seed: int = 0,
            dtype: torch.dtype = torch.int64) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=generator, dtype=dtype)


def corpus_modules() -> List[Any]:
    """Every corpus module of this package, sorted by name."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in _TOOL_MODULES:
            continue
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules


def all_cases() -> List[Case]:
    return [c for module in corpus_modules() for c in module.CASES]
