"""tscript.save: write a scripted, traced or loaded module (or a scripted function) as a
TorchScript archive.

The archive is what PyTorch 1.13's save writes (ARCHIVE_FORMAT.md), so PyTorch's loader and
tscript.load both read it. The C++ writer does the work (src/archive/archive_writer.h,
src/python/bind_save.cpp); this file only sorts out the arguments.
"""
import os

from tscript import _C

__all__ = ["save"]


def _native(m):
    from tscript._archive import LoadedModule
    from tscript._module import RecursiveScriptModule
    if isinstance(m, LoadedModule):
        return lambda path, extra: m._c.save(path, extra)
    if isinstance(m, RecursiveScriptModule):
        return lambda path, extra: _C._save_module(m._c, path, extra)
    from tscript._script import ScriptFunction
    if isinstance(m, ScriptFunction):
        # As 1.13: a module __torch__.PlaceholderModule whose forward is the function.
        original = getattr(m, "_original", None)
        if original is None:
            raise NotImplementedError(f"tscript.save of the function '{m.name}' of a CompilationUnit "
                                      f"is not supported; save a function made by tscript.script")
        return lambda path, extra: _C._save_function(original, path, extra)
    raise TypeError(f"tscript.save expects a ScriptModule (scripted, traced or loaded), "
                    f"not {type(m).__name__}; script or trace it first")


def save(m, f, _extra_files=None):
    """Save module ``m`` to ``f`` (a path or a writable binary file-like object).

    ``_extra_files`` maps names to ``str`` or ``bytes`` contents, stored as ``extra/<name>``.
    """
    write = _native(m)
    if _extra_files is not None and not isinstance(_extra_files, dict):
        raise TypeError("_extra_files must be a dict of names to str or bytes")
    if isinstance(f, (str, os.PathLike)):
        write(os.fspath(f), _extra_files)
    else:
        if not hasattr(f, "write"):
            raise TypeError(f"tscript.save: f must be a path or a file-like object with write(), "
                            f"not {type(f).__name__}")
        f.write(write(None, _extra_files))


def save_to_buffer(m, _extra_files=None):
    """The archive's bytes (torch.jit's ``ScriptModule.save_to_buffer``)."""
    return _native(m)(None, _extra_files)
