"""return anywhere: inside if, inside loops (for and while), nested, with values on all
paths, and the statements after a return in one branch only."""
from typing import List, Optional

import torch
from torch import Tensor

from script_corpus import case, randn


def return_in_if(x: int) -> int:
    if x < 0:
        return -1
    return 1


def return_in_both_branches(x: int) -> str:
    if x % 2 == 0:
        return "even"
    else:
        return "odd"


def return_in_for(xs: List[int], target: int) -> int:
    for i in range(len(xs)):
        if xs[i] == target:
            return i
    return -1


def return_in_while(n: int) -> int:
    i = 0
    while True:
        if i * i >= n:
            return i
        i += 1
    # 1.13 does not see that `while True` never falls through; unreachable in both.
    return -1


def return_in_nested_loops(n: int) -> List[int]:
    for i in range(1, n):
        for j in range(1, n):
            if i * j == n:
                return [i, j]
    return [0, 0]


def return_from_loop_with_continue(xs: List[int]) -> int:
    total = 0
    for x in xs:
        if x < 0:
            return total
        if x == 0:
            continue
        total += x
    return total * 100


def return_tensor_early(x: Tensor) -> Tensor:
    if x.numel() == 0:
        return x
    if bool(x.min() >= 0):
        return x.sqrt()
    return x.abs().sqrt().neg()


def guard_clauses(a: int, b: int) -> int:
    if a == 0:
        return 0
    if b == 0:
        return 1
    if a > b:
        return a - b
    return b - a


def return_optional_early(x: Optional[int]) -> int:
    if x is None:
        return -1
    return x * 3


def return_after_loop_modifying_variable(n: int) -> int:
    acc = 1
    for i in range(n):
        acc *= 2
        if acc > 50:
            return acc
    acc += 1000
    return acc


def return_in_elif_chain(x: float) -> int:
    if x < 0.0:
        return -1
    elif x < 1.0:
        return 0
    elif x < 10.0:
        pass
    else:
        return 2
    return 1


def return_inside_while_with_counter(xs: List[int]) -> int:
    i = 0
    while i < len(xs):
        if xs[i] > 10:
            return xs[i]
        i += 1
    return -i


def return_none_implicitly(x: List[int]) -> None:
    if len(x) > 0:
        return
    x.append(1)


def return_loop_tensor_accumulate(x: Tensor, limit: float) -> Tensor:
    total = torch.zeros(())
    for row in x:
        total = total + row.sum()
        if float(total) > limit:
            return total
    return -total


CASES = [
    case(return_in_if, (-5,), (5,)),
    case(return_in_both_branches, (2,), (3,)),
    case(return_in_for, ([4, 5, 6], 5), ([4, 5, 6], 7)),
    case(return_in_while, (10,), (0,), (16,)),
    case(return_in_nested_loops, (12,), (7,), (1,)),
    case(return_from_loop_with_continue, ([1, 0, 2, -1, 5],), ([1, 2, 0],)),
    case(return_tensor_early, (torch.zeros(0),), (randn(3).abs(),), (randn(3),)),
    case(guard_clauses, (0, 1), (1, 0), (5, 2), (2, 5)),
    case(return_optional_early, (None,), (4,)),
    case(return_after_loop_modifying_variable, (3,), (10,)),
    case(return_in_elif_chain, (-1.0,), (0.5,), (5.0,), (50.0,)),
    case(return_inside_while_with_counter, ([1, 2, 30, 4],), ([1, 2],)),
    case(return_none_implicitly, ([],), ([3],)),
    case(return_loop_tensor_accumulate, (randn(4, 3), 0.5), (randn(4, 3), 100.0)),
]
