"""Writing files so that nothing a user has is lost: atomically, or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from pathlib import Path
from typing import IO, Any, Iterator, Optional, Union

from .errors import InputError

__all__ = ["write_atomic", "open_atomic", "commit_staged", "discard_staged", "clean_stale", "Staged", "dumps_compact"]

#: JSON text without spaces or ASCII escapes, for facts and rows (keeps the key order).
dumps_compact = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


class _Writer:
    """What :func:`open_atomic` gives: ``write`` and nothing else; a failing write is an
    :class:`~advisor.core.errors.InputError` that names the file (other errors of the ``with`` block
    pass through as they are)."""

    def __init__(self, handle: IO[Any], target: Path) -> None:
        self._handle, self._target = handle, target
        self._synced = self._written = 0  # bytes: put on disk and left out of the page cache; written

    def write(self, text: Union[str, bytes]) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> InputError:
        return InputError(f"cannot write {self._target}: {exc.strerror}", hint="check the free space and permissions")

    def write_through(self, data: Any) -> int:
        """``write`` for a long stream of bytes that will not be read back (a batch's rows): every
        :data:`WRITE_THROUGH` bytes they are put on disk and dropped from the page cache, where
        the system allows (``posix_fadvise``), so that writing gigabytes neither evicts what other
        programs keep cached nor needs fresh memory for every page (on a virtual machine whose
        fresh pages cost more than the copy: ten times, measured on this project's)."""
        written = self.write(data)
        self._written += written
        if self._written - self._synced >= WRITE_THROUGH and hasattr(os, "posix_fadvise"):
            try:
                self._handle.flush()
                os.fdatasync(self._handle.fileno())
                os.posix_fadvise(
                    self._handle.fileno(), self._synced, self._written - self._synced, os.POSIX_FADV_DONTNEED
                )
            except OSError as exc:
                raise self._error(exc) from None
            self._synced = self._written
        return written


#: :meth:`_Writer.write_through` puts what was written on disk every this many bytes.
WRITE_THROUGH = 16 << 20


#: A temporary file is ``.<target name>.<pid>.<random>.tmp`` beside its target: recognisable, and
#: the process id says whether the process that writes it still runs (see :func:`clean_stale`).
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[^.]+\.tmp$")

#: ``(temporary file, target, mode)`` of files written but not yet put in place.
Staged = list[tuple[str, Path, int]]


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists (another user's, for one)
        return True
    return True


def clean_stale(directory: "Union[str, os.PathLike[str]]", name: Optional[str] = None) -> int:
    """Remove the temporary files that a killed run (``kill -9``, a power cut) left in
    ``directory`` (only those of the target ``name`` if given): those whose process no longer runs.
    Returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or (name is not None and match.group("name") != name) or _running(int(match.group("pid"))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def _write_error(target: Path, exc: OSError, hint: str = "check the free space and permissions") -> InputError:
    return InputError(f"cannot write {target}: {exc.strerror}", hint=hint)


@contextlib.contextmanager
def open_atomic(
    path: "Union[str, os.PathLike[str]]", staged: Optional[Staged] = None, binary: bool = False
) -> Iterator[_Writer]:
    """A text file (UTF-8; with ``binary``, a file of bytes) to write ``path`` through: a temporary file in the same directory that
    replaces ``path`` (:func:`os.replace`) when the ``with`` block ends without an error, and is
    removed when it ends with one. A reader, a crash or Ctrl-C never sees a half-written file; an
    existing file keeps its permissions. Raises :class:`~advisor.core.errors.InputError` if it cannot be
    written (a full disk included). Temporary files that a killed run left for the same target
    are removed first (:func:`clean_stale`).

    With ``staged`` (a list) the written file is not put in place but added to it: several files
    are then put in place together by :func:`commit_staged` (or removed by :func:`discard_staged`).
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"cannot write {target}: the directory {directory} does not exist", hint="create it first")
    clean_stale(directory, target.name)
    import tempfile  # here: a command that writes no file does not import it (with shutil, bz2, lzma)

    try:
        if target.exists():
            mode = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        import tempfile  # here, not at import: `advisor assess` writes no file (issue 15 §3)

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=str(directory))
    except OSError as exc:
        raise _write_error(target, exc, "check that the directory is writable") from None
    try:
        handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        failed = True
        try:
            yield _Writer(handle, target)
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise _write_error(target, exc) from None
            failed = False
        finally:
            try:
                handle.close()  # a close whose flush fails still closes the file
            except OSError as exc:
                if not failed:
                    raise _write_error(target, exc) from None
        if staged is not None:
            staged.append((tmp, target, mode))
            return
        try:
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            raise _write_error(target, exc, "check the path and permissions") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def commit_staged(staged: Staged) -> None:
    """Put the staged files in place. The last one vouches for the others (a batch's manifest for
    its rows): it is removed first and put in place last, so that whenever it exists, the files
    beside it are the ones it describes. On an error the files not yet in place are removed."""
    try:
        if staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged[-1][1])
        while staged:
            tmp, target, mode = staged[0]
            try:
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            except OSError as exc:
                raise _write_error(target, exc, "check the path and permissions") from None
            staged.pop(0)
    except BaseException:
        discard_staged(staged)
        raise


def discard_staged(staged: Staged) -> None:
    """Remove staged files that were not put in place."""
    while staged:
        tmp = staged.pop()[0]
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_atomic(path: "Union[str, os.PathLike[str]]", text: Union[str, bytes]) -> None:
    """Write ``text`` (UTF-8), or bytes as they are, to ``path`` atomically (see :func:`open_atomic`)."""
    with open_atomic(path, binary=isinstance(text, bytes)) as handle:
        handle.write(text)
