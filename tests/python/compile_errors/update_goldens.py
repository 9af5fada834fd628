"""Rewrite the .expected goldens of tests/python/compile_errors from tscript's actual errors.

    PYTHONPATH=$PWD/python /usr/bin/python3 tests/python/compile_errors/update_goldens.py [CASE...]

Without arguments every case is rewritten; prints the cases whose text changed (review the
diff before committing). A case that compiles without error is reported (unless it is marked
TSCRIPT_BUG) and left alone.
"""
import pathlib
import sys

# Runs as a script: make `compile_errors` importable the way the pytest conftest does.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from compile_errors import (CompiledWithoutError, case_names, expected_path,  # noqa: E402
                            load_case, tscript_error_text)


def main(names) -> int:
    status = 0
    for name in names or case_names():
        try:
            text = tscript_error_text(load_case(name))
        except CompiledWithoutError as error:
            if not getattr(load_case(name), "TSCRIPT_BUG", ""):
                print(f"  compiles: {name} ({error})")
                status = 1
            continue
        golden = expected_path(name)
        if not golden.exists() or golden.read_text() != text:
            print(f"  {'changed' if golden.exists() else 'new'}: {name}")
            golden.write_text(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
