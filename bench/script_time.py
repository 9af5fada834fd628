"""Script time of real models: torch.jit.script vs tscript.script, each in a fresh process.

    PYTHONPATH=$PWD/python /usr/bin/python3 bench/script_time.py [--repeat N]

A fresh process per measurement, so neither side answers from a cache filled by an earlier
model (tscript compiles each Python function once per process; torch.jit has its own
caches). Only the `script()` call is timed; importing and building the model is not. Nothing
of tscript's is done at `import tscript` to shorten it: its first `script()` in a process
also sets up the operator registry (schemas parsed per name on first lookup).
Target (issue 5): tscript at least 4x faster for each model.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODELS = ["resnet50", "densenet121", "mobilenet_v3_large", "vit_b_16",
          "fasterrcnn_mobilenet_v3_large_fpn"]
TARGET_SPEEDUP = 4.0

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import torch, torchvision
from torchvision.models import detection
which, name = sys.argv[1], sys.argv[2]
if name in detection.__dict__:
    model = detection.__dict__[name](weights=None, weights_backbone=None).eval()
else:
    model = torchvision.models.__dict__[name](weights=None).eval()
if which == "tscript":
    import tscript
    script = tscript.script
else:
    script = torch.jit.script
start = time.perf_counter()
try:
    script(model)
    print(json.dumps({"seconds": time.perf_counter() - start}))
except Exception as error:
    print(json.dumps({"error": str(error).splitlines()[0][:120]}))
"""


def measure(which, name):
    env = {"PYTHONPATH": str(ROOT / "python"), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, which, name], capture_output=True,
                         text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'model':36} {'torch.jit':>10} {'tscript':>10} {'speedup':>8}")
    for name in MODELS:
        results = {}
        for which in ("torch.jit", "tscript"):
            runs = [measure(which, name) for _ in range(args.repeat)]
            errors = [r["error"] for r in runs if "error" in r]
            results[which] = errors[0] if errors else statistics.median(r["seconds"] for r in runs)
        jit, ours = results["torch.jit"], results["tscript"]
        if isinstance(ours, str) or isinstance(jit, str):
            print(f"{name:36} {jit if isinstance(jit, str) else f'{jit:.3f}s':>10} "
                  f"{'fails' if isinstance(ours, str) else f'{ours:.3f}s':>10}   "
                  f"{ours if isinstance(ours, str) else ''}")
            continue
        speedup = jit / ours
        flag = "" if speedup >= TARGET_SPEEDUP else f"  (target {TARGET_SPEEDUP:.0f}x)"
        print(f"{name:36} {jit:9.3f}s {ours:9.3f}s {speedup:7.1f}x{flag}")


if __name__ == "__main__":
    main()
