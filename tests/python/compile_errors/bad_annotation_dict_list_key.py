"""A Dict annotation whose key type is a list (keys must be str, int, float, bool or Tensor)."""
from typing import Dict, List


def size(d: Dict[List[int], int]) -> int:
    return len(d)


ENTRY = size
