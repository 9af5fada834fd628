"""Calls of the torch.functional functions that torch.jit 1.13 compiles from their Python
source (torch.unique, torch.norm, torch.stft, ...) rather than mapping to an operator.

Each case: name -> (function, make_args). Kept in a module of its own so that the source of
every function is in a real file, as scripting needs.
"""
from typing import List, Tuple

import torch


def unique_plain(x):
    return torch.unique(x)


def unique_inverse(x):
    values, inverse = torch.unique(x, return_inverse=True)
    return values, inverse


def unique_counts(x):
    values, counts = torch.unique(x, sorted=True, return_counts=True)
    return values, counts


def unique_all_dim(x):
    return torch.unique(x, sorted=True, return_inverse=True, return_counts=True, dim=0)


def unique_consecutive_plain(x):
    return torch.unique_consecutive(x)


def unique_consecutive_all(x):
    return torch.unique_consecutive(x, return_inverse=True, return_counts=True)


def norm_default(x):
    return torch.norm(x)


def norm_p_dim(x):
    return torch.norm(x, 2, 1)


def norm_dim_keyword(x):
    return torch.norm(x, dim=1)


def norm_p_only(x):
    return torch.norm(x, 3)


def norm_fro_list(x):
    return torch.norm(x, "fro", [0, 1], True)


def norm_float_list(x):
    return torch.norm(x, p=1.5, dim=[0])


def norm_nuclear(x):
    return torch.norm(x, "nuc")


def cdist_default(x, y):
    return torch.cdist(x, y)


def cdist_p1(x, y):
    return torch.cdist(x, y, p=1.0)


def tensordot_int(x, y):
    return torch.tensordot(x, y, 1)


def tensordot_lists(x, y):
    return torch.tensordot(x, y, dims=([1, 0], [0, 1]))


def stft_basic(x):
    return torch.stft(x, 16, hop_length=4, window=torch.hann_window(16), return_complex=True)


def istft_roundtrip(x):
    window = torch.hann_window(16)
    spectrum = torch.stft(x, 16, hop_length=4, window=window, return_complex=True)
    return torch.istft(spectrum, 16, hop_length=4, window=window, length=x.size(-1))


def lu_plain(a):
    lu, pivots = torch.lu(a)
    return lu, pivots


def lu_infos(a):
    return torch.lu(a, get_infos=True)


def _ints():
    return (torch.tensor([3, 1, 2, 3, 1, 5]),)


def _rows():
    return (torch.tensor([[1, 2], [3, 4], [1, 2]]),)


def _runs():
    return (torch.tensor([1, 1, 2, 2, 3, 1, 1, 2]),)


def _matrix():
    torch.manual_seed(0)
    return (torch.randn(3, 4),)


def _square():
    torch.manual_seed(0)
    return (torch.randn(2, 3, 3),)


def _points():
    torch.manual_seed(0)
    return torch.randn(5, 3), torch.randn(4, 3)


def _dot_pair():
    torch.manual_seed(0)
    return torch.randn(3, 4), torch.randn(4, 3)


def _dot_pair_transposed():
    torch.manual_seed(0)
    return torch.randn(3, 4), torch.randn(4, 3, 2)


def _signal():
    torch.manual_seed(0)
    return (torch.randn(64),)


CASES = {
    "unique_plain": (unique_plain, _ints),
    "unique_inverse": (unique_inverse, _ints),
    "unique_counts": (unique_counts, _ints),
    "unique_all_dim": (unique_all_dim, _rows),
    "unique_consecutive_plain": (unique_consecutive_plain, _runs),
    "unique_consecutive_all": (unique_consecutive_all, _runs),
    "norm_default": (norm_default, _matrix),
    "norm_p_dim": (norm_p_dim, _matrix),
    "norm_dim_keyword": (norm_dim_keyword, _matrix),
    "norm_p_only": (norm_p_only, _matrix),
    "norm_fro_list": (norm_fro_list, _matrix),
    "norm_float_list": (norm_float_list, _matrix),
    "norm_nuclear": (norm_nuclear, _matrix),
    "cdist_default": (cdist_default, _points),
    "cdist_p1": (cdist_p1, _points),
    "tensordot_int": (tensordot_int, _dot_pair),
    "tensordot_lists": (tensordot_lists, _dot_pair_transposed),
    "stft_basic": (stft_basic, _signal),
    "istft_roundtrip": (istft_roundtrip, _signal),
    "lu_plain": (lu_plain, _square),
    "lu_infos": (lu_infos, _square),
}
