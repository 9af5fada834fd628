"""str methods and `%` formatting: eager Python, torch.jit 1.13 and tscript on the same inputs.

tscript must give torch.jit's answer (result or error message). Where 1.13 deliberately
differs from Python the case says so in QUIRKS: TorchScript strings are UTF-8 bytes and its
character classes are ASCII ('É' is not a letter), splitlines() breaks at single bytes,
rsplit() splits at one space, isidentifier() follows Python 2. Everywhere else the three agree.
"""
from typing import List, Tuple

import pytest
import torch

import tscript


def title(s: str) -> str:
    return s.title()


def istitle(s: str) -> bool:
    return s.istitle()


def capitalize(s: str) -> str:
    return s.capitalize()


def center(s: str, width: int, fill: str) -> str:
    return s.center(width, fill)


def ljust(s: str, width: int, fill: str) -> str:
    return s.ljust(width, fill)


def rjust_default_fill(s: str, width: int) -> str:
    return s.rjust(width)


def partition(s: str, sep: str) -> Tuple[str, str, str]:
    return s.partition(sep)


def rpartition(s: str, sep: str) -> Tuple[str, str, str]:
    return s.rpartition(sep)


def rsplit(s: str, sep: str, most: int) -> List[str]:
    return s.rsplit(sep, most)


def rsplit_default(s: str) -> List[str]:
    return s.rsplit()


def splitlines(s: str, keepends: bool) -> List[str]:
    return s.splitlines(keepends)


def expandtabs(s: str, size: int) -> str:
    return s.expandtabs(size)


def expandtabs_default(s: str) -> str:
    return s.expandtabs()


def predicates(s: str) -> List[bool]:
    return [s.isdecimal(), s.isnumeric(), s.isprintable(), s.isidentifier()]


def contains(key: str, s: str) -> Tuple[bool, bool]:
    return key in s, key not in s


def percent_tuple(n: int, s: str) -> str:
    return "%d items of %s" % (n, s)


def percent_single(s: str) -> str:
    return "value=%s (100%%)" % s


def percent_numbers(x: float, n: int) -> str:
    return "%f|%e|%d|%i|%s|%c|%c" % (x, x, x, n, x, n, "z")


def percent_large(x: float) -> str:
    return "%f %d" % (x, x)


def percent_list(xs: List[int]) -> str:
    return "%s and %s" % (xs, [float(x) for x in xs])


def percent_tuple_value(t: Tuple[int, str]) -> str:
    return "%d-%s" % t


def percent_too_few(n: int) -> str:
    return "%d %d" % (n,)


def percent_too_many(n: int) -> str:
    return "%d" % (n, n)


def percent_unsupported(n: int) -> str:
    return "%5d" % n


def percent_incomplete(n: int) -> str:
    return "%d%" % n


CASES = [
    (title, [("hello world",), ("MiXeD case 42",), ("they're bill's",), ("a1b2 c3",), ("",),
             ("_x_y",), ("ÉCOLE école",)]),
    (istitle, [("Title Case",), ("",), ("123",), ("A1",), ("1A",), ("AA",), ("a",),
               ("Hello World!",), ("Aé",)]),
    (capitalize, [("hello World",), ("",), ("123abc",), ("ABC",), ("éa",)]),
    (center, [("abc", 9, "*"), ("abc", 8, "*"), ("ab", 7, "-"), ("a", 4, "x"), ("abc", 2, "*"),
              ("", 3, "x"), ("λ", 5, "*"), ("abc", 9, "ab"), ("abc", 5, ""), ("abc", 6, "é")]),
    (ljust, [("abc", 7, "."), ("abc", 1, "."), ("", 2, "x"), ("abc", 6, "ab")]),
    (rjust_default_fill, [("abc", 7), ("abc", -1)]),
    (partition, [("k=v=w", "="), ("none", "="), ("ab", "ab"), ("", "x"), ("aXXb", "XX"),
                 ("abc", "abcd")]),
    (rpartition, [("k=v=w", "="), ("none", "="), ("", "x"), ("aXXbXXc", "XX")]),
    (rsplit, [("a,b,,c", ",", 1), ("a,b,,c", ",", -1), ("a,b", ",", 0), ("a  b  c", " ", 1),
              ("aXXbXXc", "XX", 1), ("", ",", -1), ("XXa", "XX", -1)]),
    (rsplit_default, [("a b c",), ("  x  y ",), ("",)]),
    (splitlines, [("one\ntwo\n\nthree\n", False), ("", False), ("x", True), ("a\n", True),
                  ("a\r\nb\rc", False), ("a\r\nb\rc\n", True), ("a\x0bb\x0cc\x1cd\x1de\x1ef", False),
                  ("a\x1fb", False), ("a\u2028b", False), ("¢", False)]),
    (expandtabs, [("a\tbc\td", 4), ("a\tbc\td", 8), ("\t", 0), ("a\tb", -1), ("abcd\te", 4),
                  ("ab\n\tc", 4), ("a\rb\tc", 4)]),
    (expandtabs_default, [("a\tb",)]),
    (predicates, [("123",), ("",), ("12a",), ("abc",), ("a b",), ("a\n",), ("snake_case1",),
                  ("_a",), ("a1",), ("1a",), ("\x7f",), ("é",), ("½",)]),
    (contains, [("ell", "hello"), ("xyz", "hello"), ("", "abc"), ("", ""), ("x", "")]),
    (percent_tuple, [(3, "eggs"), (-1, "")]),
    (percent_single, [("x",)]),
    (percent_numbers, [(1.5, 65), (-2.25, 97)]),
    (percent_list, [([1, 2],), ([],)]),
    (percent_tuple_value, [((1, "a"),)]),
    (percent_too_few, [(1,)]),
    (percent_too_many, [(1,)]),
    (percent_unsupported, [(1,)]),
    (percent_incomplete, [(1,)]),
]

# Inputs where torch.jit 1.13 answers differently from Python (tscript follows torch.jit).
QUIRKS = [
    (title, ("ÉCOLE école",)), (capitalize, ("éa",)), (center, ("λ", 5, "*")),
    (center, ("abc", 6, "é")), (partition, ("abc", "")),
    (rsplit_default, ("  x  y ",)), (rsplit_default, ("",)),
    (splitlines, ("a\r\nb\rc", False)), (splitlines, ("a\r\nb\rc\n", True)),
    (splitlines, ("a\n", True)), (splitlines, ("a\u2028b", False)),
    (expandtabs, ("ab\n\tc", 4)), (expandtabs, ("a\rb\tc", 4)),
    (predicates, ("snake_case1",)), (predicates, ("_a",)), (predicates, ("é",)),
    (predicates, ("½",)), (percent_numbers, (1.5, 65)), (percent_numbers, (-2.25, 97)),
    (percent_list, ([1, 2],)),  # %s prints floats as TorchScript does: [1., 2.]
]
QUIRKS = {(fn, repr(args)) for fn, args in QUIRKS}


def outcome(fn, args):
    """The result, or ("error", last line of the message) for an exception."""
    try:
        return fn(*args)
    except Exception as error:  # noqa: BLE001 - any exception is an outcome to compare
        lines = str(error).strip().splitlines()
        return ("error", lines[-1] if lines else type(error).__name__)


def error_text(result):
    # torch.jit prefixes the Python class ("RuntimeError: TypeError: ..."); compare the rest.
    text = result[1]
    for prefix in ("RuntimeError: ", "builtins."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text


PARAMS = [pytest.param(fn, args, id=f"{fn.__name__}{args!r}") for fn, inputs in CASES for args in inputs]


@pytest.mark.parametrize("x", [-2.25e10, 3e9, 1e15])
def test_percent_format_large_numbers_follow_python(x):
    # 1.13 formats %f through a C float and %d through a 32-bit int (-2.25e10 gives
    # "-22499999744.000000 -2147483648"); tscript keeps doubles and 64-bit ints, as Python.
    assert tscript.script(percent_large)(x) == percent_large(x)


@pytest.mark.parametrize("fn,args", PARAMS)
def test_str_builtin_matches_torchjit(fn, args):
    expected = outcome(torch.jit.script(fn), args)
    actual = outcome(tscript.script(fn), args)
    if isinstance(expected, tuple) and expected and expected[0] == "error":
        assert isinstance(actual, tuple) and actual[0] == "error", actual
        assert error_text(actual) == error_text(expected)
    else:
        assert actual == expected
    if (fn, repr(args)) not in QUIRKS and not (isinstance(expected, tuple) and expected[0:1] == ("error",)):
        assert expected == fn(*args), "not a documented 1.13 quirk: eager disagrees"
