"""Storing an int key in a Dict[str, int]."""
from typing import Dict


def count(d: Dict[str, int]) -> Dict[str, int]:
    d[1] = 2
    return d


ENTRY = count
