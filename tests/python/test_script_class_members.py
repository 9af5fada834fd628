"""Members of TorchScript classes beyond plain methods: @property getters and setters,
@staticmethod, and @classmethod (which 1.13 does not support), compared with eager Python and,
where 1.13 compiles the code, with torch.jit.

1.13 (checked here, see the *_torch_jit_* tests): properties and setters of script classes are
methods `__<name>_getter`/`__<name>_setter`; a static method can be called as `Cls.f(x)` from
outside the class only (`self.f(x)` is "no attribute or method 'f'", and `Cls.f` inside the
class's own methods "unknown attribute on class"); a @classmethod is an internal assertion
failure. tscript also accepts `self.f(x)` and `Cls.f(x)` inside the class, and rejects a
@classmethod with an error that says what to write instead.
"""
import pytest
import torch

import tscript


class Box:
    def __init__(self, w: float, h: float):
        self._w = w
        self.h = h

    @property
    def w(self) -> float:
        return self._w

    @w.setter
    def w(self, value: float):
        self._w = value * 2

    @property
    def area(self) -> float:
        return self._w * self.h

    @staticmethod
    def unit() -> float:
        return 1.0

    @staticmethod
    def scale(x: float, k: float) -> float:
        return x * k

    def grown(self, k: float) -> float:
        return self.area * k


def use_properties(x: float) -> float:
    b = Box(x, 2.0)
    b.w = 3.0
    return b.w + b.area + b.grown(2.0)


def use_static_through_class(x: float) -> float:
    return Box.scale(x, 3.0) + Box.unit()


class Counter:
    def __init__(self, start: int):
        self.count = start

    @staticmethod
    def step(n: int) -> int:
        return n + 1

    @staticmethod
    def twice(n: int) -> int:
        return Counter.step(Counter.step(n))  # the class by name, inside its own method

    @property
    def doubled(self) -> int:
        return self.count * 2

    @doubled.setter
    def doubled(self, value: int):
        self.count = value // 2

    def advance(self) -> int:
        self.count = self.step(self.count)  # a static method through self
        return self.count


def use_static_inside_class(n: int) -> int:
    c = Counter(n)
    c.advance()
    c.doubled = c.doubled + 10
    return c.advance() + Counter.twice(n) + c.doubled


class Tensors:
    def __init__(self, x: torch.Tensor):
        self.x = x

    @property
    def total(self) -> torch.Tensor:
        return self.x.sum()

    @staticmethod
    def normalize(t: torch.Tensor) -> torch.Tensor:
        return t / t.norm()


def use_tensor_members(x: torch.Tensor) -> torch.Tensor:
    t = Tensors(x)
    return Tensors.normalize(t.x) * t.total


@pytest.mark.parametrize("fn, args", [
    (use_properties, (1.5,)),
    (use_properties, (-4.0,)),
    (use_static_through_class, (2.5,)),
    (use_tensor_members, (torch.arange(1.0, 5.0),)),
])
def test_matches_eager_and_torch_jit(fn, args):
    expected = fn(*args)
    torch.testing.assert_close(tscript.script(fn)(*args), expected)
    torch.testing.assert_close(torch.jit.script(fn)(*args), expected)


@pytest.mark.parametrize("n", [0, 5, -3])
def test_static_methods_inside_the_class_match_eager(n):
    # tscript only: 1.13 rejects both `self.step(...)` and `Counter.step(...)` here.
    assert tscript.script(use_static_inside_class)(n) == use_static_inside_class(n)


def test_torch_jit_rejects_static_methods_inside_the_class():
    with pytest.raises(RuntimeError):
        torch.jit.script(use_static_inside_class)


def test_graph_calls_getters_setters_and_functions_as_torch_jit():
    graph = str(tscript.script(use_properties).graph)
    for call in ('prim::CallMethod[name="__w_setter"]', 'prim::CallMethod[name="__w_getter"]',
                 'prim::CallMethod[name="__area_getter"]'):
        assert call in graph
        assert call in str(torch.jit.script(use_properties).graph)
    graph = str(tscript.script(use_static_through_class).graph)
    assert 'prim::Constant[name="scale"]' in graph and "prim::CallFunction" in graph


def test_property_without_setter_cannot_be_assigned():
    def assign_area(x: float) -> float:
        b = Box(x, 1.0)
        b.area = 2.0
        return b.area

    with pytest.raises(tscript.CompileError):
        tscript.script(assign_area)


class Made:
    def __init__(self, v: int):
        self.v = v

    @classmethod
    def make(cls, v: int):
        return cls(v)


def use_classmethod(v: int) -> int:
    return Made.make(v).v


def test_classmethod_is_a_clear_error():
    with pytest.raises(tscript.CompileError) as error:
        tscript.script(use_classmethod)
    message = str(error.value)
    assert "'Made.make' is a @classmethod, which TorchScript does not support" in message
    assert "@staticmethod" in message
    with pytest.raises(RuntimeError):  # 1.13: an internal assertion
        torch.jit.script(use_classmethod)


def test_instances_from_python_keep_their_properties():
    # An instance made in Python goes in with its attributes; properties run in script.
    def area_of(b: Box) -> float:
        return b.area + Box.unit()

    box = Box(2.0, 3.0)
    assert tscript.script(area_of)(box) == area_of(box) == 7.0
