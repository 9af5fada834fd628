"""Cost of calls through a module interface (dynamic prim::CallMethod) vs inlined calls, for
tscript and torch.jit: a module calling its interface-typed submodule twice and a plain one
once, against the same module without the interface annotation.

    PYTHONPATH=python /usr/bin/python3 bench/interface_calls.py
"""
import os
import sys
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


if __name__ == "__main__":
    main()
