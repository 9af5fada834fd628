"""Spellings of types: typing generics, `# type:` comments, PEP 585 builtin generics
(list[int], accepted by 1.13), PEP 604 unions (int | None, rejected by 1.13: tscript-only),
annotated locals, torch.jit.annotate, string annotations, Any and nested types."""
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
from torch import Tensor

from script_corpus import case, randn


def type_comment_signature(x, n):
    # type: (Tensor, int) -> Tensor
    return x * n


def type_comment_containers(xs, d):
    # type: (List[int], Dict[str, float]) -> Tuple[int, float]
    return len(xs), d["a"]


def pep585_list_and_dict(xs: list[int], d: dict[str, int]) -> list[str]:
    return [str(x + d["k"]) for x in xs]


def pep585_tuple(t: tuple[int, str]) -> tuple[str, int]:
    return t[1], t[0]


def pep604_optional(x: int | None) -> int:
    if x is None:
        return 0
    return x


def pep604_union(u: int | str) -> str:
    if isinstance(u, int):
        return "int"
    return "str"


def annotated_local_optional(flag: bool) -> Optional[int]:
    value: Optional[int] = None
    if flag:
        value = 5
    return value


def annotated_empty_containers(n: int) -> Tuple[List[float], Dict[int, List[str]]]:
    xs: List[float] = []
    d: Dict[int, List[str]] = {}
    for i in range(n):
        xs.append(i * 0.5)
        d[i] = [str(i)]
    return xs, d


def jit_annotate_empty_list(n: int) -> List[int]:
    xs = torch.jit.annotate(List[int], [])
    for i in range(n):
        xs.append(i)
    return xs


def nested_container_types(x: Dict[str, List[Tuple[int, float]]]) -> float:
    total = 0.0
    for k, v in x.items():
        for i, f in v:
            total += i * f
    return total


def tensor_from_torch_namespace(x: torch.Tensor) -> torch.Tensor:
    return x + 1


def union_in_typing_module(u: Union[Tensor, int]) -> Tensor:
    if isinstance(u, int):
        return torch.tensor(u)
    return u


def optional_of_list(xs: Optional[List[int]]) -> int:
    if xs is None:
        return -1
    return len(xs)


def return_type_inferred(a: int, b: int):
    # No return annotation: inferred from the returns (int here).
    if a > b:
        return a
    return b


def any_passthrough(x: Any) -> Any:
    return x


def string_annotations(x: "int", y: "List[str]") -> "str":
    return y[x]


CASES = [
    case(type_comment_signature, (randn(2), 3)),
    case(type_comment_containers, ([1, 2], {"a": 0.5})),
    case(pep585_list_and_dict, ([1, 2], {"k": 10})),
    case(pep585_tuple, ((1, "a"),)),
    # PEP 604 (`X | Y`): 1.13 says "Expression of type | cannot be used in a type expression".
    case(pep604_optional, (None,), (3,), tscript_only="PEP 604 unions are missing in 1.13"),
    case(pep604_union, (1,), ("a",), tscript_only="PEP 604 unions are missing in 1.13"),
    case(annotated_local_optional, (True,), (False,)),
    case(annotated_empty_containers, (3,)),
    case(jit_annotate_empty_list, (3,)),
    case(nested_container_types, ({"a": [(1, 0.5), (2, 0.25)], "b": [(3, 1.0)]},)),
    case(tensor_from_torch_namespace, (randn(2),)),
    case(union_in_typing_module, (3,), (randn(2),)),
    case(optional_of_list, (None,), ([1, 2],)),
    case(return_type_inferred, (1, 2), (3, 2)),
    case(any_passthrough, (randn(2),)),
    case(string_annotations, (1, ["a", "b"])),
]
