"""A module attribute whose Python value has no TorchScript type: the error names the
attribute and says how to annotate it."""
import torch
from torch import nn


class Settings:
    scale = 2


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.settings = Settings()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.settings.scale


ENTRY = Model()
