"""Dicts: literals, typed empty dicts, keys of every allowed type, methods, iteration order."""
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

from script_corpus import case, randn


def literal_and_lookup(key: str) -> int:
    d = {"a": 1, "b": 2, "c": 3}
    return d[key]


def empty_annotated_dict(n: int) -> Dict[int, str]:
    d: Dict[int, str] = {}
    for i in range(n):
        d[i * i] = str(i)
    return d


def setitem_overwrite_keeps_order(d: Dict[str, int]) -> Dict[str, int]:
    d["x"] = 100
    d["new"] = 1
    return d


def get_with_and_without_default(d: Dict[str, int]) -> List[int]:
    found = d.get("a")
    missing = d.get("zzz", -1)
    return [found if found is not None else -2, missing]


def get_missing_is_none(d: Dict[str, int]) -> Optional[int]:
    return d.get("nope")


def keys_values_items(d: Dict[str, float]) -> Tuple[List[str], List[float], List[Tuple[str, float]]]:
    return list(d.keys()), list(d.values()), list(d.items())


def pop_with_and_without_default(d: Dict[str, int]) -> List[int]:
    a = d.pop("a")
    b = d.pop("missing", 42)
    return [a, b, len(d)]


def setdefault_and_update(d: Dict[str, int]) -> Dict[str, int]:
    d.setdefault("a", 99)
    d.setdefault("z", 26)
    d.update({"b": -2, "y": 25})
    return d


def membership_in_keys(d: Dict[int, int], k: int) -> bool:
    return k in d and k + 1 not in d


def del_key(d: Dict[str, int]) -> Dict[str, int]:
    del d["b"]
    return d


def copy_and_clear(d: Dict[str, int]) -> Tuple[Dict[str, int], int]:
    c = d.copy()
    d.clear()
    return c, len(d)


def dict_with_tensor_values(x: Tensor) -> Dict[str, Tensor]:
    return {"double": x * 2, "neg": -x}


def dict_with_float_keys(x: float) -> Dict[float, int]:
    d = {0.5: 1, 1.5: 2}
    d[x] = 3
    return d


def dict_with_bool_keys(flag: bool) -> int:
    d = {True: 10, False: 20}
    return d[flag]


def dict_with_list_values(words: List[str]) -> Dict[str, List[int]]:
    index: Dict[str, List[int]] = {}
    for i, w in enumerate(words):
        if w not in index:
            positions: List[int] = []
            index[w] = positions
        index[w].append(i)
    return index


def count_chars(s: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


def dict_len_and_sum(d: Dict[str, int]) -> int:
    total = 0
    for v in d.values():
        total += v
    return total * 100 + len(d)


def dict_constructor_from_items(d: Dict[str, int]) -> Dict[str, int]:
    e = dict(d)
    e["added"] = 0
    return e


def nested_dicts(n: int) -> Dict[str, Dict[str, int]]:
    outer: Dict[str, Dict[str, int]] = {"a": {"x": 1}}
    outer["b"] = {"y": n}
    outer["a"]["z"] = n * 2
    return outer


CASES = [
    case(literal_and_lookup, ("a",), ("c",)),
    case(empty_annotated_dict, (0,), (4,)),
    case(setitem_overwrite_keeps_order, ({"x": 1, "y": 2},)),
    case(get_with_and_without_default, ({"a": 5},), ({"b": 5},)),
    case(get_missing_is_none, ({"a": 1},), ({"nope": 3},)),
    case(keys_values_items, ({"b": 1.5, "a": -2.0},)),
    case(pop_with_and_without_default, ({"a": 1, "b": 2},)),
    case(setdefault_and_update, ({"a": 1, "b": 2},)),
    case(membership_in_keys, ({1: 1, 3: 3}, 1), ({1: 1, 2: 2}, 1), ({}, 0)),
    case(del_key, ({"a": 1, "b": 2, "c": 3},)),
    case(copy_and_clear, ({"a": 1, "b": 2},)),
    case(dict_with_tensor_values, (randn(3),)),
    case(dict_with_float_keys, (0.5,), (2.5,)),
    case(dict_with_bool_keys, (True,), (False,)),
    case(dict_with_list_values, (["a", "b", "a", "c", "b"],)),
    case(count_chars, ("mississippi",)),
    case(dict_len_and_sum, ({"a": 1, "b": 20},), ({},)),
    case(dict_constructor_from_items, ({"k": 1},)),
    case(nested_dicts, (7,)),
]
