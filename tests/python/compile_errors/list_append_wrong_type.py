"""Appending a str to a List[int]."""
from typing import List


def fill(xs: List[int]) -> List[int]:
    xs.append("x")
    return xs


ENTRY = fill
