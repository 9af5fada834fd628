"""``tscript.script`` for functions: compile Python source with tscript's compiler.

Name resolution happens here, on the Python side, because only Python knows a function's
globals and closure. The compiler (tscript._C) asks for each global name it meets and gets a
descriptor back (the format is documented in src/python/bind_script.cpp).
"""
import ast
import builtins
import collections
import enum
import inspect
import linecache
import math
import os
import textwrap
import types
import typing

import torch

from tscript import _C
from tscript import _resolution

__all__ = ["script", "ScriptFunction", "annotate", "export", "is_scripting", "is_tracing", "ignore",
           "unused"]

# Python builtins the compiler implements itself (range, len, print, ...): not resolved here.
_COMPILER_BUILTINS = {"range", "len", "print", "int", "float", "bool", "str", "min", "max", "abs",
                      "enumerate", "zip", "list", "sum", "sorted", "all", "any", "ord", "chr",
                      "hex", "oct", "bin", "round", "divmod", "pow", "getattr", "reversed", "hasattr"}


def is_scripting() -> bool:
    """True inside compiled code, False when running as plain Python."""
    return False


def is_tracing() -> bool:
    return False


def ignore(fn=None, *, drop=False):
    """Leave a function as Python: compiled code calls it through the interpreter (with the GIL
    held), converting arguments and the result by its annotations (unannotated parameters and
    return are Tensor, as in torch.jit). ``drop=True`` is the old spelling of ``unused``."""
    def mark(f):
        f._tscript_modifier = "unused" if drop else "ignore"
        return f
    return mark(fn) if fn is not None else mark


def unused(fn):
    """Leave a function out of compiled code: a call to it compiles to raising an exception
    when it is reached (the function may contain anything TorchScript cannot compile)."""
    fn._tscript_modifier = "unused"
    return fn


def export(fn):
    """Compile this function as an entry point. For functions this is only a mark (it matters
    for module methods); the function is compiled when it is scripted or called."""
    fn._tscript_modifier = "export"
    return fn


def annotate(the_type, value):
    """A type hint for an expression in compiled code (``annotate(List[int], [])``); returns
    `value` unchanged when run as Python."""
    return value


def _modifier(obj):
    """How @ignore/@unused/@export marked `obj` ("ignore", "unused", "export" or None).
    torch.jit's decorators set ``_torchscript_modifier`` to a FunctionModifiers value, a string
    that starts with the modifier's name ("ignore (leave as a call to Python, ...)")."""
    mark = getattr(obj, "_tscript_modifier", None)
    if mark is not None:
        return mark
    mark = getattr(obj, "_torchscript_modifier", None)
    if isinstance(mark, str):
        for name in ("ignore", "unused", "export"):
            if mark.startswith(name):
                return name
    return None


def _is_annotate(obj):
    if obj is annotate:
        return True
    # torch.jit.annotate, recognized by name and module without importing torch.jit here.
    module = (getattr(obj, "__module__", None) or "").split(".")
    return getattr(obj, "__name__", None) == "annotate" and module[:2] == ["torch", "jit"]


def _annotation_text(annotation, class_name=None):
    """A Python annotation object as TorchScript annotation source (`List[int]`), or None when
    there is none. The compiler parses the text; names it does not know are errors there.
    `class_name(cls)`, when given, spells a TorchScript class inside the annotation
    (`Optional[LevelMapper]` of a module attribute)."""
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    if annotation is None or annotation is type(None):
        return "None"
    if annotation is torch.Tensor:
        return "Tensor"
    if annotation in (int, float, bool, str, complex):
        return annotation.__name__
    if annotation is torch.device:
        return "Device"
    if annotation is typing.Any:
        return "Any"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_type_name(annotation)
    from tscript._interface import interface_type, is_interface
    if is_interface(annotation):
        return interface_type(annotation).qualified_name
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    spelled = [_annotation_text(a, class_name) for a in arguments]
    if origin is list:
        return f"List[{spelled[0]}]" if spelled else "List"
    if origin is dict:
        return f"Dict[{', '.join(spelled)}]" if spelled else "Dict"
    if origin is tuple:
        if arguments == ((),) or (not arguments and annotation is not tuple):
            return "Tuple[()]"
        return f"Tuple[{', '.join(spelled)}]" if spelled else "Tuple"
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return f"Union[{', '.join(spelled)}]"
    if class_name is not None and _is_script_class(annotation):
        return class_name(annotation)
    return getattr(annotation, "__qualname__", None) or repr(annotation)


def _python_call_descriptor(fn, modifier):
    """The descriptor of a Python function that compiled code calls without compiling it:
    ("python_call", "ignore" | "unused", fn, name, [(parameter, annotation text or None,
    (default,) or ())...], return annotation text or None)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return ("unsupported", f"Python function '{fn.__name__}' marked @{modifier} has no "
                "signature Python can inspect", "")
    commented = _type_comment_signature(fn)
    parameters = []
    for index, parameter in enumerate(signature.parameters.values()):
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            return ("unsupported", f"Python function '{fn.__name__}' marked @{modifier} takes "
                    "*args or **kwargs, which calls from compiled code cannot pass",
                    "give each parameter a name (and an annotation)")
        default = parameter.default
        # Only constants can be compiled into the call; other defaults must be passed.
        has_constant_default = default is None or isinstance(default, (bool, int, float, str))
        annotation = _annotation_text(parameter.annotation)
        if annotation is None and commented is not None and index < len(commented[0]):
            annotation = commented[0][index]
        parameters.append((parameter.name, annotation, (default,) if has_constant_default else ()))
    returns = _annotation_text(signature.return_annotation)
    if returns is None and commented is not None:
        returns = commented[1]
    return ("python_call", modifier, fn, fn.__name__, parameters, returns)


def _type_comment_signature(fn):
    """([parameter type text, ...], return type text) of a `# type: (int, int) -> float`
    comment right after `fn`'s def line, or None."""
    try:
        lines, _ = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    seen_def = False
    for line in lines:
        stripped = line.strip()
        if not seen_def:
            seen_def = stripped.startswith(("def ", "async def ")) and stripped.endswith(":")
            continue
        if not stripped.startswith("#"):
            return None
        text = stripped[1:].strip()
        if not text.startswith("type:"):
            return None
        text = text[len("type:"):].strip()
        if not text.startswith("(") or "->" not in text:
            return None
        arguments, returns = text.rsplit("->", 1)
        arguments = arguments.strip()[1:-1]
        parts, depth, current = [], 0, ""
        for char in arguments:
            depth += char in "[(" and 1 or (char in "])" and -1 or 0)
            if char == "," and depth == 0:
                parts.append(current.strip())
                current = ""
            else:
                current += char
        if current.strip():
            parts.append(current.strip())
        return parts, returns.strip()
    return None


def _is_scripting_marker(obj):
    if obj is is_scripting:
        return True
    # torch.jit.is_scripting is recognized by identity, without importing torch.jit here.
    return getattr(obj, "__module__", None) == "torch._jit_internal" and \
        getattr(obj, "__name__", None) == "is_scripting"


# What to write instead of Python builtins that TorchScript does not have.
_BUILTIN_ALTERNATIVES = {
    "map": "use a list comprehension: [f(x) for x in xs]",
    "filter": "use a list comprehension with a condition: [x for x in xs if keep(x)]",
    "getattr": "write the attribute itself: x.name",
    "setattr": "assign the attribute itself: x.name = value",
    "iter": "loop over the value with for",
    "next": "loop over the value with for, or index it",
    "type": "use isinstance(x, T)",
    "set": "use a list, or the keys of a dict",
    "frozenset": "use a list, or the keys of a dict",
    "open": "do file input and output in Python, outside the compiled function",
    "input": "do input and output in Python, outside the compiled function",
    "eval": "compiled code cannot run Python source",
    "exec": "compiled code cannot run Python source",
}


def _unsupported(obj, name):
    """The descriptor of a value compiled code cannot use: why, and what to write instead."""
    if getattr(builtins, name, None) is obj:
        return ("unsupported", f"'{name}' is a Python builtin that TorchScript does not support",
                _BUILTIN_ALTERNATIVES.get(name, ""))
    if getattr(obj, "__module__", None) == "typing":
        return ("unsupported", f"'{name}' is a type from the typing module: tscript accepts "
                "types only in annotations so far", "annotate the variable instead: "
                "`xs: List[int] = []`")
    if isinstance(obj, type):
        if issubclass(obj, torch.nn.Module):
            # `Net.helper(x)`: a static method, through the class (as 1.13 allows).
            return ("static_scope", obj, f"'{name}' is an nn.Module class: compiled code "
                    "cannot construct modules", "create it in __init__ and call self.name")
        return ("unsupported", f"'{name}' is a Python class: tscript does not compile classes yet",
                "")
    if isinstance(obj, torch.device):
        return ("unsupported", f"'{name}' is a torch.device constant: tscript does not compile "
                "device globals yet", "write torch.device(\"cpu\") in the function")
    if callable(obj):
        return ("unsupported", f"'{name}' is a Python {type(obj).__name__} that TorchScript "
                "cannot call", "call it outside the compiled function and pass the result in")
    return ("unsupported", f"'{name}' is a Python {type(obj).__name__}, which compiled code "
            "cannot use", "pass it as an argument, or make it a constant (None, bool, int, "
            "float or str)")


_MATH_OPERATOR_NAMES = {"remainder": "mathremainder"}


def _is_constant(obj):
    """None, bool, int, float, str, or a tuple of those: a compile-time constant."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return True
    return type(obj) is tuple and all(_is_constant(item) for item in obj)


def _parameter_default(fn, name):
    """(default,) of parameter `name` of `fn` as Python evaluated it, or None when it has none
    (or `fn` has no such parameter)."""
    try:
        parameter = inspect.signature(fn).parameters.get(name)
    except (TypeError, ValueError):
        return None
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return (parameter.default,)


def _is_script_class(obj):
    """A Python class compiled as a TorchScript class: one with Python source that is not a
    module, an exception, an enum or a builtin type."""
    if not isinstance(obj, type) or obj.__module__ in ("builtins", "typing", "enum"):
        return False
    if issubclass(obj, (torch.nn.Module, BaseException, tuple, torch.Tensor)):
        return False
    from tscript._interface import is_interface
    if is_interface(obj):
        return False
    import enum
    if issubclass(obj, enum.Enum) or (obj.__module__ or "").startswith("torch."):
        return False
    return any(isinstance(v, types.FunctionType) for v in vars(obj).values())


def _is_namedtuple_class(obj):
    return isinstance(obj, type) and issubclass(obj, tuple) and hasattr(obj, "_fields")


def _namedtuple_descriptor(cls):
    """("namedtuple", qualified name, [(field, annotation text)], {field: default}) of a
    NamedTuple class (typing.NamedTuple, or collections.namedtuple, whose fields are Tensors
    unless the class has __annotations__, as in torch.jit)."""
    module = cls.__module__
    prefix = "__torch__" if module == "__main__" else "__torch__." + module
    # The fields' annotations, from the class and its bases (a class without annotations of
    # its own has an empty __annotations__ since Python 3.10).
    annotations = {}
    for klass in reversed(cls.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}) or {})
    fields = [(name, _annotation_text(annotations[name]) if name in annotations else "Tensor")
              for name in cls._fields]
    defaults = {name: value for name, value in getattr(cls, "_field_defaults", {}).items()
                if _is_constant(value)}
    _C._set_python_class(f"{prefix}.{cls.__name__}", cls)  # results come back as `cls`
    return ("namedtuple", f"{prefix}.{cls.__name__}", fields, defaults)


_enum_type_names = {}  # enum class -> the qualified name it is defined under in _C


def _enum_type_name(cls):
    """The TorchScript name of enum class `cls` (`__torch__.module.Color`), defined in _C on
    first use. Raises TypeError when its values are not all int, all float or all str."""
    name = _enum_type_names.get(cls)
    if name is None:
        module = cls.__module__
        prefix = "__torch__" if module == "__main__" else "__torch__." + module
        name = f"{prefix}.{cls.__name__}"
        _C._define_enum(name, [(member.name, member.value) for member in cls], cls)
        _enum_type_names[cls] = name
    return name


def _describe_enum(obj):
    """("enum", name) for an enum class, ("enum_member", name, member) for a member; None for
    anything else."""
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        try:
            return ("enum", _enum_type_name(obj))
        except TypeError as why:
            return ("unsupported", str(why), "")
    if isinstance(obj, enum.Enum):
        described = _describe_enum(type(obj))
        return ("enum_member", described[1], obj.name) if described[0] == "enum" else described
    return None


def _describe(obj):
    """The descriptor of a Python object seen from compiled code, or None."""
    if getattr(obj, "__script_if_tracing_wrapper", False) and \
            callable(getattr(obj, "__original_fn", None)):
        # `@script_if_tracing` (torch.jit's or ours) wraps the function in `*args` Python:
        # compiled code calls the function itself.
        obj = obj.__original_fn
    if isinstance(obj, ScriptFunction) and getattr(obj, "_original", None) is not None:
        # A function scripted before (`foo = tscript.script(f)` called from another scripted
        # function): its Python function, compiled once per process, as 1.13 calls it.
        obj = obj._original
    if isinstance(obj, type) and issubclass(obj, BaseException):
        # Raised by qualified name, as 1.13 records it; the run time raises this class again.
        from tscript import _errors
        return ("exception", _errors.register_exception_class(obj))
    if _is_namedtuple_class(obj):
        return _namedtuple_descriptor(obj)
    from tscript._interface import interface_type, is_interface
    if is_interface(obj):
        return ("interface", interface_type(obj))
    if _is_script_class(obj):
        from tscript._module import script_class_type
        return ("class", script_class_type(obj))
    if obj is dict or obj is collections.OrderedDict:
        # dict() / OrderedDict() is an empty Dict[str, Tensor]; dict(d) a copy (aten::dict).
        return ("builtin", "aten::dict")
    if _is_scripting_marker(obj):
        return ("is_scripting",)
    described_enum = _describe_enum(obj)  # before constants: an IntEnum member is an int too
    if described_enum is not None:
        return described_enum
    # Objects that describe themselves (traced functions: python/tscript/_tracing.py).
    describe_self = getattr(type(obj), "_tscript_descriptor", None)
    if describe_self is not None:
        return describe_self(obj)
    if _is_annotate(obj):
        return ("annotate",)
    modifier = _modifier(obj)
    if modifier in ("ignore", "unused") and callable(obj):
        return _python_call_descriptor(obj, modifier)
    if _is_constant(obj):
        return ("constant", obj)
    if isinstance(obj, (torch.dtype, torch.layout, torch.memory_format)):
        # str(torch.float) is "torch.float32": aliases arrive under their canonical name.
        return ("torch_constant", str(obj)[len("torch."):])
    if obj is torch.device:
        return ("builtin", "aten::device")
    if isinstance(obj, torch._ops.OpOverloadPacket):
        # torch.ops.<namespace>.<name>: an operator of the c10 dispatcher, registered by a
        # library Python loaded (torchvision::nms once torchvision is imported).
        return ("builtin", obj._qualified_op_name)
    if isinstance(obj, types.ModuleType):
        return ("module", obj)
    if callable(obj):
        # Library callables: builtin operators, has_torch_function, boolean dispatch.
        described = _resolution.describe_callable(obj)
        if described is not None:
            return described
    if isinstance(obj, types.BuiltinFunctionType):
        if obj.__self__ is math:
            # math.remainder is IEEE's remainder, aten::mathremainder (aten::remainder is %).
            return ("builtin", "aten::" + _MATH_OPERATOR_NAMES.get(obj.__name__, obj.__name__))
        module = getattr(obj, "__module__", None) or ""
        if module.startswith("torch") or obj.__self__ is torch or obj.__self__ is math or \
                getattr(obj.__self__, "__name__", "") in ("torch._C._VariableFunctions", "math"):
            return ("builtin", "aten::" + obj.__name__)
        if obj.__self__ is not None and getattr(obj.__self__, "__name__", None) == "math":
            return ("builtin", "aten::" + obj.__name__)
        return None
    if isinstance(obj, types.FunctionType):
        # Compiled from source, torch.nn.functional's functions included (as torch.jit does).
        return _resolution.describe_function(obj)
    return None


def _describe_or_explain(obj, name):
    return _describe(obj) or _unsupported(obj, name)


# While a script() call runs: the descriptors already worked out, by (kind, id of the function
# or module, name) -> (that object, kept alive so its id is not reused, descriptor). A model
# resolves the same few hundred names (`F.relu`, `torch.cat`) once per module type that
# uses them; globals and module attributes are taken not to change during one script() call.
_resolution_memo = None


def _memoized(kind, scope, name, resolve):
    if _resolution_memo is None:
        return resolve(scope, name)
    key = (kind, id(scope), name)
    known = _resolution_memo.get(key)
    if known is None:
        known = _resolution_memo[key] = (scope, resolve(scope, name))
    return known[1]


def _resolve_global(fn, name):
    """The descriptor of global (or closure) `name` of `fn`; None when it is not defined."""
    return _memoized("global", fn, name, _resolve_global_uncached)


def _resolve_global_uncached(fn, name):
    code = fn.__code__
    if name in code.co_freevars and fn.__closure__:
        cell = fn.__closure__[code.co_freevars.index(name)]
        try:
            return _describe_or_explain(cell.cell_contents, name)
        except ValueError:  # an empty cell
            return None
    if name in fn.__globals__:
        return _describe_or_explain(fn.__globals__[name], name)
    if name in _COMPILER_BUILTINS:
        return None
    if hasattr(builtins, name):
        return _describe_or_explain(getattr(builtins, name), name)
    return None


def _resolve_attribute(obj, name):
    """The descriptor of `obj.name` (obj is a module); None when it has no such attribute."""
    return _memoized("attribute", obj, name, _resolve_attribute_uncached)


def _resolve_attribute_uncached(obj, name):
    if not hasattr(obj, name):
        return None
    return _describe_or_explain(getattr(obj, name), f"{obj.__name__}.{name}")


def _block_by_indentation(lines, first):
    """The lines of the def starting at index `first` (decorators included), cut where the
    indentation returns to the def's level outside brackets and triple-quoted strings; None
    when the cut may be wrong and does not parse (a string or bracket we could not follow),
    so the caller falls back to inspect.

    The header (decorators, then the def up to the colon that ends its signature) is followed
    by bracket depth, not indentation: black writes long signatures with the closing
    `) -> T:` at the def's own level, which a cut by indentation alone ended the function at
    (then inspect's tokenizer, a third of scripting fasterrcnn, read it instead). Python's
    parser checks the cut only when the scan met something it does not follow exactly
    (brackets or quotes inside one-line strings): parsing every function twice cost a fifth
    of scripting a model."""
    indent = _indentation(lines[first])
    end = first
    depth = 0  # open brackets, counted outside comments (not strings: see `unsure`)
    in_def = False
    in_string = False  # inside a triple-quoted string (a docstring may reach the margin)
    unsure = False
    continued = False  # the previous line ended with a backslash
    while end < len(lines):
        line = lines[end]
        if in_def and depth == 0 and not in_string and not continued:
            stripped = line.strip()
            if stripped and not stripped.startswith("#") and _indentation(line) <= indent:
                break
        code, in_string, line_unsure = _code_of_line(line, in_string)
        unsure = unsure or line_unsure
        depth += code.count("(") + code.count("[") + code.count("{") \
            - code.count(")") - code.count("]") - code.count("}")
        continued = code.rstrip().endswith("\\")
        if depth < 0:
            unsure = True
        if not in_def and code.lstrip().startswith(("def ", "async def ")):
            in_def = True
            if depth == 0 and not code.rstrip().endswith(":"):
                unsure = True  # a one-line def (`def f(x): return x`)
        end += 1
    # Comments after the body (a section banner at the left margin) are not part of it.
    while end > first + 1 and (not lines[end - 1].strip() or
                               lines[end - 1].lstrip().startswith("#")):
        end -= 1
    block = textwrap.dedent("".join(lines[first:end]))
    if unsure or depth != 0 or in_string:
        try:
            compile(block, "<tscript>", "exec", ast.PyCF_ONLY_AST)
        except SyntaxError:
            return None
    return block


def _code_of_line(line, in_string):
    """The parts of a source line outside triple-quoted strings and comments, whether a
    triple-quoted string is open after it, and whether the split may be wrong (both kinds of
    triple quote on one line)."""
    if '"""' in line:
        quote = '"""'
    elif "'''" in line:
        quote = "'''"
    else:
        if in_string:
            return "", True, False
        return (line.split("#", 1)[0] if "#" in line else line), False, False
    unsure = quote == '"""' and "'''" in line
    code = []
    for index, part in enumerate(line.split(quote)):
        if index:
            in_string = not in_string
        if not in_string:
            if "#" in part:
                unsure = True  # a comment, or a '#' in a one-line string: quotes after it?
                part = part.split("#", 1)[0]
            code.append(part)
    return " ".join(code), in_string, unsure


def _indentation(line):
    return len(line) - len(line.lstrip())


def _source_of(fn):
    """(source, filename, first line, indentation removed) of a function, dedented; None when Python has no source
    for it (made by exec or eval, typed at the prompt, or its file is gone): the compiler
    reports that as a CompileError naming the function.

    inspect.getsourcelines re-tokenizes the file for every function (most of the time of a
    compile); the def is cut from linecache's lines by indentation instead, with inspect as
    the fallback."""
    code = getattr(fn, "__code__", None)
    if code is not None and not code.co_filename.startswith("<"):
        lines = linecache.getlines(code.co_filename, fn.__globals__)
        first = code.co_firstlineno - 1
        if 0 <= first < len(lines) and lines[first].lstrip().startswith(("def ", "@", "async def ")):
            block = _block_by_indentation(lines, first)
            if block is not None:
                return block, code.co_filename, code.co_firstlineno, _indentation(lines[first])
    try:
        lines, first_line = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    filename = inspect.getsourcefile(fn) or "<unknown>"
    source = textwrap.dedent("".join(lines))
    return source, filename, first_line, _indentation(lines[0]) if lines else 0


# A compiled function: call it like the Python one; ``.graph`` (the IR as text), ``.schema``,
# ``.name``. It is the C++ class itself so that calls pay no Python-level indirection.
ScriptFunction = _C.ScriptFunction


def script(obj):
    """Compile a function or an nn.Module to TorchScript. With PYTORCH_JIT=0 it is returned
    unchanged."""
    if os.environ.get("PYTORCH_JIT", "1") == "0":
        return obj
    global _resolution_memo
    if _resolution_memo is not None:
        return _script(obj)  # nested in another script() call: its memo goes on
    _resolution_memo = {}
    try:
        return _script(obj)
    finally:
        _resolution_memo = None


def _script(obj):
    if isinstance(obj, ScriptFunction):
        return obj
    if isinstance(obj, torch.nn.Module):
        from tscript._module import script_module
        return script_module(obj)
    if _is_script_class(obj):
        # `@tscript.script class C`: compiled now (its __init__ defines the attributes); the
        # class itself is returned, as torch.jit does, and its instances are what scripted
        # code takes and gives back.
        from tscript._module import script_class_type
        script_class_type(obj)
        return obj
    if not isinstance(obj, types.FunctionType):
        raise _C.CompileError(f"error: tscript.script cannot compile {obj!r}: it compiles "
                              "functions, nn.Modules and classes")
    compiled = _C._script_function(obj, _resolve_global, _resolve_attribute, _source_of)
    compiled.__name__ = obj.__name__
    compiled.__qualname__ = obj.__qualname__
    compiled.__doc__ = obj.__doc__
    compiled._original = obj
    return compiled
