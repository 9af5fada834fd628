"""A generator function (yield)."""
from typing import List


def countdown(n: int) -> List[int]:
    while n > 0:
        yield n
        n -= 1
    return []


ENTRY = countdown
