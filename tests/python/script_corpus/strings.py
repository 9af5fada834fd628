"""Strings: methods, slicing, indexing, iteration, comparison, concatenation, f-strings,
str.format and % formatting. ASCII only: TorchScript measures str lengths in UTF-8 bytes."""
from typing import List, Tuple

from script_corpus import case


def concatenate_and_compare(a: str, b: str) -> Tuple[str, bool, bool]:
    return a + "-" + b, a == b, a < b


def index_and_negative_index(s: str) -> str:
    return s[0] + s[-1]


def slices(s: str) -> List[str]:
    return [s[1:4], s[:3], s[3:], s[::2], s[::-1], s[-4:-1], s[10:20]]


def case_methods(s: str) -> List[str]:
    return [s.lower(), s.upper(), s.title(), s.capitalize(), s.swapcase()]


def strip_methods(s: str) -> List[str]:
    return [s.strip(), s.lstrip(), s.rstrip(), s.strip("x ")]


def padding_methods(s: str) -> List[str]:
    return [s.center(9, "*"), s.ljust(7, "."), s.rjust(7), s.zfill(6)]


def find_methods(s: str) -> List[int]:
    return [s.find("an"), s.rfind("an"), s.find("zz"), s.count("a"), s.index("n"),
            s.rindex("n")]


def starts_ends(s: str) -> List[bool]:
    return [s.startswith("ba"), s.endswith("na"), s.startswith("na", 2)]


def predicates(s: str) -> List[bool]:
    return [s.isdigit(), s.isalpha(), s.isalnum(), s.isupper(), s.islower(), s.isspace(),
            s.istitle(), s.isidentifier()]


def split_default_and_separator(s: str) -> List[List[str]]:
    return [s.split(), s.split(","), s.split(",", 1), s.rsplit(",", 1)]


def join_words(words: List[str]) -> str:
    return ", ".join(words)


def replace_substring(s: str) -> str:
    return s.replace("a", "o").replace("oo", "u", 1)


def partition_methods(s: str) -> List[Tuple[str, str, str]]:
    return [s.partition("="), s.rpartition("=")]


def splitlines_method(s: str) -> List[str]:
    return s.splitlines()


def expandtabs_method(s: str) -> str:
    return s.expandtabs(4)


def substring_membership(s: str) -> List[bool]:
    return ["ell" in s, "xyz" not in s]


def iterate_characters(s: str) -> str:
    out = ""
    for ch in s:
        out = ch + out
    return out


def string_length(s: str) -> int:
    return len(s)


def str_of_numbers(a: int, b: bool) -> str:
    return str(a) + str(b) + str(-a)


def fstring_simple(name: str, n: int) -> str:
    return f"{name} has {n} items"


def fstring_expressions(a: int, b: int) -> str:
    return f"{a}+{b}={a + b}, list={[a, b]}"


def fstring_with_bool_and_str(flag: bool, s: str) -> str:
    return f"[{flag}] {s}{s}"


def format_method_positional(a: int, s: str) -> str:
    return "{} and {}".format(a, s)


def format_method_lists(xs: List[int]) -> str:
    return "values: {}".format(xs)


def percent_format(n: int, s: str) -> str:
    return "%d items of %s" % (n, s)


def string_multiply_by_loop(s: str, n: int) -> str:
    out = ""
    for _ in range(n):
        out += s
    return out


def string_comparisons(a: str, b: str) -> List[bool]:
    return [a < b, a <= b, a > b, a >= b, a != b]


def ord_chr_roundtrip(s: str) -> str:
    out = ""
    for ch in s:
        out += chr(ord(ch) + 1)
    return out


def int_and_float_from_string(a: str, b: str) -> float:
    return int(a) + float(b)


def strings_in_list_sorted(words: List[str]) -> List[str]:
    words.sort()
    return words


CASES = [
    case(concatenate_and_compare, ("ab", "cd"), ("b", "a"), ("same", "same")),
    case(index_and_negative_index, ("python",)),
    case(slices, ("scripting",), ("",)),
    case(case_methods, ("hello World",), ("MiXeD case 42",)),
    case(strip_methods, ("  xpaddedx  ",)),
    # 1.13's zfill pads before a sign ("-12".zfill(6) is "000-12"), so only unsigned inputs.
    case(padding_methods, ("abc",), ("12",)),
    case(find_methods, ("banana",)),
    case(starts_ends, ("banana",), ("ananas",)),
    # 1.13's isidentifier() is False for "snake_case1" (Python: True); not used here.
    case(predicates, ("123",), ("abc",), ("Title Case",), ("   ",), ("ab1",)),
    case(split_default_and_separator, ("a,b,,c d",), ("  x  y ",)),
    case(join_words, (["a", "b", "c"],), ([],)),
    case(replace_substring, ("banana a a",)),
    case(partition_methods, ("k=v=w",), ("none",)),
    # 1.13 splits "\r\n" into two line breaks, Python into one: only "\n" here.
    case(splitlines_method, ("one\ntwo\n\nthree\n",)),
    case(expandtabs_method, ("a\tbc\td",)),
    case(substring_membership, ("hello",), ("xyz",)),
    case(iterate_characters, ("abc",)),
    case(string_length, ("",), ("four",)),
    case(str_of_numbers, (42, True), (-7, False)),
    case(fstring_simple, ("box", 3)),
    case(fstring_expressions, (2, 5)),
    case(fstring_with_bool_and_str, (False, "ab")),
    case(format_method_positional, (7, "x")),
    case(format_method_lists, ([1, 2, 3],)),
    case(percent_format, (3, "eggs")),
    case(string_multiply_by_loop, ("ab", 3), ("z", 0)),
    case(string_comparisons, ("apple", "banana"), ("b", "a"), ("x", "x")),
    case(ord_chr_roundtrip, ("HAL",)),
    case(int_and_float_from_string, ("12", "0.5"), ("-3", "2")),
    case(strings_in_list_sorted, (["pear", "apple", "fig"],)),
]
