"""Functions calling other functions of the same module: positional and keyword arguments,
defaults, recursion-free call chains, tuple returns, functions taking containers."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def square(x: int) -> int:
    return x * x


def scale_and_shift(x: Tensor, scale: float = 2.0, shift: float = 0.0) -> Tensor:
    return x * scale + shift


def greet(name: str, greeting: str = "hello", punctuation: str = "!") -> str:
    return greeting + ", " + name + punctuation


def min_max(xs: List[int]) -> Tuple[int, int]:
    return min(xs), max(xs)


def append_twice(xs: List[int], v: int) -> None:
    xs.append(v)
    xs.append(v)


def unannotated_is_tensor(x, y):
    return x + y


def calls_square(a: int, b: int) -> int:
    return square(a) + square(b)


def call_with_keywords(x: Tensor) -> Tensor:
    return scale_and_shift(x, shift=1.0) + scale_and_shift(x, scale=-1.0)


def call_with_all_keywords_reordered(x: Tensor) -> Tensor:
    return scale_and_shift(shift=0.5, scale=3.0, x=x)


def call_using_defaults(name: str) -> List[str]:
    return [greet(name), greet(name, "hi"), greet(name, punctuation="?"),
            greet(greeting="hey", name=name)]


def call_returning_tuple(xs: List[int]) -> int:
    lo, hi = min_max(xs)
    return hi - lo


def call_mutates_list_argument(n: int) -> List[int]:
    xs: List[int] = [n]
    append_twice(xs, n + 1)
    return xs


def call_chain_depth_three(x: int) -> int:
    return calls_square(x, square(x))


def call_unannotated_function(a: Tensor, b: Tensor) -> Tensor:
    return unannotated_is_tensor(a, b) * 2


def call_same_function_in_loop(n: int) -> int:
    total = 0
    for i in range(n):
        total += square(i)
    return total


def call_in_comprehension(xs: List[int]) -> List[int]:
    return [square(x) for x in xs]


def helper_with_optional(x: int, limit: Optional[int] = None) -> int:
    if limit is not None and x > limit:
        return limit
    return x


def call_with_optional_argument(x: int) -> List[int]:
    return [helper_with_optional(x), helper_with_optional(x, 5), helper_with_optional(x, limit=None)]


def helper_with_tuple_default(x: int, bounds: Tuple[int, int] = (0, 10)) -> int:
    return max(bounds[0], min(x, bounds[1]))


def call_with_tuple_default(x: int) -> List[int]:
    return [helper_with_tuple_default(x), helper_with_tuple_default(x, (2, 3))]


def count_words(words: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def call_returning_dict(text: str) -> int:
    counts = count_words(text.split())
    return counts["a"]


def tensor_helper(x: Tensor) -> Tensor:
    return x.relu() - 0.5


def call_tensor_helper_twice(x: Tensor) -> Tensor:
    return tensor_helper(tensor_helper(x))


def default_values_of_all_kinds(a: int = 1, b: float = 2.5, c: str = "s", d: bool = True,
                                e: Optional[int] = None) -> str:
    return str(a) + str(b > 2.0) + c + str(d) + str(e is None)


def call_default_values_of_all_kinds() -> List[str]:
    return [default_values_of_all_kinds(), default_values_of_all_kinds(2, 1.0, "t", False, 3)]


def call_torch_function_with_keyword(x: Tensor) -> Tensor:
    return torch.sum(x, dim=1, keepdim=True)


def call_method_with_keyword(x: Tensor) -> Tensor:
    return x.softmax(dim=-1)


CASES = [
    case(calls_square, (3, 4)),
    case(call_with_keywords, (randn(3),)),
    case(call_with_all_keywords_reordered, (randn(3),)),
    case(call_using_defaults, ("bob",)),
    case(call_returning_tuple, ([5, 2, 8],)),
    case(call_mutates_list_argument, (1,)),
    case(call_chain_depth_three, (3,)),
    case(call_unannotated_function, (randn(2), randn(2, seed=1))),
    case(call_same_function_in_loop, (5,)),
    case(call_in_comprehension, ([1, 2, 3],)),
    case(call_with_optional_argument, (3,), (8,)),
    case(call_with_tuple_default, (-5,), (50,), (2,)),
    case(call_returning_dict, ("a b a c a",)),
    case(call_tensor_helper_twice, (randn(4),)),
    case(call_default_values_of_all_kinds),
    case(call_torch_function_with_keyword, (randn(2, 3),)),
    case(call_method_with_keyword, (randn(2, 3),)),
    # Functions called directly from Python with keyword arguments and defaults.
    case(scale_and_shift, (randn(2),), (randn(2), 0.5), (randn(2), 0.5, -1.0)),
    case(greet, ("ann",), ("ann", "bye")),
    case(unannotated_is_tensor, (randn(3), randn(3, seed=2))),
]
