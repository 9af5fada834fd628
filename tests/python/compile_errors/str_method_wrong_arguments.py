"""Calling a str method with arguments of the wrong types."""
from typing import List


def words(s: str) -> List[str]:
    return s.split(1)


ENTRY = words
