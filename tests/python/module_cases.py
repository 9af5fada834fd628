"""Small nn.Modules scripted by test_script_module.py (compiled from this file's source)."""
import enum
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
from torch import nn


class Scale(nn.Module):
    def __init__(self, factor: float):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor


class Affine(nn.Module):
    """A parameter, a buffer, a float attribute."""

    def __init__(self, features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(features, features))
        self.register_buffer("shift", torch.linspace(-1.0, 1.0, features))
        self.gain = 0.5

    def forward(self, x):
        return torch.mm(x, self.weight.t()) * self.gain + self.shift


class Stack(nn.Module):
    """Submodules, a ModuleList, a Sequential, a ModuleDict, constants."""
    __constants__ = ["depth", "names"]

    def __init__(self):
        super().__init__()
        self.first = Affine(4)
        self.blocks = nn.ModuleList([Scale(2.0), Scale(0.5), Scale(3.0)])
        self.tail = nn.Sequential(Scale(1.5), Scale(-1.0))
        self.heads = nn.ModuleDict({"a": Scale(1.0), "b": Scale(4.0)})
        self.depth = 3
        self.names = ["x", "y"]

    def forward(self, x):
        y = self.first(x)
        for block in self.blocks:
            y = block(y)
        for i, block in enumerate(self.blocks):
            y = y + block(y) * i
        y = self.tail(y) + self.blocks[-1](y)
        for name, head in self.heads.items():
            y = y + head(y)
        return y * self.depth + len(self.blocks) + len(self.names)


class Counter(nn.Module):
    """Attribute writes persist on the object; `training` switches behaviour."""
    history: List[int]
    last: Optional[int]

    def __init__(self):
        super().__init__()
        self.calls = 0
        self.total = torch.zeros(3)
        self.history = []
        self.last = None

    def forward(self, x):
        self.calls += 1
        self.total += x
        self.history.append(self.calls)
        self.last = self.calls
        if self.training:
            return x * 2
        return x - 1


class Methods(nn.Module):
    """forward calls other methods; an @export method is compiled too."""

    def __init__(self):
        super().__init__()
        self.inner = Scale(3.0)
        self.offsets: Dict[str, float] = {"low": -1.0, "high": 1.0}

    def forward(self, x, which: str = "low"):
        return self.adjust(self.inner(x), which)

    def adjust(self, x, which: str):
        return x + self.offsets[which]

    @torch.jit.export
    def describe(self, n: int) -> str:
        return "Methods(" + str(n + len(self.offsets)) + ")"


class UsesUnused(nn.Module):
    def forward(self, x):
        if x.sum() > 1000.0:
            return self.debug_only(x)
        return x + 1

    @torch.jit.unused
    def debug_only(self, x) -> torch.Tensor:
        import pdb  # noqa: F401  (Python only: never compiled)
        return x


class Untyped(nn.Module):
    def __init__(self):
        super().__init__()
        self.mixed = [1, "two"]

    def forward(self, x):
        return x + len(self.mixed)


class WritesMissing(nn.Module):
    def forward(self, x):
        self.created_here = x
        return x


class ListIndexedByVariable(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Scale(1.0), Scale(2.0)])

    def forward(self, x, i: int):
        return self.blocks[i](x)


class Window:
    """A TorchScript class: attributes from __init__, methods, constructed in compiled code."""

    def __init__(self, values: torch.Tensor, sizes: List[int]):
        self.values = values
        self.sizes = sizes

    def scaled(self, factor: float) -> "Window":
        return Window(self.values * factor, self.sizes)

    def count(self) -> int:
        return len(self.sizes)


class Pair(NamedTuple):
    low: torch.Tensor
    high: Optional[torch.Tensor] = None


def windows(x: torch.Tensor) -> torch.Tensor:
    w = Window(x, [2, 3]).scaled(2.0)
    p = Pair(w.values, high=x)
    high = p.high
    if high is not None:
        return p.low + high + w.count()
    return p.low


class Overloaded(nn.Module):
    """@_overload_method: one forward for a Tensor and for a List[Tensor] (as densenet)."""

    @torch.jit._overload_method  # noqa: F811
    def forward(self, x: List[torch.Tensor]) -> torch.Tensor:  # noqa: F811
        pass

    @torch.jit._overload_method  # noqa: F811
    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: F811
        pass

    def forward(self, x):  # noqa: F811
        if isinstance(x, torch.Tensor):
            return x + 1
        return torch.cat(x) * 2


class UsesOverloaded(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Overloaded()

    def forward(self, x):
        return self.inner(x) + self.inner([x, x]).sum()


class UsesIgnored(nn.Module):
    """@ignore methods run in Python, with the live module as `self` (reads and writes)."""

    def __init__(self):
        super().__init__()
        self.calls = 0
        self.scale = Scale(2.0)

    def forward(self, x):
        y = self.record(x, 3)
        self.log(y)
        return self.scale(y) + self.calls

    @torch.jit.ignore
    def record(self, x: torch.Tensor, n: int) -> torch.Tensor:
        self.calls += 1
        return x * n + self.scale.factor

    @torch.jit.ignore
    def log(self, y):
        SEEN_BY_LOG.append(type(self).__name__)  # no annotation: returns None, as 1.13 allows


SEEN_BY_LOG = []


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Unit(enum.Enum):
    KM = "km"
    MILE = "mile"


class Ratio(enum.Enum):
    HALF = 0.5
    DOUBLE = 2.0


class UsesEnums(nn.Module):
    """Enums as an attribute, a parameter, constants; .name, .value, ==, !=, iteration."""

    def __init__(self):
        super().__init__()
        self.color = Color.GREEN
        self.ratio = Ratio.HALF

    def forward(self, x, c: Color, unit: Unit = Unit.KM):
        y = x
        if c == Color.RED:
            y = y + 1
        if self.color != c:
            y = y * c.value
        for k in Color:
            if k != c:
                y = y + k.value
        y = y * self.ratio.value
        return y, c.name + "/" + unit.value, unit

    @torch.jit.export
    def favourite(self) -> Color:
        return self.color


class Mixed(enum.Enum):
    ONE = 1
    NAME = "one"


def constant_enum_members(x: float) -> Tuple[float, str, str]:
    # .value/.name of constant members: constants in 1.13's graph (constant propagation).
    return x * Ratio.DOUBLE.value + Color.BLUE.value, Unit.MILE.value, Color.GREEN.name


def constant_enum_value(x: float) -> float:
    return x * Ratio.DOUBLE.value


def pick_unit(long_way: bool) -> Unit:
    return Unit.MILE if long_way else Unit.KM


def uses_mixed(x: torch.Tensor) -> int:
    return Mixed.ONE.value


def make_pair(x: torch.Tensor) -> Pair:
    return Pair(x, x + 1)


class ReturnsPair(nn.Module):
    def forward(self, x) -> Pair:
        return make_pair(x * 2)


class UsesStatic(nn.Module):
    """@staticmethod: a function called through self (prim::CallFunction in 1.13)."""

    def forward(self, x):
        return self.twice(x) + UsesStatic.twice(x)

    @staticmethod
    def twice(x: torch.Tensor) -> torch.Tensor:
        return x * 2



class Vec:
    """A TorchScript class with operator methods."""

    def __init__(self, values: List[int]):
        self.values = values

    def __add__(self, other: "Vec") -> "Vec":
        return Vec([a + b for a, b in zip(self.values, other.values)])

    def __eq__(self, other: "Vec") -> bool:
        return self.values == other.values

    def __lt__(self, other: "Vec") -> bool:
        return sum(self.values) < sum(other.values)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, i: int) -> int:
        return self.values[i]

    def __contains__(self, v: int) -> bool:
        return v in self.values


def vec_operators(n: int) -> List[int]:
    a = Vec([1, 2, n])
    b = Vec([n, 0, 1])
    c = a + b
    return [len(c), c[2], int(c == Vec([1 + n, 2, n + 1])), int(a < b), int(3 in c), int(9 in c)]


class Job:
    """Ordered by priority only (__lt__), so equal priorities show whether a sort is stable."""

    def __init__(self, priority: int, name: str):
        self.priority = priority
        self.name = name

    def __lt__(self, other: "Job") -> bool:
        return self.priority < other.priority


def _job_names(jobs: List[Job]) -> List[str]:
    return [job.name for job in jobs]


def sort_jobs(priorities: List[int]) -> List[List[str]]:
    jobs = [Job(p, "j" + str(i)) for i, p in enumerate(priorities)]
    ascending = sorted(jobs)
    in_place = [Job(p, "k" + str(i)) for i, p in enumerate(priorities)]
    in_place.sort()
    descending = [Job(p, "r" + str(i)) for i, p in enumerate(priorities)]
    descending.sort(reverse=True)
    return [_job_names(ascending), _job_names(jobs), _job_names(in_place), _job_names(descending)]


def sorted_jobs_reversed(priorities: List[int]) -> List[str]:
    # sorted(..., reverse=True): 1.13 has no `reverse` for sorted(); tscript accepts it.
    jobs = [Job(p, "j" + str(i)) for i, p in enumerate(priorities)]
    return _job_names(sorted(jobs, reverse=True))


class WithProperties(nn.Module):
    """@property getters are compiled as methods; __jit_unused_properties__ are not."""
    __jit_unused_properties__ = ["debug_view"]

    def __init__(self):
        super().__init__()
        self.k = 3

    @property
    def double_k(self) -> int:
        return self.k * 2

    @property
    def debug_view(self):
        import pdb  # noqa: F401  (never compiled)
        return self.k

    def forward(self, x):
        return x * self.double_k


class WithPropertySetter(nn.Module):
    """A @property with a setter: `self.k = v` in forward calls the setter (1.13 compiles it
    as `__k_setter`)."""

    def __init__(self):
        super().__init__()
        self._k = 3

    @property
    def k(self) -> int:
        return self._k

    @k.setter
    def k(self, value: int) -> None:
        self._k = value * 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.k = self.k + 1
        return x * self.k


class HasattrAndModuleIsinstance(nn.Module):
    """hasattr(self, ...) and isinstance(submodule, nn.Module class), decided when compiling,
    as nn.TransformerEncoder's forward uses them."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
        self.scale = 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        first = self.layers[0]
        second = self.layers[1]
        if isinstance(first, nn.Linear):
            x = x + 1
        if not isinstance(second, nn.Linear):
            x = x * 2
        if hasattr(self, "scale"):
            x = x * self.scale
        if not hasattr(self, "missing"):
            x = x - 1
        return x


class ModuleIsinstanceOfBaseClasses(nn.Module):
    """isinstance against a base class and a tuple of classes: Python's answer (1.13 compares
    type names and rejects these)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        second = self.layers[1]
        if isinstance(second, nn.Module):
            x = x * 2
        if isinstance(second, (nn.Linear, nn.GELU)):
            x = x * 3
        return x


class Hooked(nn.Module):
    def forward(self, x):
        return x + 1


def times_ten(module: nn.Module, inputs: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inputs[0] * 10,)


def doubled(module: nn.Module, inputs: Tuple[torch.Tensor], output: torch.Tensor) -> torch.Tensor:
    return output * 2


def observe(module: nn.Module, inputs: Tuple[torch.Tensor], output: torch.Tensor) -> None:
    pass


class CallsHooked(nn.Module):
    """A submodule with a pre-hook and hooks; the module itself has a hook."""

    def __init__(self):
        super().__init__()
        self.inner = Hooked()
        self.inner.register_forward_pre_hook(times_ten)
        self.inner.register_forward_hook(doubled)
        self.inner.register_forward_hook(observe)
        self.register_forward_hook(doubled)

    def forward(self, x):
        return self.inner(x) - 1
