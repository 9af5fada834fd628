"""Tuples: construction, unpacking (also starred and nested), indexing with constants,
slicing, heterogeneous elements, returning several values, comparison."""
from typing import List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def return_pair(a: int, b: int) -> Tuple[int, int]:
    return a + b, a - b


def unpack_and_swap(a: int, b: str) -> Tuple[str, int]:
    x, y = a, b
    x2, y2 = y, x
    return x2, y2


def nested_unpack(t: Tuple[int, Tuple[str, float]]) -> str:
    n, (s, f) = t
    return s + str(n) + str(f > 0.0)


def starred_unpack(t: Tuple[int, int, int, int]) -> Tuple[int, int]:
    first, *middle, last = t
    return first * 10 + last, len(middle)


def constant_index_heterogeneous(t: Tuple[int, str, Tensor]) -> Tensor:
    return t[2] * t[0]


def negative_constant_index(t: Tuple[int, int, int]) -> int:
    return t[-1] - t[0]


def tuple_slice(t: Tuple[int, str, float, bool]) -> Tuple[str, float]:
    return t[1:3]


def tuple_of_tensors(x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    return x.sum(0), x.sum(1), x.max()


def dynamic_index_homogeneous(t: Tuple[int, int, int], i: int) -> int:
    return t[i]


def tuple_len(t: Tuple[int, str, float]) -> int:
    return len(t)


def tuple_equality(a: Tuple[int, int], b: Tuple[int, int]) -> List[bool]:
    # 1.13 compares only tuples whose elements all have one type (Tuple[int, str] fails).
    return [a == b, a != b]


def tuple_in_list(pairs: List[Tuple[str, int]]) -> int:
    total = 0
    for p in pairs:
        total += p[1]
    return total


def tuple_concatenation(a: Tuple[int, int], b: Tuple[str]) -> Tuple[int, int, str]:
    return a + b


def chained_assignment(n: int) -> Tuple[int, int]:
    a = b = n * 2
    return a, b


def unpack_tensor_split(x: Tensor) -> Tensor:
    left, right = x.chunk(2)
    return left - right


def unpack_list(xs: List[int]) -> int:
    a, b, c = xs
    return a * 100 + b * 10 + c


def empty_tuple() -> Tuple[()]:
    return ()


def single_element_tuple(x: int) -> Tuple[int]:
    return (x,)


def tuple_contains(t: Tuple[int, int, int], v: int) -> bool:
    return v in t


CASES = [
    case(return_pair, (3, 4)),
    case(unpack_and_swap, (1, "one")),
    case(nested_unpack, ((3, ("k", 1.5)),), ((-1, ("q", -2.0)),)),
    case(starred_unpack, ((1, 2, 3, 4),)),
    case(constant_index_heterogeneous, ((3, "s", randn(2)),)),
    case(negative_constant_index, ((1, 5, 9),)),
    case(tuple_slice, ((1, "a", 2.5, True),)),
    case(tuple_of_tensors, (randn(2, 3),)),
    case(dynamic_index_homogeneous, ((5, 6, 7), 1), ((5, 6, 7), -1)),
    case(tuple_len, ((1, "a", 2.0),)),
    case(tuple_equality, ((1, 5), (1, 5)), ((1, 5), (1, 6))),
    case(tuple_in_list, ([("a", 1), ("b", 2)],)),
    case(tuple_concatenation, ((1, 2), ("x",))),
    case(chained_assignment, (4,)),
    case(unpack_tensor_split, (randn(6),)),
    case(unpack_list, ([1, 2, 3],)),
    case(empty_tuple),
    case(single_element_tuple, (9,)),
    case(tuple_contains, ((1, 2, 3), 2), ((1, 2, 3), 4)),
]
