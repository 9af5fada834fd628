"""Declaring a name global to assign to it."""

counter = 0


def bump() -> int:
    global counter
    counter = counter + 1
    return counter


ENTRY = bump
