"""Statements not covered elsewhere: del of locals and items, with torch.no_grad(), module
globals that become constants, starred and subscript assignment targets, print, and the
shapes of the overview page's examples (a loop with an if over a zeros tensor, a loop over
x.size(0), a dict built under a flag)."""
import math
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn

# Module-level Python values. torch.jit 1.13 refuses them ("python value of type 'int' cannot
# be used as a value"); issue 4 has tscript turn number/bool/str globals into constants.
SCALE = 3
OFFSET = 0.5
PREFIX = "item"
ENABLED = True
LIMITS = (1, 4)


def del_local_variable(x: int) -> int:
    y = x * 2
    del y
    y = x + 1
    return y


def del_list_slice_free_items(xs: List[int]) -> List[int]:
    del xs[0]
    del xs[-1]
    return xs


def with_no_grad(x: Tensor) -> Tensor:
    with torch.no_grad():
        y = x * 2
    return y + 1


def no_grad_result_does_not_require_grad(x: Tensor) -> bool:
    with torch.no_grad():
        y = x * 2
    return y.requires_grad


def module_int_and_float_constants(x: int) -> float:
    return x * SCALE + OFFSET


def module_str_bool_tuple_constants(i: int) -> str:
    if ENABLED and LIMITS[0] <= i <= LIMITS[1]:
        return PREFIX + str(i)
    return ""


def starred_assignment_from_tuple(t: Tuple[int, int, int]) -> int:
    *head, tail = t
    return len(head) * 10 + tail


def subscript_targets_in_unpacking(xs: List[int], d: Dict[str, int]) -> Tuple[List[int], Dict[str, int]]:
    xs[0], d["k"] = 7, 8
    return xs, d


def swap_list_elements(xs: List[int]) -> List[int]:
    xs[0], xs[-1] = xs[-1], xs[0]
    return xs


def zero_matrix_with_loop_and_branch(n: int) -> Tensor:
    m = torch.zeros(3, 4)
    for i in range(n):
        if i % 2 == 0:
            m += i
        else:
            m -= 1
    return m


def loop_over_first_dimension(x: Tensor) -> Tensor:
    total = torch.zeros(x.shape[1:])
    for i in range(x.size(0)):
        total = total + x[i] * (i + 1)
    return total


def optional_dict_and_value(flag: bool) -> Tuple[Dict[str, int], Optional[int]]:
    counts: Dict[str, int] = {}
    found: Optional[int] = None
    if flag:
        counts["hits"] = 3
        found = 3
    return counts, found


def print_several_values(x: int, s: str) -> int:
    print(s, x, [x, x])
    return x


def pass_in_loop_and_function_body(n: int) -> int:
    for _ in range(n):
        pass
    return n


def math_constant_from_module_global(r: float) -> float:
    return math.pi * r * r


CASES = [
    case(del_local_variable, (3,)),
    case(del_list_slice_free_items, ([1, 2, 3, 4],)),
    case(with_no_grad, (randn(3),)),
    case(no_grad_result_does_not_require_grad, (randn(3).requires_grad_(),)),
    case(module_int_and_float_constants, (2,),
         tscript_only="1.13 rejects int/float module globals; issue 4 makes them constants"),
    case(module_str_bool_tuple_constants, (3,), (9,),
         tscript_only="1.13 rejects bool/str module globals; issue 4 makes them constants"),
    case(starred_assignment_from_tuple, ((1, 2, 3),)),
    case(subscript_targets_in_unpacking, ([0, 1], {"a": 1})),
    case(swap_list_elements, ([1, 2, 3],)),
    case(zero_matrix_with_loop_and_branch, (0,), (5,)),
    case(loop_over_first_dimension, (randn(3, 2),), (randn(1, 4),)),
    case(optional_dict_and_value, (True,), (False,)),
    case(print_several_values, (4, "shown")),
    case(pass_in_loop_and_function_body, (3,)),
    case(math_constant_from_module_global, (2.0,)),
]
