"""``tscript.script`` for ``nn.Module``: module types, their objects, and ScriptModule.

Scripting a module is recursive, as in torch.jit: each submodule is scripted first, then the
module's *type* is worked out from the live object (its parameters, buffers, submodules and
attributes, each typed by the class's annotations or by its value), and the methods are
compiled against that type. Modules whose types come out equal share one compiled type (the
cache below), so scripting the same model again compiles nothing.

The object made is a ScriptObject (C++, the slots' values). Its tensors are the Python
module's own, so parameters stay shared with the module they came from. RecursiveScriptModule
is the Python face of one: an nn.Module whose parameters, buffers and submodules are views of
the slots, so that nn.Module's own machinery (state_dict, named_parameters, train/eval, to)
works on it unchanged.
"""
import collections.abc
import copy
import enum
import types
import typing

import torch

from tscript import _C
from tscript import _script

__all__ = ["ScriptModule", "RecursiveScriptModule", "ScriptMethod", "script_module"]

# nn.Module's own bookkeeping, never attributes of the compiled type (torch.jit's list).
_MODULE_INTERNALS = frozenset([
    "_version", "_parameters", "_buffers", "_non_persistent_buffers_set", "_backward_hooks",
    "_forward_hooks", "_forward_pre_hooks", "_state_dict_hooks", "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks", "_modules", "_initializing", "dump_patches", "training",
    "_is_full_backward_hook",
])

_CONTAINERS = {torch.nn.ModuleList: "list", torch.nn.Sequential: "list",
               torch.nn.ModuleDict: "dict",
               # Their elements are parameters (object_value.cpp's submoduleNames).
               torch.nn.ParameterList: "list", torch.nn.ParameterDict: "dict"}


# The answers of the functions marked @_per_class, worked out once per class: a model has
# hundreds of modules of a few dozen classes. Like the type cache (_types_by_key, keyed by
# the class), they assume a class's methods do not change once modules of it are scripted.
_class_answers = {}  # (what, class) -> answer


def _per_class(what):
    def decorate(compute):
        def cached(cls, *args):
            key = (what, cls) + args
            answer = _class_answers.get(key)
            if answer is None:
                answer = _class_answers[key] = compute(cls, *args)
            return answer
        cached.__doc__ = compute.__doc__
        return cached
    return decorate


def _init_compiler():
    _C._init_module_compiler(_script._resolve_global, _script._resolve_attribute,
                             _script._source_of)


# ---- types of attribute values -------------------------------------------------------------

class _NoType(Exception):
    """A value with no TorchScript type; the message says why and what to do."""


def _infer_annotation(value):
    """The TorchScript annotation of a Python value (`List[int]`), or raise _NoType."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    if isinstance(value, str):
        return "str"
    if value is None:
        return "NoneType"
    if isinstance(value, torch.Tensor):
        return "Tensor"
    if isinstance(value, torch.device):
        return "Device"
    if isinstance(value, (torch.dtype, torch.layout, torch.memory_format)):
        return "int"  # as in torch.jit: dtypes are ints in compiled code
    if isinstance(value, list):
        if not value:
            raise _NoType("it is an empty list, whose element type cannot be inferred; "
                          "annotate it in the class (name: List[int])")
        return f"List[{_single_type(value, 'list')}]"
    if isinstance(value, dict):
        if not value:
            raise _NoType("it is an empty dict, whose key and value types cannot be inferred; "
                          "annotate it in the class (name: Dict[str, int])")
        return f"Dict[{_single_type(list(value.keys()), 'dict key')}, " \
               f"{_single_type(list(value.values()), 'dict value')}]"
    if _script._is_script_class(type(value)):
        return script_class_type(type(value))  # an object of a TorchScript class
    if isinstance(value, enum.Enum):
        try:
            return _script._enum_type_name(type(value))
        except TypeError as why:
            raise _NoType(str(why)) from None
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return f"Tuple[{', '.join(_infer_annotation(v) for v in value)}]" if value else "Tuple[()]"
    raise _NoType(f"its value is a Python {type(value).__name__}, which has no TorchScript "
                  "type; annotate it in the class with the TorchScript type it should have "
                  "(name: Dict[str, int]), or keep the code that reads it out of compiled "
                  "methods (@tscript.unused)")


def _single_type(values, what):
    annotations = {_infer_annotation(v) for v in values}
    if any(not isinstance(a, str) for a in annotations):
        raise _NoType(f"its {what}s are objects of TorchScript classes, which tscript cannot "
                      "hold in containers of module attributes yet")
    if len(annotations) != 1:
        raise _NoType(f"its {what}s have different types ({', '.join(sorted(annotations))}); "
                      "annotate it in the class with one type (a Union or Any)")
    return annotations.pop()


def _class_annotations(cls):
    """`cls.__annotations__` looked up as torch.jit does: inherited when the class has none."""
    return getattr(cls, "__annotations__", {}) or {}


def _is_final(annotation):
    if isinstance(annotation, str):
        # The spelling `torch.jit.Final` in an annotation string (split: not a use of it).
        return annotation.startswith(("Final", "torch" ".jit.Final", "typing.Final"))
    origin = typing.get_origin(annotation)
    return origin is typing.Final or getattr(annotation, "__name__", None) == "Final" or \
        type(annotation).__name__ == "_Final" or repr(annotation).startswith(
            ("typing.Final", "typing_extensions.Final"))


def _annotation_of(cls, name):
    """The annotation text the class declares for attribute `name`, or None."""
    annotations = _class_annotations(cls)
    if name not in annotations:
        return None
    annotation = annotations[name]
    if _is_final(annotation):
        return None
    if _script._is_script_class(annotation):
        return script_class_type(annotation)
    # A class inside the annotation (Optional[LevelMapper]) by its qualified name, which the
    # attribute's type parser looks up among the classes made so far.
    return _script._annotation_text(
        annotation, lambda cls: script_class_type(cls).qualified_name)


def _constant_names(module):
    return _class_constant_names(type(module))


@_per_class("constants")
def _class_constant_names(cls):
    names = set(getattr(cls, "__constants__", ()))
    for name, annotation in _class_annotations(cls).items():
        if _is_final(annotation):
            names.add(name)
    return names


# ---- the concrete type of a module -----------------------------------------------------------

class _ModuleInfo:
    """What a module's type is made of: everything that makes two modules' types differ."""

    def __init__(self, module, child_types):
        cls = type(module)
        self.cls = cls
        self.attributes = []   # (name, annotation text or ModuleType, kind)
        self.failed = {}       # name -> why it has no type
        self.functions = {}    # name -> a Python function stored as an attribute
        self.constants = {}
        # Forward pre-hooks and hooks, compiled as methods (`self` is the module).
        self.pre_hooks = list(module._forward_pre_hooks.values())
        self.hooks = list(module._forward_hooks.values())
        constant_names = _constant_names(module)
        for name, value in module._parameters.items():
            self.attributes.append((name, _annotation_of(cls, name) or
                                    ("Tensor" if value is not None else "NoneType"), "parameter"))
        for name, value in module._buffers.items():
            self.attributes.append((name, _annotation_of(cls, name) or
                                    ("Tensor" if value is not None else "NoneType"), "buffer"))
        self.attributes.append(("training", "bool", "attribute"))
        self.attributes.append(("_is_full_backward_hook",
                                "Optional[bool]" if "_is_full_backward_hook" in
                                _class_annotations(cls) else "NoneType", "attribute"))
        for name, value in vars(module).items():
            if name in _MODULE_INTERNALS or name.startswith("__"):
                continue
            if name in constant_names:
                self.constants[name] = _constant_value(cls, name, value)
                continue
            annotation = _annotation_of(cls, name)
            if annotation is None:
                if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
                    # A function stored on the module (`self.activation = F.relu`): calls
                    # compile to calls of it, as torch.jit's function attributes do.
                    self.functions[name] = value
                    continue
                if callable(value) and not isinstance(value, torch.Tensor):
                    continue  # bound methods and other callables stored on the object
                try:
                    annotation = _infer_annotation(value)
                except _NoType as why:
                    self.failed[name] = f"attribute '{name}' of {cls.__name__} has no " \
                                        f"TorchScript type: {why}"
                    continue
            self.attributes.append((name, annotation, "attribute"))
        for name in constant_names:
            if name not in self.constants and hasattr(module, name) and \
                    name not in module._modules and name not in module._parameters:
                self.constants[name] = _constant_value(cls, name, getattr(module, name))
        # In the order 1.13 meets them: its loop over the set of constant names.
        self.constants = {name: self.constants[name] for name in constant_names
                          if name in self.constants}
        for name, child in module._modules.items():
            if child is None:
                self.attributes.append((name, "NoneType", "attribute"))
            else:
                # A submodule annotated with a module interface (`impl: ModIf`) is typed by
                # the interface: calls through it are dynamic, the module can be swapped.
                interface = _interface_of_attribute(cls, name)
                self.attributes.append((name, interface.qualified_name if interface else
                                        child_types[name], "module"))

    def key(self):
        attributes = tuple((name, id(annotation) if isinstance(annotation, _C.ModuleType)
                            else annotation, kind) for name, annotation, kind in self.attributes)
        constants = tuple(sorted((name, repr(value)) for name, value in self.constants.items()))
        functions = tuple(sorted((name, id(fn)) for name, fn in self.functions.items()))
        hooks = (tuple(id(h) for h in self.pre_hooks), tuple(id(h) for h in self.hooks))
        return (self.cls, attributes, constants, tuple(sorted(self.failed)), functions, hooks)


def _interface_of_attribute(cls, name):
    """The interface type (_C.InterfaceType) class `cls` annotates attribute `name` with, or
    None."""
    from tscript._interface import interface_type, is_interface
    annotation = _class_annotations(cls).get(name)
    return interface_type(annotation) if is_interface(annotation) else None


def _constant_value(cls, name, value):
    if isinstance(value, list):
        value = tuple(value)  # as torch.jit: list constants become tuples
    if value is None or isinstance(value, (bool, int, float, str)) or (
            isinstance(value, tuple) and all(v is None or isinstance(v, (bool, int, float, str))
                                             for v in value)):
        return value
    raise _C.CompileError(
        f"error: constant '{name}' of module {cls.__name__} has a value of Python type "
        f"'{type(value).__name__}'; module constants (__constants__, Final) must be None, bool, "
        "int, float, str, or a list or tuple of those")


def _qualified_name(cls):
    module = cls.__module__
    prefix = "__torch__" if module == "__main__" else "__torch__." + module
    return f"{prefix}.{cls.__name__}"


@_per_class("methods")
def _class_methods(cls):
    """The functions a module class defines (its own and inherited, below nn.Module)."""
    found = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, torch.nn.Module):
            continue
        for name, value in vars(klass).items():
            if klass in _CONTAINERS and name != "forward":
                continue  # len, iteration, indexing and items() are compiled specially
            if isinstance(value, staticmethod):
                continue  # _static_methods: functions, not methods
            if callable(value) and hasattr(value, "__code__"):
                found[name] = value
    return found


@_per_class("static methods")
def _static_methods(cls):
    """The @staticmethod functions of a class (its own and inherited, below nn.Module)."""
    found = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, torch.nn.Module) or klass in _CONTAINERS:
            continue
        for name, value in vars(klass).items():
            if isinstance(value, staticmethod):
                found[name] = value.__func__
    return found


@_per_class("properties")
def _properties(cls, accessor="fget"):
    """The @property getters (accessor "fset": setters) compiled for a module class: every
    property below nn.Module but those named in `__jit_unused_properties__` (as torch.jit
    1.13)."""
    unused = set(getattr(cls, "__jit_unused_properties__", ()))
    found = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, torch.nn.Module) or klass in _CONTAINERS:
            continue
        for name, value in vars(klass).items():
            if isinstance(value, property) and value.fget is not None and name not in unused:
                if getattr(value, accessor) is not None:
                    found[name] = getattr(value, accessor)
    return found


def _add_static_methods(class_type, cls):
    """`self.f(x)` for a static method f calls the function (prim::CallFunction, as 1.13)."""
    for name, function in _static_methods(cls).items():
        class_type.add_named_value(name, _script._describe_or_explain(function, name))


_types_by_key = {}     # concrete type key -> ModuleType
_names_in_use = {}     # qualified name -> how many types carry it
_python_classes = {}   # qualified type name -> the nn.Module class it was made from


def type_is_instance(type_name, cls):
    """`isinstance(obj, cls)` in compiled code for an object of module type `type_name`:
    whether its Python class is `cls` or a subclass (as eager Python answers; 1.13 compares
    type names, so a mangled second type of the same class is not an instance there), or None
    when `type_name` is no module type made here."""
    python_class = _python_classes.get(type_name)
    return None if python_class is None else issubclass(python_class, cls)


def _module_type(module, child_types):
    info = _ModuleInfo(module, child_types)
    key = info.key()
    existing = _types_by_key.get(key)
    if existing is not None:
        return existing, info
    name = _qualified_name(info.cls)
    count = _names_in_use.get(name, 0)
    _names_in_use[name] = count + 1
    if count:
        # A second type for the same class: torch.jit's mangled name.
        package, _, base = name.rpartition(".")
        name = f"{package}.___torch_mangle_{count - 1}.{base}"
    module_type = _C.ModuleType(name)
    _python_classes[name] = info.cls
    for attribute_name, annotation, kind in info.attributes:
        module_type.add_attribute(attribute_name, annotation, kind)
    module_type.add_constants_in_torch_jit_order(list(info.constants.items()))
    for failed_name, why in info.failed.items():
        module_type.add_failed_attribute(failed_name, why)
    for function_name, function in info.functions.items():
        module_type.add_named_value(function_name,
                                    _script._describe_or_explain(function, function_name))
    container = next((kind for cls, kind in _CONTAINERS.items() if isinstance(module, cls)), None)
    if container:
        module_type.set_container(container)
    _add_methods(module_type, _class_methods(info.cls), info.cls)
    _add_static_methods(module_type, info.cls)
    pre_hooks = [f"__forward_pre_hook_{i}" for i in range(len(info.pre_hooks))]
    hooks = [f"__forward_hook_{i}" for i in range(len(info.hooks))]
    for name, hook in zip(pre_hooks + hooks, info.pre_hooks + info.hooks):
        module_type.add_method(name, hook)
    # Archives name hook methods after their functions, as 1.13 does.
    module_type.set_hooks(pre_hooks, hooks, [getattr(hook, "__name__", name) for name, hook in
                                             zip(pre_hooks + hooks, info.pre_hooks + info.hooks)])
    for name, getter in _properties(info.cls).items():
        # `self.name` reads call it (ObjectValue::attr), as 1.13 names the getter.
        module_type.add_method(f"__{name}_getter", getter)
    for name, setter in _properties(info.cls, "fset").items():
        # `self.name = v` calls it (ObjectValue::setAttr), as 1.13 names the setter.
        module_type.add_method(f"__{name}_setter", setter)
    module_type.define()
    _types_by_key[key] = module_type
    return module_type, info


def _add_methods(class_type, functions, cls):
    """Tells `class_type` where its methods are: compiled ones (plain or `@_overload_method`)
    and the ones left in Python (`@ignore`, `@unused`)."""
    for name, function in functions.items():
        modifier = _script._modifier(function)
        if modifier in ("ignore", "unused"):
            descriptor = _script._python_call_descriptor(function, modifier)
            if descriptor[0] == "python_call":
                # `self` is the object the call is made on (the live Python module, for
                # @ignore), not a parameter the caller passes.
                descriptor = descriptor[:4] + (descriptor[4][1:],) + descriptor[5:]
                class_type.add_python_method(name, descriptor)
            else:
                class_type.add_named_value(name, descriptor)
        elif name != "forward" or function is not torch.nn.Module.forward:
            declarations = _method_overloads(function, cls)
            if declarations:
                class_type.add_overloaded_method(name, function, list(declarations))
            else:
                class_type.add_method(name, function)


_overloads_by_method = {}  # (function, class) -> its @_overload_method declarations or None


def _method_overloads(function, cls):
    """The `@_overload_method` declarations of a method (torch._jit_internal's registry, a
    plain dict where torch.jit's decorator puts them), or None.

    Remembered per (function, class): torch's check that the method lies inside the class
    reads the class's source (inspect parses the whole file), and densenet121 alone makes 58
    module types of the class whose forward is overloaded. Declarations are registered when
    the class body runs, so they are all known by the time a module of the class exists."""
    from torch import _jit_internal
    registry = getattr(_jit_internal, "_overloaded_methods", {})
    if not hasattr(function, "__code__") or \
            not any(key.endswith("." + function.__name__) for key in registry):
        return None
    key = (function, cls)
    if key in _overloads_by_method:
        return _overloads_by_method[key]
    try:
        declarations = _jit_internal._get_overloaded_methods(function, cls)
    except Exception:  # noqa: BLE001 - the entry is another class's of the same name
        declarations = None
    _overloads_by_method[key] = declarations
    return declarations


class ConstMap:
    """The constants of `code_with_constants`: `const_mapping` is the dict, and each constant
    is also an attribute (`CONSTANTS.c0` reads as `constants.c0`), as torch.jit's ConstMap."""

    def __init__(self, const_mapping):
        self.const_mapping = const_mapping

    def __getattr__(self, attr):
        try:
            return self.__dict__["const_mapping"][attr]
        except KeyError:
            raise AttributeError(f"no constant named '{attr}'") from None


_class_types = {}  # Python class -> ModuleType of its TorchScript class


def script_class_type(cls):
    """The TorchScript class of Python class `cls`, compiled on first use: attributes from the
    class annotations and from what `__init__` assigns to `self`; methods compiled when
    called."""
    known = _class_types.get(cls)
    if known is not None:
        return known
    _init_compiler()
    class_type = _C.ModuleType(_qualified_name(cls), False)
    for name, annotation in (vars(cls).get("__annotations__") or {}).items():
        class_type.add_attribute(name, _script._annotation_text(annotation), "attribute")
    _add_methods(class_type, {name: function for name, function in vars(cls).items()
                              if isinstance(function, types.FunctionType)}, cls)
    # `Cls.f(x)` and `self.f(x)` call a static method as a function (1.13 only has the first).
    _add_static_methods(class_type, cls)
    for name, getter in _properties(cls).items():
        class_type.add_method(f"__{name}_getter", getter)  # `obj.name` calls it, as 1.13
    for name, setter in _properties(cls, "fset").items():
        class_type.add_method(f"__{name}_setter", setter)  # `obj.name = v` calls it
    for name, value in vars(cls).items():
        if isinstance(value, classmethod):
            class_type.add_named_value(name, (
                "unsupported", f"'{cls.__name__}.{name}' is a @classmethod, which TorchScript "
                "does not support", "make it a @staticmethod that names the class"))
    class_type.define()
    _class_types[cls] = class_type
    # Instances go in and come back as instances of `cls`, attributes copied (as 1.13).
    _C._set_python_class(_qualified_name(cls), cls)
    if class_type.has_method("__init__"):
        try:
            class_type.compile("__init__")  # defines the attributes
        except Exception:
            del _class_types[cls]
            raise
    return class_type


def fill_slots(scripted, module, attributes, children):
    """Sets the slots of `scripted` (a ScriptObject of `module`'s type) from the Python module:
    its own tensors (shared, not copied), the scripted `children`, and its attributes."""
    for name, annotation, kind in attributes:
        if kind == "module":
            scripted.set(name, children[name]._c)
        elif name == "training":
            scripted.set(name, module.training)
        elif name == "_is_full_backward_hook":
            scripted.set(name, None)
        elif kind == "parameter":
            scripted.set(name, module._parameters[name])
        elif kind == "buffer":
            scripted.set(name, module._buffers[name])
        else:
            value = getattr(module, name)
            if isinstance(annotation, _C.ModuleType):
                value = _script_object(value, annotation)
            scripted.set(name, value)


def _script_object(instance, class_type):
    """The compiled object of a Python object of a TorchScript class: its attributes, read
    from the instance and converted to the attribute types."""
    scripted = _C.ScriptObject(class_type)
    for name in class_type.attribute_names():
        value = getattr(instance, name)
        if _script._is_script_class(type(value)):
            value = _script_object(value, script_class_type(type(value)))
        scripted.set(name, value)
    return scripted


def _entry_methods(module_type, cls):
    """The methods compiled when the module is scripted: forward and every @export."""
    names = []
    overloads = module_type.overloads("forward")
    if overloads:
        names.extend(overloads)
    elif module_type.has_method("forward"):
        names.append("forward")
    names.extend(_exported_methods(cls))
    return names


@_per_class("exported")
def _exported_methods(cls):
    """The names of the class's @export methods but forward."""
    return [name for name, function in _class_methods(cls).items()
            if name != "forward" and _script._modifier(function) == "export"]


@_per_class("python methods")
def _python_methods(cls):
    """The class's @ignore and @unused methods, which stay Python."""
    return {name: function for name, function in _class_methods(cls).items()
            if _script._modifier(function) in ("ignore", "unused")}


def script_module(module, methods=None, path="model"):
    """Scripts `module` and its submodules; returns a RecursiveScriptModule. `methods`: the
    methods to compile instead of forward and the @export ones (a submodule typed by a
    module interface compiles the interface's methods, as 1.13's interface_script). `path`:
    where the module is in the model being scripted (`model.layer1.0`), for errors."""
    _init_compiler()
    if isinstance(module, RecursiveScriptModule):
        return module
    # A module may offer a scriptable stand-in (torchaudio's wav2vec2 drops weight_norm).
    prepare = getattr(module, "__prepare_scriptable__", None)
    if callable(prepare):
        module = prepare()
    children = {}
    for name, child in module._modules.items():
        if child is not None:
            interface = _interface_of_attribute(type(module), name)
            children[name] = script_module(
                child, methods=interface.method_names() if interface else None,
                path=f"{path}.{name}")
    module_type, info = _module_type(module, {n: c._type for n, c in children.items()})
    entry = _entry_methods(module_type, info.cls) if methods is None else \
        [name for name in methods if module_type.has_method(name)]
    entry += [f"__forward_pre_hook_{index}" for index in range(len(info.pre_hooks))]
    entry += [f"__forward_hook_{index}" for index in range(len(info.hooks))]
    for name in entry:
        try:
            module_type.compile(name)
        except _C.CompileError as error:
            # Which module of the model and which of its methods: the source line alone does
            # not say which of the modules sharing a class failed.
            raise _C.CompileError(f"{error}\nwhile scripting {path} ({type(module).__name__}), "
                                  f"method '{name}'") from None
    scripted = _C.ScriptObject(module_type)
    fill_slots(scripted, module, info.attributes, children)
    return RecursiveScriptModule(scripted, module_type, module, children, info)


# ---- ScriptModule ------------------------------------------------------------------------------

class ScriptMethod:
    """A compiled method bound to its module: call it; `.graph`, `.code`, `.schema`."""

    def __init__(self, owner, name):
        self._c = owner._c
        self._type = owner._type
        self.name = name
        self.owner = owner
        # An overloaded method is called as the first overload that takes the arguments.
        self._overloads = owner._type.overloads(name)

    def __call__(self, *args, **kwargs):
        if not self._overloads:
            return self._c.call(self.name, *args, **kwargs)
        errors = []
        for overload in self._overloads:
            try:
                return self._c.call(overload, *args, **kwargs)
            except TypeError as error:
                errors.append(f"{overload}: {error}")
        raise TypeError(f"no overload of {self.name} accepts these arguments:\n" + "\n".join(errors))

    @property
    def graph(self):
        return self._type.method_graph(self.name)

    @property
    def inlined_graph(self):
        return self._type.method_inlined_graph(self.name)

    @property
    def code(self):
        return self._type.method_code(self.name)

    @property
    def schema(self):
        return self._type.method_schema(self.name)

    @property
    def code_with_constants(self):
        """(code, {"c0": value, ...}): the constants the code prints as CONSTANTS.cN."""
        return self._type.method_code_with_constants(self.name)

    def __repr__(self):
        return f"<tscript.ScriptMethod {self.name} of {self.owner.original_name}>"


class _SlotView(collections.abc.MutableMapping):
    """The parameters (or buffers) of a scripted module, read from and written to its slots."""

    def __init__(self, owner, names):
        self._c = owner._c
        self._names = names

    def __getitem__(self, name):
        if name not in self._names:
            raise KeyError(name)
        return self._c.get(name)

    def __setitem__(self, name, value):
        if name not in self._names:
            raise KeyError(f"'{name}' cannot be added to a scripted module: its attributes are "
                           "fixed when it is scripted")
        self._c.set(name, value)

    def __delitem__(self, name):
        raise KeyError(f"'{name}' cannot be deleted from a scripted module")

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)


class ScriptModule(torch.nn.Module):
    """The base class of scripted modules (the counterpart of torch.jit's ScriptModule)."""


class RecursiveScriptModule(ScriptModule):
    """A scripted nn.Module: call it like the original; `.code`, `.graph`, attribute access,
    and nn.Module's API (parameters, state_dict, train/eval, ...) on the compiled object."""

    def save(self, f, _extra_files=None):
        """Write this module as a TorchScript archive (see ``tscript.save``)."""
        from tscript._serialization import save
        save(self, f, _extra_files)

    def save_to_buffer(self, _extra_files=None):
        from tscript._serialization import save_to_buffer
        return save_to_buffer(self, _extra_files)

    def __init__(self, scripted, module_type, original, children, info):
        object.__setattr__(self, "_c", scripted)
        object.__setattr__(self, "_type", module_type)
        # An @ignore'd method called from compiled code gets this object as `self`.
        scripted.set_python_face(self)
        super().__init__()  # this sets `training` to True: restored below
        scripted.set("training", original.training)
        kinds = {name: kind for name, _, kind in info.attributes}
        object.__setattr__(self, "_parameters", _SlotView(
            self, [n for n, k in kinds.items() if k == "parameter"]))
        object.__setattr__(self, "_buffers", _SlotView(
            self, [n for n, k in kinds.items() if k == "buffer"]))
        object.__setattr__(self, "_modules", collections.OrderedDict(children))
        object.__setattr__(self, "_non_persistent_buffers_set",
                           set(original._non_persistent_buffers_set))
        object.__setattr__(self, "_constants", dict(info.constants))
        object.__setattr__(self, "original_name", type(original).__name__)
        object.__setattr__(self, "_python_methods", _python_methods(type(original)))
        object.__setattr__(self, "_slot_kinds", kinds)
        object.__setattr__(self, "_hook_methods", (
            [f"__forward_pre_hook_{i}" for i in range(len(info.pre_hooks))],
            [f"__forward_hook_{i}" for i in range(len(info.hooks))]))
        methods = {}
        if module_type.has_method("forward") or module_type.overloads("forward"):
            methods["forward"] = ScriptMethod(self, "forward")
        object.__setattr__(self, "_methods", methods)
        if "forward" in methods:
            object.__setattr__(self, "forward", methods["forward"])

    # copy.copy: a new object with the same slot values (submodules shared); copy.deepcopy:
    # every slot copied, submodules too. Both keep the compiled type, as torch.jit's do.
    def __copy__(self):
        return self._wrapped_copy(self._c.shallow_copy(), dict(self._modules))

    def __deepcopy__(self, memo):
        children = {name: copy.deepcopy(child, memo) for name, child in self._modules.items()}
        scripted = _C.ScriptObject(self._type)
        for name, kind in self._slot_kinds.items():
            if kind == "module":
                scripted.set(name, children[name]._c)
                continue
            try:
                value = self._c.get(name)
            except TypeError as why:
                raise TypeError(f"cannot copy attribute '{name}' of scripted module "
                                f"{self.original_name}: {why}") from None
            scripted.set(name, copy.deepcopy(value, memo))
        return self._wrapped_copy(scripted, children)

    def _wrapped_copy(self, scripted, children):
        new = RecursiveScriptModule.__new__(RecursiveScriptModule)
        state = dict(self.__dict__)
        state.update(_c=scripted, _modules=collections.OrderedDict(children), _methods={})
        for hooks in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                      "_state_dict_hooks", "_load_state_dict_pre_hooks",
                      "_load_state_dict_post_hooks"):
            if hooks in state:
                state[hooks] = collections.OrderedDict(state[hooks])
        state.pop("forward", None)
        object.__setattr__(new, "__dict__", state)
        scripted.set_python_face(new)
        object.__setattr__(new, "_parameters", _SlotView(new, list(self._parameters)))
        object.__setattr__(new, "_buffers", _SlotView(new, list(self._buffers)))
        if "forward" in self.__dict__:
            new._methods["forward"] = ScriptMethod(new, "forward")
            object.__setattr__(new, "forward", new._methods["forward"])
        return new

    # `training` is a slot: compiled code reads the same value.
    @property
    def training(self):
        return self._c.get("training")

    @training.setter
    def training(self, value):
        self._c.set("training", value)

    def __call__(self, *args, **kwargs):
        pre_hooks, hooks = self.__dict__["_hook_methods"]
        if not pre_hooks and not hooks:
            return self.forward(*args, **kwargs)
        # The compiled hooks around forward, as compiled callers run them (ObjectValue::call).
        scripted = self.__dict__["_c"]
        for hook in pre_hooks:
            result = scripted.call(hook, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in hooks:
            result = scripted.call(hook, args, output)
            if result is not None:
                output = result
        return output

    def __getattr__(self, name):
        kinds = self.__dict__.get("_slot_kinds")
        if kinds is None:
            raise AttributeError(name)
        kind = kinds.get(name)
        if kind == "module":
            return self.__dict__["_modules"][name]
        if kind is not None:
            return self.__dict__["_c"].get(name)
        constants = self.__dict__["_constants"]
        if name in constants:
            return constants[name]
        methods = self.__dict__["_methods"]
        if name in methods:
            return methods[name]
        if self.__dict__["_type"].has_method(name) or self.__dict__["_type"].overloads(name):
            method = methods[name] = ScriptMethod(self, name)
            return method
        if self.__dict__["_type"].has_method(f"__{name}_getter"):
            return self.__dict__["_c"].call(f"__{name}_getter")  # a compiled property
        python_method = self.__dict__["_python_methods"].get(name)
        if python_method is not None:
            # @ignore/@unused: the Python method, run on this object (as torch.jit does).
            return types.MethodType(python_method, self)
        raise AttributeError(f"'RecursiveScriptModule' object (original_name="
                             f"{self.__dict__['original_name']}) has no attribute '{name}'")

    def __setattr__(self, name, value):
        kinds = self.__dict__.get("_slot_kinds", {})
        kind = kinds.get(name)
        if kind == "module":
            if not isinstance(value, RecursiveScriptModule):
                # 1.13's words (and class).
                raise RuntimeError("Cannot re-assign modules in a ScriptModule with "
                                   "non-scripted module, tried to replace existing module "
                                   f"'{name}': {value}")
            self._c.set(name, value._c)
            self._modules[name] = value
        elif kind is not None:
            self._c.set(name, value)
        elif "_type" in self.__dict__ and self.__dict__["_type"].has_method(f"__{name}_setter"):
            self.__dict__["_c"].call(f"__{name}_setter", value)  # a compiled property setter
        elif name in self.__dict__.get("_constants", {}):
            raise AttributeError(f"cannot assign to '{name}': it is a constant of the scripted "
                                 f"module {self.original_name}")
        else:
            object.__setattr__(self, name, value)

    @property
    def code(self):
        return self.forward.code

    @property
    def graph(self):
        return self.forward.graph

    @property
    def inlined_graph(self):
        return self.forward.inlined_graph

    @property
    def code_with_constants(self):
        """(forward's code, ConstMap of the constants it prints as CONSTANTS.cN), as 1.13."""
        code, constants = self.forward.code_with_constants
        return code, ConstMap(constants)

    # Module containers (ModuleList, Sequential, ModuleDict) index, iterate and measure as the
    # originals do.
    def __getitem__(self, key):
        modules = self.__dict__["_modules"]
        if isinstance(key, str):
            return modules[key]
        values = list(modules.values())
        if isinstance(key, slice):
            raise TypeError("slicing a scripted module container is not supported")
        return values[key]

    def __len__(self):
        return len(self.__dict__["_modules"])

    def __iter__(self):
        modules = self.__dict__["_modules"]
        return iter(modules.keys()) if self.original_name == "ModuleDict" else \
            iter(modules.values())

    def extra_repr(self):
        return f"original_name={self.original_name}"

    def _get_name(self):
        return "RecursiveScriptModule"
