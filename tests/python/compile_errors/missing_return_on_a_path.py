"""A function annotated `-> int` that falls off the end on one path."""


def clip(n: int) -> int:
    if n > 10:
        return 10


ENTRY = clip
