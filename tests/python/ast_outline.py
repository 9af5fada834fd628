"""CPython's `ast` printed in the outline format of src/lang/ast.cpp (see its header).

Used by test_parse_corpus.py to compare tscript's parser with CPython's on real files.
"""
import ast

# Fields printed in the node's header line (or not at all) instead of as children.
_HEADER_FIELDS = {
    "ctx", "op", "ops", "name", "id", "attr", "arg", "type_comment", "kind", "level",
    "simple", "conversion", "is_async", "module", "names", "asname",
}
_POSITIONED = (ast.stmt, ast.expr, ast.arg, ast.excepthandler)


def _escape(data: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else "\\x%02x" % b for b in data)


def _constant(value) -> str:
    if value is None or value is True or value is False:
        return repr(value)
    if value is Ellipsis:
        return "..."
    if isinstance(value, int):
        return "int:%d" % value if -(2**63) <= value < 2**63 else "int:big"
    if isinstance(value, float):
        return "float:%.17g" % value
    if isinstance(value, complex):
        return "complex:%.17g" % value.imag
    if isinstance(value, str):
        return "str:" + _escape(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, bytes):
        return "bytes:" + _escape(value)
    raise TypeError(type(value))


def _header(node, in_fstring: bool) -> str:
    head = type(node).__name__
    if isinstance(node, _POSITIONED) and not in_fstring:
        head += "@%d:%d" % (node.lineno, node.col_offset)
    extra = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        extra.append(node.name)
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.AugAssign)):
        extra.append(type(node.op).__name__)
    if isinstance(node, ast.Compare):
        extra.append(",".join(type(op).__name__ for op in node.ops))
    if isinstance(node, ast.Attribute):
        extra.append(node.attr)
    if isinstance(node, ast.Name):
        extra.append(node.id)
    if isinstance(node, ast.arg):
        extra.append(node.arg)
    if isinstance(node, ast.keyword):
        extra.append(node.arg if node.arg is not None else "**")
    if isinstance(node, ast.Constant):
        extra.append(_constant(node.value))
    if isinstance(node, ast.FormattedValue):
        extra.append("conversion=%d" % node.conversion)
    if isinstance(node, ast.AnnAssign) and node.simple:
        extra.append("simple")
    if isinstance(node, ast.ExceptHandler) and node.name:
        extra.append(node.name)
    if isinstance(node, ast.comprehension) and node.is_async:
        extra.append("async")
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [a.name + (" as " + a.asname if a.asname else "") for a in node.names]
        if isinstance(node, ast.ImportFrom):
            extra.append("%d:%s" % (node.level, node.module or ""))
        extra.extend(names)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        extra.extend(node.names)
    ctx = getattr(node, "ctx", None)
    if ctx is not None:
        extra.append(type(ctx).__name__)
    comment = getattr(node, "type_comment", None)
    if comment:
        extra.append("type=" + _escape(comment.encode()))
    return " ".join([head] + extra)


def _walk(node, depth: int, out: list, in_fstring: bool) -> None:
    out.append("  " * depth + _header(node, in_fstring))
    inner_fstring = in_fstring or isinstance(node, ast.JoinedStr)
    for field in node._fields:
        if field in _HEADER_FIELDS and not isinstance(getattr(node, field), (list, ast.AST)):
            continue
        if field in ("ctx", "op", "ops", "names", "type_ignores"):
            continue
        value = getattr(node, field)
        if isinstance(value, list):
            if not value:
                continue
            out.append("  " * (depth + 1) + "." + field)
            for item in value:
                if item is None:
                    out.append("  " * (depth + 2) + "-")
                else:
                    _walk(item, depth + 2, out, inner_fstring)
        elif isinstance(value, ast.AST):
            out.append("  " * (depth + 1) + "." + field)
            _walk(value, depth + 2, out, inner_fstring)


def outline(source: str, filename: str = "<string>") -> str:
    tree = ast.parse(source, filename, type_comments=True)
    out = []
    _walk(tree, 0, out, False)
    return "\n".join(out) + "\n"
