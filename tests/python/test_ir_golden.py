"""Golden IR tests: every tests/ir/*.ir runs through `tscript opt` and `tscript filecheck`.

A golden file is a graph in `.graph` text plus comment lines (the IR parser skips lines whose
first non-blank character is `#`):
    # PASSES: a,b          passes for `tscript opt --passes=a,b` (default: none, a round trip)
    # EXPECT-ERROR: text   `tscript opt` must fail with `text` in its error output
    # CHECK: ...           FileCheck directives applied to the output of `tscript opt`
Interpreter goldens (tests/ir/interpreter/) add:
    # RUN: --arg 3 ...     run the graph with `tscript run-ir FILE <args>`
    # OUTPUT: line         the expected output, one directive per line, in order
    # RUN-ERROR: text      run-ir must fail with `text` in its error output (each one)

Run: TSCRIPT_BIN=build-ir/bin/tscript /usr/bin/python3 -m pytest tests/python/test_ir_golden.py
"""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TSCRIPT = Path(os.environ.get("TSCRIPT_BIN", REPO / "build" / "bin" / "tscript"))
GOLDEN = sorted((REPO / "tests" / "ir").rglob("*.ir"))


def directives(text, name):
    prefix = "# " + name + ":"
    return [line.strip()[len(prefix):].strip() for line in text.splitlines()
            if line.strip().startswith(prefix)]


def directive(text, name):
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# " + name + ":"):
            return stripped[len(name) + 3:].strip()
    return None


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
@pytest.mark.parametrize("path", GOLDEN, ids=[str(p.relative_to(REPO / "tests" / "ir")) for p in GOLDEN])
def test_golden(path):
    text = path.read_text()
    command = [str(TSCRIPT), "opt"]
    passes = directive(text, "PASSES")
    if passes:
        command.append("--passes=" + passes)
    command.append(str(path))
    opt = subprocess.run(command, capture_output=True, text=True)

    expected_error = directive(text, "EXPECT-ERROR")
    if expected_error is not None:
        assert opt.returncode != 0, f"expected failure, got output:\n{opt.stdout}"
        assert expected_error in opt.stderr
        return

    assert opt.returncode == 0, opt.stderr
    run_args = directive(text, "RUN")
    if run_args is not None:
        check_run(path, text, run_args)
        return
    check = subprocess.run([str(TSCRIPT), "filecheck", str(path)], input=opt.stdout,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # Without passes the output is the graph of the file, byte for byte.
    if not passes or passes == "verify":
        graph_lines = [l for l in text.splitlines(keepends=True)
                       if l.strip() and not l.lstrip().startswith("#")]
        assert opt.stdout == "".join(graph_lines)


def check_run(path, text, run_args):
    run = subprocess.run([str(TSCRIPT), "run-ir", str(path)] + run_args.split(),
                         capture_output=True, text=True, timeout=60)
    expected_errors = directives(text, "RUN-ERROR")
    if expected_errors:
        assert run.returncode == 1, run.stdout
        for expected_error in expected_errors:
            assert expected_error in run.stderr, run.stderr
        return
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == directives(text, "OUTPUT")


GRAPH = "graph(%a : int):\n  %b : int = aten::neg(%a)\n  return (%b)\n"


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
def test_opt_reads_stdin_and_checks_inline(tmp_path):
    out = subprocess.run([str(TSCRIPT), "opt", "-"], input=GRAPH, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == GRAPH
    checks = tmp_path / "checks.txt"
    checks.write_text("# CHECK: aten::neg(%a)\n# CHECK-NEXT: return (%b)\n")
    ok = subprocess.run([str(TSCRIPT), "opt", "--check", str(checks), "-"], input=GRAPH,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    checks.write_text("# CHECK: aten::mul\n")
    bad = subprocess.run([str(TSCRIPT), "opt", "--check", str(checks), "-"], input=GRAPH,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "CHECK: aten::mul" in bad.stderr and "expected string not found" in bad.stderr


@pytest.mark.skipif(not TSCRIPT.exists(), reason=f"{TSCRIPT} not built")
def test_filecheck_usage_errors(tmp_path):
    assert subprocess.run([str(TSCRIPT), "filecheck"], capture_output=True).returncode == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("no directives\n")
    result = subprocess.run([str(TSCRIPT), "filecheck", str(empty)], input="x", capture_output=True, text=True)
    assert result.returncode == 2 and "no CHECK: directives" in result.stderr
