"""An import statement inside a function."""


def root(x: float) -> float:
    import math
    return math.sqrt(x)


ENTRY = root
