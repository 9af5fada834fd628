"""Tracing ``nn.Module``s: ``tscript.trace(module, inputs)`` and ``tscript.trace_module``.

As torch.jit 1.13 does (``torch/jit/_trace.py``, ``trace_module``):

- every module of the hierarchy gets a type of its own (never shared with another module or
  another trace: a second trace of the same class gets a mangled name), holding its
  parameters, buffers, ``training`` and its submodules; scripted (or already traced)
  submodules keep their compiled type;
- one run of the method records the ATen calls (``_tracing.py``'s machinery). Parameters and
  buffers are placeholders that become ``prim::GetAttr`` chains from ``self``; each call of a
  submodule is bracketed (nn.Module.__call__ is replaced for the recording) and becomes a
  method of that submodule's type called with ``prim::CallMethod`` (``forward``, then
  ``forward1``, ... for repeated calls), with the scopes 1.13 prints; a scripted submodule
  called during the trace is recorded as one ``prim::CallMethod`` and keeps its control flow.
  The splitting is ``src/tracer/module_split.cpp``;
- the result is a ``TracedModule`` (a RecursiveScriptModule): its parameters and buffers are
  the original module's tensors, its submodules traced modules too.
"""
import collections
import inspect
import os
import re
import threading
import warnings

import torch

from tscript import _C
from tscript import _module
from tscript import _tracing
from tscript._module import RecursiveScriptModule, ScriptMethod

__all__ = ["trace_module", "TracedModule", "TopLevelTracedModule"]

_THIS_FILE = __file__
_MANGLE = re.compile(r"___torch_mangle_[0-9]+\.")


# ---- types -----------------------------------------------------------------------------------

def _fresh_type_name(cls):
    """A qualified name no other module type has (1.13: share_types=False, names mangled)."""
    name = _module._qualified_name(cls)
    count = _module._names_in_use.get(name, 0)
    _module._names_in_use[name] = count + 1
    if count:
        package, _, base = name.rpartition(".")
        name = f"{package}.___torch_mangle_{count - 1}.{base}"
    return name


class _Info:
    """What RecursiveScriptModule needs to know of the slots (as _module._ModuleInfo)."""

    def __init__(self, attributes):
        self.attributes = attributes
        self.constants = {}
        # Hooks ran inline during the trace; the traced module has none of its own.
        self.pre_hooks = []
        self.hooks = []


class _Node:
    """One module of the traced hierarchy: its type and where it is."""

    def __init__(self, module, path):
        self.module = module
        self.path = path
        self.children = collections.OrderedDict()   # name -> _Node (traced) or script module
        self.attributes = []
        if isinstance(module, RecursiveScriptModule):
            self.type = module._type
            return
        for name, param in module._parameters.items():
            if param is not None:
                self.attributes.append((name, "Tensor", "parameter"))
        for name, buf in module._buffers.items():
            if buf is not None:
                self.attributes.append((name, "Tensor", "buffer"))
        self.attributes.append(("training", "bool", "attribute"))
        self.attributes.append(("_is_full_backward_hook", "NoneType", "attribute"))
        for name, child in module._modules.items():
            if child is None:
                continue
            node = _Node(child, path + "." + name)
            self.children[name] = node
            self.attributes.append((name, node.type, "module"))
        if module._backward_hooks:
            raise ValueError("Modules that have backward hooks assigned can't be compiled: " +
                             str(module))
        seen = set()
        for value in list(module._parameters.values()) + list(module._buffers.values()):
            if value is not None:
                if id(value) in seen:
                    raise ValueError("TracedModules don't support parameter sharing between "
                                     "modules")
                seen.add(id(value))
        self.type = _C.ModuleType(_fresh_type_name(type(module)))
        for name, annotation, kind in self.attributes:
            self.type.add_attribute(name, annotation, kind)
        self.type.define()

    @property
    def is_script(self):
        return isinstance(self.module, RecursiveScriptModule)

    def walk(self):
        yield self
        for child in self.children.values():
            yield from child.walk()

    def tensors(self):
        """(path, tensor) of every parameter and buffer below this module."""
        if self.is_script:
            for name, tensor in list(self.module.named_parameters()) + list(self.module.named_buffers()):
                yield self.path + "." + name, tensor
            return
        for name, tensor in list(self.module._parameters.items()) + list(self.module._buffers.items()):
            if tensor is not None:
                yield self.path + "." + name, tensor
        for child in self.children.values():
            yield from child.tensors()


# ---- recording -------------------------------------------------------------------------------

class _ModuleRecording(threading.local):
    state = None


_active = _ModuleRecording()
_original_calls = {}


class _State:
    def __init__(self, trace, root):
        self.trace = trace
        self.by_module = {id(n.module): n for n in root.walk() if n is not root}
        self.scopes = {}


def _module_call(self, *args, **kwargs):
    state = _active.state
    node = state.by_module.get(id(self)) if state is not None else None
    if node is None or node.is_script or not _tracing._recording():
        return _original_calls["Module"](self, *args, **kwargs)
    scope = len(state.scopes)
    state.scopes[scope] = (node.path, node.type)
    state.trace.push_scope(scope)
    try:
        return _original_calls["Module"](self, *args, **kwargs)
    finally:
        state.trace.pop_scope(scope)


def _script_module_call(self, *args, **kwargs):
    state = _active.state
    if state is None or not _tracing._recording():
        return _original_calls["RecursiveScriptModule"](self, *args, **kwargs)
    node = state.by_module.get(id(self))
    if node is None:
        raise _tracing.TraceError(
            "Tried to trace <%s object> but it is not part of the active trace. Modules that "
            "are called during a trace must be registered as submodules of the thing being "
            "traced." % self._type.qualified_name)
    if kwargs:
        raise _tracing.TraceError("a compiled submodule called during a trace takes positional "
                                  "arguments only in tscript (called with %s=...)" % next(iter(kwargs)))
    call = _original_calls["RecursiveScriptModule"]
    return state.trace.call_method(node.path, node.type, "forward", tuple(args),
                                   lambda: call(self, *args))


class _ModulePatches:
    """nn.Module.__call__ brackets submodule calls; compiled submodules are recorded as one
    call. Installed for the recording only."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        self.previous = _active.state
        _active.state = self.state
        if self.previous is None:
            _original_calls["Module"] = torch.nn.Module.__call__
            _original_calls["RecursiveScriptModule"] = RecursiveScriptModule.__dict__["__call__"]
            torch.nn.Module.__call__ = _module_call
            RecursiveScriptModule.__call__ = _script_module_call
        return self

    def __exit__(self, *exc):
        _active.state = self.previous
        if self.previous is None:
            torch.nn.Module.__call__ = _original_calls["Module"]
            RecursiveScriptModule.__call__ = _original_calls["RecursiveScriptModule"]
        return False


def _record_method(root, method_name, example_inputs, strict, force_outplace):
    module = root.module
    if method_name == "forward":
        fn = module  # through __call__, hooks included, as 1.13
        names = _tracing._argument_names(module.forward)
    else:
        fn = getattr(module, method_name)
        names = _tracing._argument_names(fn)
    if len(names) < len(example_inputs):
        names = [""] * len(example_inputs)
    trace = _C._Trace([_THIS_FILE, _tracing._THIS_FILE])
    trace.set_force_outplace(force_outplace)
    trace.set_self(root.type)
    for path, tensor in root.tensors():
        trace.add_attribute(tensor, path)
    inputs = tuple(trace.add_input(example, name) for example, name in zip(example_inputs, names))
    state = _State(trace, root)
    with _tracing._TensorPatches(), _ModulePatches(state):
        result = trace.run(fn, inputs)
    _tracing._check_output_containers(result, strict)
    trace.set_output(result)
    del result  # nobody reads the recording run's values now: settle can drop them
    trace.settle()
    trace.finish_module_method(root.type, method_name, list(names[:len(example_inputs)]),
                               root.path, state.scopes)


# ---- the traced module -----------------------------------------------------------------------

class TracedMethod(ScriptMethod):
    """A traced method: `.graph` and `.code` as recorded (1.13's), `.inlined_graph` as run."""

    @property
    def graph(self):
        return _C._traced_method_graph(self._type, self.name)

    @property
    def code(self):
        return _C._traced_method_code(self._type, self.name)

    @property
    def code_with_constants(self):
        return _C._traced_method_code_with_constants(self._type, self.name)

    @property
    def _check_text(self):
        return _MANGLE.sub("", _C._traced_method_check(self._type, self.name)[0])

    def _check_tensor_constants(self):
        return _C._traced_method_check(self._type, self.name)[1]


class TracedModule(RecursiveScriptModule):
    """A traced nn.Module (torch.jit's TracedModule): a RecursiveScriptModule whose methods
    were traced; submodules are TracedModules (or the scripted modules they were)."""

    def __init__(self, node, children):
        scripted = _C.ScriptObject(node.type)
        module = node.module
        _module.fill_slots(scripted, module, node.attributes, children)
        for name, tensor in _C._traced_hidden_attributes(node.type):
            scripted.set(name, tensor)
        super().__init__(scripted, node.type, module, children, _Info(node.attributes))
        methods = self.__dict__["_methods"]
        for name in _C._traced_method_names(node.type):
            methods[name] = TracedMethod(self, name)
        if "forward" in methods:
            object.__setattr__(self, "forward", methods["forward"])

    def _get_name(self):
        return self.original_name


class TopLevelTracedModule(TracedModule):
    """The module trace() and trace_module() return."""


def _make_module(node, top=True):
    if node.is_script:
        return node.module
    children = collections.OrderedDict(
        (name, _make_module(child, top=False)) for name, child in node.children.items())
    return (TopLevelTracedModule if top else TracedModule)(node, children)


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
                 _compilation_unit=None):
    """Trace the methods of ``mod`` named in ``inputs`` (``{method_name: example_inputs}``)
    into one module (see torch.jit's trace_module). ``check_inputs`` is a list of dicts of the
    same shape. With PYTORCH_JIT=0 it returns ``mod``."""
    if os.environ.get("PYTORCH_JIT", "1") == "0":
        return mod
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect.", stacklevel=2)
    if not isinstance(mod, torch.nn.Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    _module._init_compiler()
    root = _Node(mod, "__module")
    if root.is_script:
        raise _tracing.TraceError("cannot trace a module that is already compiled (scripted or "
                                  "traced); call it from a module that is traced instead")
    normalized = {}
    for method_name, example_inputs in inputs.items():
        example_inputs = _tracing._make_tuple(example_inputs)
        _tracing._check_inputs_traceable(example_inputs)
        normalized[method_name] = example_inputs
        _record_method(root, method_name, example_inputs, strict, _force_outplace)
    module = _make_module(root)
    if check_trace:
        for method_name, example_inputs in normalized.items():
            func = mod if method_name == "forward" else getattr(mod, method_name)
            if check_inputs is not None:
                checks = [_tracing._make_tuple(c[method_name]) for c in check_inputs]
            else:
                checks = [example_inputs]

            def retrace(check, method_name=method_name):
                again = trace_module(mod, {method_name: check}, check_trace=False, strict=strict,
                                     _force_outplace=_force_outplace)
                return getattr(again, method_name)

            _tracing._check_trace(checks, func, getattr(module, method_name), check_tolerance,
                                  strict, _force_outplace, retrace=retrace)
    return module


def _is_bound_forward(func):
    return (inspect.ismethod(func) and isinstance(func.__self__, torch.nn.Module) and
            func.__name__ == "forward")
