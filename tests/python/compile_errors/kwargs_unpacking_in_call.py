"""Unpacking a dict into keyword arguments."""
from typing import Dict


def add(a: int, b: int) -> int:
    return a + b


def caller(d: Dict[str, int]) -> int:
    return add(**d)


ENTRY = caller
