"""One small scripted wrapper per public function of torch.nn.functional (1.13), with inputs:
the cases of test_functional_source.py. Each wrapper is compiled by torch.jit and tscript from
this file's source; `CASES` maps the F name to (wrapper, argument factory)."""
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def _r(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


def _i(high, *shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, high, shape, generator=g)


def adaptive_avg_pool1d(x: Tensor) -> Tensor: return F.adaptive_avg_pool1d(x, 3)
def adaptive_avg_pool2d(x: Tensor) -> Tensor: return F.adaptive_avg_pool2d(x, (2, 2))
def adaptive_avg_pool3d(x: Tensor) -> Tensor: return F.adaptive_avg_pool3d(x, 2)
def adaptive_max_pool1d(x: Tensor) -> Tensor: return F.adaptive_max_pool1d(x, 3)
def adaptive_max_pool1d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.adaptive_max_pool1d_with_indices(x, 3)
def adaptive_max_pool2d(x: Tensor) -> Tensor: return F.adaptive_max_pool2d(x, 2)
def adaptive_max_pool2d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.adaptive_max_pool2d_with_indices(x, 2)
def adaptive_max_pool3d(x: Tensor) -> Tensor: return F.adaptive_max_pool3d(x, 2)
def adaptive_max_pool3d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.adaptive_max_pool3d_with_indices(x, 2)
def affine_grid(theta: Tensor) -> Tensor: return F.affine_grid(theta, [1, 1, 3, 3], align_corners=False)
def alpha_dropout(x: Tensor) -> Tensor: return F.alpha_dropout(x, 0.5, False)
def avg_pool1d(x: Tensor) -> Tensor: return F.avg_pool1d(x, 2)
def avg_pool2d(x: Tensor) -> Tensor: return F.avg_pool2d(x, 2, stride=1)
def avg_pool3d(x: Tensor) -> Tensor: return F.avg_pool3d(x, 2)
def batch_norm(x: Tensor) -> Tensor: return F.batch_norm(x, torch.zeros(2), torch.ones(2), training=False)
def bilinear(a: Tensor, b: Tensor, w: Tensor) -> Tensor: return F.bilinear(a, b, w)
def binary_cross_entropy(p: Tensor, t: Tensor) -> Tensor: return F.binary_cross_entropy(torch.sigmoid(p), torch.sigmoid(t))
def binary_cross_entropy_with_logits(p: Tensor, t: Tensor) -> Tensor: return F.binary_cross_entropy_with_logits(p, torch.sigmoid(t))
def celu(x: Tensor) -> Tensor: return F.celu(x, 0.5)
def celu_(x: Tensor) -> Tensor: return F.celu_(x.clone())
def channel_shuffle(x: Tensor) -> Tensor: return F.channel_shuffle(x, 2)
def conv1d(x: Tensor, w: Tensor) -> Tensor: return F.conv1d(x, w, padding=1)
def conv2d(x: Tensor, w: Tensor) -> Tensor: return F.conv2d(x, w, stride=2)
def conv3d(x: Tensor, w: Tensor) -> Tensor: return F.conv3d(x, w)
def conv_tbc(x: Tensor, w: Tensor, b: Tensor) -> Tensor: return F.conv_tbc(x, w, b)
def conv_transpose1d(x: Tensor, w: Tensor) -> Tensor: return F.conv_transpose1d(x, w)
def conv_transpose2d(x: Tensor, w: Tensor) -> Tensor: return F.conv_transpose2d(x, w)
def conv_transpose3d(x: Tensor, w: Tensor) -> Tensor: return F.conv_transpose3d(x, w)
def cosine_embedding_loss(a: Tensor, b: Tensor, y: Tensor) -> Tensor: return F.cosine_embedding_loss(a, b, y)
def cosine_similarity(a: Tensor, b: Tensor) -> Tensor: return F.cosine_similarity(a, b)
def cross_entropy(x: Tensor, y: Tensor) -> Tensor: return F.cross_entropy(x, y, label_smoothing=0.1)
def ctc_loss(lp: Tensor, t: Tensor, il: Tensor, tl: Tensor) -> Tensor: return F.ctc_loss(lp.log_softmax(2), t, il, tl)
def dropout(x: Tensor) -> Tensor: return F.dropout(x, 0.3, False)
def dropout1d(x: Tensor) -> Tensor: return F.dropout1d(x, 0.3, False)
def dropout2d(x: Tensor) -> Tensor: return F.dropout2d(x, 0.3, False)
def dropout3d(x: Tensor) -> Tensor: return F.dropout3d(x, 0.3, False)
def elu(x: Tensor) -> Tensor: return F.elu(x, 0.7)
def elu_(x: Tensor) -> Tensor: return F.elu_(x.clone())
def embedding(i: Tensor, w: Tensor) -> Tensor: return F.embedding(i, w, padding_idx=0)
def embedding_bag(i: Tensor, w: Tensor, o: Tensor) -> Tensor: return F.embedding_bag(i, w, o, mode="sum")
def feature_alpha_dropout(x: Tensor) -> Tensor: return F.feature_alpha_dropout(x, 0.5, False)
def fold(x: Tensor) -> Tensor: return F.fold(x, (3, 3), 2)
def fractional_max_pool2d(x: Tensor, s: Tensor) -> Tensor: return F.fractional_max_pool2d(x, 2, output_size=2, _random_samples=s)
def fractional_max_pool2d_with_indices(x: Tensor, s: Tensor) -> Tuple[Tensor, Tensor]: return F.fractional_max_pool2d_with_indices(x, 2, output_size=2, _random_samples=s)
def fractional_max_pool3d(x: Tensor, s: Tensor) -> Tensor: return F.fractional_max_pool3d(x, 2, output_size=2, _random_samples=s)
def fractional_max_pool3d_with_indices(x: Tensor, s: Tensor) -> Tuple[Tensor, Tensor]: return F.fractional_max_pool3d_with_indices(x, 2, output_size=2, _random_samples=s)
def gaussian_nll_loss(x: Tensor, t: Tensor, v: Tensor) -> Tensor: return F.gaussian_nll_loss(x, t, v.abs() + 0.1)
def gelu(x: Tensor) -> Tensor: return F.gelu(x, approximate="tanh")
def glu(x: Tensor) -> Tensor: return F.glu(x, 1)
def grid_sample(x: Tensor, g: Tensor) -> Tensor: return F.grid_sample(x, g.tanh(), align_corners=False)
def group_norm(x: Tensor) -> Tensor: return F.group_norm(x, 1)
def gumbel_softmax(x: Tensor) -> Tensor: return F.gumbel_softmax(x, tau=0.5).sum(-1)
def hardshrink(x: Tensor) -> Tensor: return F.hardshrink(x, 0.3)
def hardsigmoid(x: Tensor) -> Tensor: return F.hardsigmoid(x)
def hardswish(x: Tensor) -> Tensor: return F.hardswish(x)
def hardtanh(x: Tensor) -> Tensor: return F.hardtanh(x, -0.5, 0.5)
def hardtanh_(x: Tensor) -> Tensor: return F.hardtanh_(x.clone())
def hinge_embedding_loss(x: Tensor, y: Tensor) -> Tensor: return F.hinge_embedding_loss(x, y)
def huber_loss(x: Tensor, t: Tensor) -> Tensor: return F.huber_loss(x, t, delta=0.5)
def instance_norm(x: Tensor) -> Tensor: return F.instance_norm(x)
def interpolate(x: Tensor) -> List[Tensor]:
    return [F.interpolate(x, scale_factor=2.0, mode="nearest"), F.interpolate(x, size=[3, 5], mode="bilinear", align_corners=False),
            F.interpolate(x, size=6)]
def kl_div(x: Tensor, t: Tensor) -> Tensor: return F.kl_div(x.log_softmax(1), t.softmax(1), reduction="batchmean")
def l1_loss(x: Tensor, t: Tensor) -> Tensor: return F.l1_loss(x, t, reduction="sum")
def layer_norm(x: Tensor) -> Tensor: return F.layer_norm(x, [4])
def leaky_relu(x: Tensor) -> Tensor: return F.leaky_relu(x, 0.2)
def leaky_relu_(x: Tensor) -> Tensor: return F.leaky_relu_(x.clone())
def linear(x: Tensor, w: Tensor) -> Tensor: return F.linear(x, w)
def local_response_norm(x: Tensor) -> Tensor: return F.local_response_norm(x, 2)
def log_softmax(x: Tensor) -> Tensor: return F.log_softmax(x, 1)
def logsigmoid(x: Tensor) -> Tensor: return F.logsigmoid(x)
def lp_pool1d(x: Tensor) -> Tensor: return F.lp_pool1d(x, 2.0, 2)
def lp_pool2d(x: Tensor) -> Tensor: return F.lp_pool2d(x, 2.0, 2)
def margin_ranking_loss(a: Tensor, b: Tensor, y: Tensor) -> Tensor: return F.margin_ranking_loss(a, b, y)
def max_pool1d(x: Tensor) -> Tensor: return F.max_pool1d(x, 2)
def max_pool1d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.max_pool1d_with_indices(x, 2)
def max_pool2d(x: Tensor) -> Tensor: return F.max_pool2d(x, 2, ceil_mode=True)
def max_pool2d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.max_pool2d_with_indices(x, 2)
def max_pool3d(x: Tensor) -> Tensor: return F.max_pool3d(x, 2)
def max_pool3d_with_indices(x: Tensor) -> Tuple[Tensor, Tensor]: return F.max_pool3d_with_indices(x, 2)
def max_unpool1d(x: Tensor) -> Tensor:
    y, i = F.max_pool1d(x, 2, return_indices=True)
    return F.max_unpool1d(y, i, 2)
def max_unpool2d(x: Tensor) -> Tensor:
    y, i = F.max_pool2d(x, 2, return_indices=True)
    return F.max_unpool2d(y, i, 2)
def max_unpool3d(x: Tensor) -> Tensor:
    y, i = F.max_pool3d(x, 2, return_indices=True)
    return F.max_unpool3d(y, i, 2)
def mish(x: Tensor) -> Tensor: return F.mish(x)
def mse_loss(x: Tensor, t: Tensor) -> Tensor: return F.mse_loss(x, t)
def multi_head_attention_forward(q: Tensor, w: Tensor, b: Tensor, ow: Tensor, ob: Tensor) -> Tensor:
    return F.multi_head_attention_forward(q, q, q, 4, 2, w, b, None, None, False, 0.0, ow, ob,
                                          training=False)[0]
def multi_margin_loss(x: Tensor, y: Tensor) -> Tensor: return F.multi_margin_loss(x, y)
def multilabel_margin_loss(x: Tensor, y: Tensor) -> Tensor: return F.multilabel_margin_loss(x, y)
def multilabel_soft_margin_loss(x: Tensor, y: Tensor) -> Tensor: return F.multilabel_soft_margin_loss(x, y)
def native_channel_shuffle(x: Tensor) -> Tensor: return F.native_channel_shuffle(x, 2)
def nll_loss(x: Tensor, y: Tensor) -> Tensor: return F.nll_loss(x.log_softmax(1), y, ignore_index=1)
def normalize(x: Tensor) -> Tensor: return F.normalize(x, p=1.0, dim=0)
def one_hot(i: Tensor) -> Tensor: return F.one_hot(i, 5)
def pad(x: Tensor) -> List[Tensor]: return [F.pad(x, [1, 2]), F.pad(x, (1, 1, 2, 0), mode="reflect")]
def pairwise_distance(a: Tensor, b: Tensor) -> Tensor: return F.pairwise_distance(a, b, keepdim=True)
def pdist(x: Tensor) -> Tensor: return F.pdist(x)
def pixel_shuffle(x: Tensor) -> Tensor: return F.pixel_shuffle(x, 2)
def pixel_unshuffle(x: Tensor) -> Tensor: return F.pixel_unshuffle(x, 2)
def poisson_nll_loss(x: Tensor, t: Tensor) -> Tensor: return F.poisson_nll_loss(x, t.abs())
def prelu(x: Tensor, w: Tensor) -> Tensor: return F.prelu(x, w)
def relu(x: Tensor) -> Tensor: return F.relu(x)
def relu6(x: Tensor) -> Tensor: return F.relu6(x * 4)
def relu_(x: Tensor) -> Tensor: return F.relu_(x.clone())
def rrelu(x: Tensor) -> Tensor: return F.rrelu(x, training=False)
def rrelu_(x: Tensor) -> Tensor: return F.rrelu_(x.clone(), training=False)
def selu(x: Tensor) -> Tensor: return F.selu(x)
def selu_(x: Tensor) -> Tensor: return F.selu_(x.clone())
def sigmoid(x: Tensor) -> Tensor: return F.sigmoid(x)
def silu(x: Tensor) -> Tensor: return F.silu(x)
def smooth_l1_loss(x: Tensor, t: Tensor) -> Tensor: return F.smooth_l1_loss(x, t, beta=0.5)
def soft_margin_loss(x: Tensor, y: Tensor) -> Tensor: return F.soft_margin_loss(x, y)
def softmax(x: Tensor) -> Tensor: return F.softmax(x, -1, dtype=torch.float64)
def softmin(x: Tensor) -> Tensor: return F.softmin(x, 0)
def softplus(x: Tensor) -> Tensor: return F.softplus(x, 2.0)
def softshrink(x: Tensor) -> Tensor: return F.softshrink(x, 0.3)
def softsign(x: Tensor) -> Tensor: return F.softsign(x)
def tanh(x: Tensor) -> Tensor: return F.tanh(x)
def tanhshrink(x: Tensor) -> Tensor: return F.tanhshrink(x)
def threshold(x: Tensor) -> Tensor: return F.threshold(x, 0.1, 20.0)
def threshold_(x: Tensor) -> Tensor: return F.threshold_(x.clone(), 0.1, 20.0)
def triplet_margin_loss(a: Tensor, p: Tensor, n: Tensor) -> Tensor: return F.triplet_margin_loss(a, p, n)
def triplet_margin_with_distance_loss(a: Tensor, p: Tensor, n: Tensor) -> Tensor: return F.triplet_margin_with_distance_loss(a, p, n)
def unfold(x: Tensor) -> Tensor: return F.unfold(x, 2)
def upsample(x: Tensor) -> Tensor: return F.upsample(x, scale_factor=2.0)
def upsample_bilinear(x: Tensor) -> Tensor: return F.upsample_bilinear(x, scale_factor=2.0)
def upsample_nearest(x: Tensor) -> Tensor: return F.upsample_nearest(x, size=[5, 6])


X1, X2, X3 = (lambda: (_r(1, 2, 6),)), (lambda: (_r(1, 2, 4, 4),)), (lambda: (_r(1, 2, 4, 4, 4),))
V = lambda: (_r(3, 4),)  # noqa: E731
PAIR = lambda: (_r(3, 4), _r(3, 4, seed=1))  # noqa: E731
ARGS = {
    "adaptive_avg_pool1d": X1, "adaptive_avg_pool2d": X2, "adaptive_avg_pool3d": X3,
    "adaptive_max_pool1d": X1, "adaptive_max_pool1d_with_indices": X1,
    "adaptive_max_pool2d": X2, "adaptive_max_pool2d_with_indices": X2,
    "adaptive_max_pool3d": X3, "adaptive_max_pool3d_with_indices": X3,
    "affine_grid": lambda: (_r(1, 2, 3),), "alpha_dropout": V, "avg_pool1d": X1,
    "avg_pool2d": X2, "avg_pool3d": X3, "batch_norm": X2,
    "bilinear": lambda: (_r(3, 4), _r(3, 5, seed=1), _r(2, 4, 5, seed=2)),
    "binary_cross_entropy": PAIR, "binary_cross_entropy_with_logits": PAIR, "celu": V,
    "celu_": V, "channel_shuffle": lambda: (_r(1, 4, 2, 2),),
    "conv1d": lambda: (_r(1, 2, 6), _r(3, 2, 3, seed=1)),
    "conv2d": lambda: (_r(1, 2, 5, 5), _r(2, 2, 3, 3, seed=1)),
    "conv3d": lambda: (_r(1, 2, 4, 4, 4), _r(2, 2, 3, 3, 3, seed=1)),
    "conv_tbc": lambda: (_r(5, 1, 2), _r(3, 2, 4, seed=1), _r(4, seed=2)),
    "conv_transpose1d": lambda: (_r(1, 2, 6), _r(2, 3, 3, seed=1)),
    "conv_transpose2d": lambda: (_r(1, 2, 4, 4), _r(2, 3, 3, 3, seed=1)),
    "conv_transpose3d": lambda: (_r(1, 2, 3, 3, 3), _r(2, 3, 2, 2, 2, seed=1)),
    "cosine_embedding_loss": lambda: (_r(3, 4), _r(3, 4, seed=1), torch.tensor([1., -1., 1.])),
    "cosine_similarity": PAIR, "cross_entropy": lambda: (_r(3, 5), _i(5, 3)),
    "ctc_loss": lambda: (_r(6, 2, 4), _i(3, 2, 3) + 1, torch.tensor([6, 5]), torch.tensor([3, 2])),
    "dropout": V, "dropout1d": X1, "dropout2d": X2, "dropout3d": X3, "elu": V, "elu_": V,
    "embedding": lambda: (_i(5, 4), _r(5, 3)),
    "embedding_bag": lambda: (_i(5, 6), _r(5, 3), torch.tensor([0, 2])),
    "feature_alpha_dropout": X2, "fold": lambda: (_r(1, 8, 4),),
    "fractional_max_pool2d": lambda: (_r(1, 2, 5, 5), torch.rand(1, 2, 2)),
    "fractional_max_pool2d_with_indices": lambda: (_r(1, 2, 5, 5), torch.rand(1, 2, 2)),
    "fractional_max_pool3d": lambda: (_r(1, 2, 5, 5, 5), torch.rand(1, 2, 3)),
    "fractional_max_pool3d_with_indices": lambda: (_r(1, 2, 5, 5, 5), torch.rand(1, 2, 3)),
    "gaussian_nll_loss": lambda: (_r(3, 4), _r(3, 4, seed=1), _r(3, 4, seed=2)),
    "gelu": V, "glu": V, "grid_sample": lambda: (_r(1, 2, 4, 4), _r(1, 3, 3, 2, seed=1)),
    "group_norm": X2, "gumbel_softmax": V, "hardshrink": V, "hardsigmoid": V, "hardswish": V,
    "hardtanh": V, "hardtanh_": V, "hinge_embedding_loss": lambda: (_r(3, 4), torch.ones(3, 4)),
    "huber_loss": PAIR, "instance_norm": X2, "interpolate": lambda: (_r(1, 2, 3, 4),),
    "kl_div": PAIR, "l1_loss": PAIR, "layer_norm": V, "leaky_relu": V, "leaky_relu_": V,
    "linear": lambda: (_r(2, 3), _r(4, 3, seed=1)), "local_response_norm": X2,
    "log_softmax": V, "logsigmoid": V, "lp_pool1d": X1, "lp_pool2d": X2,
    "margin_ranking_loss": lambda: (_r(3), _r(3, seed=1), torch.tensor([1., -1., 1.])),
    "max_pool1d": X1, "max_pool1d_with_indices": X1, "max_pool2d": X2,
    "max_pool2d_with_indices": X2, "max_pool3d": X3, "max_pool3d_with_indices": X3,
    "max_unpool1d": X1, "max_unpool2d": X2, "max_unpool3d": X3, "mish": V, "mse_loss": PAIR,
    "multi_head_attention_forward": lambda: (_r(3, 1, 4), _r(12, 4, seed=1), _r(12, seed=2),
                                             _r(4, 4, seed=3), _r(4, seed=4)),
    "multi_margin_loss": lambda: (_r(3, 5), _i(5, 3)),
    "multilabel_margin_loss": lambda: (_r(2, 4), torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1]])),
    "multilabel_soft_margin_loss": lambda: (_r(2, 4), _i(2, 2, 4)),
    "native_channel_shuffle": lambda: (_r(1, 4, 2, 2),), "nll_loss": lambda: (_r(3, 5), _i(5, 3)),
    "normalize": V, "one_hot": lambda: (_i(5, 4),), "pad": X2, "pairwise_distance": PAIR,
    "pdist": V, "pixel_shuffle": lambda: (_r(1, 4, 2, 2),), "pixel_unshuffle": X2,
    "poisson_nll_loss": PAIR, "prelu": lambda: (_r(2, 3, 4), torch.tensor([0.25, 0.1, 0.5])),
    "relu": V, "relu6": V, "relu_": V, "rrelu": V, "rrelu_": V, "selu": V, "selu_": V,
    "sigmoid": V, "silu": V, "smooth_l1_loss": PAIR,
    "soft_margin_loss": lambda: (_r(3, 4), torch.ones(3, 4)), "softmax": V, "softmin": V,
    "softplus": V, "softshrink": V, "softsign": V, "tanh": V, "tanhshrink": V, "threshold": V,
    "threshold_": V, "triplet_margin_loss": lambda: (_r(3, 4), _r(3, 4, seed=1), _r(3, 4, seed=2)),
    "triplet_margin_with_distance_loss": lambda: (_r(3, 4), _r(3, 4, seed=1), _r(3, 4, seed=2)),
    "unfold": X2, "upsample": X2, "upsample_bilinear": X2, "upsample_nearest": X2,
}
# Random in eager as in compiled code: compared by a property instead of by value.
RANDOM = {"gumbel_softmax"}
CASES = {name: (globals()[name], ARGS[name]) for name in ARGS}
