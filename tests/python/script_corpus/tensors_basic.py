"""Tensor arithmetic, reductions, factories, dtype conversions, shape manipulation, and the
scalar/tensor mixes TorchScript resolves through aten overloads."""
from typing import List, Tuple

import torch
from torch import Tensor

from script_corpus import case, randint, randn


def elementwise_ops(x: Tensor, y: Tensor) -> Tensor:
    return x * y + x / (y.abs() + 1) - y


def scalar_on_both_sides(x: Tensor) -> Tensor:
    return 2 * x + 1.5 - x / 4 + 3 - x


def matmul_operator(a: Tensor, b: Tensor) -> Tensor:
    return a @ b


def reductions(x: Tensor) -> List[Tensor]:
    return [x.sum(), x.mean(), x.sum(0), x.mean(1, keepdim=True), x.prod(1), x.std()]


def max_min_with_dim(x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    values, indices = x.max(1)
    return values, indices, x.min()


def argmax_argmin(x: Tensor) -> Tuple[Tensor, Tensor]:
    return x.argmax(), x.argmin(dim=0)


def comparisons_give_bool_tensors(x: Tensor, y: Tensor) -> List[Tensor]:
    return [x > y, x <= 0.5, x == x, x != y]


def logical_ops(a: Tensor, b: Tensor) -> List[Tensor]:
    return [a & b, a | b, a ^ b, ~a]


def factories(n: int) -> List[Tensor]:
    return [torch.zeros(n, 2), torch.ones(2, n, dtype=torch.int32), torch.full([n], 7.5),
            torch.arange(n), torch.arange(1, 10, 3), torch.eye(n), torch.empty(0)]


def linspace_and_like(x: Tensor) -> List[Tensor]:
    return [torch.linspace(0, 1, 5), torch.zeros_like(x), torch.ones_like(x), torch.full_like(x, 2)]


def tensor_from_data(a: float, b: float) -> Tensor:
    return torch.tensor([[a, b], [b, a]])


def tensor_from_int_list(xs: List[int]) -> Tensor:
    return torch.tensor(xs)


def dtype_conversions(x: Tensor) -> List[Tensor]:
    # (1.13 has no Tensor.bool() method in script; .to(torch.bool) is the spelling.)
    return [x.to(torch.int64), x.double(), x.float(), x.int(), x.long(), x.to(torch.bool),
            x.to(dtype=torch.float16)]


def type_promotion(i: Tensor, f: Tensor) -> List[Tensor]:
    return [i + f, i * 2.5, i + 1, i / 2, i // 2]


def reshape_view_flatten(x: Tensor) -> List[Tensor]:
    return [x.reshape(3, 4), x.view(-1), x.flatten(), x.view(2, -1, 2)]


def permute_transpose_contiguous(x: Tensor) -> List[Tensor]:
    return [x.permute(2, 0, 1), x.transpose(0, 1).contiguous(), x.t() if x.dim() == 2 else x]


def squeeze_unsqueeze(x: Tensor) -> List[Tensor]:
    return [x.unsqueeze(0), x.unsqueeze(-1), x.unsqueeze(1).squeeze(1), x.squeeze()]


def cat_stack_split(a: Tensor, b: Tensor) -> List[Tensor]:
    both = torch.cat([a, b], dim=0)
    parts = torch.split(both, 2)
    return [both, torch.stack([a, b], 1), parts[0], parts[-1]]


def unbind_and_chunk(x: Tensor) -> List[Tensor]:
    return list(x.unbind(0)) + list(x.chunk(2, dim=1))


def clamp_where_abs(x: Tensor) -> List[Tensor]:
    return [x.clamp(-0.5, 0.5), torch.where(x > 0, x, torch.zeros_like(x)), x.abs(),
            x.clamp(min=0.0)]


def pointwise_math(x: Tensor) -> List[Tensor]:
    y = x.abs() + 0.1
    return [y.sqrt(), y.log(), x.exp(), x.sin(), x.cos(), x.tanh(), x.sigmoid(), y.pow(2),
            y.rsqrt(), x.floor(), x.ceil(), x.round(), x.sign()]


def torch_namespace_functions(x: Tensor, y: Tensor) -> List[Tensor]:
    return [torch.add(x, y, alpha=2), torch.mul(x, 3), torch.maximum(x, y), torch.neg(x),
            torch.sum(x, dim=0), torch.matmul(x, y.t())]


def item_and_tolist(x: Tensor) -> Tuple[float, List[float]]:
    total = x.sum().item()
    values: List[float] = x.tolist()
    return float(total), values


def int_float_bool_of_tensor(x: Tensor) -> Tuple[int, float, bool]:
    return int(x), float(x), bool(x)


def inplace_methods(x: Tensor) -> Tensor:
    x.mul_(2)
    x.add_(1)
    x.clamp_(max=2.0)
    return x


def clone_detach(x: Tensor) -> Tensor:
    y = x.clone()
    y.zero_()
    return x + y.detach()


def cumulative_and_sort(x: Tensor) -> List[Tensor]:
    values, indices = torch.sort(x)
    return [x.cumsum(0), values, indices, torch.topk(x, 2)[0]]


def expand_repeat_broadcast(x: Tensor) -> List[Tensor]:
    col = x.view(-1, 1)
    return [col.expand(4, 3), x.repeat(2), col + x, torch.broadcast_tensors(col, x)[1]]


def masked_fill_and_nonzero(x: Tensor) -> List[Tensor]:
    return [x.masked_fill(x < 0, 0.0), torch.nonzero(x > 0), (x > 0).sum()]


def integer_tensor_ops(x: Tensor) -> List[Tensor]:
    return [x % 3, x // 2, x.remainder(4), x * x, x.bitwise_and(6)]


def einsum_and_bmm(a: Tensor, b: Tensor) -> List[Tensor]:
    return [torch.einsum("bij,bjk->bik", a, b), torch.bmm(a, b)]


def numel_dim_size(x: Tensor) -> List[int]:
    return [x.numel(), x.dim(), x.size(0), x.size(-1), len(x)]


CASES = [
    case(elementwise_ops, (randn(3, 4), randn(3, 4, seed=1))),
    case(scalar_on_both_sides, (randn(5),)),
    case(matmul_operator, (randn(2, 3), randn(3, 4, seed=1)), (randn(3), randn(3, seed=2))),
    case(reductions, (randn(3, 4),)),
    case(max_min_with_dim, (randn(3, 4),)),
    case(argmax_argmin, (randn(3, 4),)),
    case(comparisons_give_bool_tensors, (randn(4), randn(4, seed=1))),
    case(logical_ops, (randn(5) > 0, randn(5, seed=1) > 0)),
    case(factories, (3,), (1,)),
    case(linspace_and_like, (randn(2, 2),)),
    case(tensor_from_data, (1.5, -2.0)),
    case(tensor_from_int_list, ([1, 2, 3],)),
    case(dtype_conversions, (randn(4) * 10,)),
    case(type_promotion, (randint(0, 10, 4), randn(4))),
    case(reshape_view_flatten, (randn(12),)),
    case(permute_transpose_contiguous, (randn(2, 3, 4),)),
    case(squeeze_unsqueeze, (randn(3, 1, 2),)),
    case(cat_stack_split, (randn(2, 3), randn(2, 3, seed=1))),
    case(unbind_and_chunk, (randn(2, 4),)),
    case(clamp_where_abs, (randn(6),)),
    case(pointwise_math, (randn(6),)),
    case(torch_namespace_functions, (randn(2, 3), randn(2, 3, seed=1))),
    case(item_and_tolist, (randn(3),)),
    case(int_float_bool_of_tensor, (torch.tensor(3.75),), (torch.tensor(0.0),)),
    case(inplace_methods, (randn(5),)),
    case(clone_detach, (randn(3),)),
    case(cumulative_and_sort, (randn(6),)),
    case(expand_repeat_broadcast, (randn(4),)),
    case(masked_fill_and_nonzero, (randn(6),)),
    case(integer_tensor_ops, (randint(-10, 10, 6),)),
    case(einsum_and_bmm, (randn(2, 3, 4), randn(2, 4, 2, seed=1))),
    case(numel_dim_size, (randn(3, 4, 5),)),
]
