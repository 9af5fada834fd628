"""`tscript.isinstance(obj, T)`: isinstance with TorchScript's container types.

Python's isinstance rejects `List[int]`; in compiled code `isinstance(x, List[int])` is the
type check (and refinement) TorchScript has. Called from Python, this answers the same
question by looking at the elements, as torch.jit's isinstance does in eager mode (an empty
list is a `List[T]` for every T).
"""
import builtins
import typing

__all__ = ["isinstance"]

_NONE_TYPES = (None, type(None))


def isinstance(obj, target_type):  # noqa: A001  (the name users call, as torch.jit's)
    """Whether `obj` is a `target_type`, which may be a container type (`List[int]`,
    `Dict[str, Tensor]`, `Tuple[int, str]`, `Optional[T]`, `Union[...]`) or a tuple of types."""
    if builtins.isinstance(target_type, tuple):
        return any(isinstance(obj, option) for option in target_type)
    if target_type is typing.Any:
        return True
    if target_type in _NONE_TYPES:
        return obj is None
    origin = typing.get_origin(target_type)
    arguments = typing.get_args(target_type)
    if origin is None:
        return builtins.isinstance(obj, target_type)
    if origin is typing.Union:
        return any(isinstance(obj, option) for option in arguments)
    if origin is list:
        return builtins.isinstance(obj, list) and all(isinstance(e, arguments[0]) for e in obj)
    if origin is dict:
        return builtins.isinstance(obj, dict) and all(
            isinstance(k, arguments[0]) and isinstance(v, arguments[1]) for k, v in obj.items())
    if origin is tuple:
        return builtins.isinstance(obj, tuple) and len(obj) == len(arguments) and all(
            isinstance(e, t) for e, t in zip(obj, arguments))
    raise TypeError(f"tscript.isinstance does not know the type {target_type!r}; it takes "
                    "List, Dict, Tuple, Optional and Union of TorchScript types")
