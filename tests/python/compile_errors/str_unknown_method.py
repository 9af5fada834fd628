"""A method that str does not have."""


def shout(s: str) -> str:
    return s.shout()


ENTRY = shout
