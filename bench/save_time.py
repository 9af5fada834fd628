"""Save time of torchvision's resnet50 (scripted, eval): tscript.save of a tscript-scripted module
and of a tscript.load'ed archive vs torch.jit.save of the torch.jit-scripted module, in the same
run. Each figure is the median of N saves to a file in a temporary folder (page cache, no fsync).

Run: PYTHONPATH=python /usr/bin/python3 bench/save_time.py [--repeat 5] [--models resnet50]
"""
import argparse
import os
import statistics
import tempfile
import time

import torch
import torchvision

import tscript


def timed(save, module, path, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        save(module, path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--models", default="resnet50")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.models.split(","):
            eager = getattr(torchvision.models, name)().eval()
            theirs = torch.jit.script(eager)
            ours = tscript.script(eager)
            path = os.path.join(folder, name + ".pt")
            reference = timed(torch.jit.save, theirs, path, args.repeat)
            scripted = timed(tscript.save, ours, path, args.repeat)
            loaded = timed(tscript.save, tscript.load(path), path, args.repeat)
            size = os.path.getsize(path) / 2**20
            print(f"{name:10s} {size:6.1f} MiB  torch.jit.save {reference * 1e3:7.1f} ms  "
                  f"tscript.save {scripted * 1e3:7.1f} ms (ratio {scripted / reference:.2f}x)  "
                  f"tscript.save of a loaded archive {loaded * 1e3:7.1f} ms "
                  f"(ratio {loaded / reference:.2f}x)")


if __name__ == "__main__":
    main()
