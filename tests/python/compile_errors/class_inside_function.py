"""A class defined inside a function."""


def outer(n: int) -> int:
    class Box:
        pass
    return n


ENTRY = outer
