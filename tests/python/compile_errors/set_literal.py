"""A set literal."""


def unique() -> int:
    s = {1, 2, 3}
    return 3


ENTRY = unique
