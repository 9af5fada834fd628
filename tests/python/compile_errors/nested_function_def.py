"""A function defined inside another."""


def outer(n: int) -> int:
    def inner(m: int) -> int:
        return m + 1
    return inner(n)


ENTRY = outer
