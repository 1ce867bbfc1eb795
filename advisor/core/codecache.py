"""The bytecode of the code that dataclasses, namedtuples and typing generate while advisor is
imported and ``advisor assess`` runs, kept between runs beside the modules' own (issue 15 §3).

Python keeps the bytecode of every module in ``__pycache__``, but not of the code generated at
run time: each dataclass has its ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and, frozen,
``__setattr__`` and ``__delattr__`` written as text and compiled (``dataclasses`` execs the text),
a namedtuple its ``__new__`` (``collections`` evaluates it), and each string annotation typing
reads (a ``ForwardRef``: pydantic-core's schema types are written with them) is compiled as an
expression. Importing advisor makes some 60 dataclasses (pydantic's, annotated-types' and
advisor's own) and 800 forward references: compiling them was an eighth of the instructions of
``advisor assess``.

While :func:`generated_code_cached` runs, those three modules exec, evaluate and compile through
this module: the code object of a text is the one compiled for the same text before (in this
process, or read from one file), else compiled as they would (``compile(text, "<string>",
mode)``, with no future features, as none of them has any) and written to the file when the
block ends. The same text gives the same code object, so the functions, namedtuples and forward
references made are those made without it; what differs is that the compiler does not run.

The file lives where this module's own bytecode does (``importlib.util.cache_from_source``: the
package's ``__pycache__``, or ``sys.pycache_prefix``), is named like it (the interpreter's cache
tag and optimisation level) and is trusted as it is: whoever can write there can change the
module's bytecode anyway. It records the interpreter's magic number and version, and is not read
by another. As ``.pyc`` files it is not written when ``sys.dont_write_bytecode`` is set
(``PYTHONDONTWRITEBYTECODE``; it is still read), and a directory that cannot be written, or a
file that cannot be read, only means compiling as without it. ``tests/test_startup.py`` checks
that the code is the same either way.
"""

# No ``from __future__ import annotations`` here: the future features of the module that calls
# ``compile`` are inherited by what it compiles, and the hooks below call it for typing.

import builtins
import contextlib
import marshal
import os
import sys
import typing
from typing import Any, Iterator, Optional

__all__ = ["generated_code_cached", "cache_file"]

#: What a cache file starts with: the interpreter's bytecode magic number and its version.
_Header = tuple[bytes, str]
_Key = tuple[str, str]  # (mode, source text)

#: How many entries a file keeps at most beyond those the last run used.
_EXTRA = 2000


def cache_file() -> Optional[str]:
    """The path of the cache file of this interpreter, or ``None`` where Python keeps no bytecode."""
    try:
        import importlib.util

        pyc = importlib.util.cache_from_source(__file__)
    except (NotImplementedError, ValueError):  # no cache tag: no bytecode files either
        return None
    root, _ = os.path.splitext(pyc)
    return root + ".generated"


def _header() -> _Header:
    import importlib.util

    return importlib.util.MAGIC_NUMBER, sys.version


def _read(path: str) -> dict[_Key, Any]:
    """The code objects of ``path`` by (mode, text), or none if the file is not this interpreter's."""
    try:
        with open(path, "rb") as handle:
            header, codes = marshal.loads(handle.read())
    except Exception:  # missing, unreadable, truncated, another layout: compile as without it
        return {}
    if header != _header() or type(codes) is not dict:
        return {}
    return codes


def _write(path: str, codes: dict[_Key, Any]) -> None:
    """``codes`` to ``path``, atomically (a file of its own, then renamed over the old one)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps((_header(), codes)))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


class _Codes:
    """The code objects known from the file, those this run used, and how many it compiled."""

    def __init__(self, known: dict[_Key, Any]) -> None:
        self.known = known
        self.used: dict[_Key, Any] = {}
        self.compiled = 0

    def code(self, source: str, mode: str) -> Any:
        key = (mode, source)
        code = self.used.get(key)
        if code is None:
            code = self.known.get(key)
            if code is None:  # the same text is often generated again (a forward reference)
                code = builtins.compile(source, "<string>", mode, dont_inherit=True)
                self.compiled += 1
            self.used[key] = code
        return code

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``exec`` as ``dataclasses`` calls it: a text is run as its code object."""
        if globals is None:  # as the builtin: the caller's namespaces
            frame = sys._getframe(1)
            globals = frame.f_globals
            locals = frame.f_locals if locals is None else locals
        if type(source) is str and not options:
            source = self.code(source, "exec")
        builtins.exec(source, globals, locals, **options)

    def eval(self, source: Any, globals: Any = None, locals: Any = None, /) -> Any:
        """``eval`` as ``collections.namedtuple`` calls it: a text is evaluated as its code object."""
        if globals is None:  # as the builtin: the caller's namespaces
            frame = sys._getframe(1)
            globals = frame.f_globals
            locals = frame.f_locals if locals is None else locals
        if type(source) is str and source[:1] not in (" ", "\t"):  # eval strips those; compile would not
            source = self.code(source, "eval")
        return builtins.eval(source, globals, locals)

    def compile(self, source: Any, filename: Any, mode: str, flags: int = 0, *args: Any, **options: Any) -> Any:
        """``compile`` as ``typing`` calls it for a forward reference: an expression's code object."""
        if type(source) is str and filename == "<string>" and mode == "eval" and not flags and not args and not options:
            return self.code(source, "eval")
        return builtins.compile(source, filename, mode, flags, *args, **options)


#: The code objects of this process (read from the file or compiled), kept for the next block.
_CODES: "list[_Codes]" = []
#: Whether a block of :func:`generated_code_cached` is running (the hooks are installed once).
_ACTIVE: "list[_Codes]" = []
#: What the last block did: how many code objects it compiled and how many it took from the file.
STATS = {"compiled": 0, "read": 0}


@contextlib.contextmanager
def generated_code_cached() -> Iterator[None]:
    """Inside the block, dataclasses' methods, namedtuples' ``__new__`` and typing's forward
    references are made from the code objects of the cache file (:func:`cache_file`, read by
    the process's first block); what was compiled is written at the block's end."""
    import collections

    path = cache_file()
    loaded = sys.modules.get("dataclasses")
    hooked = [(typing, "compile"), (collections, "eval")] + ([(loaded, "exec")] if loaded else [])
    if path is None or _ACTIVE or any(name in vars(module) for module, name in hooked):
        yield  # no bytecode here, a block already running, or someone else's hook: leave them
        return
    if not _CODES:
        _CODES.append(_Codes(_read(path)))
    codes = _CODES[0]
    compiled, used = codes.compiled, len(codes.used)
    installed: "list[tuple[Any, str, Any]]" = [(typing, "compile", codes.compile), (collections, "eval", codes.eval)]
    for module, name, hook in installed:
        setattr(module, name, hook)
    _ACTIVE.append(codes)
    try:
        # imported here if it is not yet: it imports inspect, whose namedtuples are made meanwhile
        import dataclasses

        if "exec" not in vars(dataclasses):
            hook = codes.exec
            vars(dataclasses)["exec"] = hook
            installed.append((dataclasses, "exec", hook))
        yield
    finally:
        _ACTIVE.clear()
        for module, name, hook in installed:
            if vars(module).get(name) is hook:
                delattr(module, name)
        STATS.update(compiled=codes.compiled - compiled, read=len(codes.used) - used - (codes.compiled - compiled))
        if codes.compiled > compiled and not sys.dont_write_bytecode:
            kept = dict(codes.known) if len(codes.known) <= len(codes.used) + _EXTRA else {}
            kept.update(codes.used)
            _write(path, kept)
