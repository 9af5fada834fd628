"""Returning an int from a function annotated to return a str."""


def describe(n: int) -> str:
    return n


ENTRY = describe
