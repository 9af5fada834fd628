"""An annotation (here a string, a forward reference) naming a type that does not exist."""


def area(shape: "Rectangle") -> int:
    return 0


ENTRY = area
