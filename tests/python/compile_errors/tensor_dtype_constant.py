"""A dtype constant (torch.float64) that tscript does not compile yet."""
import torch


def widen(x: torch.Tensor) -> torch.Tensor:
    return x.to(torch.float64)


ENTRY = widen
TORCH_JIT_ACCEPTS = "tscript does not compile dtype constants yet"
