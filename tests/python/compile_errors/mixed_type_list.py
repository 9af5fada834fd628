"""A list literal mixing ints and strs."""
from typing import List


def mixed() -> int:
    xs = [1, "two", 3]
    return len(xs)


ENTRY = mixed
TORCH_JIT_ACCEPTS = ("torch.jit 1.13 infers List[Union[int, str]] with a warning; tscript asks "
                     "for an annotation instead of guessing a Union")
