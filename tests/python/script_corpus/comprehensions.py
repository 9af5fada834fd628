"""List and dict comprehensions (one `for` clause; `if` filters are tscript-only), and
generator expressions, which TorchScript compiles as list comprehensions."""
from typing import Dict, List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def list_comp_range(n: int) -> List[int]:
    return [i * i for i in range(n)]


def list_comp_over_list(xs: List[float]) -> List[float]:
    return [x / 2 for x in xs]


def list_comp_over_string(s: str) -> List[str]:
    return [c.upper() for c in s]


def list_comp_tensors(x: Tensor) -> List[Tensor]:
    return [row.sum() for row in x]


def list_comp_enumerate(words: List[str]) -> List[str]:
    return [str(i) + w for i, w in enumerate(words)]


def list_comp_zip(a: List[int], b: List[int]) -> List[int]:
    return [x * y for x, y in zip(a, b)]


def nested_list_comp_in_element(n: int) -> List[List[int]]:
    return [[i + j for j in range(n)] for i in range(n)]


def dict_comp_range(n: int) -> Dict[int, int]:
    return {i: i * i for i in range(n)}


def dict_comp_over_items(d: Dict[str, int]) -> Dict[str, int]:
    return {k + "!": v * 2 for k, v in d.items()}


def dict_comp_from_list(words: List[str]) -> Dict[str, int]:
    return {w: len(w) for w in words}


def generator_in_sum(xs: List[int]) -> int:
    return sum(x * x for x in xs)


def generator_in_list(xs: List[int]) -> List[int]:
    return list(x + 1 for x in xs)


def comp_with_conditional_expression(xs: List[int]) -> List[int]:
    return [x if x > 0 else 0 for x in xs]


def comp_then_stack(n: int) -> Tensor:
    return torch.stack([torch.full([2], float(i)) for i in range(n)])


def comp_over_tuple_list(pairs: List[Tuple[str, int]]) -> List[str]:
    return [name for name, _ in pairs]


def comp_with_if_filter(xs: List[int]) -> List[int]:
    return [x for x in xs if x % 2 == 0]


def dict_comp_with_if_filter(d: Dict[str, int]) -> Dict[str, int]:
    return {k: v for k, v in d.items() if v > 1}


CASES = [
    case(list_comp_range, (0,), (5,)),
    case(list_comp_over_list, ([1.0, 3.0],)),
    case(list_comp_over_string, ("abc",)),
    case(list_comp_tensors, (randn(3, 2),)),
    case(list_comp_enumerate, (["a", "b"],)),
    case(list_comp_zip, ([1, 2, 3], [4, 5])),
    case(nested_list_comp_in_element, (3,)),
    case(dict_comp_range, (4,)),
    case(dict_comp_over_items, ({"a": 1, "b": 2},)),
    case(dict_comp_from_list, (["one", "three"],)),
    case(generator_in_sum, ([1, 2, 3],)),
    case(generator_in_list, ([1, 2, 3],)),
    case(comp_with_conditional_expression, ([-1, 2, -3, 4],)),
    case(comp_then_stack, (3,)),
    case(comp_over_tuple_list, ([("a", 1), ("b", 2)],)),
    # 1.13: "Comprehension ifs are not supported yet"; filters are ordinary Python.
    case(comp_with_if_filter, ([1, 2, 3, 4],), tscript_only="comprehension if filters"),
    case(dict_comp_with_if_filter, ({"a": 1, "b": 2, "c": 3},),
         tscript_only="comprehension if filters"),
]
