"""How often tscript's `.graph` and `.code` equal torch.jit 1.13's, over the scripting corpus.

Graphs are compared after normalizing what issue 4 allows to differ: value names/numbers
(every `%name` becomes `%v<N>` in order of first appearance) and source-location comments.
The measured rate is pinned as a floor, so a change that makes graphs diverge fails here;
raise the floor when the rate improves.

    PYTHONPATH=python /usr/bin/python3 tests/python/test_graph_equality.py   # prints the rate
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

import tscript  # noqa: E402
from script_corpus import all_cases  # noqa: E402

# The rates measured when these floors were set (see the module docstring). `.code` is
# compared as text, exactly.
EQUALITY_FLOOR = 0.88
CODE_EQUALITY_FLOOR = 0.915

_VALUE = re.compile(r"%[A-Za-z0-9_.$]+")


def normalize(graph_text):
    names = {}
    lines = []
    for line in str(graph_text).splitlines():
        line = line.split(" # ", 1)[0].rstrip()
        line = _VALUE.sub(lambda m: names.setdefault(m.group(0), f"%v{len(names)}"), line)
        lines.append(line)
    return "\n".join(lines)


def measure():
    compared = equal = code_equal = 0
    differing = []
    for case in all_cases():
        if case.tscript_only:
            continue
        try:
            ours = tscript.script(case.fn).graph
        except Exception:
            continue  # not compiled yet: counted by the corpus test, not here
        compared += 1
        reference = torch.jit.script(case.fn)
        if normalize(ours) == normalize(reference.graph):
            equal += 1
        else:
            differing.append(case.id)
        try:
            code_equal += tscript.script(case.fn).code == reference.code
        except Exception:
            pass  # a graph the printer cannot print counts as different
    return compared, equal, code_equal, differing


def test_graph_and_code_equality_rates_do_not_regress():
    compared, equal, code_equal, _ = measure()
    assert compared >= 200, f"only {compared} corpus functions compiled"
    rate = equal / compared
    assert rate >= EQUALITY_FLOOR, f"{equal}/{compared} = {rate:.1%} identical graphs"
    code_rate = code_equal / compared
    assert code_rate >= CODE_EQUALITY_FLOOR, f"{code_equal}/{compared} = {code_rate:.1%} identical .code"


def test_normalize_renames_values_and_drops_comments():
    a = "graph(%x.1 : int):\n  %3 : int = aten::neg(%x.1) # f.py:2:3\n  return (%3)"
    b = "graph(%y : int):\n  %9 : int = aten::neg(%y)\n  return (%9)"
    assert normalize(a) == normalize(b)
    assert normalize(a) != normalize(b.replace("neg", "abs"))


if __name__ == "__main__":
    compared, equal, code_equal, differing = measure()
    print(f"identical graphs: {equal}/{compared} = {equal / compared:.1%}")
    print(f"identical .code:  {code_equal}/{compared} = {code_equal / compared:.1%}")
    for case_id in differing[:20]:
        print("  differs:", case_id)
