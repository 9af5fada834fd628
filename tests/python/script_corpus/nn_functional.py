"""torch.nn.functional on small tensors: activations, softmax with dim, linear, conv,
pooling, normalization, dropout in eval mode, losses, padding, interpolation."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from script_corpus import case, randint, randn


def activations(x: Tensor) -> List[Tensor]:
    return [F.relu(x), F.leaky_relu(x, 0.1), F.gelu(x), F.silu(x), F.elu(x), F.hardtanh(x),
            F.softplus(x), torch.sigmoid(x), F.relu6(x * 4)]


def softmax_family(x: Tensor) -> List[Tensor]:
    return [F.softmax(x, dim=1), F.log_softmax(x, dim=0), F.softmin(x, dim=-1)]


def linear_with_and_without_bias(x: Tensor, w: Tensor, b: Tensor) -> List[Tensor]:
    return [F.linear(x, w, b), F.linear(x, w)]


def conv1d_and_conv2d(x1: Tensor, w1: Tensor, x2: Tensor, w2: Tensor) -> List[Tensor]:
    return [F.conv1d(x1, w1, padding=1), F.conv2d(x2, w2, stride=2, padding=1)]


def pooling(x: Tensor) -> List[Tensor]:
    return [F.max_pool2d(x, 2), F.avg_pool2d(x, kernel_size=2, stride=1),
            F.adaptive_avg_pool2d(x, (1, 1)), F.adaptive_max_pool2d(x, 2)]


def normalizations(x: Tensor) -> List[Tensor]:
    return [F.layer_norm(x, [x.size(-1)]), F.normalize(x, dim=1),
            F.batch_norm(x, torch.zeros(x.size(1)), torch.ones(x.size(1)), training=False)]


def dropout_in_eval_mode(x: Tensor) -> Tensor:
    return F.dropout(x, p=0.5, training=False)


def losses(pred: Tensor, target: Tensor, labels: Tensor) -> List[Tensor]:
    return [F.mse_loss(pred, target), F.l1_loss(pred, target, reduction="sum"),
            F.cross_entropy(pred, labels), F.nll_loss(F.log_softmax(pred, 1), labels)]


def padding_and_interpolate(x: Tensor) -> List[Tensor]:
    return [F.pad(x, [1, 2]), F.pad(x, [1, 1, 1, 1], mode="constant", value=0.5),
            F.interpolate(x, scale_factor=2.0, mode="nearest")]


def embedding_and_one_hot(idx: Tensor, table: Tensor) -> List[Tensor]:
    return [F.embedding(idx, table), F.one_hot(idx, 5)]


def optional_bias_argument(x: Tensor, w: Tensor, b: Optional[Tensor] = None) -> Tensor:
    return F.linear(x, w, b)


def tiny_mlp(x: Tensor, w1: Tensor, w2: Tensor) -> Tensor:
    h = F.relu(F.linear(x, w1))
    return F.softmax(F.linear(h, w2), dim=-1)


def pairwise_and_cosine(a: Tensor, b: Tensor) -> List[Tensor]:
    return [F.cosine_similarity(a, b, dim=1), F.pairwise_distance(a, b)]


CASES = [
    case(activations, (randn(2, 5),)),
    case(softmax_family, (randn(3, 4),)),
    case(linear_with_and_without_bias, (randn(2, 3), randn(4, 3, seed=1), randn(4, seed=2))),
    case(conv1d_and_conv2d, (randn(1, 2, 6), randn(3, 2, 3, seed=1),
                             randn(1, 2, 5, 5, seed=2), randn(2, 2, 3, 3, seed=3))),
    case(pooling, (randn(1, 2, 4, 4),)),
    case(normalizations, (randn(3, 4),)),
    case(dropout_in_eval_mode, (randn(4),)),
    case(losses, (randn(3, 5), randn(3, 5, seed=1), randint(0, 5, 3))),
    case(padding_and_interpolate, (randn(1, 1, 2, 3),)),
    case(embedding_and_one_hot, (randint(0, 5, 4), randn(5, 3))),
    case(optional_bias_argument, (randn(2, 3), randn(4, 3, seed=1)),
         (randn(2, 3), randn(4, 3, seed=1), randn(4, seed=2))),
    case(tiny_mlp, (randn(2, 3), randn(4, 3, seed=1), randn(2, 4, seed=2))),
    case(pairwise_and_cosine, (randn(3, 4), randn(3, 4, seed=1))),
]
