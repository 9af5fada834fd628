"""A function that the math module does not have."""
import math


def root(x: float) -> float:
    return math.squareroot(x)


ENTRY = root
