"""Indexing a tuple past its end."""
from typing import Tuple


def third(t: Tuple[int, int]) -> int:
    return t[2]


ENTRY = third
