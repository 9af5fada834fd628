"""Indexing a tuple of mixed types with a variable."""
from typing import Tuple


def element(t: Tuple[int, str], i: int) -> int:
    return t[i]


ENTRY = element
