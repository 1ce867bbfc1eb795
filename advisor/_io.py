"""Writing files so that nothing a user has is lost: atomically, or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator, Union

from .errors import InputError

__all__ = ["write_atomic", "open_atomic", "dumps_compact"]

#: JSON text without spaces or ASCII escapes, for facts and rows (keeps the key order).
dumps_compact = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


class _Writer:
    """What :func:`open_atomic` gives: ``write`` and nothing else; a failing write is an
    :class:`~advisor.errors.InputError` that names the file (other errors of the ``with`` block
    pass through as they are)."""

    def __init__(self, handle: IO[str], target: Path) -> None:
        self._handle, self._target = handle, target

    def write(self, text: str) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise InputError(f"cannot write {self._target}: {exc.strerror}", hint="check the free space and permissions") from None


@contextlib.contextmanager
def open_atomic(path: "Union[str, os.PathLike[str]]") -> Iterator[_Writer]:
    """A text file (UTF-8) to write ``path`` through: a temporary file in the same directory that
    replaces ``path`` (:func:`os.replace`) when the ``with`` block ends without an error, and is
    removed when it ends with one. A reader, a crash or Ctrl-C never sees a half-written file; an
    existing file keeps its permissions. Raises :class:`~advisor.errors.InputError` if it cannot be
    written."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: the directory {directory} does not exist", hint="create it first")
    try:
        if target.exists():
            mode = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(directory))
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}", hint="check that the directory is writable") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield _Writer(handle, target)
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise InputError(f"cannot write {target}: {exc.strerror}", hint="check the free space and permissions") from None
        try:
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror}", hint="check the path and permissions") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: "Union[str, os.PathLike[str]]", text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`open_atomic`)."""
    with open_atomic(path) as handle:
        handle.write(text)
