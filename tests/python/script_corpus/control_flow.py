"""if / elif / else, nested branches, variables defined in every branch, Optional unification."""
from typing import Optional

import torch
from torch import Tensor

from script_corpus import case, randn


def if_else(x: int) -> int:
    if x > 0:
        y = x * 2
    else:
        y = -x
    return y


def if_elif_else(x: int) -> str:
    if x < 0:
        kind = "negative"
    elif x == 0:
        kind = "zero"
    elif x < 10:
        kind = "small"
    else:
        kind = "large"
    return kind


def if_without_else(x: int) -> int:
    y = 1
    if x > 3:
        y = 2
    return y + x


def nested_if(a: int, b: int) -> int:
    if a > 0:
        if b > 0:
            return 1
        else:
            return 2
    else:
        if b > 0:
            return 3
    return 4


def if_on_tensor_condition(x: Tensor) -> Tensor:
    if bool(x.sum() > 0):
        return x * 2
    return -x


def if_on_tensor_implicit_bool(x: Tensor) -> Tensor:
    # A one-element tensor used as a condition is converted with bool().
    if x.max() > 0.5:
        x = x + 1
    return x


def branches_assign_none_or_int(flag: bool) -> Optional[int]:
    if flag:
        value = 3
    else:
        value = None
    return value


def condition_with_and_or(a: int, b: int) -> int:
    if a > 0 and b > 0 or a == b:
        return a + b
    return a - b


def pass_statement(x: int) -> int:
    if x > 0:
        pass
    else:
        x = 0
    return x


def ternary_chain(x: int) -> int:
    return 1 if x < 0 else 2 if x == 0 else 3


def tensor_branches_update(x: Tensor, mode: int) -> Tensor:
    if mode == 0:
        y = x.relu()
    elif mode == 1:
        y = x.sigmoid()
    else:
        y = x.tanh()
    return y


def optional_assigned_in_one_branch(x: int) -> int:
    y: Optional[int] = None
    if x > 2:
        y = x
    if y is None:
        return 0
    return y


def boolean_variable_condition(x: int) -> int:
    big = x > 100
    even = x % 2 == 0
    if big and not even:
        return 1
    if even:
        return 2
    return 3


def docstring_function(x: int) -> int:
    """A docstring is an expression statement that scripting ignores."""
    return x + 1


CASES = [
    case(if_else, (3,), (-4,), (0,)),
    case(if_elif_else, (-2,), (0,), (5,), (50,)),
    case(if_without_else, (1,), (5,)),
    case(nested_if, (1, 1), (1, -1), (-1, 1), (-1, -1)),
    case(if_on_tensor_condition, (randn(3),), (randn(3, seed=1),), (randn(3, seed=5),)),
    case(if_on_tensor_implicit_bool, (randn(4),), (randn(4, seed=3) - 5,)),
    case(branches_assign_none_or_int, (True,), (False,)),
    case(condition_with_and_or, (1, 2), (-1, -1), (-1, 2)),
    case(pass_statement, (4,), (-4,)),
    case(ternary_chain, (-1,), (0,), (7,)),
    case(tensor_branches_update, (randn(5), 0), (randn(5), 1), (randn(5), 2)),
    case(optional_assigned_in_one_branch, (1,), (5,)),
    case(boolean_variable_condition, (101,), (100,), (7,)),
    case(docstring_function, (1,)),
]
