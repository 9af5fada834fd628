"""Recording the ATen calls of one Python run into a tscript graph (the tracer's first part).

The recording itself happens in C++ (``src/tracer``): while ``fn`` runs, a dispatcher
fallback sees every operator call and records the outermost ones. What the dispatcher never
sees is Python reading a tensor's sizes: ``x.size(0)``, ``x.shape`` and ``x.numel()`` are
answered by the tensor object without an operator call. torch.jit 1.13 makes them visible
by returning 0-dim tensors while tracing (``aten::size`` -> ``prim::NumToTensor``), so that
arithmetic on sizes is recorded as tensor arithmetic and an int argument computed from a size
is read back with ``aten::Int``. This module does the same by replacing those methods of
``torch.Tensor`` for the duration of the recording (restored afterwards; on threads that are
not recording they behave as before):

- ``size(dim)`` / ``size()`` / ``shape`` / ``numel()`` record and return 0-dim Long tensors
  (``size()`` and ``shape`` give a plain tuple of them, where 1.13 gives a ``torch.Size`` of
  them: ``torch.Size`` cannot hold tensors outside 1.13's own tracing mode);
- the recorder sees every ``item()`` call on a traced tensor (that is how Python's argument
  parser turns a 0-dim tensor into an int argument) and lets the next recorded call read an
  equal int argument from ``aten::Int``; ``__index__`` marks the parser's probes, and
  ``int()``, ``float()``, ``bool()``, ``.item()`` and ``.tolist()`` mark numbers the user asked
  for, which stay constants as in 1.13.
"""
import inspect

import torch

from tscript import _C

__all__ = ["trace_graph_text", "TraceError"]

TraceError = _C.TraceError

_THIS_FILE = __file__
_original = {}


def _recording():
    return _C._trace_is_recording()


def _size(self, dim=None):
    if not _recording():
        return _original["size"](self) if dim is None else _original["size"](self, dim)
    if dim is None:
        return tuple(_C._trace_size(self, i) for i in range(self.dim()))
    return _C._trace_size(self, dim)


def _shape(self):
    if not _recording():
        return _original["shape"].__get__(self)
    return tuple(_C._trace_size(self, i) for i in range(self.dim()))


def _numel(self):
    if not _recording():
        return _original["numel"](self)
    return _C._trace_numel(self)


def _in_item_context(name, context):
    """The original method `name`, run with the recorder told how its item() calls are meant
    (see Recorder::ItemContext)."""
    def method(self, *args, **kwargs):
        if not _recording():
            return _original[name](self, *args, **kwargs)
        _C._trace_push_item_context(context)
        try:
            return _original[name](self, *args, **kwargs)
        finally:
            _C._trace_pop_item_context()
    method.__name__ = name
    return method


_PATCHES = {
    "size": _size,
    "shape": property(_shape),
    "numel": _numel,
    # How Python's argument parser turns a tensor into a single int argument (and probes the
    # first element of an int list).
    "__index__": _in_item_context("__index__", "index"),
    # Python numbers the user asked for: constants in the trace, as in 1.13.
    "__int__": _in_item_context("__int__", "suppress"),
    "__float__": _in_item_context("__float__", "suppress"),
    "__bool__": _in_item_context("__bool__", "suppress"),
    "item": _in_item_context("item", "suppress"),
    "tolist": _in_item_context("tolist", "suppress"),
}


class _TensorPatches:
    """Installs the size/index recording methods on torch.Tensor for one recording."""

    def __enter__(self):
        for name, replacement in _PATCHES.items():
            _original[name] = getattr(torch.Tensor, name)
            self_owned = name in torch.Tensor.__dict__
            _original["owned:" + name] = self_owned
            setattr(torch.Tensor, name, replacement)
        return self

    def __exit__(self, *exc):
        for name in _PATCHES:
            if _original["owned:" + name]:
                setattr(torch.Tensor, name, _original[name])
            else:
                delattr(torch.Tensor, name)  # falls back to torch._C._TensorBase's
        return False


def _argument_names(fn):
    """The names 1.13 gives the graph inputs: the positional-or-keyword parameters."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [name for name, p in signature.parameters.items()
            if p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD]


def trace_graph_text(fn, example_inputs, print_source_locations=True):
    """Run ``fn(*example_inputs)`` once, record it, and return the graph's ``.graph`` text.

    ``example_inputs`` is a tuple of arguments (anything else is one argument). Arguments may
    be tensors or (nested) tuples, lists and dicts of tensors; the output must be made of
    tensors computed by the recorded run. Raises TraceError naming the problem otherwise.
    """
    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    names = _argument_names(fn)
    if len(names) < len(example_inputs):
        names = [""] * len(example_inputs)
    trace = _C._Trace([_THIS_FILE])
    inputs = tuple(trace.add_input(example, name)
                   for example, name in zip(example_inputs, names))
    with _TensorPatches():
        trace.record(fn, inputs)
    return trace.graph_text(print_source_locations)
