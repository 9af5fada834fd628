"""A Python builtin TorchScript does not have (map)."""
from typing import List


def double(x: int) -> int:
    return 2 * x


def doubled(xs: List[int]) -> List[int]:
    return list(map(double, xs))


ENTRY = doubled
