"""Unpacking a tuple of two into three names."""


def three() -> int:
    a, b, c = (1, 2)
    return a + b + c


ENTRY = three
