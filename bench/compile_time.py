"""Compile time per function: torch.jit.script vs tscript.script over the scripting corpus.

    PYTHONPATH=$PWD/python /usr/bin/python3 bench/compile_time.py [--repeat N] [--module NAME]

Every corpus function that torch.jit 1.13 compiles is scripted by both, in the same run.
Each compile gets fresh function objects (the function, every other function of its module
and a copy of the module's globals), so neither torch.jit's per-function cache nor one of
tscript's can answer from an earlier compile; callees are compiled again each time.
Compile time is the `script()` call only (both compile eagerly; optimization at first call is
not included). Target (issue 4): tscript at least 5x faster. A function tscript cannot
compile yet is counted and left out of the ratio. Exits 0 without tscript, after printing
torch.jit's numbers.
"""
import argparse
import pathlib
import statistics
import sys
import time
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))  # script_corpus
sys.path.insert(0, str(ROOT / "python"))            # tscript, from the source tree

import torch  # noqa: E402

from script_corpus import all_cases  # noqa: E402

TARGET_SPEEDUP = 5.0


def load_tscript_script():
    """tscript.script, or None with the reason it is unavailable."""
    try:
        import tscript
    except ImportError as error:
        return None, f"import tscript failed ({error})"
    script = getattr(tscript, "script", None)
    if script is None:
        return None, "tscript.script does not exist yet"
    return script, ""


def fresh_copy(fn):
    """A new function object for `fn`, whose module-level functions are new objects too."""
    module_globals = fn.__globals__
    new_globals = dict(module_globals)
    for name, value in module_globals.items():
        if isinstance(value, types.FunctionType) and value.__module__ == fn.__module__:
            copy = types.FunctionType(value.__code__, new_globals, value.__name__,
                                      value.__defaults__, value.__closure__)
            copy.__dict__.update(value.__dict__)  # keeps @torch.jit.ignore's marker
            copy.__qualname__ = value.__qualname__
            copy.__module__ = value.__module__
            copy.__annotations__ = dict(value.__annotations__)
            copy.__kwdefaults__ = value.__kwdefaults__
            new_globals[name] = copy
    return new_globals[fn.__name__]


def time_compile(script, fn):
    fresh = fresh_copy(fn)
    start = time.perf_counter()
    script(fresh)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="compiles per function and tool")
    parser.add_argument("--module", help="only the cases of this corpus module")
    args = parser.parse_args()

    cases = [c for c in all_cases() if not c.tscript_only
             and (args.module is None or c.module == args.module)]
    tscript_script, why_missing = load_tscript_script()

    jit_ms, ts_ms, ts_failures = {}, {}, []
    for case in cases:
        jit_ms[case.id] = min(time_compile(torch.jit.script, case.fn)
                              for _ in range(args.repeat)) * 1e3
        if tscript_script is None:
            continue
        try:
            ts_ms[case.id] = min(time_compile(tscript_script, case.fn)
                                 for _ in range(args.repeat)) * 1e3
        except Exception:  # not compilable by tscript yet: reported, not timed
            ts_failures.append(case.id)

    print(f"compile time over {len(cases)} corpus functions (best of {args.repeat} each)")
    print(f"{'':12} {'functions':>9} {'mean ms':>8} {'median ms':>9} {'max ms':>7}")
    rows = [("torch.jit", list(jit_ms.values()))]
    if tscript_script is not None:
        rows.append(("tscript", list(ts_ms.values())))
    for name, values in rows:
        if values:
            print(f"{name:12} {len(values):9d} {statistics.mean(values):8.2f} "
                  f"{statistics.median(values):9.2f} {max(values):7.2f}")
    if tscript_script is None:
        print(f"tscript: not measured: {why_missing}")
        return 0
    if ts_failures:
        print(f"tscript could not compile {len(ts_failures)} functions (left out of the ratio)")
    if not ts_ms:
        return 0
    both = sorted(ts_ms)
    ratio = statistics.mean(jit_ms[i] for i in both) / statistics.mean(ts_ms[i] for i in both)
    verdict = "meets" if ratio >= TARGET_SPEEDUP else "misses"
    print(f"speedup torch.jit / tscript over {len(both)} functions both compile: {ratio:.1f}x "
          f"({verdict} the {TARGET_SPEEDUP:.0f}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
