"""Trace time: torch.jit.trace vs tscript.trace on torchvision's resnet18.

    PYTHONPATH=$PWD/python /usr/bin/python3 bench/trace_time.py [--repeat N] [--size S]

Two ways: as a function of the input that calls the module (eval mode, parameters frozen:
they are captured as tensor constants by both tracers), and as a module (`trace(model, x)`:
parameters read with prim::GetAttr, one method per submodule call; eval mode, parameters
requiring grad as usual). Two timings each, in the same run: `check_trace=False` (one recorded run) and the default
`check_trace=True` (1.13 re-traces and runs the trace and the Python function once more).
The median of N runs is reported, and the ratio tscript / torch.jit (issue 7's target: at
most 0.5); the two tracers take turns, one run each per round, so that the load of a shared
machine weighs on both alike. Also checks once that the traced function gives eager's result.
"""
import argparse
import pathlib
import statistics
import sys
import time
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

import torch  # noqa: E402
import torchvision  # noqa: E402

import tscript  # noqa: E402

TARGET_RATIO = 0.5


def frozen_resnet18():
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model


def timed_pair(fn, inputs, check_trace, repeat):
    """Median times of torch.jit.trace and tscript.trace, taken in turns (one of each per
    round), so that a shared machine's changing load weighs on both alike."""
    times = {torch.jit.trace: [], tscript.trace: []}
    for _ in range(repeat):
        for trace in times:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                trace(fn, inputs, check_trace=check_trace)
                times[trace].append(time.perf_counter() - start)
    return statistics.median(times[torch.jit.trace]), statistics.median(times[tscript.trace])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", type=int, default=224, help="input height and width")
    args = parser.parse_args()
    torch.set_num_threads(1)

    model = frozen_resnet18()

    def resnet18(x):
        return model(x)

    inputs = (torch.rand(1, 3, args.size, args.size),)
    traced = tscript.trace(resnet18, inputs, check_trace=False)
    other = torch.rand(2, 3, args.size, args.size)
    torch.testing.assert_close(traced(other), model(other), rtol=1e-4, atol=1e-4)

    print("trace time of resnet18 (input 1x3x%dx%d, median of %d, 1 thread)"
          % (args.size, args.size, args.repeat))
    torch.manual_seed(0)
    module = torchvision.models.resnet18().eval()
    traced_module = tscript.trace(module, inputs, check_trace=False)
    torch.testing.assert_close(traced_module(other), module(other), rtol=1e-4, atol=1e-4)

    print("%-30s %12s %12s %8s" % ("", "torch.jit", "tscript", "ratio"))
    ratios = []
    for what, fn in (("function", resnet18), ("module", module)):
        for check_trace in (False, True):
            jit, ours = timed_pair(fn, inputs, check_trace, args.repeat)
            ratios.append(ours / jit)
            print("%-30s %10.3f s %10.3f s %7.2fx" % (
                "%s, check_trace=%s" % (what, check_trace), jit, ours, ours / jit))
    print("target: at most %.1fx of torch.jit's time: %s" % (
        TARGET_RATIO, "met" if max(ratios) <= TARGET_RATIO else "not met"))


if __name__ == "__main__":
    main()
