"""Unpacking a tuple of three into two names."""


def first_two() -> int:
    a, b = (1, 2, 3)
    return a + b


ENTRY = first_two
