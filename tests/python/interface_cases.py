"""Interfaces used by test_interfaces.py: each declared with torch.jit.interface (which real
code uses; tscript reads the mark it leaves), so torch.jit and tscript script the same
classes. Kept in a module of their own: qualified names are `__torch__.interface_cases.X`."""

import torch
from torch import Tensor, nn


@torch.jit.interface
class ObjIface:
    def get(self, x: int) -> int:
        pass

    def name(self) -> str:
        pass


class AddK:
    def __init__(self, k: int):
        self.k = k

    def get(self, x: int) -> int:
        return x + self.k

    def name(self) -> str:
        return "AddK"


class Times:
    def __init__(self):
        self.n = 3

    def get(self, x: int) -> int:
        return x * self.n

    def name(self) -> str:
        return "Times"

    def unrelated(self) -> int:
        return 1


class WrongParameterType:
    def __init__(self):
        self.n = 3

    def get(self, x: float) -> int:
        return 1

    def name(self) -> str:
        return "WrongParameterType"


class MissingName:
    def __init__(self):
        self.n = 3

    def get(self, x: int) -> int:
        return 1


def use(o: ObjIface, x: int) -> int:
    return o.get(x) + len(o.name())


def make_and_use(flag: bool) -> int:
    if flag:
        return use(AddK(2), 4)
    return use(Times(), 4)


def use_wrong_parameter_type() -> int:
    return use(WrongParameterType(), 1)


def use_missing_method() -> int:
    return use(MissingName(), 1)


@torch.jit.interface
class ModIf(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        pass


@torch.jit.interface
class TwoMethods(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        pass

    def other(self, x: Tensor, y: int) -> int:
        pass


class Double(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * 2


class AddWeight(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.linspace(-1., 1., 3))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.w


class IntForward(nn.Module):
    def forward(self, x: int) -> int:
        return x


class Holder(nn.Module):
    """`impl` is typed by the interface: dynamic calls, swappable; `plain` is inlined."""
    impl: ModIf

    def __init__(self):
        super().__init__()
        self.impl = Double()
        self.plain = Double()

    def forward(self, x: Tensor) -> Tensor:
        return self.impl(x) + self.impl.forward(x) + self.plain(x)


class WithOther(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x + 1

    def other(self, x: Tensor, y: int) -> int:
        return y * 2 + x.dim()

    def unrelated(self) -> int:
        return 3


class TwoMethodHolder(nn.Module):
    impl: TwoMethods

    def __init__(self):
        super().__init__()
        self.impl = WithOther()

    def forward(self, x: Tensor) -> Tensor:
        return self.impl(x) + self.impl.other(x, 3)


class ObjectAttribute(nn.Module):
    """A method taking a class interface, called with the objects the module holds."""

    def __init__(self):
        super().__init__()
        self.a = AddK(5)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.count(self.a, 2)

    @torch.jit.export
    def count(self, o: ObjIface, n: int) -> int:
        return o.get(n) + len(o.name())


# ---- defaults in interface declarations (1.13 ignores them: "Argument scale not provided") ---

@torch.jit.interface
class ScaledIf(nn.Module):
    def forward(self, x: Tensor, scale: float = 2.0, shift: int = -1) -> Tensor:
        pass


class ScaleThenShift(nn.Module):
    def forward(self, x: Tensor, scale: float = 2.0, shift: int = -1) -> Tensor:
        return x * scale + shift


class ShiftThenScale(nn.Module):
    def forward(self, x: Tensor, scale: float = 2.0, shift: int = -1) -> Tensor:
        return (x + shift) * scale


class OtherDefault(nn.Module):
    def forward(self, x: Tensor, scale: float = 3.0, shift: int = -1) -> Tensor:
        return x * scale


class NoDefault(nn.Module):
    def forward(self, x: Tensor, scale: float, shift: int) -> Tensor:
        return x * scale


class UsesDefaults(nn.Module):
    impl: ScaledIf

    def __init__(self, impl):
        super().__init__()
        self.impl = impl

    def forward(self, x: Tensor) -> Tensor:
        # Every way of leaving defaulted arguments out, and a keyword one.
        return self.impl(x) + self.impl.forward(x, 0.5) + self.impl(x, shift=3)


@torch.jit.interface
class CountIf:
    def count(self, x: int, step: int = 5) -> int:
        pass


class StepCounter:
    def __init__(self):
        self.base = 10

    def count(self, x: int, step: int = 5) -> int:
        return self.base + x * step


def count_with_default(c: CountIf, x: int) -> int:
    return c.count(x) + c.count(x, 1)


def make_and_count(x: int) -> int:
    return count_with_default(StepCounter(), x)


