"""`_` rebound in a loop to a Tensor (it was an int) and read after the loop: each block's `_`
is a variable of its own, so the int one no longer holds what Python would read."""
from typing import Tuple

import torch


def pair(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    return x, x + 1


def last_throwaway(x: torch.Tensor, n: int) -> int:
    rows, _, cols = x.size()
    for i in range(n):
        _, h = pair(x)
    return _


ENTRY = last_throwaway
TORCH_JIT_ACCEPTS = ("1.13 keeps one `_` of type int and converts the loop's Tensor to it "
                     "(aten::IntImplicit, an error at run time for a non-scalar); tscript "
                     "refuses to read it")
