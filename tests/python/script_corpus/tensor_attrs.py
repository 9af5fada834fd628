"""Tensor attributes and queries: shape, dtype, device, T, ndim, requires_grad, is_cuda,
is_floating_point. dtype values are compared inside the function: torch.jit 1.13 returns a
dtype to Python as an int, so returning it would not match eager."""
from typing import List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randint, randn


def shape_elements(x: Tensor) -> Tuple[int, int]:
    return x.shape[0], x.shape[-1]


def shape_as_list(x: Tensor) -> List[int]:
    # list(): torch.jit returns x.shape as a list, eager as torch.Size.
    return list(x.shape)


def size_method(x: Tensor) -> List[int]:
    return list(x.size())


def dtype_checks(x: Tensor) -> List[bool]:
    return [x.dtype == torch.float32, x.dtype == torch.int64, x.dtype != torch.bool]


def dtype_used_in_factory(x: Tensor) -> Tensor:
    return torch.zeros(2, dtype=x.dtype)


def device_and_to(x: Tensor) -> Tensor:
    return torch.ones(3, device=x.device).to(x.device)


def device_type_string(x: Tensor) -> str:
    return x.device.type


def device_object(x: Tensor) -> torch.device:
    return x.device


def transpose_attribute(x: Tensor) -> Tensor:
    return x.T


def ndim_and_dim(x: Tensor) -> List[int]:
    return [x.ndim, x.dim()]


def requires_grad_flag(x: Tensor) -> bool:
    return x.requires_grad


def is_cuda_flag(x: Tensor) -> bool:
    return x.is_cuda


def is_floating_point_query(x: Tensor) -> bool:
    return x.is_floating_point()


def shape_driven_reshape(x: Tensor) -> Tensor:
    n, c = x.shape[0], x.shape[1]
    return x.view(n * c)


def element_size_and_numel(x: Tensor) -> int:
    return x.element_size() * x.numel()


def shape_comparison(x: Tensor, y: Tensor) -> bool:
    return x.shape == y.shape


def getattr_on_tensor(x: Tensor) -> int:
    return getattr(x, "ndim")


CASES = [
    case(shape_elements, (randn(2, 3, 4),)),
    case(shape_as_list, (randn(2, 3),), (torch.zeros(0),)),
    case(size_method, (randn(4, 1),)),
    case(dtype_checks, (randn(2),), (randint(0, 3, 2),), (torch.ones(2).bool(),)),
    case(dtype_used_in_factory, (randn(1),), (randint(0, 2, 1),)),
    case(device_and_to, (randn(1),)),
    case(device_type_string, (randn(1),)),
    case(device_object, (randn(1),)),
    case(transpose_attribute, (randn(2, 3),)),
    case(ndim_and_dim, (randn(2, 3, 4),), (torch.tensor(1.0),)),
    case(requires_grad_flag, (randn(2),), (randn(2).requires_grad_(),)),
    case(is_cuda_flag, (randn(2),)),
    case(is_floating_point_query, (randn(2),), (randint(0, 3, 2),)),
    case(shape_driven_reshape, (randn(2, 3),)),
    case(element_size_and_numel, (randn(3),), (randint(0, 3, 4, dtype=torch.int16),)),
    case(shape_comparison, (randn(2, 3), randn(2, 3)), (randn(2, 3), randn(3, 2))),
    case(getattr_on_tensor, (randn(2, 2),)),
]
