"""Using an Optional[int] as an int without checking it is not None."""
from typing import Optional


def increment(n: Optional[int]) -> int:
    return n + 1


ENTRY = increment
