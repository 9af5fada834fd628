"""Tensor indexing as TorchScript lowers it: integers (select), slices with steps, None,
Ellipsis, tensor and list indices (advanced indexing), boolean masks, and assignment through
indexing (copy_ / index_put_)."""
from typing import List

import torch
from torch import Tensor

from script_corpus import case, randint, randn


def select_integer(x: Tensor) -> List[Tensor]:
    return [x[0], x[-1], x[1][2], x[1, 2]]


def slice_basic(x: Tensor) -> List[Tensor]:
    return [x[1:3], x[:, 1:], x[:-1, :2], x[::2], x[:, ::3]]


def slice_with_variables(x: Tensor, start: int, stop: int) -> Tensor:
    return x[start:stop]


def none_inserts_dimension(x: Tensor) -> List[Tensor]:
    return [x[None], x[:, None], x[None, :, None]]


def ellipsis_index(x: Tensor) -> List[Tensor]:
    return [x[..., 0], x[0, ...], x[..., 1:], x[:, ..., 0]]


def mixed_select_slice_none(x: Tensor) -> Tensor:
    return x[1, None, 0:2, ..., -1]


def tensor_index(x: Tensor, idx: Tensor) -> Tensor:
    return x[idx]


def tensor_index_second_dim(x: Tensor, idx: Tensor) -> Tensor:
    return x[:, idx]


def two_tensor_indices(x: Tensor, rows: Tensor, cols: Tensor) -> Tensor:
    return x[rows, cols]


def list_index(x: Tensor) -> Tensor:
    return x[[0, 2]]


def boolean_mask(x: Tensor) -> Tensor:
    return x[x > 0]


def assign_select(x: Tensor) -> Tensor:
    x[0] = 5.0
    return x


def assign_slice_from_tensor(x: Tensor, y: Tensor) -> Tensor:
    x[1:3] = y
    return x


def assign_with_mask(x: Tensor) -> Tensor:
    x[x < 0] = 0.0
    return x


def assign_with_tensor_index(x: Tensor, idx: Tensor) -> Tensor:
    x[idx] = -1.0
    return x


def assign_element_2d(x: Tensor, i: int, j: int) -> Tensor:
    x[i, j] = x[j, i] + 10
    return x


def assign_column(x: Tensor) -> Tensor:
    x[:, 0] = torch.arange(x.size(0), dtype=x.dtype)
    return x


def augmented_assign_through_index(x: Tensor) -> Tensor:
    x[1] += 100
    x[:, -1] *= 2
    return x


def index_with_int_tensor_scalar(x: Tensor, i: Tensor) -> Tensor:
    return x[i]


def view_shares_storage(x: Tensor) -> Tensor:
    row = x[0]
    row.fill_(3.0)
    return x


def gather_and_index_select(x: Tensor, idx: Tensor) -> List[Tensor]:
    return [x.index_select(0, idx), torch.gather(x, 1, idx.view(-1, 1).expand(-1, 2))]


def negative_step_via_flip(x: Tensor) -> Tensor:
    # Tensors reject negative slice steps (eager and script alike); flip is the idiom.
    return x.flip(0)[::2]


def narrow_and_select_methods(x: Tensor) -> List[Tensor]:
    return [x.narrow(1, 1, 2), x.select(0, 1)]


def fill_row_with_cat(x: Tensor) -> Tensor:
    # The overview's traced-friendly rewrite of an in-place row write.
    return torch.cat((torch.zeros(1, x.size(1)), x[1:]), dim=0)


CASES = [
    case(select_integer, (randn(3, 4),)),
    case(slice_basic, (randn(4, 6),)),
    case(slice_with_variables, (randn(6), 1, 4), (randn(6), -3, 100), (randn(6), 4, 1)),
    case(none_inserts_dimension, (randn(2, 3),)),
    case(ellipsis_index, (randn(2, 3, 4),)),
    case(mixed_select_slice_none, (randn(3, 4, 5),)),
    case(tensor_index, (randn(5, 2), torch.tensor([4, 0, 0, 2]))),
    case(tensor_index_second_dim, (randn(3, 4), torch.tensor([3, 1]))),
    case(two_tensor_indices, (randn(3, 4), torch.tensor([0, 2]), torch.tensor([1, 3]))),
    case(list_index, (randn(4, 2),)),
    case(boolean_mask, (randn(3, 3),)),
    case(assign_select, (randn(3, 2),)),
    case(assign_slice_from_tensor, (randn(5, 2), randn(2, 2, seed=1))),
    case(assign_with_mask, (randn(8),)),
    case(assign_with_tensor_index, (randn(6), torch.tensor([1, 3]))),
    case(assign_element_2d, (randn(3, 3), 0, 2)),
    case(assign_column, (randn(4, 3),)),
    case(augmented_assign_through_index, (randn(3, 3),)),
    case(index_with_int_tensor_scalar, (randn(4), torch.tensor(2))),
    case(view_shares_storage, (randn(2, 3),)),
    case(gather_and_index_select, (randn(4, 2), randint(0, 2, 4))),
    case(negative_step_via_flip, (randn(7),)),
    case(narrow_and_select_methods, (randn(3, 4),)),
    case(fill_row_with_cat, (randn(3, 4),)),
]
