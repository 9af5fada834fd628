"""Lists: literals, indexing, slicing, methods, operators, nesting, empty lists with types."""
from typing import List

import torch
from torch import Tensor

from script_corpus import case, randn


def literal_and_index(i: int) -> int:
    xs = [10, 20, 30, 40]
    return xs[i]


def negative_index(xs: List[int]) -> int:
    return xs[-1] + xs[-2]


def slicing(xs: List[int]) -> List[List[int]]:
    return [xs[1:3], xs[:2], xs[2:], xs[::2], xs[::-1], xs[-3:-1], xs[5:100]]


def append_extend_insert(xs: List[int]) -> List[int]:
    xs.append(7)
    xs.extend([8, 9])
    xs.insert(0, -1)
    xs.insert(100, 99)
    return xs


def pop_default_and_index(xs: List[int]) -> List[int]:
    last = xs.pop()
    first = xs.pop(0)
    return [last, first] + xs


def remove_and_index_count(xs: List[int]) -> List[int]:
    xs.remove(3)
    return [xs.index(5), xs.count(5), len(xs)]


def sort_and_reverse(xs: List[int]) -> List[int]:
    xs.sort()
    ys = xs.copy()
    ys.reverse()
    return xs + ys


def sort_descending(xs: List[float]) -> List[float]:
    xs.sort(reverse=True)
    return xs


def clear_list(xs: List[int]) -> int:
    n = len(xs)
    xs.clear()
    return n * 10 + len(xs)


def concatenate_and_repeat(xs: List[int]) -> List[int]:
    return xs + [0] + xs * 2


def membership(xs: List[int], v: int) -> List[bool]:
    return [v in xs, v not in xs]


def string_list_membership(words: List[str]) -> bool:
    return "b" in words


def setitem(xs: List[int]) -> List[int]:
    xs[0] = 100
    xs[-1] = -100
    return xs


def del_item(xs: List[int]) -> List[int]:
    del xs[1]
    return xs


def empty_typed_list(n: int) -> List[str]:
    out: List[str] = []
    for i in range(n):
        out.append(str(i))
    return out


def empty_list_default_tensor() -> int:
    # An unannotated [] is a List[Tensor].
    ts = []
    ts.append(torch.ones(2))
    return len(ts)


def nested_lists(n: int) -> List[List[int]]:
    grid = [[0, 1], [2, 3]]
    grid[1].append(n)
    grid.append([n, n])
    return grid


def list_of_tensors_stack(x: Tensor) -> Tensor:
    parts = [x, x * 2, x * 3]
    return torch.stack(parts)


def list_equality(a: List[int], b: List[int]) -> List[bool]:
    return [a == b, a != b]


def list_min_max_sum(xs: List[int]) -> List[int]:
    return [min(xs), max(xs), sum(xs)]


def list_of_floats(xs: List[float]) -> float:
    return sum(xs) / len(xs)


def list_aliasing(xs: List[int]) -> List[int]:
    # Lists are reference types: both names see the append.
    ys = xs
    ys.append(4)
    return xs


def list_copy_is_independent(xs: List[int]) -> List[List[int]]:
    ys = xs.copy()
    ys.append(4)
    return [xs, ys]


def list_of_bools(n: int) -> List[bool]:
    flags = [False, True]
    flags.append(n > 2)
    return flags


def list_constructor_copy(xs: List[int]) -> List[int]:
    ys = list(xs)
    ys[0] = 0
    return xs + ys


CASES = [
    case(literal_and_index, (0,), (3,), (-2,)),
    case(negative_index, ([1, 2, 3],)),
    case(slicing, ([0, 1, 2, 3, 4],), ([],)),
    case(append_extend_insert, ([1, 2],), ([],)),
    case(pop_default_and_index, ([1, 2, 3, 4],)),
    case(remove_and_index_count, ([3, 5, 1, 5, 3],)),
    case(sort_and_reverse, ([3, 1, 2],)),
    case(sort_descending, ([0.5, -1.0, 2.0],)),
    case(clear_list, ([1, 2, 3],)),
    case(concatenate_and_repeat, ([1, 2],)),
    case(membership, ([1, 2, 3], 2), ([1, 2, 3], 5)),
    case(string_list_membership, (["a", "b"],), (["c"],)),
    case(setitem, ([1, 2, 3],)),
    case(del_item, ([1, 2, 3],)),
    case(empty_typed_list, (0,), (3,)),
    case(empty_list_default_tensor),
    case(nested_lists, (5,)),
    case(list_of_tensors_stack, (randn(2, 3),)),
    case(list_equality, ([1, 2], [1, 2]), ([1, 2], [2, 1]), ([], [1])),
    case(list_min_max_sum, ([4, -2, 9],)),
    case(list_of_floats, ([1.5, 2.5, 3.5],)),
    case(list_aliasing, ([1, 2],)),
    case(list_copy_is_independent, ([1, 2],)),
    case(list_of_bools, (1,), (3,)),
    case(list_constructor_copy, ([1, 2, 3],)),
]
