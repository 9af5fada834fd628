"""A method that lists do not have (Python's list has no push)."""
from typing import List


def push(xs: List[int]) -> List[int]:
    xs.push(1)
    return xs


ENTRY = push
