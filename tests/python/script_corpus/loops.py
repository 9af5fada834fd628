"""while and for loops: range with 1-3 arguments, lists, tuples, strings, dicts, tensors,
break and continue, nested loops, loop-carried values."""
from typing import Dict, List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def while_counter(n: int) -> int:
    total = 0
    i = 0
    while i < n:
        total += i * i
        i += 1
    return total


def while_true_break(n: int) -> int:
    steps = 0
    while True:
        if n == 1:
            break
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def for_range_one_arg(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def for_range_two_args(a: int, b: int) -> List[int]:
    out: List[int] = []
    for i in range(a, b):
        out.append(i)
    return out


def for_range_negative_step(a: int, b: int) -> List[int]:
    out: List[int] = []
    for i in range(a, b, -3):
        out.append(i)
    return out


def for_range_positive_step(n: int) -> int:
    total = 0
    for i in range(1, n, 4):
        total = total * 10 + i
    return total


def for_over_list(xs: List[float]) -> float:
    total = 0.0
    for x in xs:
        total += x * x
    return total


def for_over_tuple_unrolled(x: Tensor) -> Tensor:
    # A heterogeneous tuple is unrolled: each iteration has its own element type.
    for scale in (2, 0.5, x):
        x = x * scale
    return x


def for_over_string(s: str) -> int:
    vowels = 0
    for ch in s:
        if ch in "aeiou":
            vowels += 1
    return vowels


def for_over_dict_keys(d: Dict[str, int]) -> List[str]:
    names: List[str] = []
    for key in d:
        names.append(key + "=" + str(d[key]))
    return names


def for_over_dict_items(d: Dict[str, int]) -> int:
    total = 0
    for key, value in d.items():
        total += len(key) * value
    return total


def for_over_tensor_rows(x: Tensor) -> Tensor:
    acc = torch.zeros(x.size(1))
    for row in x:
        acc = acc + row * row
    return acc


def for_with_continue(n: int) -> int:
    total = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        total += i
    return total


def for_with_break(xs: List[int], limit: int) -> int:
    found = -1
    for x in xs:
        if x > limit:
            found = x
            break
    return found


def while_with_continue_and_break(n: int) -> List[int]:
    out: List[int] = []
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        if i > 9:
            break
        out.append(i)
    return out


def nested_loops(n: int, m: int) -> List[List[int]]:
    table: List[List[int]] = []
    for i in range(n):
        row: List[int] = []
        for j in range(m):
            row.append(i * j)
        table.append(row)
    return table


def nested_break_inner_only(n: int) -> int:
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            count += 1
    return count


def loop_carried_tensor(x: Tensor, n: int) -> Tensor:
    for _ in range(n):
        x = x * 0.5 + 1
    return x


def loop_over_size(x: Tensor) -> Tensor:
    y = torch.zeros_like(x)
    for i in range(x.size(0)):
        y[i] = x[i] * i
    return y


def loop_zero_iterations(n: int) -> int:
    value = 7
    for i in range(n):
        value = i
    return value


def loop_variable_after_loop(n: int) -> int:
    last = -1
    for i in range(n):
        last = i * 2
    return last


def for_over_list_of_tuples(pairs: List[Tuple[int, str]]) -> str:
    out = ""
    for number, name in pairs:
        out += name + str(number)
    return out


def for_over_list_of_tensors(xs: List[Tensor]) -> Tensor:
    total = torch.zeros(2)
    for t in xs:
        total += t
    return total


def _pair(x: Tensor) -> Tuple[Tensor, Tensor]:
    return x * 2, x + 1


def throwaway_rebound_in_loop(x: Tensor, n: int) -> Tensor:
    # `_` is an int here and a Tensor inside the loop (torchaudio's WaveRNN.infer): in each
    # block it is a variable of its own, as 1.13 accepts.
    rows, _, cols = x.size()
    for i in range(n):
        _, h = _pair(x)
        x = x + h * rows
    for _ in range(cols):
        x = x - 1
    return x


CASES = [
    case(throwaway_rebound_in_loop, (randn(1, 2, 3), 2), (randn(2, 1, 1), 0)),
    case(while_counter, (0,), (5,)),
    case(while_true_break, (6,), (27,), (1,)),
    case(for_range_one_arg, (0,), (10,), (-3,)),
    case(for_range_two_args, (2, 6), (5, 2), (-3, 1)),
    case(for_range_negative_step, (10, 0), (0, 10), (-1, -10)),
    case(for_range_positive_step, (10,), (2,)),
    case(for_over_list, ([1.0, 2.5, -3.0],), ([],)),
    case(for_over_tuple_unrolled, (randn(3),)),
    case(for_over_string, ("education",), ("",)),
    case(for_over_dict_keys, ({"b": 2, "a": 1, "c": 3},)),
    case(for_over_dict_items, ({"xy": 2, "z": 5},)),
    case(for_over_tensor_rows, (randn(4, 3),)),
    case(for_with_continue, (10,)),
    case(for_with_break, ([1, 5, 9, 20], 4), ([1, 2], 10)),
    case(while_with_continue_and_break, (20,), (4,)),
    case(nested_loops, (3, 4), (0, 2)),
    case(nested_break_inner_only, (5,)),
    case(loop_carried_tensor, (randn(3), 4)),
    case(loop_over_size, (randn(4, 2),)),
    case(loop_zero_iterations, (0,), (3,)),
    case(loop_variable_after_loop, (0,), (6,)),
    case(for_over_list_of_tuples, ([(2, "ab"), (1, "c"), (0, "zz")],)),
    case(for_over_list_of_tensors, ([randn(2), randn(2, seed=1), randn(2, seed=2)],)),
]
