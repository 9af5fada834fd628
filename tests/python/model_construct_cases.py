"""Constructs torchvision's detection models use (roi_heads.py, poolers.py, _utils.py): list
and dict truthiness, isinstance over a Union of a Tensor and a list, enumerate(zip(...)),
per-parameter type comments, a statically decided branch that raises, Tensors packed into an
int list, and a tuple for an Optional[List[int]] parameter.

Kept out of the script corpus: most of their graphs differ from torch.jit's in ways older than
these constructs (constant order, enumerate/zip trip counts), which would lower the corpus's
graph-equality rate without saying anything about them. test_model_constructs.py compares
their results with eager and torch.jit."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor



def case(fn, *arg_sets, raises=None):
    return fn, [tuple(args) for args in arg_sets] or [()], raises

def list_truthiness(xs: List[Tuple[int, int]]) -> int:
    if not xs:
        return 0
    return len(xs)


def dict_truthiness(d: Dict[str, int], s: str) -> bool:
    if d and s:
        return True
    return False


def union_list_or_tensor(boxes: Union[Tensor, List[Tensor]]) -> int:
    if isinstance(boxes, (list, tuple)):
        total = 0
        for b in boxes:
            total += b.size(0)
        return total
    elif isinstance(boxes, torch.Tensor):
        return boxes.size(0) * 10
    return -1


def union_refined_both_branches(boxes: Union[Tensor, List[Tensor]]) -> int:
    if isinstance(boxes, list):
        n = len(boxes)
    else:
        n = boxes.dim()
    return n


def enumerate_zip(xs: List[int], ys: List[float]) -> List[float]:
    out: List[float] = []
    for i, (x, y) in enumerate(zip(xs, ys)):
        out.append(i + x * y)
    return out


def parameter_type_comments(
    features,  # type: Dict[str, Tensor]
    names,  # type: List[str]
    scale=None,  # type: Optional[float]
):
    # type: (...) -> Tensor
    total = torch.zeros(1)
    for name in names:
        total = total + features[name].sum()
    if scale is not None:
        total = total * scale
    return total


def static_branch_returns(x: Tensor) -> Tensor:
    # isinstance of a Tensor is decided when compiling, as `self.mask_roi_pool is not None`
    # of a None attribute is in RoIHeads.
    if isinstance(x, int):
        y = x * 2
    else:
        return x + 1
    return y


def static_branch_raises(x: Tensor) -> Tensor:
    # torch.jit emits nothing after the raise: `y` is never needed.
    if isinstance(x, int):
        y = x * 2
    else:
        raise ValueError("no head")
    return y + y


def static_raise_in_a_branch(x: Tensor, flag: bool) -> Tensor:
    # densenet's `if torch.jit.is_scripting(): raise ...` inside a run-time branch: that
    # branch exits, so `y` comes from the other one only.
    if flag:
        if isinstance(x, Tensor):
            raise ValueError("not supported")
        y = x * 2
    else:
        y = x + 1
    return y


def tensors_packed_as_ints(h: Tensor, w: Tensor) -> List[int]:
    return list(torch.zeros(0, h, w).shape)


def tuple_for_optional_list(x: Tensor) -> Tensor:
    return F.interpolate(x, size=(int(4), int(6)), mode="bilinear", align_corners=False)


def _t(*shape):
    torch.manual_seed(0)
    return torch.randn(*shape)


CASES = [
    case(list_truthiness, ([],), ([(1, 2), (3, 4)],)),
    case(dict_truthiness, ({}, "a"), ({"a": 1}, ""), ({"a": 1}, "b")),
    case(union_list_or_tensor, ([_t(2, 4), _t(3, 4)],), (_t(5, 5),)),
    case(union_refined_both_branches, ([_t(2)],), (_t(2, 3),)),
    case(enumerate_zip, ([1, 2, 3], [0.5, 1.5]),),
    case(parameter_type_comments, ({"a": _t(2), "b": _t(3)}, ["a", "b"]),
         ({"a": _t(2)}, ["a"], 2.0)),
    case(static_branch_returns, (_t(2),)),
    case(static_branch_raises, (_t(2),), raises=ValueError),
    case(static_raise_in_a_branch, (_t(2), False)),
    case(static_raise_in_a_branch, (_t(2), True), raises=ValueError),
    case(tensors_packed_as_ints, (torch.tensor(2), torch.tensor(3))),
    case(tuple_for_optional_list, (_t(1, 1, 2, 3),)),
]
