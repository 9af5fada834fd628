"""The corpus of traced programs that tests/python/test_trace_graphs.py compares with
torch.jit.trace 1.13. Each case is (name, fn, make_inputs); make_inputs builds fresh inputs,
because some cases write into their inputs. Functions live at module level so that both
tracers see the same source lines and local variable names.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _g(*shape, seed=0):
    generator = torch.Generator().manual_seed(seed + sum(shape))
    return torch.randn(*shape, generator=generator)


def add_mul(x, y):
    return x * y + x


def scalar_int(x):
    return x + 2


def scalar_float(x):
    return x * 0.5 - 1.25


def reverse_sub(x):
    return 1 - x


def activations(x):
    return torch.tanh(torch.sigmoid(F.relu(x)))


def matmul(x, w):
    return x.matmul(w)


def linear(x, w, b):
    return F.linear(x, w, b)


def conv2d(x, w, b):
    return F.conv2d(x, w, b, padding=1)


def batch_norm_eval(x, mean, var, w, b):
    return F.batch_norm(x, mean, var, w, b, training=False)


def dropout_eval(x):
    return F.dropout(x, 0.5, training=False)


def flatten(x):
    return torch.flatten(x, 1)


def adaptive_pool(x):
    return F.adaptive_avg_pool2d(x, (1, 1))


def max_pool(x):
    return F.max_pool2d(x, 2)


def view_by_size(x):
    return x.view(x.size(0), -1)


def reshape_by_shape(x):
    b, c, h, w = x.shape
    return x.reshape(b, c * h * w)


def size_arithmetic(x):
    n = x.size(0)
    return x.view(n * 2, -1)


def view_by_numel(x):
    return x.view(x.numel())


def cat(x, y):
    return torch.cat([x, y], 0)


def stack(x, y):
    return torch.stack([x, y], 1)


def chunk(x):
    a, b = x.chunk(2, 0)
    return a + b


def split_sizes(x):
    parts = torch.split(x, [1, 3], dim=1)
    return parts[0] * parts[1].sum(1, keepdim=True)


def tuple_output(x, y):
    return x + 1, y * 2


def nested_tuple_input(t):
    a, (b, c) = t
    return a + b.sum(0, keepdim=True) * c.mean()


def list_input(xs):
    return xs[0] - xs[1]


def dict_input(d):
    return d["a"] * d["b"]


def inplace_on_clone(x):
    y = x.clone()
    y.add_(1)
    y.mul_(2)
    return y


def inplace_on_input(x):
    x.add_(1)
    return x * 2


def transpose_contiguous(x):
    return x.transpose(0, 1).contiguous().permute(1, 0)


def softmaxes(x):
    return F.softmax(x, dim=1) + F.log_softmax(x, dim=-1)


def reductions(x):
    return x.sum(1, keepdim=True) + x.mean(dim=(0, 1)) - x.amax(0)


def slicing(x):
    return x[:, 1:3] * x[0, 1:3]


def bool_mask_index(x):
    return x[x > 0]


def squeeze_unsqueeze(x):
    return x.unsqueeze(0).squeeze(0).unsqueeze(-1)


def expand(x, y):
    return x.expand(3, 4) + y.expand_as(x.expand(3, 4))


def where(x, y):
    return torch.where(x > 0, x, y)


def clamps(x):
    return x.clamp(min=0) + x.clamp(-0.5, 0.5)


def pointwise_math(x):
    return x.abs().sqrt().exp().log() ** 2


def likes_and_full(x):
    return torch.zeros_like(x) + torch.ones_like(x) * torch.full((3, 4), 2.0)


def arange_by_size(x):
    return x + torch.arange(x.size(1))


def layer_norm(x, w, b):
    return F.layer_norm(x, (4,), w, b)


def embedding(idx, w):
    return F.embedding(idx, w)


def masked_fill(x):
    return x.masked_fill(x < 0, 0.0)


def bmm_einsum(x, y):
    return torch.bmm(x, y) + torch.einsum("bij,bjk->bik", x, y)


def interpolate_nearest(x):
    return F.interpolate(x, scale_factor=2.0, mode="nearest")


def more_activations(x):
    return F.gelu(x) + F.silu(x) + F.leaky_relu(x, 0.1)


def topk(x):
    values, indices = x.topk(2, dim=1)
    return values, indices


def max_dim(x):
    return torch.max(x, 1)


def dtype_conversions(x):
    return x.to(torch.float64), x.long(), x.float().half()


def repeat(x):
    return x.repeat(2, 1)


def same_tensor_twice(x, y):
    return x + y


def int_of_size(x):
    return x.view(int(x.size(0)), -1)


def literal_equal_to_size(x):
    # The literal 2 and x.size(0) are both 2: only 1.13's parser knows which one came from
    # the size.
    return x.view(2, x.size(0), -1)


def divide_by_last_dim(x):
    return x / x.shape[-1]


def tensor_from_list(x):
    c = torch.tensor([1.0, 2.0, 3.0])
    return x + c


def tensor_from_values(x):
    # a 0-dim value, a 2x2 of another dtype, a bool list: constants + aten::to + aten::detach
    scale = torch.tensor(2.5)
    table = torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)
    mask = torch.tensor([True, False, True])
    return (x * scale).masked_fill(mask, 0.0) + table.sum()


def as_tensor_and_new_tensor(x):
    # as_tensor: no detach; new_tensor: with it (as torch.tensor)
    return x + torch.as_tensor([1.0, 2.0, 3.0]) + x.new_tensor([3.0, 2.0, 1.0])


def tensor_from_sizes(x):
    # the sizes read while building it are Python values: one constant, as in 1.13
    return x.sum(0) + torch.tensor([x.size(0), x.size(1), 3])


def tensor_copied_from_tensor(x):
    return x + torch.tensor(x)


def frozen(module):
    """`module` in eval mode with parameters that do not require grad: a function that calls
    it traces its parameters as constants in 1.13 (tracing modules proper is part two)."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


_models = {}


def _model(name):
    """Built once, outside any trace (building a model is not part of what is traced)."""
    if name not in _models:
        torch.manual_seed(0)
        if name == "small_cnn":
            _models[name] = frozen(nn.Sequential(
                nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.2), nn.Linear(4, 2)))
        else:
            import torchvision
            _models[name] = frozen(torchvision.models.resnet18())
    return _models[name]


def small_cnn(x):
    return _models["small_cnn"](x)


def resnet18(x):
    return _models["resnet18"](x)


CASES = [
    ("add_mul", add_mul, lambda: (_g(2, 3), _g(2, 3, seed=1))),
    ("scalar_int", scalar_int, lambda: (_g(2, 3),)),
    ("scalar_float", scalar_float, lambda: (_g(2, 3),)),
    ("reverse_sub", reverse_sub, lambda: (_g(2, 3),)),
    ("activations", activations, lambda: (_g(2, 3),)),
    ("matmul", matmul, lambda: (_g(2, 3), _g(3, 4))),
    ("linear", linear, lambda: (_g(2, 3), _g(4, 3), _g(4))),
    ("conv2d", conv2d, lambda: (_g(1, 2, 5, 5), _g(3, 2, 3, 3), _g(3))),
    ("batch_norm_eval", batch_norm_eval,
     lambda: (_g(2, 3, 4, 4), _g(3), _g(3).abs(), _g(3), _g(3))),
    ("dropout_eval", dropout_eval, lambda: (_g(2, 3),)),
    ("flatten", flatten, lambda: (_g(2, 3, 4),)),
    ("adaptive_pool", adaptive_pool, lambda: (_g(1, 2, 4, 4),)),
    ("max_pool", max_pool, lambda: (_g(1, 2, 4, 4),)),
    ("view_by_size", view_by_size, lambda: (_g(2, 3, 4),)),
    ("reshape_by_shape", reshape_by_shape, lambda: (_g(2, 3, 4, 5),)),
    ("size_arithmetic", size_arithmetic, lambda: (_g(4, 3, 2),)),
    ("view_by_numel", view_by_numel, lambda: (_g(2, 3),)),
    ("cat", cat, lambda: (_g(2, 3), _g(1, 3))),
    ("stack", stack, lambda: (_g(2, 3), _g(2, 3, seed=1))),
    ("chunk", chunk, lambda: (_g(4, 3),)),
    ("split_sizes", split_sizes, lambda: (_g(2, 4),)),
    ("tuple_output", tuple_output, lambda: (_g(2), _g(3))),
    ("nested_tuple_input", nested_tuple_input, lambda: ((_g(2), (_g(2, seed=1), _g(2, seed=2))),)),
    ("list_input", list_input, lambda: ([_g(2), _g(2, seed=1)],)),
    ("dict_input", dict_input, lambda: ({"a": _g(2), "b": _g(2, seed=1)},)),
    ("inplace_on_clone", inplace_on_clone, lambda: (_g(2, 3),)),
    ("inplace_on_input", inplace_on_input, lambda: (_g(2, 3),)),
    ("transpose_contiguous", transpose_contiguous, lambda: (_g(2, 3),)),
    ("softmaxes", softmaxes, lambda: (_g(2, 3),)),
    ("reductions", reductions, lambda: (_g(2, 3),)),
    ("slicing", slicing, lambda: (_g(3, 4),)),
    ("bool_mask_index", bool_mask_index, lambda: (_g(3, 4),)),
    ("squeeze_unsqueeze", squeeze_unsqueeze, lambda: (_g(3, 4),)),
    ("expand", expand, lambda: (_g(1, 4), _g(4))),
    ("where", where, lambda: (_g(3, 4), _g(3, 4, seed=1))),
    ("clamps", clamps, lambda: (_g(3, 4),)),
    ("pointwise_math", pointwise_math, lambda: (_g(3, 4),)),
    ("likes_and_full", likes_and_full, lambda: (_g(3, 4),)),
    ("arange_by_size", arange_by_size, lambda: (_g(3, 4),)),
    ("layer_norm", layer_norm, lambda: (_g(2, 4), _g(4), _g(4, seed=1))),
    ("embedding", embedding, lambda: (torch.tensor([[0, 2], [1, 1]]), _g(3, 4))),
    ("masked_fill", masked_fill, lambda: (_g(3, 4),)),
    ("bmm_einsum", bmm_einsum, lambda: (_g(2, 3, 4), _g(2, 4, 5))),
    ("interpolate_nearest", interpolate_nearest, lambda: (_g(1, 2, 3, 3),)),
    ("more_activations", more_activations, lambda: (_g(3, 4),)),
    ("topk", topk, lambda: (_g(3, 4),)),
    ("max_dim", max_dim, lambda: (_g(3, 4),)),
    ("dtype_conversions", dtype_conversions, lambda: (_g(3, 4),)),
    ("repeat", repeat, lambda: (_g(3, 4),)),
    ("same_tensor_twice", same_tensor_twice, lambda: (lambda t: (t, t))(_g(3, 4))),
    ("int_of_size", int_of_size, lambda: (_g(3, 4),)),
    ("divide_by_last_dim", divide_by_last_dim, lambda: (_g(3, 4),)),
    ("literal_equal_to_size", literal_equal_to_size, lambda: (_g(2, 6),)),
    ("tensor_from_list", tensor_from_list, lambda: (_g(2, 3),)),
    ("tensor_from_values", tensor_from_values, lambda: (_g(2, 3),)),
    ("as_tensor_and_new_tensor", as_tensor_and_new_tensor, lambda: (_g(2, 3),)),
    ("tensor_from_sizes", tensor_from_sizes, lambda: (_g(2, 3),)),
    ("tensor_copied_from_tensor", tensor_copied_from_tensor, lambda: (_g(2, 3),)),
    ("small_cnn", small_cnn, lambda: (_model("small_cnn"), _g(2, 3, 8, 8))[1:]),
    ("resnet18", resnet18, lambda: (_model("resnet18"), _g(1, 3, 64, 64))[1:]),
]
