"""Modules, functions and classes scripted by test_module_objects.py (compiled from this
file's source): parameter containers, early returns inside unrolled loops, operators'
named returns, script-class instances crossing the Python boundary."""
from typing import List, Optional, Tuple

import torch
from torch import nn


# ---- nn.ParameterList / nn.ParameterDict ------------------------------------------------------

class ParameterContainers(nn.Module):
    """Every use of parameter containers torch.jit 1.13 accepts: iteration, enumerate, zip,
    integer (also negative) and string-literal indexing."""

    def __init__(self):
        super().__init__()
        self.scales = nn.ParameterList([nn.Parameter(torch.randn(3)) for _ in range(3)])
        self.shifts = nn.ParameterList([nn.Parameter(torch.randn(3)) for _ in range(3)])
        self.named = nn.ParameterDict({"gain": nn.Parameter(torch.randn(3)),
                                       "bias": nn.Parameter(torch.randn(3))})

    def forward(self, x):
        for p in self.scales:
            x = x * p
        for i, p in enumerate(self.shifts):
            x = x + p * i
        for p, q in zip(self.scales, self.shifts):
            x = x - p * q
        return x * self.named["gain"] + self.named["bias"] + self.scales[-1] * self.shifts[0]


# ---- a return inside a loop over a module list (unrolled) -------------------------------------

class Layer(nn.Module):
    def __init__(self, features: int):
        super().__init__()
        self.linear = nn.Linear(features, features)

    def forward(self, x):
        return torch.relu(self.linear(x))


class IntermediateOutputs(nn.Module):
    """torchaudio's wav2vec2 Transformer.get_intermediate_outputs: the loop over the layers
    returns as soon as it has num_layers outputs."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Layer(4) for _ in range(3)])

    def forward(self, x, num_layers: Optional[int] = None) -> List[torch.Tensor]:
        ret: List[torch.Tensor] = []
        for layer in self.layers:
            x = layer(x)
            ret.append(x)
            if num_layers is not None and len(ret) >= num_layers:
                return ret
        return ret


class FirstLarge(nn.Module):
    """A return in an if/else inside the unrolled loop, code after the loop, and the unrolled
    loop inside a real loop (its return leaves both)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Layer(4) for _ in range(3)])

    def forward(self, x, limit: float, rounds: int):
        for r in range(rounds):
            for i, layer in enumerate(self.layers):
                x = layer(x) + 0.5
                if bool(x.sum() > limit):
                    return x * 0, r * 10 + i
                else:
                    x = x - 0.25
        x = x + 1
        return x, -1


# ---- operators' named returns -----------------------------------------------------------------

def named_returns(x):
    best = x.max(dim=1)
    top = torch.topk(x, 2).values
    order = x.sort(dim=0).indices
    return best.values + best.indices, top, order, best


def named_returns_in_branches(x, flag: bool):
    if flag:
        r = x.min(dim=0)
    else:
        r = x.max(dim=0)
    return r.indices * 2 + r.values


# ---- script-class instances passed in and out -------------------------------------------------

@torch.jit.script
class JitCounter:
    def __init__(self, start: int):
        self.n = start
        self.total = torch.zeros(2)

    def bump(self, k: int) -> int:
        self.n += k
        return self.n


class Counter:
    def __init__(self, start: int):
        self.n = start
        self.total = torch.zeros(2)

    def bump(self, k: int) -> int:
        self.n += k
        return self.n


def use_counter(c: Counter, x: torch.Tensor) -> Counter:
    c.bump(2)
    c.total = c.total + x
    return c


def use_jit_counter(c: JitCounter, x: torch.Tensor) -> JitCounter:
    c.bump(2)
    c.total = c.total + x
    return c


def make_counter(n: int) -> Counter:
    return Counter(n)


def counters(n: int) -> Tuple[List[Counter], Optional[Counter]]:
    return [Counter(n), Counter(n + 1)], None


class TakesCounter(nn.Module):
    def forward(self, c: Counter, k: int) -> Tuple[int, Counter]:
        return c.bump(k), c
