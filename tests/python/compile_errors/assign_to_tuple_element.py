"""Tuples are immutable: assigning to an element."""
from typing import Tuple


def bump(t: Tuple[int, int]) -> Tuple[int, int]:
    t[0] = 3
    return t


ENTRY = bump
