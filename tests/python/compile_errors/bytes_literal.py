"""A bytes literal."""


def data() -> int:
    b = b"abc"
    return 0


ENTRY = data
