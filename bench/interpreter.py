"""Interpreter speed: tscript's interpreter vs torch.jit 1.13 on the same graphs, same run.

The graphs are the ones torch.jit prints for three small programs; tscript parses that text
(`tscript run-ir`) and runs it. Reported: ns per loop iteration for each, and the ratio
tscript / torch.jit (lower is better). Targets (issue 3): (a) <= 0.15, (b) and (c) <= 0.8.

    /usr/bin/python3 bench/interpreter.py [--tscript build/bin/tscript]
"""
import argparse
import os
import pathlib
import re
import subprocess
import tempfile
import time

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]


@torch.jit.script
def int_loop(n: int) -> int:
    s = 0
    for i in range(n):
        s = s + i
    return s


@torch.jit.script
def tensor_add(x: torch.Tensor, n: int) -> torch.Tensor:
    for _ in range(n):
        x = x + 1.0
    return x


@torch.jit.script
def foo(len: int):
    rv = torch.zeros(3, 4)
    for i in range(len):
        if i < 10:
            rv = rv - 1.0
        else:
            rv = rv + 1.0
    return rv


# name, scripted function, tscript run-ir arguments, torch.jit arguments, iterations per call
CASES = [
    ("(a) int loop s = s + i", int_loop, ["100000"], (100000,), 100000),
    ("(b) x = x + 1.0, 1-element tensor", tensor_add, ["tensor:1", "10000"],
     (torch.zeros(1), 10000), 10000),
    ("(c) foo(len): if/else in a loop, 3x4", foo, ["10000"], (10000,), 10000),
]


def time_torchjit(fn, args, iterations, repeats=5):
    fn(*args)  # warm up (profiling executor)
    fn(*args)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn(*args)
        best = min(best, time.perf_counter_ns() - start)
    return best / iterations


def time_tscript(binary, graph_text, args, iterations, repeats=5):
    with tempfile.NamedTemporaryFile("w", suffix=".ir", delete=False) as f:
        f.write(graph_text)
        path = f.name
    try:
        command = [binary, "run-ir", path, "--bench", str(repeats)]
        for arg in args:
            command += ["--arg", arg]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    best_ns = float(re.search(r"best ([0-9.]+) ns", out).group(1))
    return best_ns / iterations


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tscript", default=str(ROOT / "build" / "bin" / "tscript"))
    options = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'case':42} {'torch.jit ns/iter':>18} {'tscript ns/iter':>16} {'ratio':>7}")
    for name, fn, tscript_args, jit_args, iterations in CASES:
        graph_text = str(fn.graph)
        jit = time_torchjit(fn, jit_args, iterations)
        ours = time_tscript(options.tscript, graph_text, tscript_args, iterations)
        print(f"{name:42} {jit:18.1f} {ours:16.1f} {ours / jit:7.3f}")


if __name__ == "__main__":
    main()
