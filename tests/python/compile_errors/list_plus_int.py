"""`xs + 1` on a list (Python lists do not add numbers element-wise)."""
from typing import List


def shift(xs: List[int]) -> List[int]:
    return xs + 1


ENTRY = shift
