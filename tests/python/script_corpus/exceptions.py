"""raise and assert: the exception class and message must survive scripting. Only errors the
function raises itself are compared; builtin failures (list index out of range, KeyError,
division by zero) raise RuntimeError with other texts in torch.jit 1.13, so they are not here."""
from typing import Dict, List, Optional

import torch
from torch import Tensor

from script_corpus import case, randn


class CorpusError(Exception):
    pass


def raise_value_error(x: int) -> int:
    if x < 0:
        raise ValueError("x must be non-negative")
    return x


def raise_with_built_message(x: int) -> int:
    if x > 10:
        raise ValueError("x too large: " + str(x))
    return x


def raise_runtime_error_fstring(n: int) -> int:
    if n % 2 == 1:
        raise RuntimeError(f"odd value {n}")
    return n


def raise_type_error(kind: str) -> str:
    if kind != "ok":
        raise TypeError("unsupported kind '{}'".format(kind))
    return kind


def raise_index_error_explicitly(xs: List[int], i: int) -> int:
    if i >= len(xs):
        raise IndexError("index " + str(i) + " out of range")
    return xs[i]


def raise_key_error_explicitly(d: Dict[str, int], k: str) -> int:
    if k not in d:
        raise KeyError(k)
    return d[k]


def raise_not_implemented(x: int) -> int:
    raise NotImplementedError("not implemented for " + str(x))


def raise_user_exception_class(x: int) -> int:
    if x == 0:
        raise CorpusError("zero is not allowed")
    return 10 // x


def raise_inside_loop(xs: List[int]) -> int:
    total = 0
    for x in xs:
        if x < 0:
            raise ValueError("negative element " + str(x))
        total += x
    return total


def raise_from_called_function(x: int) -> int:
    return raise_value_error(x) * 2


def assert_with_message(x: int) -> int:
    assert x > 0, "x must be positive"
    return x


def assert_with_built_message(x: int, limit: int) -> int:
    assert x < limit, "x=" + str(x) + " exceeds " + str(limit)
    return x


def assert_tensor_condition(x: Tensor) -> Tensor:
    assert bool((x >= 0).all()), "tensor has negative values"
    return x.sqrt()


def assert_optional_not_none_message(x: Optional[int]) -> int:
    assert x is not None, "x is required"
    return x + 1


def raise_in_else_branch(mode: str) -> int:
    if mode == "a":
        return 1
    elif mode == "b":
        return 2
    else:
        raise ValueError("unknown mode " + mode)


def raise_tensor_shape_check(x: Tensor) -> Tensor:
    if x.dim() != 2:
        raise ValueError(f"expected a 2-d tensor, got {x.dim()} dimensions")
    return x.t()


def raise_after_partial_work(xs: List[int]) -> List[int]:
    xs.append(1)
    if len(xs) > 2:
        raise RuntimeError("list too long")
    return xs


def exception_not_raised_path(x: int) -> int:
    if x > 100:
        raise ValueError("unreachable for small inputs")
    return x * 2


CASES = [
    case(raise_value_error, (-1,), raises=ValueError),
    case(raise_with_built_message, (11,), (50,), raises=ValueError),
    case(raise_runtime_error_fstring, (3,), raises=RuntimeError),
    case(raise_type_error, ("bad",), raises=TypeError),
    case(raise_index_error_explicitly, ([1, 2], 2), raises=IndexError),
    case(raise_not_implemented, (4,), raises=NotImplementedError),
    case(raise_user_exception_class, (0,), raises=CorpusError),
    case(raise_inside_loop, ([1, 2, -3, 4],), raises=ValueError),
    case(raise_from_called_function, (-5,), raises=ValueError),
    case(assert_with_message, (0,), (-3,), raises=AssertionError),
    case(assert_with_built_message, (5, 3), raises=AssertionError),
    case(assert_tensor_condition, (randn(4),), raises=AssertionError),
    case(assert_optional_not_none_message, (None,), raises=AssertionError),
    case(raise_in_else_branch, ("c",), raises=ValueError),
    case(raise_tensor_shape_check, (randn(3),), raises=ValueError),
    case(raise_after_partial_work, ([1, 2],), raises=RuntimeError),
    case(exception_not_raised_path, (3,)),
]
