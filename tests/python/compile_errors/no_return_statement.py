"""A function annotated `-> int` without any return."""


def forgot(n: int) -> int:
    n = n + 1


ENTRY = forgot
