"""Running a corpus case and comparing what happened in two implementations.

Shared by the pytest harness and update_known_failures.py, so both judge a case the same way.
"""
import math
import pathlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from script_corpus import Case

# Tolerances for floating-point results. The scripted code runs the same ATen kernels and the
# same libm as eager, so results are normally bit-identical; the slack only covers a different
# but equivalent order of evaluation.
FLOAT_REL_TOL = 1e-12
TENSOR_RTOL = 1e-5
TENSOR_ATOL = 1e-6


KNOWN_FAILURES_FILE = pathlib.Path(__file__).parent / "KNOWN_FAILURES.txt"
NOT_IMPLEMENTED = "tscript.script not implemented yet"


class Mismatch(AssertionError):
    """A scripted run disagreed with eager Python."""


@dataclass
class Outcome:
    value: Any = None
    error: Optional[BaseException] = None
    args_after: Tuple[Any, ...] = ()  # the arguments after the call (to see in-place writes)


def run(fn: Callable[..., Any], args: Tuple[Any, ...]) -> Outcome:
    try:
        return Outcome(value=fn(*args), args_after=args)
    except Exception as error:  # the outcome is compared, whatever it is
        return Outcome(error=error, args_after=args)


def run_eager(case: Case) -> List[Outcome]:
    """Eager outcomes, checked against what the case declares (this validates the corpus)."""
    outcomes = [run(case.fn, args) for args in case.make_inputs()]
    for index, outcome in enumerate(outcomes):
        if case.raises is None and outcome.error is not None:
            raise AssertionError(f"{case.id}: eager raised on argument set {index}: "
                                 f"{type(outcome.error).__name__}: {outcome.error}")
        if case.raises is not None and type(outcome.error) is not case.raises:
            got = "no exception" if outcome.error is None else type(outcome.error).__name__
            raise AssertionError(f"{case.id}: eager should raise {case.raises.__name__} on "
                                 f"argument set {index}, got {got}")
    return outcomes


def _last_line(error: BaseException) -> str:
    lines = str(error).rstrip("\n").split("\n")
    return lines[-1]


def _same_message(expected: BaseException, actual: BaseException) -> bool:
    # A scripted error may carry a TorchScript traceback and a class prefix before the message
    # ("...\nbuiltins.ValueError: bad -1"); the message proper is the end of the last line.
    message = str(expected)
    last = _last_line(actual)
    return str(actual) == message or last == message or last.endswith(": " + message)


def assert_same_error(expected: BaseException, actual: Optional[BaseException],
                      reference: str, where: str) -> None:
    if actual is None:
        raise Mismatch(f"{where}: eager raised {type(expected).__name__}: {expected}, "
                       f"{reference} returned normally")
    if reference == "torch.jit":
        # torch.jit 1.13 raises torch.jit.Error / RuntimeError and names the Python class only
        # in the text of the last line ("builtins.ValueError: ...", "AssertionError: ...").
        class_ok = type(expected).__name__ in _last_line(actual)
    else:
        class_ok = isinstance(actual, type(expected))
    if not class_ok or not _same_message(expected, actual):
        raise Mismatch(f"{where}: eager raised {type(expected).__name__}: {expected!r}; "
                       f"{reference} raised {type(actual).__name__}: {_last_line(actual)!r}")


def assert_same_value(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor):
            raise Mismatch(f"{where}: expected a Tensor, got {type(actual).__name__}")
        if (expected.dtype, expected.shape, expected.device) != (actual.dtype, actual.shape,
                                                                 actual.device):
            raise Mismatch(f"{where}: expected Tensor {expected.dtype} {list(expected.shape)} "
                           f"on {expected.device}, got {actual.dtype} {list(actual.shape)} "
                           f"on {actual.device}")
        if expected.is_floating_point() or expected.is_complex():
            same = torch.allclose(expected, actual, rtol=TENSOR_RTOL, atol=TENSOR_ATOL,
                                  equal_nan=True)
        else:
            same = torch.equal(expected, actual)
        if not same:
            raise Mismatch(f"{where}: tensors differ:\nexpected {expected}\ngot      {actual}")
        return
    if type(expected) is not type(actual):
        raise Mismatch(f"{where}: expected {type(expected).__name__} {expected!r}, "
                       f"got {type(actual).__name__} {actual!r}")
    if isinstance(expected, (list, tuple)):
        if len(expected) != len(actual):
            raise Mismatch(f"{where}: expected length {len(expected)}, got {len(actual)}: "
                           f"{actual!r}")
        for index, (e, a) in enumerate(zip(expected, actual)):
            assert_same_value(e, a, f"{where}[{index}]")
    elif isinstance(expected, dict):
        # TorchScript dicts keep insertion order, as Python's do: the order is compared too.
        if list(expected.keys()) != list(actual.keys()):
            raise Mismatch(f"{where}: expected keys {list(expected)}, got {list(actual)}")
        for key in expected:
            assert_same_value(expected[key], actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, float):
        if math.isnan(expected) and math.isnan(actual):
            return
        if not math.isclose(expected, actual, rel_tol=FLOAT_REL_TOL):
            raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, complex):
        if not (math.isclose(expected.real, actual.real, rel_tol=FLOAT_REL_TOL)
                and math.isclose(expected.imag, actual.imag, rel_tol=FLOAT_REL_TOL)):
            raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")
    elif expected != actual:
        raise Mismatch(f"{where}: expected {expected!r}, got {actual!r}")


def assert_same_outcome(expected: Outcome, actual: Outcome, reference: str, where: str) -> None:
    if expected.error is not None:
        assert_same_error(expected.error, actual.error, reference, where)
    elif actual.error is not None:
        raise Mismatch(f"{where}: eager returned {expected.value!r}, {reference} raised "
                       f"{type(actual.error).__name__}: {_last_line(actual.error)}")
    else:
        assert_same_value(expected.value, actual.value, f"{where}: result")
    # Tensor arguments share storage with the caller, so in-place writes must be visible.
    # (Lists are not compared: torch.jit converts a Python list argument into a new list.)
    for index, (e, a) in enumerate(zip(expected.args_after, actual.args_after)):
        if isinstance(e, torch.Tensor):
            assert_same_value(e, a, f"{where}: tensor argument {index} after the call")


def check_scripted(case: Case, script: Callable[[Callable[..., Any]], Callable[..., Any]],
                   reference: str) -> None:
    """Script ``case.fn`` with ``script`` and compare every argument set with eager.

    Raises Mismatch on a difference; compile errors propagate as they are.
    """
    eager = run_eager(case)
    scripted = script(case.fn)
    for index, (expected, args) in enumerate(zip(eager, case.make_inputs())):
        actual = run(scripted, args)
        assert_same_outcome(expected, actual, reference, f"{case.id} argument set {index}")


def tscript_script(fn: Callable[..., Any]) -> Callable[..., Any]:
    """tscript.script, or an error saying it is missing (a failure of the case, not a skip)."""
    try:
        import tscript
    except ImportError as error:  # no build, or no _C extension yet
        raise NotImplementedError(NOT_IMPLEMENTED) from error
    script = getattr(tscript, "script", None)
    if script is None:
        raise NotImplementedError(NOT_IMPLEMENTED)
    return script(fn)


def failure_summary(error: BaseException) -> str:
    """The first non-empty line of an error, as a one-line reason."""
    for line in str(error).splitlines():
        if line.strip():
            return line.strip()[:160]
    return type(error).__name__


def read_known_failures(path: pathlib.Path = KNOWN_FAILURES_FILE) -> Dict[str, str]:
    """Case id -> reason, from lines `module::function  reason` ('#' starts a comment)."""
    known: Dict[str, str] = {}
    if not path.exists():
        return known
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        case_id, _, reason = line.partition(" ")
        known[case_id] = reason.strip()
    return known
