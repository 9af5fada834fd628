"""tscript.load: TorchScript archives (the .pt files of torch.jit's save) as callable modules.

The archive is read, its code compiled and its data turned into objects by the C++ loader
(src/archive/archive_loader.h); this file only gives the objects a module's Python face:
calling, attributes, methods with ``.code``/``.graph``/``.schema``, parameters and buffers,
``train()``/``eval()``, ``state_dict()``.
"""
import collections
import enum
import os
import sys
from collections import OrderedDict

from tscript import _C

__all__ = ["LoadedModule", "load"]


def _archive_class(qualified_name, kind, names):
    """The Python class values of a loaded archive's NamedTuple or enum come back as.

    ``qualified_name`` is the archive's name (``__torch__.pkg.mod.Name``, ``__torch__.Name``
    for ``__main__``); the class of that name in an already imported module is used when it
    fits (same fields, or same members), else a look-alike is made (a collections.namedtuple,
    an enum.Enum), as torch.jit's load makes one for NamedTuples. Called by the extension
    (value_conversion.cpp) once per class.
    """
    parts = qualified_name.split(".")[1:]
    name = parts[-1]
    module = sys.modules.get(".".join(parts[:-1]) or "__main__")
    cls = getattr(module, name, None) if module is not None else None
    if kind == "enum":
        members = [(member, value) for member, value in names]
        if isinstance(cls, type) and issubclass(cls, enum.Enum) and \
                [(m.name, m.value) for m in cls] == members:
            return cls
        return enum.Enum(name, members)
    if isinstance(cls, type) and issubclass(cls, tuple) and \
            tuple(getattr(cls, "_fields", ())) == tuple(names):
        return cls
    return collections.namedtuple(name, names)


def _wrap(value):
    if isinstance(value, _C.LoadedObject):
        return LoadedModule(value)
    return value


class LoadedMethod:
    """A method of a loaded module: callable, with ``.code``, ``.graph``, ``.schema``."""

    def __init__(self, module, name):
        self._module = module
        self.name = name

    def __call__(self, *args, **kwargs):
        return _wrap(self._module._c.call(self.name, *args, **kwargs))

    @property
    def code(self):
        return self._module._c.code(self.name)

    @property
    def graph(self):
        return self._module._c.graph(self.name)

    @property
    def inlined_graph(self):
        return self._module._c.inlined_graph(self.name)

    @property
    def schema(self):
        return self._module._c.schema(self.name)

    def __repr__(self):
        return f"<tscript method {self._module.original_name}.{self.name}>"


class LoadedModule:
    """A module (or script object) of a loaded archive.

    Behaves like the RecursiveScriptModule torch.jit's load returns, for the common uses:
    ``m(x)``, ``m.forward(x)``, ``m.other_method(...)``, ``m.attr``, ``m.sub.attr``,
    ``m.code``, ``m.graph``, ``named_parameters()``, ``state_dict()``, ``eval()``.
    """

    def __init__(self, obj):
        object.__setattr__(self, "_c", obj)

    # ---- calling ----
    def __call__(self, *args, **kwargs):
        # Runs the module's forward pre-hooks and hooks around forward, as torch.jit's does.
        return _wrap(self._c.call_module(*args, **kwargs))

    def __getattr__(self, name):
        c = object.__getattribute__(self, "_c")
        if c.has_slot(name):
            return _wrap(c.get(name))
        if c.has_method(name):
            return LoadedMethod(self, name)
        raise AttributeError(f"'{c.qualified_name}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if self._c.has_slot(name):
            from tscript._module import RecursiveScriptModule
            if isinstance(value, (LoadedModule, RecursiveScriptModule)):
                value = value._c  # a module (into an interface-typed slot, or the same type)
            self._c.set(name, value)
        else:
            raise AttributeError(f"cannot add attribute '{name}' to a loaded module of type "
                                 f"'{self._c.qualified_name}': its attributes are fixed by the archive")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._c.attribute_names()) |
                      set(self._c.method_names()))

    def __repr__(self):
        return f"<tscript loaded module {self._c.qualified_name}>"

    # ---- code ----
    @property
    def original_name(self):
        return self._c.qualified_name.rsplit(".", 1)[-1]

    @property
    def qualified_name(self):
        return self._c.qualified_name

    @property
    def code(self):
        return self._c.code("forward")

    @property
    def graph(self):
        return self._c.graph("forward")

    @property
    def inlined_graph(self):
        return self._c.inlined_graph("forward")

    # ---- saving ----
    def save(self, f, _extra_files=None):
        """Write this module as a TorchScript archive again (see ``tscript.save``)."""
        from tscript._serialization import save
        save(self, f, _extra_files)

    def save_to_buffer(self, _extra_files=None):
        from tscript._serialization import save_to_buffer
        return save_to_buffer(self, _extra_files)

    # ---- module tree ----
    def _slots(self, kind):
        for name in self._c.attribute_names():
            if self._c.attribute_kind(name) == kind:
                yield name

    def named_children(self):
        for name in self._slots("module"):
            child = self._c.get(name)
            if isinstance(child, _C.LoadedObject):
                yield name, LoadedModule(child)

    def children(self):
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix=""):
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(prefix + ("." if prefix else "") + name)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def _named_tensors(self, kind, prefix, recurse):
        for name in self._slots(kind):
            value = self._c.get(name)
            if value is not None:
                yield prefix + name, value
        if recurse:
            for name, child in self.named_children():
                yield from child._named_tensors(kind, prefix + name + ".", recurse)

    def named_parameters(self, prefix="", recurse=True):
        yield from self._named_tensors("parameter", prefix + ("." if prefix else ""), recurse)

    def parameters(self, recurse=True):
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(self, prefix="", recurse=True):
        yield from self._named_tensors("buffer", prefix + ("." if prefix else ""), recurse)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def state_dict(self):
        state = OrderedDict()
        for prefix, module in self.named_modules():
            for kind in ("parameter", "buffer"):
                for name, tensor in module._named_tensors(kind, prefix + ("." if prefix else ""), False):
                    state[name] = tensor.detach()
        return state

    def train(self, mode=True):
        for module in self.modules():
            if module._c.has_slot("training"):
                module._c.set("training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    @property
    def training(self):
        return self._c.get("training") if self._c.has_slot("training") else False


def load(f, map_location=None, _extra_files=None):
    """Load an archive written by torch.jit's ``save`` or ``tscript.save``.

    ``f`` is a path or a file-like object (its bytes are read). ``map_location`` may be None
    or the CPU (``"cpu"`` / ``torch.device("cpu")``). ``_extra_files``, as in torch.jit's load,
    is a dict whose keys name ``extra/`` records; their contents are filled in as bytes (``b""``
    for a key the archive does not have, as torch.jit does).
    """
    if map_location is not None:
        map_location = str(map_location)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        if not os.path.exists(path):
            raise ValueError(f"The provided filename {path} does not exist")
        if os.path.isdir(path):
            raise ValueError(f"The provided filename {path} is a directory")
        obj = _C._load_archive(path, map_location)
    else:
        obj = _C._load_archive(bytes(f.read()), map_location)
    if _extra_files is not None:
        present = obj.extra_files()
        # As torch.jit's load: keys the archive lacks become b"" (measured with 1.13).
        for key in list(_extra_files.keys()):
            _extra_files[key] = present.get(key, b"")
    return LoadedModule(obj)
