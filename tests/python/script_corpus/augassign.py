"""Augmented assignment with Python's semantics: in place for tensors and lists (visible
through every alias and to the caller), rebinding for numbers, strings and tuples."""
from typing import List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randint, randn


def int_augassign_all_ops(a: int) -> int:
    a += 3
    a -= 1
    a *= 4
    return a


def int_modulo_augassign(a: int) -> int:
    a %= 7
    return a


def floor_divide_augassign(a: int, x: Tensor) -> Tensor:
    a //= 3
    x //= 2
    return x + a


def float_augassign(x: float) -> float:
    x += 1.5
    x *= 2.0
    x /= 4.0
    x -= 0.25
    return x


def int_bitwise_augassign(a: int) -> int:
    a |= 8
    a &= 13
    a ^= 5
    a <<= 2
    a >>= 1
    return a


def string_augassign(s: str) -> str:
    s += "!"
    s += s
    return s


def tensor_augassign_is_inplace(x: Tensor) -> Tensor:
    # x is the caller's tensor: the harness also compares it after the call.
    x += 1
    x *= 2
    x -= 0.5
    x /= 4
    return x


def tensor_augassign_visible_through_alias(x: Tensor) -> Tensor:
    y = x
    y += 10
    return x


def tensor_augassign_with_tensor(x: Tensor, y: Tensor) -> Tensor:
    x += y
    x *= y
    return x


def int_tensor_augassign(x: Tensor) -> Tensor:
    x -= 2
    x *= 3
    return x


def tensor_modulo_augassign(x: Tensor) -> Tensor:
    x %= 3
    return x


def tensor_modulo_augassign_by_tensor(x: Tensor, y: Tensor) -> Tensor:
    # In place (the caller's x changes, and so does the alias) with Python's floor modulo:
    # the result takes the divisor's sign (aten::remainder_), for floats and ints alike.
    alias = x
    x %= y
    return alias


def tensor_masked_augassign_writes_back(x: Tensor, done: Tensor) -> Tensor:
    # A tensor index gathers a copy: the update is written back (Tacotron2's decoder).
    x[~done] += 1
    x[torch.tensor([0, 0])] *= 2
    return x


def tensor_plus_equals_rebinds_when_not_inplace(x: Tensor) -> Tensor:
    # x + y does not write into x; only += does.
    y = x
    y = y + 1
    return x


def list_augassign_extends_in_place(xs: List[int]) -> List[int]:
    ys = xs
    ys += [4, 5]
    return xs


def list_augassign_multiply(xs: List[int]) -> List[int]:
    xs *= 2
    return xs


def list_augassign_multiply_changes_aliases(xs: List[int], n: int) -> Tuple[List[int], List[int]]:
    # list.__imul__ works in place: the caller's list and every alias see the repetition.
    alias = xs
    alias *= n
    return xs, alias


def string_augassign_rebinds(s: str) -> Tuple[str, str]:
    # Strings are immutable: += makes a new string and the alias keeps the old one.
    t = s
    t += "x"
    return s, t


def augassign_on_list_element(xs: List[int]) -> List[int]:
    xs[0] += 10
    xs[-1] *= 3
    return xs


def augassign_on_dict_value(n: int) -> int:
    d = {"a": 1}
    d["a"] += n
    d["a"] *= 2
    return d["a"]


def augassign_in_loop(xs: List[float]) -> float:
    acc = 0.0
    for x in xs:
        acc += x
        acc *= 0.5
    return acc


def tensor_augassign_in_loop(x: Tensor, n: int) -> Tensor:
    acc = torch.zeros_like(x)
    for _ in range(n):
        acc += x
    return acc


CASES = [
    case(int_augassign_all_ops, (5,), (-4,)),
    # 1.13: "unsupported kind of augumented assignment: FloorDiv".
    case(floor_divide_augassign, (7, randint(-9, 9, 4)), tscript_only="//= is missing in 1.13"),
    # 1.13 lowers `%=` to fmod, which makes `int %= int` a float (a type error there) and
    # gives C's sign rule for negative tensors; tscript keeps Python's floor modulo.
    case(int_modulo_augassign, (9,), (-9,), tscript_only="1.13 turns int %= into a float fmod"),
    case(tensor_modulo_augassign, (randint(-20, 20, 6),),
         torch_jit_differs="1.13 lowers tensor %= to fmod_ (sign of the dividend)"),
    case(tensor_modulo_augassign_by_tensor,
         (torch.tensor([-7.0, 7.0, -7.0, 7.0, -0.5]), torch.tensor([3.0, -3.0, -3.0, 3.0, 2.0])),
         (torch.tensor([-7, 7, -7, 7]), torch.tensor([3, -3, -3, 3])),
         torch_jit_differs="1.13 lowers tensor %= tensor to fmod_ (sign of the dividend)"),
    case(tensor_masked_augassign_writes_back,
         (torch.tensor([1, 2, 3]), torch.tensor([False, True, False])),
         (randn(4), torch.tensor([True, True, False, False]))),
    case(float_augassign, (1.0,), (-3.5,)),
    case(int_bitwise_augassign, (3,), (22,)),
    case(string_augassign, ("ab",)),
    case(tensor_augassign_is_inplace, (randn(4),)),
    case(tensor_augassign_visible_through_alias, (randn(3),)),
    case(tensor_augassign_with_tensor, (randn(3), randn(3, seed=1))),
    case(int_tensor_augassign, (randint(-20, 20, 5),)),
    case(tensor_plus_equals_rebinds_when_not_inplace, (randn(2),)),
    case(list_augassign_extends_in_place, ([1, 2],)),
    case(list_augassign_multiply, ([1, 2],)),
    case(list_augassign_multiply_changes_aliases, ([1, 2], 3), ([4], 0), ([5, 6], -1)),
    case(string_augassign_rebinds, ("ab",)),
    case(augassign_on_list_element, ([1, 2, 3],)),
    case(augassign_on_dict_value, (4,)),
    case(augassign_in_loop, ([1.0, 2.0, 3.0],)),
    case(tensor_augassign_in_loop, (randn(3), 4)),
]
