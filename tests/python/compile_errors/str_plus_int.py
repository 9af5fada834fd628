"""Concatenating a str and an int (write str(n) or an f-string)."""


def greet(n: int) -> str:
    return "count: " + n


ENTRY = greet
