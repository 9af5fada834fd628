"""getattr with a name known only at run time."""
import torch


def pick(x: torch.Tensor, name: str) -> torch.Tensor:
    return getattr(x, name)


ENTRY = pick
