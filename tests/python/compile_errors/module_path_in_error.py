"""A mistake in a submodule deep in a model: the error names the module's path in the model,
its class and the method, besides the source line."""
import torch
from torch import nn


class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 1, 1)

    def forward(self, x):
        return self.conv1(x) * self.factor  # never assigned in __init__


class Stage(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Identity(), Scale())

    def forward(self, x):
        return self.layer1(x)


ENTRY = Stage()
