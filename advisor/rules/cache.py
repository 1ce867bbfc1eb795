"""The shipped rule pack, validated, kept between runs (issue 15 §3).

Reading the shipped pack (its YAML files composed with line numbers, every rule validated and
checked against the others) is a large part of a command's cold start. The first run that loads
it writes the validated pack as JSON to the user's cache directory; later runs read it back through
the pack's own pydantic models and parse each condition again, several times faster, and skip only
the checks between rules, which the same content passed when the file was written.

Safely: the cache is JSON, never pickle, so reading it runs no code that anyone who can write the
directory could have put there, and what it holds is validated as a pack is. Its file name is a
SHA-256 of everything the pack depends on: the bytes of every file of the pack, the versions of
advisor, pydantic and Python, and the source of the modules that parse and check packs. Any change
to one of them reads the YAML again and writes a new file (older ones are removed). A file whose
pack does not hash to the hash it records, or that does not validate, is not used.

``ADVISOR_CACHE_DIR`` sets the directory (default ``$XDG_CACHE_HOME/samskaping-advisor``, else
``~/.cache/samskaping-advisor``); set to an empty value, nothing is cached. A cache that cannot be
read or written is ignored: the pack is then read from its files as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Optional

from ..core import documents
from . import conditions, limits, variants
from . import pack as pack_module
from .conditions import parse_condition
from .pack import RulePack

__all__ = ["cache_dir", "cached_pack"]

#: The modules whose code decides what a pack file means: a change to one invalidates the cache.
_SOURCES = (pack_module, conditions, variants, limits, documents)


def cache_dir() -> Optional[Path]:
    """The directory of the cache, or ``None`` when ``ADVISOR_CACHE_DIR`` is set empty."""
    given = os.environ.get("ADVISOR_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "samskaping-advisor"


def _key(where: Path, kind: str) -> Optional[str]:
    """The hash of what the pack at ``where`` depends on; ``None`` if a file cannot be read."""
    import pydantic

    from ..core.version import __version__

    digest = hashlib.sha256()
    for part in (kind, __version__, pydantic.VERSION, sys.version):
        digest.update(part.encode("utf-8") + b"\0")
    try:
        files = [where / "pack.yaml", *sorted(p for p in where.glob("*.yaml") if p.name != "pack.yaml")]
        for module in _SOURCES:
            files.append(Path(str(module.__file__)))
        for file in files:
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def _read(file: Path, origin: str) -> Optional[RulePack]:
    try:
        data = json.loads(file.read_bytes())
        pack = RulePack.model_validate({**data["pack"], "origin": origin})
        for rule in pack.rules:
            if rule.when is not None:
                rule._condition = parse_condition(rule.when, ("when",))
            if rule.done_when is not None:
                rule._guard = parse_condition(rule.done_when, ("done_when",))
        if pack.hash != data["hash"]:
            return None
    except Exception:  # a cache that cannot be used: the pack is read from its files instead
        return None
    return pack


def _write(directory: Path, kind: str, name: str, pack: RulePack) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        payload = {"hash": pack.hash, "pack": pack.model_dump(mode="json", exclude={"origin"})}
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, directory / name)
        except BaseException:
            os.unlink(temporary)
            raise
        for old in directory.glob(f"pack-{kind}-*.json"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def cached_pack(where: Path, kind: str, origin: str, build: Callable[[], RulePack]) -> RulePack:
    """The pack at ``where`` as ``build()`` makes it, from the cache when it holds it. ``kind``
    names the builder (packs of different builders are cached apart); ``origin`` is the pack's
    ``origin``, which its content and so the cache leave out."""
    directory = cache_dir()
    key = _key(where, kind) if directory is not None else None
    if directory is None or key is None:
        return build()
    name = f"pack-{kind}-{key}.json"
    pack = _read(directory / name, origin) if (directory / name).is_file() else None
    if pack is not None:
        return pack
    pack = build()
    _write(directory, kind, name, pack)
    return pack
