"""The scripting corpus: every case runs in eager Python, torch.jit and tscript.

`script_corpus/` holds small functions grouped by construct (see its README.md). For each
case:
- test_torch_jit_matches_eager validates the corpus itself: torch.jit 1.13 must agree with
  eager Python (and must reject the cases marked tscript_only, and get the cases marked
  torch_jit_differs wrong, or the mark is stale);
- test_tscript_matches_eager is the spec for tscript's compiler: `tscript.script(fn)` must
  give the same results (and the same exceptions) as eager Python. Cases listed in
  script_corpus/KNOWN_FAILURES.txt are expected to fail (xfail); a listed case that passes is
  an error, so the list only shrinks. Regenerate it with script_corpus/update_known_failures.py.

Run: PYTHONPATH=$PWD/python /usr/bin/python3 -m pytest -q tests/python/test_script_corpus.py
"""
import pytest
import torch

from script_corpus import all_cases
from script_corpus._outcome import (KNOWN_FAILURES_FILE, Mismatch, check_scripted,
                                    failure_summary, read_known_failures, tscript_script)

MIN_CASES = 300

CASES = all_cases()
CASE_IDS = [c.id for c in CASES]
KNOWN_FAILURES = read_known_failures()


def test_corpus_size_and_unique_ids():
    duplicates = sorted({i for i in CASE_IDS if CASE_IDS.count(i) > 1})
    assert not duplicates, f"duplicate case ids: {duplicates}"
    assert len(CASE_IDS) >= MIN_CASES, f"only {len(CASE_IDS)} cases, want at least {MIN_CASES}"


def test_flagged_cases_say_why():
    unjustified = [c.id for c in CASES if (c.tscript_only or c.torch_jit_differs) and not c.why]
    assert not unjustified


def test_known_failures_name_existing_cases():
    stale = sorted(set(KNOWN_FAILURES) - set(CASE_IDS))
    assert not stale, f"{KNOWN_FAILURES_FILE.name} names cases that do not exist: {stale}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_torch_jit_matches_eager(case):
    # The flags are checked too, so that a mark goes stale loudly if torch.jit changes.
    if case.tscript_only:
        with pytest.raises(Exception):
            torch.jit.script(case.fn)
        return
    if case.torch_jit_differs:
        with pytest.raises(Mismatch):
            check_scripted(case, torch.jit.script, "torch.jit")
        return
    check_scripted(case, torch.jit.script, "torch.jit")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_tscript_matches_eager(case):
    reason = KNOWN_FAILURES.get(case.id)
    if reason is None:
        check_scripted(case, tscript_script, "tscript")
        return
    try:
        check_scripted(case, tscript_script, "tscript")
    except Exception as error:
        pytest.xfail(f"known failure ({reason}); now: {failure_summary(error)}")
    pytest.fail(f"{case.id} passes now: remove it from {KNOWN_FAILURES_FILE.name} "
                f"(or run script_corpus/update_known_failures.py)")
