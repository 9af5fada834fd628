"""Modules saved with torch.jit.save and loaded by tscript (tests/python/test_archive_load.py,
and the fixtures of tests/cpp/api/ made by tests/cpp/api/data/make_fixtures.py).

Each entry of CASES is (name, make_module, make_inputs): the module is scripted by torch.jit
and saved; tscript must load it and give eager's outputs.
"""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F


def scale_add(a: torch.Tensor, b: torch.Tensor, s: float = 2.0) -> torch.Tensor:
    return a * s + b


class Sub(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)

    def forward(self, x):
        return F.relu(self.lin(x))


class Attributes(torch.nn.Module):
    """Every attribute kind data.pkl holds, used by forward."""
    count: int
    sizes: List[int]
    scales: List[float]
    flags: List[bool]
    names: List[str]
    table: Dict[str, torch.Tensor]
    ids: Dict[str, int]
    pair: Tuple[int, str, float]
    maybe: Optional[torch.Tensor]
    given: Optional[torch.Tensor]
    words: List[List[int]]

    def __init__(self):
        super().__init__()
        self.sub = Sub()
        self.weight = torch.nn.Parameter(torch.ones(2) * 0.5)
        self.register_buffer("running", torch.arange(2, dtype=torch.float32))
        self.count = 3
        self.sizes = [1, 2, 3]
        self.scales = [0.5, 1.5]
        self.flags = [True, False]
        self.names = ["a", "bc"]
        self.table = {"x": torch.tensor([1.0, -1.0]), "y": torch.tensor([2.0, 0.5])}
        self.ids = {"a": 1, "b": 2}
        self.pair = (4, "four", 4.5)
        self.maybe = None
        self.given = torch.tensor([0.25, 0.75])
        self.words = [[1], [2, 3]]
        self.name = "hello"
        self.ratio = 0.125
        self.enabled = True
        self.dev = torch.device("cpu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.sub(x)
        y = scale_add(y, self.weight, self.scales[1])
        mb = self.maybe
        if mb is not None:
            y = y + mb
        gv = self.given
        if gv is not None:
            y = y * gv
        for i in range(self.count):
            y = y + float(self.sizes[i % 3])
        for k, v in self.table.items():
            y = y + v * len(k)
        if self.enabled and self.flags[0]:
            y = y + self.ratio
        y = y + self.ids["b"] + self.pair[0] + self.pair[2] + len(self.names[1]) + len(self.name)
        y = y + len(self.words[1])
        return (y + self.running).to(self.dev)

    @torch.jit.export
    def describe(self, k: int = 2, suffix: str = "!") -> str:
        return self.name + str(self.sizes[k]) + suffix


class Stateful(torch.nn.Module):
    """__getstate__/__setstate__: data.pkl holds the state tuple."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))
        self.offset = 1.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.w + self.offset

    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, float, bool]:
        return (self.w, self.offset, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, float, bool]) -> None:
        self.w = state[0]
        self.offset = state[1]
        self.training = state[2]


class Controls(torch.nn.Module):
    """Control flow, tuples, lists, strings, Optional arguments, a ModuleList and a
    Sequential, functions from torch.nn.functional."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)])
        self.seq = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.BatchNorm2d(2),
                                       torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.drop = torch.nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, image: torch.Tensor, n: int = 2,
                scale: Optional[float] = None) -> Tuple[torch.Tensor, List[int], str]:
        for layer in self.layers:
            x = torch.tanh(layer(x))
        sizes: List[int] = []
        i = 0
        while i < n:
            sizes.append(i * i)
            i += 1
            if i > 5:
                break
        if scale is not None:
            x = x * scale
        z = self.seq(image)
        x = self.drop(x) + z.sum()
        x = F.softmax(x, dim=-1) + F.gelu(x) + F.layer_norm(x, [4])
        return x, sizes, f"n={n}"


def cases():
    torch.manual_seed(0)
    return [
        ("attributes", Attributes, lambda: (torch.randn(4, 3),)),
        ("stateful", Stateful, lambda: (torch.randn(3),)),
        ("controls", lambda: Controls().eval(), lambda: (torch.randn(3, 4), torch.randn(2, 1, 6, 6), 4, 0.5)),
    ]
