"""Load time of torch.jit.save archives: tscript.load (C++ loader, from Python) vs torch.jit.load,
for torchvision's resnet18 and resnet50 (scripted, eval). Reports the median of N loads each
and the ratio; the archives are written to a temporary folder first (and read once, so the page
cache is warm for both).

tscript maps the archive and uses its tensor records in place, so its tensor data is read from
the page cache at first use: the "load+run" columns (load, then one forward on a 1x3x224x224
input) show what that moves into the first call.

Run: PYTHONPATH=python /usr/bin/python3 bench/load_time.py [--repeat 5]
"""
import argparse
import os
import statistics
import tempfile
import time

import torch
import torchvision

import tscript


def timed(load, path, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        module = load(path)
        times.append(time.perf_counter() - start)
        del module
    return statistics.median(times)


def timed_with_run(load, path, repeat, x):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        module = load(path)
        with torch.no_grad():
            module(x)
        times.append(time.perf_counter() - start)
        del module
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--models", default="resnet18,resnet50")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models.split(","):
            path = os.path.join(folder, name + ".pt")
            torch.jit.save(torch.jit.script(getattr(torchvision.models, name)().eval()), path)
            ours = timed(tscript.load, path, args.repeat)
            reference = timed(torch.jit.load, path, args.repeat)
            x = torch.randn(1, 3, 224, 224)
            ours_run = timed_with_run(tscript.load, path, args.repeat, x)
            reference_run = timed_with_run(torch.jit.load, path, args.repeat, x)
            size = os.path.getsize(path) / 2**20
            print(f"{name:10s} {size:6.1f} MiB  tscript.load {ours * 1e3:7.1f} ms  "
                  f"torch.jit.load {reference * 1e3:7.1f} ms  ratio {ours / reference:.2f}x  |  "
                  f"load+run {ours_run * 1e3:7.1f} ms vs {reference_run * 1e3:7.1f} ms  "
                  f"ratio {ours_run / reference_run:.2f}x")


if __name__ == "__main__":
    main()
