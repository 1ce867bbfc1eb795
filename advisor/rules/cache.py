"""The shipped rule pack, validated, kept between runs (issue 15 §3).

Reading the shipped pack (its YAML files composed with line numbers, every rule validated and
checked against the others) is a large part of a command's cold start. The first run that loads
it writes the validated pack as JSON to the user's cache directory; later runs read it back through
the pack's own pydantic models and parse each condition again, several times faster, and skip only
the checks between rules, which the same content passed when the file was written.

Safely: the cache is JSON, never pickle, so reading it runs no code that anyone who can write the
directory could have put there, and what it holds is validated as a pack is. Its file name is a
SHA-256 of everything the pack depends on: the bytes of every file of the pack, the versions of
advisor, pydantic and Python, and the source of the modules that parse and check packs and of this
one. Any change to one of them reads the YAML again and writes a new file; the directory keeps the
:data:`KEEP` newest files of each kind of pack, so two advisors using it in turn (two checkouts,
two versions) each keep theirs.
The file is one JSON object whose first members are the SHA-256 of the pack's JSON that follows
and the pack's content hash (:attr:`RulePack.hash`, which is then not computed again): a file
whose pack's JSON does not hash to the digest it records, that is not in this layout, or whose
pack does not validate, is not used, and the next run that reads the pack from its files writes
it again.

``ADVISOR_CACHE_DIR`` sets the directory (default ``$XDG_CACHE_HOME/samskaping-advisor``, else
``~/.cache/samskaping-advisor``); set to an empty value, nothing is cached. A cache that cannot be
read or written is ignored: the pack is then read from its files as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, Optional

from ..core import documents
from . import conditions, limits
from . import pack as pack_module
from .conditions import parse_condition
from .pack import RulePack

__all__ = ["cache_dir", "cached_pack"]

#: The source files of the modules whose code decides what a pack file means: a change to one
#: invalidates the cache. By file, not by module: a run that finds the pack here does not import
#: advisor.rules.variants (which builds it from the files).
_SOURCES = (
    Path(str(pack_module.__file__)),
    Path(str(conditions.__file__)),
    Path(__file__).with_name("variants.py"),
    Path(str(limits.__file__)),
    Path(str(documents.__file__)),
    Path(__file__),
)


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
        files.extend(_SOURCES)
        for file in files:
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


#: How many cache files of one kind of pack the directory keeps (the newest; the file written counts).
KEEP = 8

#: How a cache file begins: the SHA-256 of the pack's JSON that follows it, then the pack's hash.
_HEAD = b'{"digest":"'
_MID = b'","hash":"'
_TAIL = b'","pack":'


def _read(file: Path, origin: str) -> Optional[RulePack]:
    """The pack in ``file``, or ``None`` when the file is not one this module wrote for the same
    content (its JSON does not hash to the digest it records) or does not validate."""
    try:
        blob = file.read_bytes()
        digest_at, hash_at = len(_HEAD), len(_HEAD) + 64 + len(_MID)
        body_at = hash_at + 64 + len(_TAIL)
        if (
            not blob.startswith(_HEAD)
            or blob[digest_at + 64 : hash_at] != _MID
            or blob[hash_at + 64 : body_at] != _TAIL
            or not blob.endswith(b"}")
        ):
            return None
        body = blob[body_at:-1]
        if hashlib.sha256(body).hexdigest().encode("ascii") != blob[digest_at : digest_at + 64]:
            return None
        # pydantic reads the JSON itself (in Rust): faster than json.loads and validating the dicts.
        pack = RulePack.model_validate_json(body).model_copy(update={"origin": origin})
        for rule in pack.rules:
            if rule.when is not None:
                rule._condition = parse_condition(rule.when, ("when",))
            if rule.done_when is not None:
                rule._guard = parse_condition(rule.done_when, ("done_when",))
    except Exception:  # a cache that cannot be used: the pack is read from its files instead
        return None
    # The content is byte for byte what was written with this hash, so the hash is not computed
    # again (a model dump and a SHA-256 of it: a third of reading the cache).
    pack.__dict__["hash"] = blob[hash_at : hash_at + 64].decode("ascii")
    return pack


def _write(directory: Path, kind: str, name: str, pack: RulePack) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        content = pack.model_dump(mode="json", exclude={"origin"})
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest().encode("ascii")
        import tempfile  # only when a pack is written, not when one is read (issue 15 §3)

        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_HEAD + digest + _MID + pack.hash.encode("ascii") + _TAIL + body + b"}")
            os.replace(temporary, directory / name)
        except BaseException:
            os.unlink(temporary)
            raise
        # Only the oldest go: two advisors sharing the directory (two checkouts, two versions) would
        # otherwise evict each other's file at every run and never read the pack from here.
        others = []
        for other in directory.glob(f"pack-{kind}-*.json"):
            if other.name != name:
                try:
                    others.append((other.stat().st_mtime_ns, other.name, other))
                except OSError:  # removed meanwhile by another process
                    pass
        for _, _, old in sorted(others, reverse=True)[KEEP - 1 :]:
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
