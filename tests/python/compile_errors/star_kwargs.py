"""A function taking **kwargs."""


def total(**options: int) -> int:
    return 0


ENTRY = total
