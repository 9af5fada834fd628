"""``tscript.interface``: interface types, for classes and for modules.

An interface class declares methods (annotated signatures; the bodies are never compiled).
A class interface types values of any TorchScript class that has those methods; a module
interface (the class derives from nn.Module) types submodule attributes (``impl: ModIf`` in
the module's class body), so that the submodule can be swapped for another scripted module
that implements it. Calls through an interface are dynamic (``prim::CallMethod`` on the
interface-typed value), never inlined.

Classes marked by torch.jit's ``interface`` decorator are recognized too, by the
``__torch_script_interface__`` attribute that decorator sets (nothing here imports torch.jit).
"""
import inspect
import types

import torch

from tscript import _C

__all__ = ["interface", "interface_type", "is_interface"]


def interface(cls):
    """Declares `cls` an interface type (as torch.jit's ``interface`` decorator)."""
    if not inspect.isclass(cls):
        raise TypeError("interface must be applied to a class")
    _check_bases(cls)
    cls._tscript_interface = True
    interface_type(cls)  # declaration errors show at the decorator, as in 1.13
    return cls


def is_interface(obj):
    """Whether `obj` is a class marked by ``tscript.interface`` or torch.jit's ``interface``."""
    if not isinstance(obj, type):
        return False
    own = vars(obj)
    return own.get("_tscript_interface", False) is True or "__torch_script_interface__" in own


def _check_bases(cls):
    # 1.13: a module interface derives from nn.Module directly, a class interface from object.
    mro = cls.mro()
    is_module = issubclass(cls, torch.nn.Module) and len(mro) == 3
    if not is_module and len(mro) > 2:
        raise RuntimeError("TorchScript interface does not support inheritance yet. Please "
                           "directly inherit from 'object' or 'nn.Module'.")
    return is_module


_interface_types = {}  # interface class -> _C.InterfaceType
_names_in_use = {}     # qualified name -> how many interface classes carry it


def _qualified_name(cls):
    module = cls.__module__
    prefix = "__torch__" if module == "__main__" else "__torch__." + module
    return f"{prefix}.{cls.__name__}"


def interface_type(cls):
    """The interface type of class `cls` (declared on first use)."""
    known = _interface_types.get(cls)
    if known is not None:
        return known
    from tscript._module import _init_compiler
    _init_compiler()
    is_module = _check_bases(cls)
    name = _qualified_name(cls)
    count = _names_in_use.get(name, 0)
    if count:
        # Another class of the same name (redefined): torch.jit's mangled name.
        package, _, base = name.rpartition(".")
        name = f"{package}.___torch_mangle_{count - 1}.{base}"
    declared = _C.InterfaceType(name, is_module)
    for method_name, function in vars(cls).items():
        if isinstance(function, (staticmethod, classmethod)):
            raise RuntimeError(f"interface {cls.__name__} declares {method_name} as a "
                               f"{type(function).__name__}; interfaces declare methods only")
        if isinstance(function, types.FunctionType):
            declared.add_method(method_name, function)
    if not declared.method_names():
        raise RuntimeError(f"interface {cls.__name__} declares no methods")
    declared.define()
    _names_in_use[_qualified_name(cls)] = count + 1
    _interface_types[cls] = declared
    return declared
