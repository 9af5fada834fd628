"""An empty list literal is a List[Tensor]; appending an int needs an annotation."""
from typing import List


def numbers(n: int) -> List[int]:
    xs = []
    xs.append(n)
    return xs


ENTRY = numbers
