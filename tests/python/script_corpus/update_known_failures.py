"""Rewrite KNOWN_FAILURES.txt from an actual run of every corpus case through tscript.

    PYTHONPATH=$PWD/python /usr/bin/python3 tests/python/script_corpus/update_known_failures.py

Cases that pass are dropped; cases still failing keep their recorded reason; new failures get
the first line of their error as the reason (edit it into something shorter if you like).
Prints what changed. Exit status 0.
"""
import pathlib
import sys

# Runs as a script: make `script_corpus` importable the way the pytest conftest does.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from script_corpus import all_cases  # noqa: E402
from script_corpus._outcome import (KNOWN_FAILURES_FILE, check_scripted,  # noqa: E402
                                    failure_summary, read_known_failures, tscript_script)

HEADER = """\
# Corpus cases tscript does not pass yet: `module::function  reason`, one per line.
# A listed case that passes makes test_script_corpus.py fail: remove it from this list.
# Regenerate: PYTHONPATH=$PWD/python /usr/bin/python3 \\
#   tests/python/script_corpus/update_known_failures.py
"""


def main() -> int:
    previous = read_known_failures()
    cases = all_cases()
    failing = {}
    for case in cases:
        try:
            check_scripted(case, tscript_script, "tscript")
        except Exception as error:
            failing[case.id] = previous.get(case.id) or failure_summary(error)
    lines = [f"{case_id}  {reason}" for case_id, reason in failing.items()]
    KNOWN_FAILURES_FILE.write_text(HEADER + "".join(line + "\n" for line in lines))
    existing = {case.id for case in cases}
    fixed = sorted(set(previous) & existing - set(failing))
    gone = sorted(set(previous) - existing)  # renamed or deleted cases
    new = sorted(set(failing) - set(previous))
    print(f"{len(failing)} known failures ({len(fixed)} fixed, {len(new)} new, "
          f"{len(gone)} no longer in the corpus) written to {KNOWN_FAILURES_FILE}")
    changes = [f"  fixed: {case_id}" for case_id in fixed]
    changes += [f"  gone:  {case_id}" for case_id in gone]
    changes += [f"  new:   {case_id}  {failing[case_id]}" for case_id in new]
    shown = 40
    print("\n".join(changes[:shown]))
    if len(changes) > shown:
        print(f"  ... and {len(changes) - shown} more (see the file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
