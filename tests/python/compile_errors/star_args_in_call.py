"""Unpacking a list into call arguments."""
from typing import List


def add(a: int, b: int) -> int:
    return a + b


def caller(xs: List[int]) -> int:
    return add(*xs)


ENTRY = caller
