"""Modules with enums, NamedTuples and forward hooks, for the archive tests
(test_archive_named_types.py). A file of its own: torch.jit and tscript need their source."""
import enum
from typing import NamedTuple, Optional, Tuple

import torch


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


class Scale(enum.Enum):
    HALF = 0.5
    DOUBLE = 2.0


class Out(NamedTuple):
    value: torch.Tensor
    code: int
    extra: Optional[torch.Tensor]


class EnumsAndNamedTuples(torch.nn.Module):
    """Enum attributes of the three value kinds, an enum parameter, enum constants, .name and
    .value, and a NamedTuple result."""

    def __init__(self):
        super().__init__()
        self.color = Color.GREEN
        self.mode = Mode.SLOW
        self.scale = Scale.DOUBLE

    def forward(self, x: torch.Tensor, c: Color) -> Out:
        if c == Color.RED:
            x = x + 1
        if self.color == c:
            x = x * 2
        if self.mode == Mode.SLOW:
            x = x - 0.5
        extra: Optional[torch.Tensor] = None
        if c.name == "GREEN":
            extra = x * self.scale.value
        return Out(x, c.value, extra)


class TakesNamedTuple(torch.nn.Module):
    def forward(self, o: Out) -> torch.Tensor:
        extra = o.extra
        if extra is None:
            return o.value * o.code
        return o.value + extra


class Hooked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.full((3,), 1.5))
        self.register_forward_pre_hook(double_input)
        self.register_forward_pre_hook(keep_input)
        self.register_forward_hook(add_one)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.w


def double_input(module: Hooked, inputs: Tuple[torch.Tensor]) -> Tuple[torch.Tensor]:
    return (inputs[0] * 2,)


def keep_input(module: Hooked, inputs: Tuple[torch.Tensor]) -> None:
    return None


def add_one(module: Hooked, inputs: Tuple[torch.Tensor], output: torch.Tensor) -> torch.Tensor:
    return output + 1


class CallsHooked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Hooked()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x) - 3
