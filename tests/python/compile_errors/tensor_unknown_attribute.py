"""An attribute that tensors do not have."""
import torch


def width(x: torch.Tensor) -> int:
    return x.width


ENTRY = width
