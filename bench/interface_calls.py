"""Cost of calls through a module interface (dynamic prim::CallMethod) vs inlined calls, for
tscript and torch.jit: a module calling its interface-typed submodule twice and a plain one
once, against the same module without the interface annotation. Then the dispatch itself,
without Python: `tscript run` (TSCRIPT_BIN, default build/bin/tscript) of a saved module whose
forward makes a million interface calls in a loop, on 1 and 2 threads.

    PYTHONPATH=python /usr/bin/python3 bench/interface_calls.py
"""
import os
import subprocess
import sys
import tempfile
import time

import torch
from torch import Tensor, nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))
import interface_cases as cases  # noqa: E402
import tscript  # noqa: E402


class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.impl = cases.Double()
        self.plain = cases.Double()

    def forward(self, x: Tensor) -> Tensor:
        return self.impl(x) + self.impl.forward(x) + self.plain(x)


def main():
    x = torch.randn(3)
    for name, make in (("interface", cases.Holder), ("plain", Plain)):
        for label, script in (("tscript", tscript.script), ("torch.jit", torch.jit.script)):
            module = script(make())
            for _ in range(2000):
                module(x)
            count = 20000
            start = time.perf_counter()
            for _ in range(count):
                module(x)
            print(f"{name:9s} {label:9s} {(time.perf_counter() - start) / count * 1e6:.2f} us/call")


@torch.jit.interface
class Step(nn.Module):
    def forward(self, x: int) -> int:
        pass


class AddOne(nn.Module):
    def forward(self, x: int) -> int:
        return x + 1


class Loop(nn.Module):
    impl: Step

    def __init__(self):
        super().__init__()
        self.impl = AddOne()

    def forward(self, n: int) -> int:
        total = 0
        for _ in range(n):
            total = self.impl.forward(total)
        return total


def dispatch_without_python():
    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.environ.get("TSCRIPT_BIN", os.path.join(here, "..", "build", "bin", "tscript"))
    calls = 1000000
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "loop.pt")
        torch.jit.save(torch.jit.script(Loop()), path)
        for threads in ("1", "2"):
            args = [binary, "run", path, "--input", str(calls), "--bench", "3"]
            if threads != "1":
                args += ["--threads", threads]
            out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
            median = next(line for line in out.splitlines() if "runs: mean" in line)
            median_ms = float(median.split("median ")[1].split(" ms")[0])
            print(f"tscript run, {threads} thread(s): {median_ms / calls * 1e6:.0f} ns per interface call")


if __name__ == "__main__":
    main()
    dispatch_without_python()
