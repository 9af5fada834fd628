"""A function that the torch module does not have."""
import torch


def blur(x: torch.Tensor) -> torch.Tensor:
    return torch.blur(x)


ENTRY = blur
