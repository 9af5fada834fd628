"""torch.jit.is_scripting() branches (the untaken branch may hold code TorchScript cannot
compile) and calls from script into @torch.jit.ignore'd Python helpers."""
from typing import List

import torch
from torch import Tensor

from script_corpus import case, randn


@torch.jit.ignore
def python_only_helper(x: Tensor) -> Tensor:
    # Arbitrary Python, never compiled: a generator over rows and a lambda.
    rows = [r * 2 for r in x]
    return torch.stack(list(map(lambda r: r + 1, rows)))


@torch.jit.ignore
def python_string_helper(s: str, n: int) -> str:
    return s * n


def is_scripting_constant_branch(x: int) -> int:
    # Eager and script take different branches but must compute the same value.
    if torch.jit.is_scripting():
        return x + 1
    else:
        return 1 + x


def untaken_branch_has_unscriptable_code(xs: List[int]) -> int:
    if not torch.jit.is_scripting():
        # Only eager runs this: set() is not TorchScript (it parses, but does not compile).
        return len(set(xs))
    distinct: List[int] = []
    for v in xs:
        if v not in distinct:
            distinct.append(v)
    return len(distinct)


def calls_ignored_helper(x: Tensor) -> Tensor:
    return python_only_helper(x) - 1


def calls_ignored_string_helper(s: str) -> str:
    return python_string_helper(s, 3) + "."


def is_scripting_in_expression(x: Tensor) -> Tensor:
    scale = 2.0 if torch.jit.is_scripting() else 2.0
    return x * scale


def is_tracing_is_false(x: int) -> int:
    if torch.jit.is_tracing():
        return -1
    return x


def ignored_helper_in_loop(x: Tensor, n: int) -> Tensor:
    for _ in range(n):
        x = python_only_helper(x)
    return x


CASES = [
    case(is_scripting_constant_branch, (4,)),
    case(untaken_branch_has_unscriptable_code, ([1, 2, 1, 3, 2],)),
    case(calls_ignored_helper, (randn(2, 3),)),
    case(calls_ignored_string_helper, ("ab",)),
    case(is_scripting_in_expression, (randn(3),)),
    case(is_tracing_is_false, (5,)),
    case(ignored_helper_in_loop, (randn(2, 2), 3)),
]
