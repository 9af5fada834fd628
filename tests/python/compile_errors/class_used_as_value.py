"""A Python class used from compiled code."""


class Point:
    def __init__(self, x: int, y: int):
        self.x = x
        self.y = y


def origin() -> int:
    p = Point(0, 0)
    return 0


ENTRY = origin
TORCH_JIT_ACCEPTS = "tscript does not compile classes yet (torch.jit compiles Point as a TorchScript class)"
