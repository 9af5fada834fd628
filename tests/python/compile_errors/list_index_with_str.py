"""Indexing a list with a str."""
from typing import List


def first(xs: List[int]) -> int:
    return xs["0"]


ENTRY = first
