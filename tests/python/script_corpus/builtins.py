"""Python builtins TorchScript provides: len, range, enumerate, zip, min/max/abs/round/
divmod/pow/sum, int/float/bool/str conversions, ord/chr, hex/oct/bin, all/any, sorted,
list/tuple constructors, and reversed (tscript-only)."""
from typing import Dict, List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def len_of_everything(xs: List[int], s: str, d: Dict[str, int], t: Tensor) -> List[int]:
    return [len(xs), len(s), len(d), len(t)]


def range_one_two_three_args(n: int) -> List[List[int]]:
    return [list(range(n)), list(range(2, n)), list(range(n, -n, -2))]


def range_three_args_count(a: int, b: int, step: int) -> int:
    # (1.13 cannot take len() of a range: "range cannot be used as a value".)
    count = 0
    for _ in range(a, b, step):
        count += 1
    return count


def enumerate_with_start(words: List[str]) -> List[str]:
    out: List[str] = []
    for i, w in enumerate(words, 1):
        out.append(str(i) + ":" + w)
    return out


def enumerate_default(xs: List[float]) -> float:
    total = 0.0
    for i, x in enumerate(xs):
        total += i * x
    return total


def zip_two_and_three(a: List[int], b: List[str], c: List[float]) -> List[str]:
    out: List[str] = []
    for x, y, z in zip(a, b, c):
        out.append(y + str(x) + str(z > 0.0))
    return out


def min_max_of_numbers(a: int, b: int, c: float, d: float) -> Tuple[int, int, float, float]:
    return min(a, b), max(a, b), min(c, d), max(c, d)


def min_max_of_lists(xs: List[float]) -> Tuple[float, float]:
    return min(xs), max(xs)


def abs_of_int_float_tensor(a: int, b: float, t: Tensor) -> Tuple[int, float, Tensor]:
    return abs(a), abs(b), abs(t)


def round_to_int(x: float) -> int:
    # TorchScript's round() returns a float; int() makes it match eager's int.
    return int(round(x))


def divmod_ints_and_floats(a: int, b: int, c: float, d: float) -> Tuple[int, int, float, float]:
    q, r = divmod(a, b)
    fq, fr = divmod(c, d)
    return q, r, fq, fr


def pow_builtin(a: float, b: float) -> float:
    return pow(a, b)


def sum_builtin(xs: List[int], ys: List[float]) -> float:
    return sum(xs) + sum(ys)


def conversions(a: int, b: float, c: bool, s: str) -> Tuple[float, int, int, bool, bool, str]:
    return float(a), int(b), int(c), bool(a), bool(b), str(a) + s


def int_truncates_toward_zero(x: float) -> int:
    return int(x)


def ord_and_chr(s: str, n: int) -> Tuple[int, str]:
    return ord(s), chr(n)


def hex_oct_bin(n: int) -> List[str]:
    return [hex(n), oct(n), bin(n)]


def all_and_any(xs: List[bool]) -> Tuple[bool, bool]:
    return all(xs), any(xs)


def all_any_of_ints(xs: List[int]) -> Tuple[bool, bool]:
    return all(xs), any(xs)


def sorted_builtin(xs: List[int]) -> List[List[int]]:
    ys = sorted(xs)
    return [ys, xs]


def sorted_strings(words: List[str]) -> List[str]:
    return sorted(words)


def list_of_string(s: str) -> List[str]:
    return list(s)


def isinstance_on_builtin_classes(xs: List[int], s: str) -> List[bool]:
    return [isinstance(xs, list), isinstance(s, str), isinstance(s, int)]


def print_returns_none(x: int) -> int:
    print("value", x)
    return x


def bool_of_containers(xs: List[int], s: str) -> Tuple[bool, bool]:
    return len(xs) > 0, bool(s)


def float_from_special_strings() -> List[bool]:
    return [float("inf") > 1e308, float("-inf") < -1e308, float("nan") != float("nan")]


def reversed_list(xs: List[int]) -> List[int]:
    out: List[int] = []
    for x in reversed(xs):
        out.append(x)
    return out


def reversed_range(n: int) -> List[int]:
    return [i for i in reversed(range(n))]


def reversed_range_with_step(start: int, stop: int, step: int) -> List[int]:
    out: List[int] = []
    for i in reversed(range(start, stop, step)):
        out.append(i)
    return out


def reversed_str(s: str) -> str:
    out = ""
    for c in reversed(s):
        out += c
    return out


def reversed_tuple(t: Tuple[int, str, float]) -> List[str]:
    # Unrolled, last element first: each iteration may see another type.
    out: List[str] = []
    for item in reversed(t):
        out.append(str(item))
    return out


def list_of_reversed(xs: List[float]) -> Tuple[List[float], List[int]]:
    return list(reversed(xs)), list(reversed(range(1, 7, 2)))


def reversed_dict_keys_and_tensor_rows(d: Dict[str, int], x: Tensor) -> Tuple[List[str], Tensor]:
    keys: List[str] = []
    for k in reversed(d):
        keys.append(k)
    rows: List[Tensor] = []
    for row in reversed(x):
        rows.append(row * 2)
    return keys, torch.stack(rows)


def enumerate_reversed_with_break(xs: List[int]) -> List[int]:
    out: List[int] = []
    for i, x in enumerate(reversed(xs)):
        if x < 0:
            break
        out.append(i * 100 + x)
    return out


CASES = [
    case(len_of_everything, ([1, 2], "abc", {"a": 1}, randn(4, 2))),
    case(range_one_two_three_args, (5,), (0,)),
    case(range_three_args_count, (0, 10, 3), (10, 0, -4), (5, 5, 1)),
    case(enumerate_with_start, (["x", "y"],)),
    case(enumerate_default, ([1.5, 2.5, 3.5],)),
    case(zip_two_and_three, ([1, 2, 3], ["a", "b"], [0.5, -0.5, 1.0])),
    case(min_max_of_numbers, (3, -2, 0.5, 1.5)),
    case(min_max_of_lists, ([2.5, -1.0, 7.0],)),
    case(abs_of_int_float_tensor, (-3, -2.5, randn(3))),
    case(round_to_int, (2.5,), (3.5,), (-0.5,), (1.4,)),
    case(divmod_ints_and_floats, (7, 2, 7.5, 2.0), (-7, 2, -7.5, 2.0), (7, -3, 7.5, -2.0)),
    case(pow_builtin, (2.0, 3.0), (4.0, 0.5)),
    case(sum_builtin, ([1, 2, 3], [0.5, 0.25])),
    case(conversions, (3, 2.75, True, "x"), (0, -0.5, False, "")),
    case(int_truncates_toward_zero, (2.9,), (-2.9,)),
    case(ord_and_chr, ("A", 98),),
    case(hex_oct_bin, (255,), (-10,), (0,)),
    case(all_and_any, ([True, True],), ([True, False],), ([],)),
    case(all_any_of_ints, ([1, 2],), ([0, 3],), ([0, 0],)),
    case(sorted_builtin, ([3, 1, 2],)),
    case(sorted_strings, (["b", "c", "a"],)),
    case(list_of_string, ("abc",)),
    case(isinstance_on_builtin_classes, ([1], "s")),
    case(print_returns_none, (3,)),
    case(bool_of_containers, ([], "a"), ([1], "")),
    case(float_from_special_strings),
    # 1.13 has no `reversed` builtin; it is plain Python that tscript means to accept.
    case(reversed_list, ([1, 2, 3],), tscript_only="reversed() is missing in 1.13"),
    case(reversed_range, (4,), (0,), tscript_only="reversed() is missing in 1.13"),
    case(reversed_range_with_step, (0, 10, 3), (10, 0, -4), (5, 5, 1),
         tscript_only="reversed() is missing in 1.13"),
    case(reversed_str, ("abc",), ("",), tscript_only="reversed() is missing in 1.13"),
    case(reversed_tuple, ((1, "two", 3.5),), tscript_only="reversed() is missing in 1.13"),
    case(list_of_reversed, ([1.5, -2.0, 3.25],), ([],),
         tscript_only="reversed() is missing in 1.13"),
    case(reversed_dict_keys_and_tensor_rows, ({"a": 1, "b": 2, "c": 3}, randn(3, 2)),
         tscript_only="reversed() is missing in 1.13"),
    case(enumerate_reversed_with_break, ([5, -1, 7, 8],), ([],),
         tscript_only="reversed() is missing in 1.13"),
]
