"""Refinement of Optional and Union values: `is None` / `is not None` in branches, through
`and`, through early exits and assert, isinstance on Unions, and re-assignment."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from torch import Tensor

from script_corpus import case, randn


def is_none_branch(x: Optional[int]) -> int:
    if x is None:
        return 0
    else:
        return x + 1


def is_not_none_branch(x: Optional[Tensor]) -> Tensor:
    if x is not None:
        return x * 2
    return torch.zeros(1)


def refine_through_and(a: Optional[int], b: Optional[int]) -> int:
    if a is not None and b is not None:
        return a * b
    return -1


def refine_through_or_negation(a: Optional[int]) -> int:
    if a is None or a < 0:
        return 0
    return a


def refine_by_early_return(x: Optional[str]) -> str:
    if x is None:
        return "<none>"
    return x.upper()


def refine_by_assert(x: Optional[int]) -> int:
    assert x is not None
    return x * 10


def refine_by_raise(x: Optional[float]) -> float:
    if x is None:
        raise ValueError("x is required")
    return x / 2


def optional_default_argument(x: int, scale: Optional[int] = None) -> int:
    if scale is None:
        scale = 2
    return x * scale


def optional_tensor_default(x: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    y = x * 3
    if bias is not None:
        y = y + bias
    return y


def optional_reassigned_in_loop(xs: List[int]) -> Optional[int]:
    best: Optional[int] = None
    for x in xs:
        if best is None or x > best:
            best = x
    return best


def union_isinstance(u: Union[int, str]) -> str:
    if isinstance(u, int):
        return str(u * 2)
    return u + u


def union_three_types(u: Union[int, float, str]) -> float:
    if isinstance(u, str):
        return float(len(u))
    elif isinstance(u, int):
        return float(u) + 0.5
    else:
        return u * 2.0


def isinstance_tuple_of_types(u: Union[int, float, str]) -> bool:
    return isinstance(u, (int, float))


def optional_in_container(xs: List[Optional[int]]) -> int:
    total = 0
    for x in xs:
        if x is not None:
            total += x
    return total


def optional_return_both_paths(x: int) -> Optional[str]:
    if x > 0:
        return "positive"
    return None


def optional_dict_get_refined(d: Dict[str, int], key: str) -> int:
    value = d.get(key)
    if value is None:
        return -1
    return value


def union_with_none(u: Union[int, str, None]) -> int:
    if u is None:
        return 0
    if isinstance(u, str):
        return len(u)
    return u


def isinstance_on_static_type_folds(x: int) -> int:
    if isinstance(x, int):
        return x + 1
    return -1


def optional_tuple_element(t: Tuple[int, Optional[int]]) -> int:
    a, b = t
    if b is None:
        return a
    return a + b


def none_comparison_result(x: Optional[int]) -> List[bool]:
    return [x is None, x is not None]


def isinstance_container_types(x: Union[List[int], Dict[str, Tensor], int]) -> int:
    # torch.jit.isinstance takes container types (Python's isinstance does not); in script it
    # is the isinstance special form and refines x in each branch.
    if torch.jit.isinstance(x, List[int]):
        return sum(x)
    elif torch.jit.isinstance(x, Dict[str, Tensor]):
        return len(x) * 100
    else:
        return -x


def isinstance_optional_and_tuple_of_types(x: Optional[int], y: Union[Tuple[int, str], List[str]]
                                           ) -> List[bool]:
    return [torch.jit.isinstance(x, Optional[int]), torch.jit.isinstance(x, int),
            torch.jit.isinstance(y, Tuple[int, str]), torch.jit.isinstance(y, (List[int], List[str])),
            torch.jit.isinstance(y, List[int])]


def isinstance_refines_tuple_member(y: Union[Tuple[int, str], List[str]]) -> str:
    if torch.jit.isinstance(y, Tuple[int, str]):
        return y[1] + str(y[0])
    return ",".join(y)


CASES = [
    case(isinstance_container_types, ([1, 2, 3],), ({"a": randn(2), "b": randn(1)},), (7,)),
    case(isinstance_optional_and_tuple_of_types, (None, (2, "ab")), (3, ["x", "y"])),
    case(isinstance_refines_tuple_member, ((3, "ab"),), (["x", "y"],)),
    case(is_none_branch, (None,), (4,)),
    case(is_not_none_branch, (None,), (randn(2),)),
    case(refine_through_and, (2, 3), (None, 3), (2, None)),
    case(refine_through_or_negation, (None,), (-4,), (4,)),
    case(refine_by_early_return, (None,), ("abc",)),
    case(refine_by_assert, (3,)),
    case(refine_by_raise, (3.0,)),
    case(optional_default_argument, (3,), (3, 5), (3, None)),
    case(optional_tensor_default, (randn(2),), (randn(2), randn(2, seed=1))),
    case(optional_reassigned_in_loop, ([3, 9, 2],), ([],)),
    case(union_isinstance, (3,), ("ab",)),
    case(union_three_types, ("four",), (3,), (1.25,)),
    case(isinstance_tuple_of_types, (1,), (1.5,), ("s",)),
    case(optional_in_container, ([1, None, 3, None],)),
    case(optional_return_both_paths, (1,), (-1,)),
    case(optional_dict_get_refined, ({"a": 1}, "a"), ({"a": 1}, "b")),
    case(union_with_none, (None,), ("abc",), (7,)),
    case(isinstance_on_static_type_folds, (3,)),
    case(optional_tuple_element, ((1, None),), ((1, 2),)),
    case(none_comparison_result, (None,), (0,)),
]
