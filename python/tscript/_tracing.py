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
import difflib
import dis
import functools
import inspect
import linecache
import os
import re
import sys
import types
import warnings

import torch

from tscript import _C
from tscript._script import ScriptFunction, is_scripting, script

__all__ = ["trace", "trace_graph_text", "TraceError", "TracerWarning", "TracingCheckError",
           "is_tracing", "script_if_tracing"]

TraceError = _C.TraceError
TracedFunction = _C.TracedFunction

_THIS_FILE = __file__
_original = {}


class TracerWarning(Warning):
    """A trace may not generalize to other inputs (the counterpart of torch.jit's
    TracerWarning)."""

    @staticmethod
    def ignore_lib_warnings():
        # As 1.13: warnings raised inside torch's own modules (shape checks in torch.nn) are
        # not the user's concern; torch.jit's are kept.
        warnings.filterwarnings("ignore", category=TracerWarning, module="torch.(?!jit)")


TracerWarning.ignore_lib_warnings()


def _indent(text):
    return "\n".join(["\t" + line for line in text.splitlines()])


class TracingCheckError(Exception):
    """check_trace found that the trace does not reproduce the function (1.13's class and
    message layout)."""

    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n"
        if extra_msg is not None:
            self.message += extra_msg + "\n"
        if graph_diff_error is not None:
            self.message += "ERROR: Graphs differed across invocations!\n"
            self.message += _indent(graph_diff_error) + "\n"
        if tensor_compare_error is not None:
            self.message += ("ERROR: Tensor-valued Constant nodes differed in value across "
                             "invocations. This often indicates that the tracer has encountered "
                             "untraceable code.\n")
            self.message += _indent(tensor_compare_error) + "\n"
        super().__init__(self.message)


def _recording():
    return _C._trace_is_recording()


class _TracingState(types.ModuleType):
    """`_tracing_state.active` is whether a recording runs user code on this thread. A module
    attribute so that compilers that read is_tracing's source (tscript's, and torch.jit's when
    it compiles a function calling tscript.is_tracing) see a bool constant, not a call into
    tscript._C."""

    @property
    def active(self):
        return _C._trace_is_recording()


_tracing_state = _TracingState("tscript._tracing_state")


def is_tracing() -> bool:
    """True while tscript.trace runs the function being traced (False in compiled code)."""
    if is_scripting():
        return False
    return _tracing_state.active


# ---- warnings ----------------------------------------------------------------------------

_DATAFLOW = (" might cause the trace to be incorrect. We can't record the data flow of Python "
             "values, so this value will be treated as a constant in the future. This means "
             "that the trace might not generalize to other inputs!")
_CONVERSIONS = {"__bool__": "Converting a tensor to a Python boolean",
                "__int__": "Converting a tensor to a Python integer",
                "__float__": "Converting a tensor to a Python float",
                "item": "Converting a tensor to a Python number",
                "tolist": "Converting a tensor to a Python list"}
_ITERATION = ("Iterating over a tensor might cause the trace to be incorrect. Passing a tensor of "
              "different shape won't change the number of iterations executed (and might lead "
              "to errors or silently give incorrect results).")
_LEN = ("Using len to get tensor shape might cause the trace to be incorrect. Recommended usage "
        "would be tensor.shape[0]. Passing a tensor of different shape might lead to errors or "
        "silently give incorrect results.")
_TENSOR_CONSTANT = ("torch.tensor results are registered as constants in the trace. You can "
                    "safely ignore this warning if you use this function to create tensors out "
                    "of constant variables that would be the same every time you call this "
                    "function. In any other case, this might cause the trace to be incorrect.")

_jump_opcodes = {}


def _is_condition(frame):
    """Is `frame` evaluating a conditional jump (an if/while/assert/and/or/ternary test)?"""
    code = frame.f_code
    offsets = _jump_opcodes.get(code)
    if offsets is None:
        offsets = {i.offset for i in dis.get_instructions(code)
                   if "JUMP" in i.opname and "_IF_" in i.opname}
        _jump_opcodes[code] = offsets
    return frame.f_lasti in offsets


def _control_flow_warning(frame, value):
    """tscript's own warning: a Python branch was decided by tensor data."""
    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    first = line.split(" ", 1)[0].rstrip(":")
    what = {"if": "`if`", "elif": "`elif`", "while": "`while` loop",
            "assert": "`assert`"}.get(first, "condition")
    where = "%s:%d" % (frame.f_code.co_filename, frame.f_lineno)
    return ("The Python %s at %s was decided by a tensor (its values or sizes) during the trace (it was %s): the "
            "trace records only the path taken, so every other input will take it too. Use "
            "tscript.script (or tscript.script_if_tracing) for control flow that depends on "
            "data." % (what, where, value))


def _warn(message, stacklevel):
    warnings.warn(message, TracerWarning, stacklevel=stacklevel + 1)


def _warn_at_frame(frame, message, category):
    """Warn as if `frame`'s current line had called warnings.warn (its module's filters and
    once-per-location registry apply)."""
    module = frame.f_globals.get("__name__", "<string>")
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module, registry, frame.f_globals)


def _warn_at_caller(message):
    """Warn at the innermost frame outside this file (the user's call of trace)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == _THIS_FILE:
        frame = frame.f_back
    if frame is None:
        warnings.warn(message, TracerWarning)
        return
    _warn_at_frame(frame, message, TracerWarning)


# ---- Tensor method replacements during a recording -----------------------------------------

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
    (see Recorder::ItemContext); conversions the user asked for warn as in 1.13."""
    reason = _CONVERSIONS.get(name)

    def method(self, *args, **kwargs):
        if not _recording():
            return _original[name](self, *args, **kwargs)
        if reason is not None:
            _warn(reason + _DATAFLOW, stacklevel=2)
        _C._trace_flush()
        _C._trace_push_item_context(context)
        try:
            result = _original[name](self, *args, **kwargs)
        finally:
            _C._trace_pop_item_context()
        if name == "__bool__":
            caller = sys._getframe(1)
            if _is_condition(caller):
                _warn(_control_flow_warning(caller, result), stacklevel=2)
        return result
    method.__name__ = name
    return method


def _reads_data(name):
    """The original method `name`, which reads tensor data without an operator call
    (numpy(), data_ptr(), ...): the recorder computes its deferred calls first."""
    def method(self, *args, **kwargs):
        if _recording():
            _C._trace_flush()
        return _original[name](self, *args, **kwargs)
    method.__name__ = name
    return method


def _data_get(self):
    # `.data` makes an alias of the storage past the dispatcher (no call we could see), so
    # the deferred calls' values are computed before anyone can read them through it.
    if _recording():
        _C._trace_flush()
    return _original["data"].__get__(self)


def _data_set(self, value):
    _original["data"].__set__(self, value)


def _iter(self):
    if _recording() and self.dim() > 0:
        _warn(_ITERATION, stacklevel=2)
    return _original["__iter__"](self)


def _len(self):
    if not _recording():
        return _original["__len__"](self)
    if self.dim() == 0:
        raise TypeError("len() of a 0-d tensor")
    _warn(_LEN, stacklevel=2)
    return _original["size"](self, 0)


def _tensor_factory(*args, **kwargs):
    if not _recording():
        return _original["torch.tensor"](*args, **kwargs)
    _warn(_TENSOR_CONSTANT, stacklevel=2)
    # torch.tensor's own warnings (copy-constructing from a tensor) name the Python frame that
    # called it, which is this one: they are caught and given again at the user's line, where
    # 1.13 (torch.tensor called directly) gives them. Only on the recording thread, the one
    # that reaches this line while the patch is installed.
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return _original["torch.tensor"](*args, **kwargs)
    finally:  # given before an exception from torch.tensor, as eager gives them
        caller = sys._getframe(1)
        for warning in caught:
            _warn_at_frame(caller, warning.message, warning.category)


def _script_function_call(self, *args, **kwargs):
    """A scripted function called during a recording is recorded as one call."""
    if not _recording():
        return _original["ScriptFunction.__call__"](self, *args, **kwargs)
    arguments = _bind_arguments(getattr(self, "_original", None), args, kwargs)
    call = _original["ScriptFunction.__call__"]
    return _C._trace_call_compiled(self.name, self, arguments, lambda: call(self, *arguments))


def _bind_arguments(python_fn, args, kwargs):
    """All arguments by position, defaults filled (as the compiled function would)."""
    if python_fn is None:
        if kwargs:
            raise TraceError("keyword arguments to a compiled function without a Python "
                             "signature cannot be recorded")
        return tuple(args)
    bound = inspect.signature(python_fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple(bound.arguments.values())


_PATCHES = {
    "size": _size,
    "shape": property(_shape),
    "numel": _numel,
    # How Python's argument parser turns a tensor into a single int argument (and probes the
    # first element of an int list). No warning: 1.13 gives none either.
    "__index__": _in_item_context("__index__", "index"),
    # Python numbers the user asked for: constants in the trace, as in 1.13.
    "__int__": _in_item_context("__int__", "suppress"),
    "__float__": _in_item_context("__float__", "suppress"),
    "__bool__": _in_item_context("__bool__", "suppress"),
    "item": _in_item_context("item", "suppress"),
    "tolist": _in_item_context("tolist", "suppress"),
    "__iter__": _iter,
    "__len__": _len,
    "data": property(_data_get, _data_set),
}
# Data read past the dispatcher: deferred calls (src/tracer/deferred_kernels.h) run first.
for _name in ("numpy", "data_ptr", "__array__", "storage", "untyped_storage", "__reduce_ex__",
              "__dlpack__", "_storage"):
    if hasattr(torch.Tensor, _name):
        _PATCHES[_name] = _reads_data(_name)


class _TensorPatches:
    """Installs the recording methods on torch.Tensor (and the warning wrapper of
    torch.tensor, the call recorder of ScriptFunction) for one recording. Nested recordings
    (check_trace's, a trace inside a trace) leave the outer installation in place."""

    depth = 0

    def __enter__(self):
        _TensorPatches.depth += 1
        if _TensorPatches.depth > 1:
            return self
        for name, replacement in _PATCHES.items():
            _original[name] = getattr(torch.Tensor, name)
            _original["owned:" + name] = name in torch.Tensor.__dict__
            setattr(torch.Tensor, name, replacement)
        _original["torch.tensor"] = torch.tensor
        torch.tensor = _tensor_factory
        _original["ScriptFunction.__call__"] = ScriptFunction.__dict__["__call__"]
        ScriptFunction.__call__ = _script_function_call
        return self

    def __exit__(self, *exc):
        _TensorPatches.depth -= 1
        if _TensorPatches.depth > 0:
            return False
        for name in _PATCHES:
            if _original["owned:" + name]:
                setattr(torch.Tensor, name, _original[name])
            else:
                delattr(torch.Tensor, name)  # falls back to torch._C._TensorBase's
        torch.tensor = _original["torch.tensor"]
        # The slot wrapper restores CPython's direct call into C++.
        ScriptFunction.__call__ = _original["ScriptFunction.__call__"]
        return False


def _argument_names(fn):
    """The names 1.13 gives the graph inputs: the positional-or-keyword parameters."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [name for name, p in signature.parameters.items()
            if p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD]


def _type_text(value):
    """The TorchScript spelling of an input's type, for 1.13's "cannot be traced" message."""
    if isinstance(value, torch.Tensor):
        return "Tensor"
    if value is None:
        return "NoneType"
    if isinstance(value, (bool, int, float, str)):
        return type(value).__name__
    if isinstance(value, tuple):
        return "Tuple[%s]" % ", ".join(_type_text(v) for v in value)
    if isinstance(value, list):
        elements = sorted({_type_text(v) for v in value})
        return "List[%s]" % (elements[0] if len(elements) == 1 else "Any")
    if isinstance(value, dict):
        keys = sorted({_type_text(k) for k in value})
        values = sorted({_type_text(v) for v in value.values()})
        return "Dict[%s, %s]" % (keys[0] if len(keys) == 1 else "Any",
                                 values[0] if len(values) == 1 else "Any")
    return type(value).__name__


def _only_tensors(value):
    if isinstance(value, torch.Tensor):
        return True
    if isinstance(value, (tuple, list)):
        return all(_only_tensors(v) for v in value)
    if isinstance(value, dict):
        return all(_only_tensors(v) for v in value.values())
    return False


def _check_inputs_traceable(example_inputs):
    if not _only_tensors(example_inputs):
        raise TraceError("Type '%s' cannot be traced. Only Tensors and (possibly nested) Lists, "
                         "Dicts, and Tuples of Tensors can be traced" % _type_text(example_inputs))


_CONTAINER_OUTPUT = ("Encountering a %s at the output of the tracer might cause the trace to be "
                     "incorrect, this is only valid if the container structure does not change "
                     "based on the module's inputs. Consider using a constant container instead "
                     "(e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                     "instead). If you absolutely need this and know the side effects, pass "
                     "strict=False to trace() to allow this behavior.")


def _check_output_containers(result, strict):
    if not strict:
        return
    if isinstance(result, dict):
        raise TraceError(_CONTAINER_OUTPUT % "dict")
    if isinstance(result, list):
        _warn_at_caller(_CONTAINER_OUTPUT % "list")
    if isinstance(result, tuple):
        for element in result:
            _check_output_containers(element, strict)


def _record(fn, example_inputs, strict=True, force_outplace=False):
    """Run fn once on example_inputs with recording on: (the _C._Trace, fn's result)."""
    names = _argument_names(fn)
    if len(names) < len(example_inputs):
        names = [""] * len(example_inputs)
    trace = _C._Trace([_THIS_FILE])
    trace.set_force_outplace(force_outplace)
    inputs = tuple(trace.add_input(example, name)
                   for example, name in zip(example_inputs, names))
    with _TensorPatches():
        result = trace.run(fn, inputs)
    _check_output_containers(result, strict)
    trace.set_output(result)
    del result  # nobody reads the recording run's values now: settle can drop them
    trace.settle()
    return trace, names


def trace_graph_text(fn, example_inputs, print_source_locations=True):
    """Run ``fn(*example_inputs)`` once, record it, and return the graph's ``.graph`` text.

    ``example_inputs`` is a tuple of arguments (anything else is one argument). Arguments may
    be tensors or (nested) tuples, lists and dicts of tensors; the output must be made of
    tensors computed by the recorded run. Raises TraceError naming the problem otherwise.
    """
    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    trace, _ = _record(fn, example_inputs)
    return trace.graph_text(print_source_locations)


# ---- trace -----------------------------------------------------------------------------------

def _is_module(obj):
    return isinstance(obj, torch.nn.Module)


def _make_tuple(example_inputs):
    if isinstance(example_inputs, (torch.Tensor, dict)):
        return (example_inputs,)
    if not isinstance(example_inputs, tuple):
        return tuple(example_inputs)
    return example_inputs


def trace(func, example_inputs, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None):
    """Trace a function: run it once on ``example_inputs``, record the tensor operations it
    performs, and return them as a compiled function run by tscript's interpreter (see
    torch.jit's trace). A module, or its bound forward, is traced with trace_module. With
    PYTORCH_JIT=0 it returns ``func``.
    """
    if os.environ.get("PYTORCH_JIT", "1") == "0":
        return func
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect.", stacklevel=2)
    if _is_module(func) or (inspect.ismethod(func) and _is_module(func.__self__) and
                            func.__name__ == "forward"):
        # As 1.13: a module, or its bound forward, is traced as a module (trace_module).
        from tscript._trace_module import trace_module
        module = func if _is_module(func) else func.__self__
        if check_inputs is not None:
            check_inputs = [{"forward": c} for c in check_inputs]
        return trace_module(module, {"forward": example_inputs}, None, check_trace, check_inputs,
                            check_tolerance, strict, _force_outplace, _module_class)
    if inspect.ismethod(func) and _is_module(func.__self__):
        raise AttributeError("trace doesn't support compiling individual module's functions.\n"
                             "Please use trace_module")
    example_inputs = _make_tuple(example_inputs)
    _check_inputs_traceable(example_inputs)
    name = getattr(func, "__name__", None) or type(func).__name__
    recording, names = _record(func, example_inputs, strict, _force_outplace)
    traced = recording.make_function(name, names)
    traced.__name__ = name
    traced.__qualname__ = getattr(func, "__qualname__", name)
    traced.__doc__ = getattr(func, "__doc__", None)
    traced._original = func
    if check_trace:
        _check_trace(check_inputs if check_inputs is not None else [example_inputs], func,
                     traced, check_tolerance, strict, _force_outplace)
    return traced


def _describe_traced(fn):
    """How compiled code calling a traced function sees it (python/tscript/_script.py): its
    graph copied in, or, when its tensor constants exist only as real tensors, a call back
    into Python (a prim::PythonOp, as @ignore'd functions are called)."""
    if fn._inlinable:
        return ("traced_function", fn)
    parameters = [(n, a, ()) for n, a in zip(fn._parameter_names, fn._parameter_annotations)]
    return ("python_call", "ignore", fn, fn.name, parameters, fn._return_annotation)


TracedFunction._tscript_descriptor = _describe_traced


def script_if_tracing(fn):
    """Call ``fn`` as Python, except during a trace: then compile it (once) with
    tscript.script, so the trace records a call that keeps its control flow."""
    compiled = []

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not is_tracing():
            return fn(*args, **kwargs)
        if not compiled:
            compiled.append(script(fn))
        return compiled[0](*args, **kwargs)

    wrapper.__original_fn = fn
    wrapper.__script_if_tracing_wrapper = True
    return wrapper


# ---- check_trace -----------------------------------------------------------------------------

def _clone_inputs(value):
    if isinstance(value, torch.Tensor):
        clone = value.detach().clone(memory_format=torch.preserve_format)
        return clone.requires_grad_(value.requires_grad)
    if isinstance(value, tuple):
        return tuple(_clone_inputs(v) for v in value)
    if isinstance(value, list):
        return [_clone_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: _clone_inputs(v) for k, v in value.items()}
    return value


def _top_level_nodes(graph_text):
    """The top-level nodes of a printed graph, each as `str(node)` prints it."""
    nodes = []
    for line in graph_text.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            if line.startswith("  return "):
                break
            nodes.append(line[2:] + "\n")
        elif line.startswith("    ") and nodes:
            nodes[-1] += line[2:] + "\n"
    return nodes


_LOCATION = re.compile(r" # ([^\n]*):(\d+):\d+$", re.M)


def _source_stack(node_text):
    match = _LOCATION.search(node_text.splitlines()[0])
    return "%s(%s)" % (match.group(1), match.group(2)) if match else ""


def _node_kind(node_text):
    match = re.search(r"= ([A-Za-z_]+::[A-Za-z0-9_]+)", node_text.splitlines()[0])
    return match.group(1) if match else None


def _same_tensor(a, b):
    """Do `a` and `b` view the same memory the same way? Then they compare equal, NaNs
    included, and assert_close can be skipped: both traces capture the parameters a function
    closes over as constants, and comparing each with itself element by element is most of
    the check's time for a model."""
    return (a.dtype == b.dtype and a.device == b.device and a.layout == torch.strided and
            b.layout == torch.strided and a.data_ptr() == b.data_ptr() and
            a.size() == b.size() and a.stride() == b.stride())


def _graph_diagnostic_info(traced, checked):
    mod_str, check_str = traced._check_text, checked._check_text
    graph_diff_errors = None
    mod_nodes, check_nodes = _top_level_nodes(mod_str), _top_level_nodes(check_str)
    if mod_str != check_str:
        graph_diff = difflib.ndiff(mod_str.splitlines(True), check_str.splitlines(True))
        graph_diff_errors = "Graph diff:\n" + _indent("".join(graph_diff)) + "\n"
        for n_mod, n_check in zip(mod_nodes, check_nodes):
            if n_mod != n_check:
                graph_diff_errors += "First diverging operator:\n"
                node_diff = difflib.ndiff(n_mod.splitlines(True), n_check.splitlines(True))
                source_printout = "Node diff:\n" + _indent("".join(node_diff)) + "\n"
                if _source_stack(n_mod):
                    source_printout += "Trace source location:\n" + _indent(_source_stack(n_mod)) + "\n"
                if _source_stack(n_check):
                    source_printout += "Check source location:\n" + _indent(_source_stack(n_check)) + "\n"
                graph_diff_errors += source_printout
                break
    tensor_compare_errors = None
    mod_constants = dict(traced._check_tensor_constants())
    check_constants = dict(checked._check_tensor_constants())
    for index, (n_mod, n_check) in enumerate(zip(mod_nodes, check_nodes)):
        if _node_kind(n_mod) != _node_kind(n_check):
            break
        if index not in mod_constants or index not in check_constants:
            continue
        if _same_tensor(mod_constants[index], check_constants[index]):
            continue
        try:
            torch.testing.assert_close(mod_constants[index], check_constants[index], equal_nan=True)
        except (RuntimeError, AssertionError) as e:
            tensor_compare_errors = "Node:\n" + _indent(n_mod) + "\n"
            if _source_stack(n_mod):
                tensor_compare_errors += "Source Location:\n" + _indent(_source_stack(n_mod)) + "\n"
            tensor_compare_errors += "Comparison exception: " + _indent(str(e))
            break
    return graph_diff_errors, tensor_compare_errors


_NONDETERMINISTIC = {"aten::rand", "aten::rand_like", "aten::randn", "aten::randn_like",
                     "aten::randint", "aten::randint_like", "aten::randperm", "aten::bernoulli",
                     "aten::multinomial", "aten::normal", "aten::poisson", "aten::binomial",
                     "aten::_standard_gamma", "aten::rrelu", "aten::rrelu_with_noise",
                     "aten::_fused_dropout", "aten::native_dropout"}
_DROPOUTS = {"aten::dropout", "aten::feature_dropout", "aten::alpha_dropout",
             "aten::feature_alpha_dropout"}


def _nondeterministic_nodes(graph_text):
    true_constants = set(re.findall(r"%(\S+) : bool = prim::Constant\[value=1\]", graph_text))
    found = []
    for node in _top_level_nodes(graph_text):
        kind = _node_kind(node)
        if kind in _NONDETERMINISTIC:
            found.append(node.rstrip("\n"))
        elif kind in _DROPOUTS:
            arguments = re.search(r"\(([^)]*)\)", node.split("=", 1)[1])
            names = [a.strip().lstrip("%") for a in arguments.group(1).split(",")] if arguments else []
            if len(names) >= 3 and names[2] in true_constants:
                found.append(node.rstrip("\n"))
    return found


# Operators whose result is not a function of their arguments: random numbers, and memory
# handed out uninitialized. A graph that has one can give other outputs on every run.
_NOT_REPEATABLE = _NONDETERMINISTIC | {
    "aten::empty", "aten::empty_like", "aten::new_empty", "aten::empty_strided",
    "aten::new_empty_strided", "aten::uniform_", "aten::normal_", "aten::bernoulli_",
    "aten::random_", "aten::exponential_", "aten::geometric_", "aten::cauchy_",
    "aten::log_normal_", "aten::dropout_", "aten::feature_dropout_", "aten::alpha_dropout_",
    "aten::feature_alpha_dropout_"}


_KIND = re.compile(r"= ([A-Za-z_]+::[A-Za-z0-9_]+)\(([^)]*)\)")
# A prim::PythonOp prints as `= ^name(...)` (an @ignore'd function inside a compiled callee).
_PYTHON_CALL = re.compile(r"= \^")


def _repeatable(graph_text):
    """Does running the graph twice on equal inputs and equal state give equal outputs? Every
    node is looked at, in nested blocks too: none of _NOT_REPEATABLE, no call back into Python,
    no dropout whose `train` argument is not the constant False."""
    if _PYTHON_CALL.search(graph_text):
        return False
    false_constants = set(re.findall(r"%(\S+) : bool = prim::Constant\[value=0\]", graph_text))
    for kind, arguments in _KIND.findall(graph_text):
        if kind in _NOT_REPEATABLE:
            return False
        if kind in _DROPOUTS:
            names = [a.strip().lstrip("%") for a in arguments.split(",")]
            if len(names) < 3 or names[2] not in false_constants:
                return False
    return True


def _versions(tensors):
    return [t._version for t in tensors]


def _same_as_trace(traced, checked):
    """Is the re-trace the trace itself: the same canonical graph reading the same tensor
    constants (the same memory, not equal values)?"""
    if traced._check_text != checked._check_text:
        return False
    mine = traced._check_tensor_constants()
    theirs = checked._check_tensor_constants()
    return len(mine) == len(theirs) and all(
        i == j and _same_tensor(a, b) for (i, a), (j, b) in zip(mine, theirs))


def _check_trace(check_inputs, func, traced, check_tolerance, strict, force_outplace,
                 retrace=None, state=()):
    """1.13's _check_trace; `retrace(inputs)` traces again (default: trace(func, ...)).

    `state` lists the tensors both traces read besides their inputs and constants (a module's
    parameters and buffers); None when they may read state that is not listed (compiled
    submodules have attributes of their own), and then the repeated trace always runs.

    1.13 runs the repeated trace on every check input; its outputs can differ from the
    trace's only if the graphs or the state they read differ, or if the graph is not
    repeatable. When the re-trace is the same graph over the same tensors, no
    node is random and neither the trace's run nor the Python function's wrote into any
    tensor the graphs read (their version counters did not move), the repeated trace's run
    would compute the trace's outputs again bit for bit: it is skipped (it was a third of a
    module's check time), with the same warnings and errors as a run would give (none).
    """
    from torch.testing._comparison import default_tolerances

    with torch.no_grad():
        for inputs in check_inputs:
            if isinstance(inputs, torch.Tensor):
                inputs = (inputs,)
            if retrace is not None:
                checked = retrace(_clone_inputs(inputs))
            else:
                checked = trace(func, _clone_inputs(inputs), check_trace=False, strict=strict,
                                _force_outplace=force_outplace)
            has_warned = [False]

            def maybe_warn_nondeterministic():
                if has_warned[0]:
                    return
                has_warned[0] = True
                nodes = _nondeterministic_nodes(traced.graph)
                if nodes:
                    _warn_at_caller(
                        "Trace had nondeterministic nodes. Did you forget call .eval() on your "
                        "model? Nodes:\n" + "\n".join(_indent(n) for n in nodes[:20]) +
                        "\nThis may cause errors in trace checking. To disable trace checking, "
                        "pass check_trace=False to tscript.trace()")

            def run(fn, running_what):
                try:
                    outs = fn(*_clone_inputs(inputs))
                except Exception as e:
                    raise TracingCheckError(
                        *_graph_diagnostic_info(traced, checked),
                        extra_msg="encountered an exception while running the %s with test "
                                  "inputs.\nException:\n%s" % (running_what, _indent(str(e)))) from e
                outs = outs if isinstance(outs, tuple) else (outs,)
                return [out for out in outs if isinstance(out, torch.Tensor)]

            def compare_outputs(original, reference, match_what):
                all_ok = True
                for i, (orig, ref) in enumerate(zip(original, reference)):
                    try:
                        if ref.is_complex() or orig.is_complex():
                            torch.testing.assert_close(orig.to(torch.cdouble), ref.to(torch.cdouble),
                                                       rtol=check_tolerance,
                                                       atol=default_tolerances(orig, ref)[1],
                                                       equal_nan=True)
                        else:
                            torch.testing.assert_close(orig.double(), ref.double(),
                                                       rtol=check_tolerance,
                                                       atol=default_tolerances(orig, ref)[1],
                                                       equal_nan=True)
                    except AssertionError as e:
                        maybe_warn_nondeterministic()
                        _warn_at_caller("Output nr %d. of the traced function does not match the "
                                        "corresponding output of the %s. Detailed error:\n%s"
                                        % (i + 1, match_what, e))
                        all_ok = False
                return all_ok

            same_graph = (state is not None and _same_as_trace(traced, checked) and
                          _repeatable(traced._check_text))
            if same_graph:
                read_state = list(state) + [t for _, t in traced._check_tensor_constants()]
                versions_before = _versions(read_state)
            traced_outs = run(traced, "trace")
            fn_outs = run(func, "Python function")
            if compare_outputs(traced_outs, fn_outs, "Python function"):
                if not same_graph or _versions(read_state) != versions_before:
                    check_outs = run(checked, "repeated trace")
                    compare_outputs(traced_outs, check_outs, "repeated trace")
            diagnostics = _graph_diagnostic_info(traced, checked)
            if any(info is not None for info in diagnostics):
                raise TracingCheckError(*diagnostics)
