"""Golden texts of compile errors for common mistakes (tests/python/compile_errors/).

Every case is compiled in this process through ``tscript.script`` (no subprocess: the suite
stays fast), and the full ``str(error)`` must equal the case's ``.expected`` file. torch.jit
1.13 must reject the same code, unless the case says why tscript differs
(``TORCH_JIT_ACCEPTS``). Cases marked ``TSCRIPT_BUG`` are code tscript wrongly compiles: they
are expected failures until the bug is fixed, and then must get a golden. Regenerate the goldens after an intended message change with

    PYTHONPATH=$PWD/python /usr/bin/python3 tests/python/compile_errors/update_goldens.py

and review the diff.

Run: PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q tests/python/test_compile_errors.py
"""
import pytest
import torch

from compile_errors import (CASE_DIR, REPO, CompiledWithoutError, case_names, expected_path,
                            load_case, tscript_error_text)

MIN_CASES = 45

CASES = case_names()


def test_enough_cases_and_every_golden_has_a_case():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases, want at least {MIN_CASES}"
    orphans = sorted(path.name for path in CASE_DIR.glob("*.expected")
                     if path.stem not in CASES)
    assert not orphans, f"goldens without a case: {orphans}"


@pytest.mark.parametrize("name", CASES)
def test_tscript_error_matches_golden(name):
    module = load_case(name)
    bug = getattr(module, "TSCRIPT_BUG", "")
    if bug:
        try:
            tscript_error_text(module)
        except CompiledWithoutError:
            pytest.xfail(bug)
        pytest.fail(f"{name} is rejected now: remove TSCRIPT_BUG and run update_goldens.py")
    golden = expected_path(name)
    assert golden.exists(), f"{golden.name} is missing: run compile_errors/update_goldens.py"
    actual = tscript_error_text(module)
    assert str(REPO) not in actual, "an absolute path leaked into the error text"
    assert actual == golden.read_text()


@pytest.mark.parametrize("name", CASES)
def test_torch_jit_rejects_it_too(name):
    module = load_case(name)
    reason = getattr(module, "TORCH_JIT_ACCEPTS", "")
    if reason:
        # The mark goes stale loudly if torch.jit starts rejecting the code.
        torch.jit.script(module.ENTRY)
        return
    with pytest.raises(Exception):
        torch.jit.script(module.ENTRY)
