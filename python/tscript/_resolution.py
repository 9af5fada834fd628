"""Which Python callables are builtin operators, and which are compiled from source.

These are the name-resolution rules of torch.jit 1.13 for the library code that scripted
functions call (torch.nn.functional, torch.nn.modules.utils, torch._VF, ...), written from
the facts of torch/jit/_builtins.py and torch/_jit_internal.py:

- a table of callables that *are* operators, matched by identity: every callable attribute
  of torch, torch._C._nn, torch._C._fft, torch._C._linalg, torch._C._nested,
  torch._C._sparse and torch._C._special is ``aten::<attribute name>`` (so torch._VF.dropout
  and F.conv2d, the same objects as torch.dropout and torch.conv2d, are operators), except
  the torch.functional functions 1.13 compiles from source; plus an explicit list (math,
  ``_pair``/``_single``/..., ``_list_with_default``, ``warnings.warn``, ``_infer_size``, ...);
- ``has_torch_function``/``_unary``/``_variadic`` are False in compiled code, so the
  ``handle_torch_function`` branch of every torch.nn.functional function is dropped before it
  is type-checked (as ``if not is_scripting()`` branches are);
- ``boolean_dispatch`` functions (F.max_pool2d, ...) are resolved at the call by the
  compile-time value of their flag argument (or its default);
- ``_overload``-declared functions (F.interpolate, ...) are matched against their
  declarations, each compiled with the implementation's body;
- every other Python function is compiled from its source.

This module reads torch._jit_internal's registries (plain Python dicts); it never calls
libtorch's TorchScript.
"""
import cmath
import math
import re
import warnings

import torch
import torch._jit_internal as _jit_internal

__all__ = ["describe_callable"]

_builtin_table = None  # id(callable) -> "aten::name"
_keep_alive = []        # the callables whose ids are keys of the table

# torch.functional functions bound to torch that 1.13 compiles from source instead of
# treating as operators (torch/jit/_builtins.py, _gen_torch_functional_registered_ops): their
# bodies call torch._VF, whose callables are the aten operators. The rest of torch.functional
# (split, einsum, meshgrid, broadcast_tensors, ...) is bound to torch and so stays an operator.
_TORCH_FUNCTIONAL_FROM_SOURCE = ("stft", "istft", "lu", "cdist", "norm", "unique",
                                 "unique_consecutive", "tensordot")


def _explicit_builtins():
    from torch.nn.modules.utils import _single, _pair, _triple, _quadruple, _list_with_default
    import torch.backends.cudnn as cudnn
    pairs = [
        (_pair, "aten::_pair"), (_quadruple, "aten::_quadruple"), (_single, "aten::_single"),
        (_triple, "aten::_triple"), (_list_with_default, "aten::list_with_default"),
        (dict, "aten::dict"), (cudnn.is_acceptable, "aten::cudnn_is_acceptable"),
        (torch._assert, "aten::_assert"), (torch.autograd.grad, "aten::grad"),
        (torch.autograd.backward, "aten::backward"), (torch._C._infer_size, "aten::_infer_size"),
        (torch.nn.functional._no_grad_embedding_renorm_, "aten::_no_grad_embedding_renorm_"),
        (torch.nn.functional.assert_int_or_pair, "aten::_assert_int_or_pair"),
        (torch._C._get_tracing_state, "aten::_get_tracing_state"),
        (warnings.warn, "aten::warn"),
    ]
    for name in ("ceil", "copysign", "erf", "erfc", "exp", "expm1", "fabs", "floor", "gamma",
                 "lgamma", "log", "log10", "log1p", "pow", "sqrt", "isnan", "asinh", "atanh",
                 "cosh", "sinh", "tanh", "acos", "asin", "atan", "atan2", "cos", "sin", "tan",
                 "acosh", "fmod", "modf", "factorial", "frexp", "isinf", "degrees", "radians",
                 "ldexp"):
        pairs.append((getattr(math, name), "aten::" + name))
    for name, op in (("isnan", "isnan"), ("isfinite", "isfinite"), ("isinf", "isinf"),
                     ("phase", "angle"), ("rect", "polar"), ("log", "log"), ("log10", "log10"),
                     ("sqrt", "sqrt"), ("exp", "exp"), ("sin", "sin"), ("tan", "tan"),
                     ("cos", "cos"), ("asin", "asin"), ("acos", "acos"), ("atan", "atan"),
                     ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"), ("asinh", "asinh"),
                     ("acosh", "acosh"), ("atanh", "atanh")):
        pairs.append((getattr(cmath, name), "aten::" + op))
    for name in ("stft", "istft", "cdist", "norm", "unique_dim", "unique_consecutive",
                 "nuclear_norm", "frobenius_norm", "tensordot"):
        pairs.append((getattr(torch._VF, name), "aten::" + name))
    return pairs


def _build_table():
    # As torch.jit builds it: the explicit pairs, then every callable of each module in
    # dir() order; a later entry for the same object wins (so torch.zeros_like is
    # aten::zeros_like, not aten::obj, the loop variable torch/__init__.py leaves behind).
    pairs = _explicit_builtins()
    modules = [torch] + [getattr(torch._C, name) for name in
                         ("_nn", "_fft", "_linalg", "_nested", "_sparse", "_special")
                         if hasattr(torch._C, name)]
    excluded = {id(getattr(torch.functional, name)) for name in _TORCH_FUNCTIONAL_FROM_SOURCE}
    excluded |= {id(torch.no_grad), id(torch.autocast)}
    for module in modules:
        for name in dir(module):
            obj = getattr(module, name, None)
            if not callable(obj) or isinstance(obj, type) or id(obj) in excluded:
                continue
            pairs.append((obj, "aten::" + name))
    pairs += [(math.gcd, "aten::gcd"), (math.isfinite, "aten::isfinite"),
              (math.remainder, "aten::mathremainder")]
    table = {}
    for obj, op in pairs:
        table[id(obj)] = op
        _keep_alive.append(obj)
    return table


def builtin_operator(obj):
    """``aten::name`` when `obj` is a builtin operator of TorchScript, else None."""
    global _builtin_table
    if _builtin_table is None:
        _builtin_table = _build_table()
    return _builtin_table.get(id(obj))


_ALWAYS_FALSE = None


def _always_false_functions():
    global _ALWAYS_FALSE
    if _ALWAYS_FALSE is None:
        import torch.overrides as overrides
        _ALWAYS_FALSE = (overrides.has_torch_function, overrides.has_torch_function_unary,
                         overrides.has_torch_function_variadic)
    return _ALWAYS_FALSE


def qualified_name(fn):
    """The name torch.jit gives a compiled Python function in `.code`:
    ``__torch__.torch.nn.functional.relu`` (``__main__`` becomes ``__torch__``)."""
    module = getattr(fn, "__module__", None) or "__main__"
    name = fn.__name__ if fn.__name__ != "<lambda>" else "_lambda"
    if module == "__main__":
        return "__torch__." + name
    return "__torch__." + module + "." + name


_file_overloads = {}  # filename -> {function name: [(decorator line, end line), ...]}
_file_definitions = {}  # filename -> (its linecache lines, {function name: how many `def`s})
_DEF_LINE = re.compile(r"^\s*def (\w+)\(", re.MULTILINE)


def _definition_counts(filename, lines):
    """How many times each name is defined with `def` in a file, counted once per file (per
    version of its lines in linecache): scanning torch.nn.functional's 5000 lines for every
    function compiled from it cost a third of scripting densenet121."""
    known = _file_definitions.get(filename)
    if known is not None and known[0] is lines:
        return known[1]
    counts = {}
    for match in _DEF_LINE.finditer("".join(lines)):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    _file_definitions[filename] = (lines, counts)
    return counts


def _is_overload_decorator(decorator, scope):
    """Whether a decorator expression names torch._jit_internal._overload in `scope`."""
    import ast
    parts = []
    while isinstance(decorator, ast.Attribute):
        parts.append(decorator.attr)
        decorator = decorator.value
    if not isinstance(decorator, ast.Name) or decorator.id not in scope:
        return False
    obj = scope[decorator.id]
    for part in reversed(parts):
        obj = getattr(obj, part, None)
    return obj is _jit_internal._overload


def _module_level_statements(body):
    """The statements of a module body, including those of module-level ``if``/``else``
    blocks: torch.functional declares its overloads under ``if TYPE_CHECKING: ... else:``."""
    import ast
    for node in body:
        if isinstance(node, ast.If):
            yield from _module_level_statements(node.body)
            yield from _module_level_statements(node.orelse)
        else:
            yield node


def _overload_declarations(fn):
    """The ``@_overload`` declarations of `fn` as (source, filename, first line) each, or None.

    They are read from `fn`'s module source (torch.jit's registry of them,
    torch._jit_internal._overloaded_fns, loses an entry once torch.jit has compiled it)."""
    import ast
    import linecache
    import textwrap
    code = getattr(fn, "__code__", None)
    if code is None or code.co_filename.startswith("<"):
        return None
    filename = code.co_filename
    # An overloaded function is defined more than once in its file: a function defined once
    # has no declarations, and the (slow) parse of its whole file is skipped.
    lines = linecache.getlines(filename, fn.__globals__)
    if _definition_counts(filename, lines).get(fn.__name__, 0) < 2:
        return None
    registered = _registered_overloads(fn, lines)
    if registered is not None:
        return registered
    table = _file_overloads.get(filename)
    if table is None:
        lines = linecache.getlines(filename, fn.__globals__)
        table = {}
        text = "".join(lines)
        if "overload" in text:
            try:
                tree = ast.parse(text)
            except SyntaxError:
                tree = None
            for node in _module_level_statements(tree.body if tree is not None else []):
                if isinstance(node, ast.FunctionDef) and any(
                        _is_overload_decorator(d, fn.__globals__) for d in node.decorator_list):
                    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                    table.setdefault(node.name, []).append((first, node.end_lineno))
        _file_overloads[filename] = table
    spans = table.get(fn.__name__)
    if not spans or fn.__qualname__ != fn.__name__:
        return None
    lines = linecache.getlines(filename, fn.__globals__)
    declarations = []
    for first, last in spans:
        if first >= code.co_firstlineno:
            continue  # declarations come before the implementation
        source = textwrap.dedent("".join(lines[first - 1:last]))
        declarations.append((source, filename, first))
    return declarations or None


def _registered_overloads(fn, lines):
    """The ``@_overload`` declarations of `fn` from torch._jit_internal's registry, where the
    decorator puts them when the module is imported, each cut from `lines` (its file); None
    when the registry has no entry for it (torch.jit removes one when it compiles the
    function) or a declaration cannot be cut, and the caller parses the file instead.
    Parsing torch.nn.functional to find interpolate's declarations was 40% of scripting
    fasterrcnn."""
    from tscript._script import _block_by_indentation
    try:
        declared = _jit_internal._get_fn_overloads(_jit_internal._qualified_name(fn))
    except Exception:  # noqa: BLE001 - a function torch cannot name has no entry
        return None
    if not declared:
        return None
    filename = fn.__code__.co_filename
    declarations = []
    seen = set()
    for declaration in declared:
        code = getattr(declaration, "__code__", None)
        if code is None or code.co_filename != filename:
            return None
        first = code.co_firstlineno  # its first decorator's line
        if first >= fn.__code__.co_firstlineno or first in seen:
            continue  # declarations come before the implementation; a reloaded module's twice
        seen.add(first)
        source = _block_by_indentation(lines, first - 1)
        if source is None:
            return None
        declarations.append((source, filename, first))
    return declarations or None


def describe_callable(obj):
    """The descriptor (see src/python/bind_script.cpp) of a callable library object under the
    rules above, or None to let the caller decide."""
    always_false = _always_false_functions()
    if obj is always_false[0] or obj is always_false[1] or obj is always_false[2]:
        return ("always_false",)
    op = builtin_operator(obj)
    if op is not None:
        return ("builtin", op)
    # Every boolean_dispatch function is the same closure code of torch._jit_internal.
    code = getattr(obj, "__code__", None)
    dispatched = None
    if code is not None and code.co_filename == _jit_internal.__file__:
        try:
            dispatched = _jit_internal.boolean_dispatched.get(obj)
        except TypeError:  # not weak-referenceable
            dispatched = None
    if dispatched is not None:
        # The two choices are described too: torch.unique dispatches to functions that
        # dispatch again (on return_counts).
        return ("boolean_dispatch", obj.__name__, dispatched["arg_name"], dispatched["index"],
                dispatched["default"], _describe_choice(dispatched["if_true"]),
                _describe_choice(dispatched["if_false"]))
    return None


def _describe_choice(fn):
    return describe_callable(fn) or describe_function(fn)


def describe_function(fn):
    """The descriptor of a Python function to compile: plain, or overloaded."""
    declarations = _overload_declarations(fn)
    if declarations is not None:
        return ("overloaded", fn, declarations)
    return ("function", fn)


def annotation_alias(fn, name):
    """The annotation text of a name that is an alias of a type in `fn`'s globals (F's
    ``DType = int``, ``Tensor = torch.Tensor``), or None."""
    from tscript._script import _annotation_text
    parts = name.split(".")
    scope = getattr(fn, "__globals__", {})
    if parts[0] in scope:
        obj = scope[parts[0]]
    else:
        import builtins
        if not hasattr(builtins, parts[0]):
            return None
        obj = getattr(builtins, parts[0])
    for part in parts[1:]:
        if not hasattr(obj, part):
            return None
        obj = getattr(obj, part)
    if not (isinstance(obj, type) or getattr(obj, "__module__", None) == "typing"):
        return None
    known = (int, float, bool, str, complex, type(None), torch.Tensor, torch.device)
    if isinstance(obj, type) and obj not in known:
        return None  # a class: not an alias (classes are the modules issue)
    text = _annotation_text(obj)
    if not text or text == name:
        return None
    return text
