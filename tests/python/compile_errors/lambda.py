"""A lambda expression."""


def apply(n: int) -> int:
    double = lambda m: 2 * m
    return double(n)


ENTRY = apply
