"""Calling an nn.Module held in a global from a scripted function."""
import torch

LAYER = torch.nn.Linear(2, 2)


def forward(x: torch.Tensor) -> torch.Tensor:
    return LAYER(x)


ENTRY = forward
TORCH_JIT_ACCEPTS = "torch.jit scripts a global nn.Module on the fly; tscript does not compile modules yet"
