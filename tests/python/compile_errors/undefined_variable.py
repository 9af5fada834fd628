"""A name that is neither a local variable nor a global."""


def scale(n: int) -> int:
    return n * factor


ENTRY = scale
