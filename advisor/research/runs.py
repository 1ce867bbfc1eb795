"""The research workflow: many profiles, several rule packs, where they disagree, synthetic profiles.

Everything the commands ``advisor batch``, ``advisor compare`` and ``advisor sample`` do is here,
for use from a notebook::

    from advisor import research
    profiles = research.sample_profiles(500, seed=1)
    result = research.batch(profiles, ["default", "examples/variants/strict-anchoring.yaml"])
    result.fire_counts["strict-anchoring"]["PLAN-001"]
    comparison = research.compare(profiles, ["default", "examples/variants/strict-anchoring.yaml"])
    comparison.comparisons[0].rules          # per-rule agreement, Cohen's kappa

    # a large study: profiles made one at a time, rows written as they come, memory flat
    research.batch(research.iter_sample_profiles(100_000, seed=1), output="rows.jsonl", keep_rows=False)

Batches run in parallel over the machine's cores (a process pool; each worker compiles each pack
once), or on a Dask cluster (``client=``, the optional extra ``samskaping-advisor[distributed]``). The output
does not depend on how the work was spread: rows come in the order of the profiles given, then of
the packs given. A profile that fails validation is reported in ``manifest.skipped`` and left out.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import hashlib
import io
import json
import math
import os
import random
import stat
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.io import Staged, commit_staged, discard_staged, dumps_compact, open_atomic, write_atomic
from ..core.version import __version__
from ..core.documents import open_regular, read_file
from ..engine.pool import DEFAULT_TIME_LIMIT, WorkerPool
from ..profile.io import load_profile, load_profile_line
from ..profile.schema import DERIVED_ARENA_FACTS, FieldSpec, arena_fields, profile_fields
from ..engine.assessment import Manifest, _brief, _construct, _manifest_for, profile_hash
from ..engine.interface import ENGINES, engine_label, resolve_engine
from ..core.errors import EngineError, InputError, ProfileError, did_you_mean, file_label
from ..profile.model import Profile
from ..rules.pack import RulePack
from ..rules.variants import load_variant

__all__ = [
    "ProfileLike",
    "PackLike",
    "profile_sources",
    "iter_profile_sources",
    "load_packs",
    "pack_labels",
    "BatchRow",
    "PackManifest",
    "SkippedProfile",
    "RunManifest",
    "BatchResult",
    "batch",
    "OUTPUT_FORMATS",
    "RuleAgreement",
    "ProfileDifference",
    "PackDiff",
    "VariantComparison",
    "Comparison",
    "compare",
    "pack_diff",
    "cohen_kappa",
    "FieldOptions",
    "ArenaOptions",
    "SampleOptions",
    "load_sample_options",
    "sample_profiles",
    "iter_sample_profiles",
    "write_samples",
    "sample",
    "write_atomic",
    "FactInfluence",
    "FindingSensitivity",
    "Sensitivity",
    "sensitivity",
]

#: A profile to assess: a file, a directory of profile files, a Profile, or ``(label, Profile)``.
ProfileLike = Union[str, "os.PathLike[str]", Profile, tuple[str, Profile]]
#: A rule pack: a loaded pack, a pack file or directory (or variant), or a list of them (stacked).
PackLike = Union[RulePack, str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]

PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".parquet")
OUTPUT_FORMATS = ("jsonl", "csv")
#: The engines a batch or comparison runs on: the two of :mod:`advisor.engine.interface` and the columnar one.
BATCH_ENGINES = ENGINES + ("columnar",)


class _Result(BaseModel):
    # Built on first use, not at import: a batch makes most of these by model_construct (or not
    # at all), and their schemas cost some milliseconds of every start of the command line.
    model_config = ConfigDict(frozen=True, defer_build=True)


# --------------------------------------------------------------------------------------------
# inputs


class _Line(tuple[str, int, bytes]):
    """One line of a JSON Lines file: ``(file, line number, bytes)``; parsed by the worker."""

    __slots__ = ()

    def load(self) -> Profile:
        return load_profile_line(self[2], self[0], self[1])


def _jsonl_lines(path: str) -> Iterator[tuple[str, _Line]]:
    """``(file:line, line)`` for each line of a JSON Lines file that is not blank, read lazily."""
    handle = open_regular(path, ProfileError, "profile")  # not a FIFO or a device: they never end
    label = file_label(path)
    with handle:
        for number, text in enumerate(handle, 1):
            if number == 1 and text.startswith(b"\xef\xbb\xbf"):
                text = text[3:]
            if text.strip():
                yield f"{label}:{number}", _Line((path, number, text))


def _expand(sources: Iterable[tuple[str, Union[str, Profile]]]) -> Iterator[tuple[str, Union[str, Profile, _Line]]]:
    """The sources, with each JSON Lines file as one source per line (labelled ``file:line``)."""
    for label, item in sources:
        if isinstance(item, str) and item.lower().endswith(".jsonl"):
            yield from _jsonl_lines(item)
        elif isinstance(item, str) and item.lower().endswith(".parquet"):
            raise InputError(
                "Parquet profiles are read by the columnar engine only",
                file=item,
                hint="add --engine columnar, or give JSON Lines",
            )
        else:
            yield label, item


def _profile_name(name: str) -> bool:
    """Whether a file of this name in a directory given is one of its profiles (not hidden, a
    profile's suffix): what :func:`_profile_files` lists, and what a run must not write over."""
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in PROFILE_SUFFIXES


def _profile_files(directory: Path) -> list[str]:
    """The names of the profile files in ``directory``, sorted: listed with :func:`os.scandir`,
    which tells files from directories without a ``stat`` per entry; only the names are kept
    (about 60 bytes a file), so that the order is the same wherever the directory is copied."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entry.name for entry in entries if _profile_name(entry.name) and entry.is_file())
    except OSError as exc:
        raise InputError(
            f"cannot list the directory {directory}: {exc.strerror}", hint="check the path and permissions"
        ) from None


class _Listing:
    """The profile files of a directory (:func:`_profile_files`), sorted, kept as one string of
    names (a file name holds no NUL): some 20 bytes a file, where a list of paths takes 150."""

    def __init__(self, directory: Path) -> None:
        names = _profile_files(directory)
        self.directory = directory
        self.count = len(names)
        self.many = any(name.lower().endswith((".jsonl", ".parquet")) for name in names)
        self._names = "\0".join(names)

    def __iter__(self) -> Iterator[str]:
        names, start = self._names, 0
        for _ in range(self.count):
            end = names.find("\0", start)
            yield str(self.directory / names[start : end if end >= 0 else len(names)])
            start = end + 1


class _Listed:
    """Sources given as a list, each directory listed once (:class:`_Listing`): how many there
    are is known before the first is read, and no list of every path is held."""

    def __init__(self, items: Sequence[ProfileLike]) -> None:
        self.items: list[Union[ProfileLike, _Listing]] = [
            _Listing(Path(item)) if isinstance(item, (str, os.PathLike)) and Path(item).is_dir() else item
            for item in items
        ]
        self.total = sum(item.count if isinstance(item, _Listing) else 1 for item in self.items)
        self.many = any(
            item.many if isinstance(item, _Listing) else str(item).lower().endswith((".jsonl", ".parquet"))
            for item in self.items
            if not isinstance(item, (Profile, tuple))
        )
        if not self.total:
            raise InputError(
                "no profiles to assess", hint="give profile files, or directories holding *.yaml / *.json profiles"
            )

    def __iter__(self) -> Iterator[tuple[str, Union[str, Profile]]]:
        return iter_profile_sources(self.items)


def iter_profile_sources(items: Iterable[Union[ProfileLike, _Listing]]) -> Iterator[tuple[str, Union[str, Profile]]]:
    """``(label, path or Profile)`` for each profile, lazily: directories give their profile
    files, sorted by name; a Profile without a label is labelled ``#N`` by its place. A JSON Lines
    (``*.jsonl``) or Parquet file is one source holding many profiles (see :func:`_expand`)."""
    count = 0
    for item in items:
        if isinstance(item, Profile):
            count += 1
            yield f"#{count}", item
        elif isinstance(item, tuple):
            label, profile = item
            count += 1
            yield str(label), profile
        else:
            if not isinstance(item, (str, os.PathLike, _Listing)):
                raise TypeError(
                    "a profile to assess is a file or directory path, a Profile or a (label, Profile) pair, "
                    f"not {type(item).__name__}: advisor.parse_profile(data) makes a Profile of a dict"
                )
            files = item if isinstance(item, _Listing) else _Listing(Path(item)) if Path(item).is_dir() else None
            if files is None:
                assert not isinstance(item, _Listing)
                count += 1
                yield file_label(os.fspath(item)), os.fspath(item)
                continue
            for file in files:
                count += 1
                yield file_label(file), file


def profile_sources(items: Iterable[ProfileLike]) -> list[tuple[str, Union[str, Profile]]]:
    """:func:`iter_profile_sources` as a list; raises :class:`InputError` if there are none."""
    out = list(iter_profile_sources(items))
    if not out:
        raise InputError(
            "no profiles to assess", hint="give profile files, or directories holding *.yaml / *.json profiles"
        )
    return out


def _refuse_outputs_among(profiles: Iterable[ProfileLike], outputs: Sequence["Union[str, os.PathLike[str]]"]) -> None:
    """Refuse to run where a file the run writes (``outputs``: the rows and their manifest, or a
    comparison) is one of the profile files it would read, given or in a directory given:
    writing the results would replace a file the user wrote (or read an earlier run's results as
    profiles). A list is looked at before anything is read (a ``stat`` per item, and none where
    no output exists yet); an iterator is not looked at."""
    if not isinstance(profiles, (list, tuple)):
        return
    # the outputs there already: each one's (device, inode), and its directory's where a listing
    # of that directory would take it for a profile
    existing: list[tuple[Path, tuple[int, int], Optional[tuple[int, int]]]] = []
    for target in map(Path, outputs):
        try:
            found, parent = target.stat(), target.parent.stat()
        except (OSError, ValueError):
            continue
        listed_in = (
            (parent.st_dev, parent.st_ino) if _profile_name(target.name) and stat.S_ISREG(found.st_mode) else None
        )
        existing.append((target, (found.st_dev, found.st_ino), listed_in))
    if not existing:
        return
    for item in profiles:
        if not isinstance(item, (str, os.PathLike)):
            continue
        try:
            given = os.stat(item)
        except (OSError, ValueError):
            continue
        listed = stat.S_ISDIR(given.st_mode)
        for target, key, listed_in in existing:
            if (listed_in if listed else key) == (given.st_dev, given.st_ino):
                raise InputError(
                    f"{file_label(os.fspath(target))} is one of the profiles to read"
                    + (f" (in {file_label(os.fspath(item))})" if listed else "")
                    + ": writing the results would replace it",
                    hint="write the results outside the profiles' directory (-o)"
                    if listed
                    else "write the results to another file (-o)",
                )


def load_packs(packs: Union[None, PackLike, Sequence[PackLike]]) -> list[RulePack]:
    """Each pack loaded (variants resolved); ``None`` is the shipped pack alone.

    A list gives several packs side by side; a list inside it is one stacked pack.
    """
    if packs is None:
        return [load_variant(None)]
    if isinstance(packs, (RulePack, str, os.PathLike)):
        packs = [packs]
    out = []
    for item in packs:
        out.append(item if isinstance(item, RulePack) else load_variant(item))
    if not out:
        return [load_variant(None)]
    return out


def pack_labels(packs: Sequence[RulePack]) -> list[str]:
    """A unique label per pack: its name, with ``#2``, ``#3`` ... for the same name again."""
    seen: dict[str, int] = {}
    labels = []
    for pack in packs:
        name = pack.info.name
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return labels


# --------------------------------------------------------------------------------------------
# results


class BatchRow(_Result):
    """One profile assessed with one pack, in brief."""

    profile: str
    municipality: Optional[str]
    pack: str
    strengths: tuple[str, ...]
    diagnoses: tuple[str, ...]
    pitfalls: tuple[str, ...]
    recommendations: tuple[str, ...]
    """In plan order."""
    highest_priority: Optional[str]
    questions: Optional[int]
    """How many questions the assessment asks (``None`` from the columnar engine, which does not
    work them out)."""
    manifest: Manifest

    @property
    def fired(self) -> frozenset[str]:
        return frozenset(self.strengths + self.diagnoses + self.pitfalls + self.recommendations)

    def record(self) -> dict[str, Any]:
        """The row as written to JSON Lines and CSV (without ``profile_hash`` and ``questions``
        from the columnar engine)."""
        record = {
            "profile": self.profile,
            "municipality": self.municipality,
            "pack": self.pack,
            "pack_hash": self.manifest.pack_hash,
            "profile_hash": self.manifest.profile_hash,
            "highest_priority": self.highest_priority,
            "questions": self.questions,
            "fired": sorted(self.strengths + self.diagnoses + self.pitfalls + self.recommendations),
            "strengths": list(self.strengths),
            "diagnoses": list(self.diagnoses),
            "pitfalls": list(self.pitfalls),
            "recommendations": list(self.recommendations),
        }
        if self.questions is None:
            del record["profile_hash"], record["questions"]
        return record


class PackManifest(_Result):
    label: str
    name: str
    version: str
    hash: str
    origin: str
    rules_enabled: tuple[str, ...]


class SkippedProfile(_Result):
    source: str
    error: str


class RunManifest(_Result):
    """What is needed to reproduce a batch or a comparison."""

    advisor_version: str
    engine: str
    engine_version: str
    packs: tuple[PackManifest, ...]
    profiles: int
    """How many profiles were assessed (the skipped ones are not counted)."""
    profiles_hash: str
    """SHA-256 of the assessed profiles, in order: a line ``<source>\t<profile hash>\n`` for
    each (the rows carry each profile's hash)."""
    skipped: tuple[SkippedProfile, ...]


CSV_HEADER = [
    "profile",
    "municipality",
    "pack",
    "pack_hash",
    "profile_hash",
    "highest_priority",
    "questions",
    "fired",
    "strengths",
    "diagnoses",
    "pitfalls",
    "recommendations",
]
#: The columns of the columnar engine's rows: the batch row's without the profile hash and questions.
COLUMNAR_HEADER = [c for c in CSV_HEADER if c not in ("profile_hash", "questions")]


class BatchResult(_Result):
    """Every profile assessed with every pack."""

    rows: tuple[BatchRow, ...]
    """Profile by profile in the order given, each with every pack in the order given (empty when
    the batch ran with ``keep_rows=False``)."""
    row_count: int
    """How many rows the batch made (and wrote)."""
    fire_counts: dict[str, dict[str, int]]
    """For each pack label, how many profiles each of its rules fired on (zeros included)."""
    manifest: RunManifest

    @property
    def skipped(self) -> tuple[SkippedProfile, ...]:
        return self.manifest.skipped

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.manifest.packs]

    def _render(self, fmt: str) -> str:
        buffer = io.StringIO()
        writer = _RowWriter(buffer, fmt)
        for row in self.rows:
            writer.write(row)
        return buffer.getvalue()

    def to_jsonl(self) -> str:
        return self._render("jsonl")

    def to_csv(self) -> str:
        return self._render("csv")

    def manifest_json(self) -> str:
        return _manifest_json(self.manifest, self.fire_counts)

    def write(self, path: "Union[str, os.PathLike[str]]", fmt: Optional[str] = None) -> tuple[Path, Path]:
        """Write the rows (JSON Lines or CSV, from ``fmt`` or the file's suffix) and, beside them,
        ``<stem>.manifest.json``. Both are written atomically. Returns both paths."""
        target = Path(path)
        rows = self._render(_output_format(target, fmt))
        manifest = _manifest_path(target)
        staged: Staged = []
        try:
            with open_atomic(target, staged) as handle:
                handle.write(rows)
            with open_atomic(manifest, staged) as handle:
                handle.write(self.manifest_json())
            commit_staged(staged)  # the old manifest goes first, the new one comes last
        finally:
            discard_staged(staged)
        return target, manifest


# --------------------------------------------------------------------------------------------
# running: in this process, in a process pool, or on Dask; results stream in the order given

_WORKER: dict[str, Any] = {}
_ASSESS_LOCK = threading.Lock()  # one assessment at a time per process: threads share the engine

Task = tuple[int, Union[str, Profile, _Line]]
#: (index, [brief per pack] + [profile hash], or None; error kind and message, or None)
Outcome = tuple[int, Optional[list[Any]], Optional[tuple[str, str]]]

#: Chunks of profiles a worker gets at a time, and how many chunks per worker may be under way:
#: enough to keep every worker busy, few enough that memory does not grow with the batch.
CHUNK_SIZE = 64
CHUNKS_PER_WORKER = 3
#: Below this many profiles the default is to assess them here, not in a pool: a pool takes about
#: half a second to start (see the benchmarks), in which one process assesses some 500 profiles.
SMALL_BATCH = 500


def _init_worker(packs: Sequence[RulePack], engine: str) -> None:
    _WORKER["packs"] = tuple(packs)
    _WORKER["engine"] = engine
    # A worker is ready when it can assess: each pack compiled for the engine and the profile
    # model built here, by assessing an empty profile, not in the first profile's time limit
    # (which a loaded machine could otherwise spend on them).
    empty = Profile.model_validate({})
    for pack in packs:
        _brief(empty, pack, engine)


class _Bundle:
    """The packs and the engine, sent to the Dask workers with each chunk of profiles."""

    def __init__(self, packs: Sequence[RulePack], engine: str) -> None:
        self.packs = tuple(packs)
        self.engine = engine


def _assess_chunk(
    chunk: Sequence[Task], packs: Optional[Sequence[RulePack]] = None, engine: Optional[str] = None
) -> list[Outcome]:
    """Assess a chunk of profiles with every pack (in a worker, or here)."""
    packs = packs if packs is not None else _WORKER["packs"]
    engine = engine or _WORKER.get("engine", "durable")
    out: list[Outcome] = []
    with _ASSESS_LOCK:
        for index, item in chunk:
            try:
                profile = (
                    item
                    if isinstance(item, Profile)
                    else item.load()
                    if isinstance(item, _Line)
                    else load_profile(item)
                )
            except ProfileError as exc:
                out.append((index, None, ("profile", exc.one_line())))
                continue
            try:
                briefs: list[Any] = [_brief(profile, pack, engine) for pack in packs]
            except EngineError as exc:
                out.append((index, None, ("engine", exc.one_line())))
                continue
            briefs.append(profile_hash(profile))
            out.append((index, briefs, None))
    return out


def _assess_task(task: Task) -> Outcome:
    """Assess one profile in a worker process of the pool."""
    return _assess_chunk([task])[0]


def _failed_task(index: int, reason: str) -> Outcome:
    return (index, None, ("worker", reason))


def _assess_bundle(chunk: Sequence[Task], bundle: _Bundle) -> list[Outcome]:
    return _assess_chunk(chunk, bundle.packs, bundle.engine)


def _chunks(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_order(
    submit: Callable[[list[Task]], Any], chunks: Iterator[list[Task]], window: int
) -> Iterator[list[Outcome]]:
    """Submit chunks, at most ``window`` under way at a time, and give their outcomes in order."""
    pending: collections.deque[Any] = collections.deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _outcomes(
    tasks: Iterable[Task],
    total: Optional[int],
    packs: Sequence[RulePack],
    engine: str,
    workers: Optional[int],
    client: Any,
    time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
) -> Iterator[Outcome]:
    """The outcome of every task, in the order of the tasks."""
    if client is not None:
        count = max(1, sum(client.nthreads().values()) if hasattr(client, "nthreads") else 1)
    else:
        if workers is not None:
            count = workers
        elif total is not None and total < SMALL_BATCH:
            count = 1  # starting a pool would take longer than the batch itself
        else:
            count = os.cpu_count() or 1
        if count < 1:
            raise InputError(f"--workers must be at least 1, not {count}", hint="give a positive number")
    size = CHUNK_SIZE if total is None else max(1, min(CHUNK_SIZE, math.ceil(total / (count * 4))))
    chunks = _chunks(tasks, size)
    window = count * CHUNKS_PER_WORKER
    if client is not None:
        # The bundle goes with each task: scattering it first (broadcast) raced with the tasks on
        # a local cluster ("lost dependencies").
        bundle = _Bundle(packs, engine)
        for outcomes in _in_order(
            lambda chunk: client.submit(_assess_bundle, chunk, bundle, pure=False), chunks, window
        ):
            yield from outcomes
        return
    if count == 1 or (total is not None and total <= size):
        for chunk in chunks:
            yield from _assess_chunk(chunk, packs, engine)
        return
    with WorkerPool(
        count, _assess_task, _init_worker, (tuple(packs), engine), time_limit=time_limit, make_failure=_failed_task
    ) as pool:
        yield from pool.run(chunks, window)


class _Manifested:
    """What a batch under way says of itself when done: the run manifest."""

    engine: str
    labels: list[str]
    packs: list[RulePack]
    assessed: int
    skipped: list[SkippedProfile]
    _digest: Any

    def manifest(self) -> RunManifest:
        engine_name, engine_version = engine_label(self.engine)
        return RunManifest(
            advisor_version=__version__,
            engine=engine_name,
            engine_version=engine_version,
            packs=tuple(
                PackManifest(
                    label=label,
                    name=pack.info.name,
                    version=pack.info.version,
                    hash=pack.hash,
                    origin=pack.origin,
                    rules_enabled=pack.rule_ids,
                )
                for label, pack in zip(self.labels, self.packs)
            ),
            profiles=self.assessed,
            profiles_hash=self._digest.hexdigest(),
            skipped=tuple(self.skipped),
        )


class _BatchRun(_Manifested):
    """A batch under way: iterate it for ``(source, rows)`` of each assessed profile, in order;
    then :meth:`manifest` says what ran, and ``fire_counts`` how often each rule fired.

    Nothing in it grows with the number of profiles but the list of skipped ones."""

    def __init__(
        self,
        profiles: Iterable[ProfileLike],
        packs: Union[None, PackLike, Sequence[PackLike]],
        engine: Optional[str],
        workers: Optional[int],
        client: Any,
        progress: Optional[Callable[[int, Optional[int]], None]],
        time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
    ) -> None:
        if engine is not None and engine not in BATCH_ENGINES:
            raise InputError(f"unknown engine {engine!r}", hint="use durable, python or columnar")
        engine = resolve_engine(engine)
        if time_limit is not None and not time_limit > 0:
            raise InputError(
                f"the time limit must be more than 0 seconds, not {time_limit}",
                hint="give a number of seconds such as 60",
            )
        self.packs = load_packs(packs)
        self.labels = pack_labels(self.packs)
        self.engine = engine
        self.fire_counts: dict[str, dict[str, int]] = {
            label: {r.id: 0 for r in pack.rules} for label, pack in zip(self.labels, self.packs)
        }
        self.skipped: list[SkippedProfile] = []
        self.assessed = 0
        self._digest = hashlib.sha256()
        self._manifests = [_manifest_for(pack, engine, "") for pack in self.packs]
        self.total: Optional[int] = None
        self._sources: Iterable[tuple[str, Union[str, Profile]]]
        if isinstance(profiles, (list, tuple)):
            listed = _Listed(profiles)
            self.total, self._sources = (None if listed.many else listed.total), listed
        else:
            self._sources = iter_profile_sources(profiles)
        self._workers, self._client, self._progress, self._time_limit = workers, client, progress, time_limit

    def __iter__(self) -> Iterator[tuple[str, list[BatchRow]]]:
        labels: dict[int, str] = {}  # the source of each task under way, by index

        def tasks() -> Iterator[Task]:
            index = -1
            for index, (label, item) in enumerate(_expand(self._sources)):
                labels[index] = label
                yield index, item
            if index < 0:
                raise InputError(
                    "no profiles to assess", hint="give profile files, or directories holding *.yaml / *.json profiles"
                )

        done = 0
        for index, briefs, error in _outcomes(
            tasks(), self.total, self.packs, self.engine, self._workers, self._client, self._time_limit
        ):
            source = labels.pop(index)
            done += 1
            if self._progress is not None:
                self._progress(done, self.total)
            if error is not None:
                if error[0] == "engine":
                    raise EngineError(error[1], hint="this is a bug in advisor; please report it with the profile")
                message = error[1] if error[0] == "profile" else f"{source}: not assessed: {error[1]}"
                self.skipped.append(SkippedProfile(source=source, error=message))
                continue
            assert briefs is not None
            digest = briefs[-1]
            self._digest.update(f"{source}\t{digest}\n".encode("utf-8"))
            self.assessed += 1
            rows = []
            for pack_label, brief, base in zip(self.labels, briefs, self._manifests):
                municipality, strengths, diagnoses, pitfalls, recommendations, highest, questions = brief
                row = _construct(
                    BatchRow,
                    {
                        "profile": source,
                        "municipality": municipality,
                        "pack": pack_label,
                        "strengths": strengths,
                        "diagnoses": diagnoses,
                        "pitfalls": pitfalls,
                        "recommendations": recommendations,
                        "highest_priority": highest,
                        "questions": questions,
                        "manifest": _construct(Manifest, {**base.__dict__, "profile_hash": digest}),
                    },
                )
                counts = self.fire_counts[pack_label]
                for rule_id in strengths + diagnoses + pitfalls + recommendations:
                    counts[rule_id] += 1
                rows.append(row)
            yield source, rows


#: Rows of the columnar engine made text at a time (some 20 MB of JSON Lines).
_TEXT_ROWS = 10_000
#: Profiles the columnar engine evaluates at a time (their frame some 25 MB), however they are read.
_EVALUATED_ROWS = 50_000


class _ColumnarRun(_Manifested):
    """A batch on the columnar engine: :meth:`frames` gives the rows of each chunk of profiles as
    one frame; iterating gives ``(source, rows)`` as :class:`_BatchRun` does (for ``compare`` and
    ``keep_rows``); :meth:`lines` gives them as JSON Lines, from JSON Lines files on the native
    path (:mod:`advisor.engine.native`: no polars) where the C module was built. Runs in this
    process (polars on its threads)."""

    def __init__(
        self,
        profiles: Iterable[ProfileLike],
        packs: Union[None, PackLike, Sequence[PackLike]],
        workers: Optional[int],
        client: Any,
        progress: Optional[Callable[[int, Optional[int]], None]],
        chunk_rows: Optional[int] = None,
    ) -> None:
        from ..engine import native

        native.require_columnar()  # polars is imported where a frame is made, not before
        if client is not None or (workers is not None and workers > 1):
            raise InputError(
                "the columnar engine runs in this process on all cores", hint="leave out --workers and --dask"
            )
        self.packs = load_packs(packs)
        self.labels = pack_labels(self.packs)
        self.engine = "columnar"
        self.fire_counts: dict[str, dict[str, int]] = {
            label: {r.id: 0 for r in pack.rules} for label, pack in zip(self.labels, self.packs)
        }
        self.skipped: list[SkippedProfile] = []
        self.assessed = 0
        self._digest = hashlib.sha256()
        self._manifests = [_manifest_for(pack, "columnar", "") for pack in self.packs]
        self._sources = (
            profile_sources(profiles) if isinstance(profiles, (list, tuple)) else iter_profile_sources(profiles)
        )
        self._progress = progress
        self._rows = chunk_rows  # None: each path's own (native.NATIVE_ROWS, columnar.CHUNK_ROWS, PARQUET_CHUNK_ROWS)
        self._seen = False  # whether a profile was read (or skipped)

    @functools.cached_property
    def compiled(self) -> list[Any]:
        """The packs compiled into polars expressions (:class:`advisor.engine.columnar.ColumnarPack`)."""
        from ..engine import columnar

        columnar.require()
        return [columnar.columnar_pack(pack) for pack in self.packs]

    def frames(self) -> Iterator[Any]:
        """A frame of rows (the columns of :data:`COLUMNAR_HEADER`) per chunk of profiles, in the
        order of the profiles, then of the packs."""
        import polars as pl

        for _labels, _fired, parts in self.chunks():
            if len(parts) == 1:
                yield parts[0]
            else:
                order = pl.int_range(0, parts[0].height, eager=True)
                yield (
                    pl.concat([p.with_columns(_row=order, _pack=pl.lit(k)) for k, p in enumerate(parts)])
                    .sort(["_row", "_pack"])
                    .drop("_row", "_pack")
                )

    def _read(self, sources: Iterable[tuple[str, Any]]) -> Iterator[Any]:
        """The chunks of profiles of ``sources`` (:func:`advisor.engine.columnar.read_chunks`)."""
        from ..engine import columnar

        columnar.require()
        return columnar.read_chunks(sources, self._rows)

    def _through_polars(self, sources: Iterable[tuple[str, Any]]) -> Iterator[tuple[Any, Any, list[Any]]]:
        """The profiles of ``sources`` read and evaluated by polars (:meth:`_evaluated`)."""
        return self._evaluated(self._gathered(self._read(sources)))

    def _gathered(self, chunks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        """The profiles of ``chunks`` gathered into frames of at least :data:`_EVALUATED_ROWS`
        (the last one smaller) with their labels: evaluating a pack has a cost per frame
        (planning some 240 expressions) that a larger one spreads thinner, and the frame of a
        profile is much smaller than the text it was read from."""
        import polars as pl

        frames: list[Any] = []
        labels: list[Any] = []
        pending = 0
        for chunk in chunks:
            self._seen = self._seen or chunk.frame.height > 0 or bool(chunk.skipped)
            self.skipped.extend(SkippedProfile(source=label, error=error) for label, error in chunk.skipped)
            self._digest.update(chunk.digest)
            if chunk.frame.height:
                frames.append(chunk.frame)
                labels.append(chunk.labels)
                pending += chunk.frame.height
            if pending >= _EVALUATED_ROWS:
                yield pl.concat(frames, rechunk=False), pl.concat(labels)
                frames, labels, pending = [], [], 0
        if pending:
            yield pl.concat(frames, rechunk=False), pl.concat(labels)

    def _some_read(self) -> None:
        if not self._seen:
            raise InputError(
                "no profiles to assess",
                hint="give profile files, or directories holding *.yaml / *.json / *.jsonl profiles",
            )

    def _assessed(self, count: int) -> None:
        self.assessed += count
        if self._progress is not None:
            self._progress(self.assessed, None)

    def _evaluated(self, gathered: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any, list[Any]]]:
        """Per frame of profiles (:meth:`_gathered`): their labels, the head of their rows
        (``profile``, ``municipality``) and per pack the fired columns (``@<rule id>``), fire
        counts added up."""
        import polars as pl

        from ..engine import columnar

        for frame, labels in gathered:
            self._assessed(frame.height)
            facts = columnar.facts_frame(frame)
            head = pl.DataFrame({"profile": labels}).with_columns(
                municipality=frame.get_column("context").struct.field("name")
            )
            fired_frames = []
            for label, compiled in zip(self.labels, self.compiled):
                fired = compiled.fired(facts)
                fired_frames.append(fired)
                counts = self.fire_counts[label]
                for column, total in zip(fired.columns, fired.sum().row(0)):
                    counts[column[1:]] += total
            yield labels, head, fired_frames

    def chunks(self) -> Iterator[tuple[Any, list[Any], list[Any]]]:
        """Per chunk of profiles: their labels, and per pack the fired columns (``@<rule id>``)
        and the rows."""
        import polars as pl

        for labels, head, fired_frames in self._through_polars(self._sources):
            parts = []
            for label, compiled, base, fired in zip(self.labels, self.compiled, self._manifests, fired_frames):
                briefs = compiled.briefs(fired)
                part = pl.concat([head, briefs], how="horizontal").with_columns(
                    pack=pl.lit(label), pack_hash=pl.lit(base.pack_hash)
                )
                parts.append(part.select(COLUMNAR_HEADER))
            yield labels, fired_frames, parts
        self._some_read()

    def _programs(self) -> Optional[list[Any]]:
        """The packs compiled for the native path, or ``None`` where it cannot run them all (or
        the C module was not built)."""
        from ..engine import native

        try:
            return [native.program(pack) for pack in self.packs]
        except native.Unsupported:
            return None

    def lines(self) -> Iterator[tuple[Any, int]]:
        """The rows of each chunk of profiles as JSON Lines, in the order of :meth:`frames`,
        byte for byte as polars writes the frames: ``(text, rows)``, the text written by the C
        writer where it was built (a view of a buffer that the next chunk but one writes over:
        write it before asking for more), else a string column, a row a line. A JSON Lines file
        goes the native path where the packs allow (:meth:`_native_lines`), the rest through
        polars."""
        buffers = [bytearray(), bytearray()]  # written in turn: the caller may hold a view of the last one
        programs = self._programs()
        if programs is None:
            yield from self._frame_lines(self._through_polars(self._sources), buffers)
            self._some_read()
            return
        pending: list[tuple[str, Any]] = []  # sources for polars, read together
        for label, item in self._sources:
            if isinstance(item, str) and item.lower().endswith(".jsonl"):
                if pending:
                    yield from self._frame_lines(self._through_polars(pending), buffers)
                    pending = []
                yield from self._native_lines(item, programs, buffers)
            else:
                pending.append((label, item))
        if pending:
            yield from self._frame_lines(self._through_polars(pending), buffers)
        self._some_read()

    def _native_lines(self, path: str, programs: list[Any], buffers: list[bytearray]) -> Iterator[tuple[Any, int]]:
        """The rows of a JSON Lines file as :meth:`lines` gives them, on the native path: the C
        module reads a chunk of lines into columns, evaluates each pack's program over them and
        writes the rows. A chunk it refuses (a line the reader does not take as it is, a value
        out of bounds, a name it cannot encode) goes through polars, as :meth:`frames` reads it
        (:func:`advisor.engine.columnar.decoded_chunk`)."""
        from ..engine import native

        for decoded in native.decoded_chunks(path, self._rows or native.NATIVE_ROWS):
            if decoded.count == 0:  # the last: the file's digest
                self._digest.update(decoded.digest)
                break
            made = None
            if decoded.columns is not None:
                if not decoded.profiles:  # blank lines only
                    continue
                fired = [program.evaluate(decoded) for program in programs]
                heads = native.heads(path, decoded, native.name_column(decoded)) if None not in fired else None
                if heads is not None:
                    made = (heads, fired)
            if made is None:
                from ..engine import columnar  # polars, for this chunk

                chunk = columnar.decoded_chunk(path, decoded)
                yield from self._frame_lines(self._evaluated(self._gathered([chunk])), buffers)
                continue
            heads, fired = made
            self._seen = True
            self._assessed(decoded.profiles)
            specs = []
            for label, program, manifest, result in zip(self.labels, programs, self._manifests, fired):
                matrix, counts = result
                width = len(program.rules)
                totals = self.fire_counts[label]
                for rule_id, total in zip(program.rules, memoryview(counts).cast("q")):
                    totals[rule_id] += total
                rows = memoryview(matrix).cast("B", (decoded.profiles, width)) if width else matrix  # no rules: empty
                specs.append((rows, *program.text(label, manifest.pack_hash)))
            yield self._text(buffers, heads, tuple(specs)), decoded.profiles * len(programs)

    @staticmethod
    def _text(buffers: list[bytearray], heads: list[str], specs: tuple[Any, ...]) -> Any:
        """The rows written by the C writer into the next of the two buffers: a view of them."""
        from ..engine import native

        read = native.reader()
        assert read is not None
        buffers.reverse()
        try:
            size = read.module.rows(heads, specs, buffers[0])
        except BufferError:  # a view of it still held: it cannot grow
            buffers[0] = bytearray()
            size = read.module.rows(heads, specs, buffers[0])
        return memoryview(buffers[0])[:size]

    def _frame_lines(
        self, evaluated: Iterable[tuple[Any, Any, list[Any]]], buffers: list[bytearray]
    ) -> Iterator[tuple[Any, int]]:
        """The rows of frames of profiles evaluated by polars (:meth:`_evaluated`) as :meth:`lines`
        gives them."""
        import polars as pl

        from ..engine import columnar

        for _labels, heads, fired_frames in evaluated:
            for at in range(0, heads.height, _TEXT_ROWS):  # the text of a chunk a slice at a time
                head = heads.slice(at, _TEXT_ROWS)
                count = head.height * len(self.packs)
                packs = list(zip(self.compiled, fired_frames, self.labels, self._manifests))
                if columnar.native():
                    texts = [(c, f.slice(at, _TEXT_ROWS), label, m.pack_hash) for c, f, label, m in packs]
                    heads_text, specs = columnar.rows_specs(head, texts)
                    yield self._text(buffers, heads_text, specs), count
                    continue
                parts = []
                for compiled, fired, label, base in packs:
                    rows = pl.concat([head, fired.slice(at, _TEXT_ROWS)], how="horizontal")
                    parts.append(rows.select(line=compiled.row_json(label, base.pack_hash)))
                if len(parts) == 1:
                    yield parts[0].to_series(), count
                else:
                    yield (
                        pl.concat([p.with_row_index("_row").with_columns(_pack=pl.lit(k)) for k, p in enumerate(parts)])
                        .sort(["_row", "_pack"])
                        .get_column("line"),
                        count,
                    )

    def __iter__(self) -> Iterator[tuple[str, list[BatchRow]]]:
        bases = dict(zip(self.labels, self._manifests))
        width = len(self.packs)
        for frame in self.frames():
            rows: list[BatchRow] = []
            for record in frame.iter_rows(named=True):
                rows.append(
                    _construct(
                        BatchRow,
                        {
                            "profile": record["profile"],
                            "municipality": record["municipality"],
                            "pack": record["pack"],
                            "strengths": tuple(record["strengths"]),
                            "diagnoses": tuple(record["diagnoses"]),
                            "pitfalls": tuple(record["pitfalls"]),
                            "recommendations": tuple(record["recommendations"]),
                            "highest_priority": record["highest_priority"],
                            "questions": None,
                            "manifest": bases[record["pack"]],
                        },
                    )
                )
                if len(rows) == width:
                    yield rows[0].profile, rows
                    rows = []


class _Recording:
    """A file's ``write`` that keeps the :class:`InputError` it raises (for a writer that turns
    it into an error of its own)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.error: Optional[InputError] = None

    def write(self, data: bytes) -> int:
        try:
            written: int = self.handle.write(data)
        except InputError as exc:
            self.error = exc
            raise
        return written


class _RowWriter:
    """Rows written to JSON Lines or CSV as they come (through :func:`open_atomic`)."""

    def __init__(self, handle: Any, fmt: str, header: Optional[list[str]] = None) -> None:
        self.handle, self.fmt = handle, fmt
        self.count = 0
        self.header = header or CSV_HEADER
        if fmt == "csv":
            self.csv = csv.writer(handle, lineterminator="\n")
            self.csv.writerow(self.header)

    def write(self, row: BatchRow) -> None:
        record = row.record()
        if self.fmt == "jsonl":
            self.handle.write(dumps_compact(record) + "\n")
        else:
            self.csv.writerow(
                [
                    "" if record[k] is None else " ".join(record[k]) if isinstance(record[k], list) else record[k]
                    for k in self.header
                ]
            )
        self.count += 1

    def write_lines(self, lines: Any, count: int) -> None:
        """``count`` rows of the columnar engine already made JSON Lines (their text, or a
        string column: :meth:`_ColumnarRun.lines`), to a file opened for bytes."""
        if not hasattr(lines, "to_frame"):  # the text itself: a long stream, not read back
            self.handle.write_through(lines)
            self.count += count
            return
        # polars writes the lines to the file itself, a line each as it is (no quotes: a JSON
        # line holds no raw newline), without a Python object for them all; it turns the error
        # of a failing write (a full disk) into an OSError: the error itself is raised
        sink = _Recording(self.handle)
        try:
            lines.to_frame().write_csv(sink, include_header=False, quote_style="never")
        except OSError:
            if sink.error is not None:
                raise sink.error from None
            raise
        self.count += count

    def write_frame(self, frame: Any) -> None:
        """A frame of rows of the columnar engine, written as :meth:`write` would write them."""
        import polars as pl

        if self.fmt == "jsonl":
            self.handle.write(frame.write_ndjson())
        else:
            lists = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
            self.handle.write(
                frame.with_columns(pl.col(c).list.join(" ") for c in lists).write_csv(include_header=False)
            )
        self.count += frame.height


def _output_format(output: "Union[str, os.PathLike[str]]", fmt: Optional[str]) -> str:
    chosen = fmt or Path(output).suffix.lower().lstrip(".")
    if chosen not in OUTPUT_FORMATS:
        raise InputError(
            f"cannot tell the output format of {Path(output).name}", hint="name it *.jsonl or *.csv, or give --format"
        )
    return chosen


def _manifest_path(output: "Union[str, os.PathLike[str]]") -> Path:
    target = Path(output)
    return target.with_name(target.stem + ".manifest.json")


def _manifest_json(manifest: RunManifest, fire_counts: dict[str, dict[str, int]]) -> str:
    data = {"manifest": manifest.model_dump(mode="json"), "fire_counts": fire_counts}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def batch(
    profiles: Iterable[ProfileLike],
    packs: Union[None, PackLike, Sequence[PackLike]] = None,
    *,
    engine: Optional[str] = None,
    workers: Optional[int] = None,
    client: Any = None,
    progress: Optional[Callable[[int, Optional[int]], None]] = None,
    output: "Union[str, os.PathLike[str], None]" = None,
    fmt: Optional[str] = None,
    keep_rows: bool = True,
    time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
) -> BatchResult:
    """Assess every profile with every pack.

    ``packs`` (default: the shipped pack) are assessed side by side, not stacked. ``workers``
    processes (default: one per core, or none for a list of fewer than :data:`SMALL_BATCH`
    profiles; 1 runs here) or a Dask ``client`` do the work; the result is the same either way. ``progress(done, total)`` is called as profiles complete (``total`` is
    ``None`` when ``profiles`` is an iterator, which is read lazily).

    With ``output`` the rows are written there as they come (JSON Lines or CSV, from ``fmt`` or
    the file's suffix), atomically, and the manifest beside it (``<stem>.manifest.json``). With
    ``keep_rows=False`` the rows are not kept in the result (``result.rows`` is empty): memory
    then does not grow with the number of profiles, for large studies. The rows and the manifest
    are put in place together when the batch ends: the previous manifest is removed first and the
    new one comes last, so a manifest always describes the rows beside it.

    In worker processes, a profile that crashes its worker or takes more than ``time_limit``
    seconds (``None``: no limit) is skipped with the reason (``manifest.skipped``) and the batch
    goes on. A batch run in this process has neither guard: give ``workers=2`` or more for them.
    """
    chosen = _output_format(output, fmt) if output is not None else None
    if output is not None:
        _refuse_outputs_among(profiles, [output, _manifest_path(output)])
    run: Union[_BatchRun, _ColumnarRun]
    run = (
        _ColumnarRun(profiles, packs, workers, client, progress)
        if engine == "columnar"
        else _BatchRun(profiles, packs, engine, workers, client, progress, time_limit)
    )
    kept: list[BatchRow] = []
    written = 0
    staged: Staged = []  # the rows, then the manifest: put in place together at the end
    try:
        with contextlib.ExitStack() as stack:
            header = COLUMNAR_HEADER if engine == "columnar" else CSV_HEADER
            # the columnar engine's JSON Lines are made as text natively and written as bytes
            as_lines = isinstance(run, _ColumnarRun) and not keep_rows and chosen == "jsonl"
            writer = (
                _RowWriter(stack.enter_context(open_atomic(output, staged, binary=as_lines)), chosen, header)
                if output is not None and chosen
                else None
            )
            if isinstance(run, _ColumnarRun) and as_lines:
                for block, count in run.lines():
                    if writer is not None:
                        writer.write_lines(block, count)
                    written += count
            elif isinstance(run, _ColumnarRun) and not keep_rows:
                for frame in run.frames():
                    if writer is not None:
                        writer.write_frame(frame)
                    written += frame.height
            else:
                for _source, rows in run:
                    for row in rows:
                        if writer is not None:
                            writer.write(row)
                        if keep_rows:
                            kept.append(row)
                    written += len(rows)
            manifest = run.manifest()
        result = BatchResult(rows=tuple(kept), row_count=written, fire_counts=run.fire_counts, manifest=manifest)
        if output is not None:
            with open_atomic(_manifest_path(output), staged) as handle:
                handle.write(result.manifest_json())
            commit_staged(staged)  # the old manifest goes first, the new one comes last
    finally:
        discard_staged(staged)
    return result


# --------------------------------------------------------------------------------------------
# comparing packs


class RuleAgreement(_Result):
    """How a variant and the baseline agree on one rule across the profiles.

    ``agreement`` is the share of profiles on which both fire it or both do not; ``kappa`` is
    Cohen's kappa of the two (``None`` when both fire it on every profile or on none: then chance
    explains all agreement and kappa is undefined).
    """

    rule_id: str
    kind: str
    in_baseline: bool
    in_variant: bool
    baseline_fired: int
    variant_fired: int
    both: int
    neither: int
    agreement: float
    kappa: Optional[float]

    @property
    def disagreements(self) -> int:
        return self.baseline_fired + self.variant_fired - 2 * self.both


class ProfileDifference(_Result):
    """One profile on which a variant's advice differs from the baseline's."""

    profile: str
    only_baseline: tuple[str, ...]
    only_variant: tuple[str, ...]
    plan_differs: bool
    """The recommendations, in plan order, differ (also when the same ones fire in a new order)."""


class PackDiff(_Result):
    """How a variant's rules differ from the baseline's, as written."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: dict[str, tuple[str, ...]]
    """For each rule in both, the fields that differ."""


class VariantComparison(_Result):
    baseline: str
    variant: str
    profiles: int
    identical_profiles: int
    """Profiles on which the same rules fire."""
    identical_plans: int
    """Profiles with the same recommendations in the same order."""
    mean_agreement: float
    """Mean of the per-rule agreement over every rule in either pack."""
    pooled_kappa: Optional[float]
    """Cohen's kappa over every (profile, rule) decision pooled."""
    diff: PackDiff
    rules: tuple[RuleAgreement, ...]
    differences: tuple[ProfileDifference, ...]


class Comparison(_Result):
    """Each variant (every pack after the first) compared with the baseline (the first)."""

    comparisons: tuple[VariantComparison, ...]
    manifest: RunManifest

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def cohen_kappa(both: int, only_a: int, only_b: int, neither: int) -> Optional[float]:
    """Cohen's kappa of two yes/no raters; ``None`` when chance agreement is total."""
    n = both + only_a + only_b + neither
    if n == 0:
        return None
    observed = (both + neither) / n
    p_a = (both + only_a) / n
    p_b = (both + only_b) / n
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    if expected >= 1:
        return None
    return _round((observed - expected) / (1 - expected))


def _round(value: float) -> float:
    return round(value, 6) + 0.0


def pack_diff(baseline: RulePack, variant: RulePack) -> PackDiff:
    base, other = baseline.by_id, variant.by_id
    changed: dict[str, tuple[str, ...]] = {}
    for rule_id in base:
        if rule_id in other:
            a = base[rule_id].model_dump(mode="json")
            b = other[rule_id].model_dump(mode="json")
            fields = tuple(k for k in a if k != "id" and a[k] != b.get(k))
            if baseline.recommended_by.get(rule_id) != variant.recommended_by.get(rule_id):
                fields += ("recommended_by",)
            if fields:
                changed[rule_id] = fields
    return PackDiff(
        added=tuple(r for r in other if r not in base),
        removed=tuple(r for r in base if r not in other),
        changed=changed,
    )


class _Tally:
    """How a variant and the baseline agree, profile by profile, as the rows come."""

    def __init__(self, baseline: RulePack, variant: RulePack) -> None:
        self.baseline, self.variant = baseline, variant
        rule_ids = [r.id for r in baseline.rules] + [r.id for r in variant.rules if r.id not in baseline.by_id]
        self.tallies = {rule_id: [0, 0, 0, 0] for rule_id in rule_ids}  # both, only baseline, only variant, neither
        self.differences: list[ProfileDifference] = []
        self.n = self.identical = self.same_plan = 0

    def add(self, a: BatchRow, b: BatchRow) -> None:
        fa, fb = a.fired, b.fired
        for rule_id, tally in self.tallies.items():
            tally[0 if (rule_id in fa and rule_id in fb) else 1 if rule_id in fa else 2 if rule_id in fb else 3] += 1
        self.n += 1
        self.identical += fa == fb
        self.same_plan += a.recommendations == b.recommendations
        if fa != fb or a.recommendations != b.recommendations:
            self.differences.append(
                ProfileDifference(
                    profile=a.profile,
                    only_baseline=tuple(sorted(fa - fb)),
                    only_variant=tuple(sorted(fb - fa)),
                    plan_differs=a.recommendations != b.recommendations,
                )
            )

    def add_frames(self, fired_a: Any, fired_b: Any, rows_a: Any, rows_b: Any) -> None:
        """:meth:`add` for a chunk of profiles of the columnar engine, column by column."""
        import polars as pl

        n = fired_a.height
        never = pl.repeat(False, n, eager=True)
        identical = pl.repeat(True, n, eager=True)
        for rule_id, tally in self.tallies.items():
            column = "@" + rule_id
            a = fired_a.get_column(column) if column in fired_a.columns else never
            b = fired_b.get_column(column) if column in fired_b.columns else never
            both, only_a, only_b = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
            tally[0] += both
            tally[1] += only_a
            tally[2] += only_b
            tally[3] += n - both - only_a - only_b
            identical = identical & (a == b)
        same_plan = pl.Series(
            [
                x == y
                for x, y in zip(
                    rows_a.get_column("recommendations").to_list(), rows_b.get_column("recommendations").to_list()
                )
            ],
            dtype=pl.Boolean,
        )
        self.n += n
        self.identical += int(identical.sum())
        self.same_plan += int(same_plan.sum())
        differ = (~identical | ~same_plan).arg_true().to_list()
        if differ:
            pick = pl.Series(differ)
            a_rows, b_rows = rows_a[pick], rows_b[pick]
            for a, b in zip(a_rows.iter_rows(named=True), b_rows.iter_rows(named=True)):
                fa, fb = set(a["fired"]), set(b["fired"])
                self.differences.append(
                    ProfileDifference(
                        profile=a["profile"],
                        only_baseline=tuple(sorted(fa - fb)),
                        only_variant=tuple(sorted(fb - fa)),
                        plan_differs=a["recommendations"] != b["recommendations"],
                    )
                )

    def result(self, baseline_label: str, variant_label: str) -> VariantComparison:
        n, baseline, variant = self.n, self.baseline, self.variant
        agreements = []
        pooled = [0, 0, 0, 0]
        for rule_id, (both, only_a, only_b, neither) in self.tallies.items():
            rule = baseline.by_id.get(rule_id) or variant.by_id[rule_id]
            pooled = [pooled[0] + both, pooled[1] + only_a, pooled[2] + only_b, pooled[3] + neither]
            agreements.append(
                RuleAgreement(
                    rule_id=rule_id,
                    kind=rule.kind,
                    in_baseline=rule_id in baseline.by_id,
                    in_variant=rule_id in variant.by_id,
                    baseline_fired=both + only_a,
                    variant_fired=both + only_b,
                    both=both,
                    neither=neither,
                    agreement=_round((both + neither) / n) if n else 1.0,
                    kappa=cohen_kappa(both, only_a, only_b, neither),
                )
            )
        mean = _round(sum(a.agreement for a in agreements) / len(agreements)) if agreements else 1.0
        return VariantComparison(
            baseline=baseline_label,
            variant=variant_label,
            profiles=n,
            identical_profiles=self.identical,
            identical_plans=self.same_plan,
            mean_agreement=mean,
            pooled_kappa=cohen_kappa(*pooled),
            diff=pack_diff(baseline, variant),
            rules=tuple(agreements),
            differences=tuple(self.differences),
        )


def compare(
    profiles: Iterable[ProfileLike],
    packs: Sequence[PackLike],
    *,
    engine: Optional[str] = None,
    workers: Optional[int] = None,
    client: Any = None,
    progress: Optional[Callable[[int, Optional[int]], None]] = None,
    output: "Union[str, os.PathLike[str], None]" = None,
    time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
) -> Comparison:
    """Assess every profile with every pack and compare each pack after the first with the first.

    Profiles are read and compared as they come (memory grows only with the profiles where the
    packs differ). With ``output`` the comparison is also written there as JSON (atomically).
    """
    loaded = load_packs(list(packs))
    if len(loaded) < 2:
        raise InputError(
            "compare needs at least two rule packs", hint="give --rules twice: the baseline first, then the variant"
        )
    if output is not None:
        _refuse_outputs_among(profiles, [output])
    run: Union[_BatchRun, _ColumnarRun]
    run = (
        _ColumnarRun(profiles, loaded, workers, client, progress)
        if engine == "columnar"
        else _BatchRun(profiles, loaded, engine, workers, client, progress, time_limit)
    )
    tallies = [_Tally(loaded[0], other) for other in loaded[1:]]
    if isinstance(run, _ColumnarRun):
        for _labels, fired, parts in run.chunks():
            for tally, other_fired, other_rows in zip(tallies, fired[1:], parts[1:]):
                tally.add_frames(fired[0], other_fired, parts[0], other_rows)
    else:
        for _source, rows in run:
            for tally, row in zip(tallies, rows[1:]):
                tally.add(rows[0], row)
    comparison = Comparison(
        comparisons=tuple(tally.result(run.labels[0], label) for tally, label in zip(tallies, run.labels[1:])),
        manifest=run.manifest(),
    )
    if output is not None:
        write_atomic(Path(output), comparison.to_json())
    return comparison


# --------------------------------------------------------------------------------------------
# synthetic profiles


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FieldOptions(_Options):
    """How to draw one field: weights per value, a numeric range, and how often it is unknown."""

    weights: Optional[dict[str, float]] = None
    min: Optional[float] = None
    max: Optional[float] = None
    unknown_rate: Optional[float] = Field(None, ge=0, le=1)


class ArenaOptions(_Options):
    min: int = Field(0, ge=0, le=500)
    max: int = Field(4, ge=0, le=500)
    unknown_rate: float = Field(0.1, ge=0, le=1)
    """How often the list of arenas as a whole is unknown."""


class SampleOptions(_Options):
    """Distributions for :func:`sample_profiles`; every field is optional.

    ``fields`` and ``arena_fields`` are keyed by fact path (``plan.co_creation_status``) and arena
    field (``ladder_level``). Without weights, values are equally likely; with weights, values
    left out of them are never drawn. Numbers are drawn evenly between ``min`` and ``max`` (by
    default the model's bounds), or evenly on a log scale where the range spans 100 or more.
    """

    unknown_rate: float = Field(0.3, ge=0, le=1)
    fields: dict[str, FieldOptions] = {}
    arenas: ArenaOptions = ArenaOptions()
    arena_fields: dict[str, FieldOptions] = {}


def _sampled_fields() -> dict[str, FieldSpec]:
    return {path: spec for path, spec in profile_fields().items() if path not in DERIVED_ARENA_FACTS}


def load_sample_options(path: "Union[str, os.PathLike[str]]") -> SampleOptions:
    """Read and check a sampling options file (YAML or JSON)."""
    doc = read_file(path, InputError, "options")
    try:
        options = SampleOptions.model_validate(doc.data or {})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        raise InputError(
            error["msg"], file=doc.file, path=loc, line=doc.line_of(loc), hint="see `advisor sample --help`"
        ) from None
    problem = _check_options(options)
    if problem is not None:
        loc, message, hint = problem
        raise InputError(message, file=doc.file, path=loc, line=doc.line_of(loc), hint=hint)
    return options


def _check_options(options: SampleOptions) -> Optional[tuple[tuple[Any, ...], str, str]]:
    if options.arenas.min > options.arenas.max:
        return ("arenas",), "arenas: min is above max", "swap them"
    for section, fields in (("fields", _sampled_fields()), ("arena_fields", arena_fields())):
        for path, opts in getattr(options, section).items():
            spec = fields.get(path)
            if spec is None:
                match = did_you_mean(path, fields)
                return (
                    (section, path),
                    f"unknown field {path!r}",
                    f"did you mean {match!r}?" if match else "see docs/PROFILE.md",
                )
            if opts.weights is not None:
                allowed = _weight_keys(spec)
                for key, weight in opts.weights.items():
                    if allowed is not None and key not in allowed:
                        return (
                            (section, path, "weights", key),
                            f"{key!r} is not a value of {path}",
                            "use one of " + ", ".join(allowed),
                        )
                    if allowed is None and spec.kind in ("int", "float"):
                        try:
                            float(key)
                        except ValueError:
                            return (
                                (section, path, "weights", key),
                                f"{key!r} is not a number",
                                "weights of a number field are keyed by value",
                            )
                    if weight < 0:
                        return (
                            (section, path, "weights", key),
                            "a weight cannot be negative",
                            "use 0 to leave a value out",
                        )
                if not any(w > 0 for w in opts.weights.values()):
                    return (section, path, "weights"), "every weight is 0", "give some value a positive weight"
            if (opts.min is not None or opts.max is not None) and spec.kind not in ("int", "float"):
                return (section, path), f"{path} is not a number, so min and max do not apply", "use weights"
            lo, hi = _range(spec, path, section == "arena_fields", opts)
            if lo > hi:
                return (
                    (section, path),
                    f"{path}: min {lo} is above max {hi}",
                    "check the range and the field's bounds in docs/PROFILE.md",
                )
    return None


def _weight_keys(spec: FieldSpec) -> Optional[list[str]]:
    if spec.kind in ("ordinal", "nominal"):
        return list(spec.values)
    if spec.kind == "bool":
        return ["true", "false"]
    return None


def _model_bounds(path: str, in_arena: bool) -> tuple[Optional[float], Optional[float]]:
    from ..tools.packcheck import _bounds

    return _bounds(path, in_arena)


def _range(spec: FieldSpec, path: str, in_arena: bool, opts: Optional[FieldOptions]) -> tuple[float, float]:
    lo, hi = _model_bounds(path, in_arena)
    lo = 0 if lo is None else lo
    hi = (lo + 100) if hi is None else hi
    if opts is not None and opts.min is not None:
        lo = max(lo, opts.min)
    if opts is not None and opts.max is not None:
        hi = min(hi, opts.max)
    return float(lo), float(hi)


def _draw(
    rng: random.Random, spec: FieldSpec, path: str, in_arena: bool, opts: Optional[FieldOptions], label: str
) -> Any:
    if opts is not None and opts.weights is not None:
        keys = [k for k, w in opts.weights.items() if w > 0]
        key = rng.choices(keys, weights=[opts.weights[k] for k in keys])[0]
        if spec.kind == "bool":
            return key == "true"
        if spec.kind == "int":
            return int(float(key))
        if spec.kind == "float":
            return float(key)
        return key
    if spec.kind in ("ordinal", "nominal"):
        return rng.choice(spec.values)
    if spec.kind == "bool":
        return rng.random() < 0.5
    if spec.kind in ("int", "float"):
        lo, hi = _range(spec, path, in_arena, opts)
        if hi - lo >= 100 and hi > 1:
            value = math.exp(rng.uniform(math.log(max(lo, 1.0)), math.log(hi)))
        else:
            value = rng.uniform(lo, hi)
        if spec.kind == "int":
            return min(int(hi), max(math.ceil(lo), int(round(value))))
        return min(hi, max(lo, round(value, 2)))
    leaf = path.rsplit(".", 1)[-1]
    return label if leaf == "name" else f"{leaf} {rng.randrange(1000):03d}"


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in values.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _sample_one(seed: Union[int, str], index: int, options: SampleOptions) -> Profile:
    rng = random.Random(f"advisor-sample:{seed}:{index}")
    values: dict[str, Any] = {}
    for path, spec in _sampled_fields().items():
        opts = options.fields.get(path)
        rate = opts.unknown_rate if opts is not None and opts.unknown_rate is not None else options.unknown_rate
        if rng.random() < rate:
            continue
        values[path] = _draw(rng, spec, path, False, opts, f"Sample {index + 1:04d}")
    data = _nested(values)
    arenas_opts = options.arenas
    if rng.random() >= arenas_opts.unknown_rate:
        arenas = []
        for j in range(rng.randint(arenas_opts.min, arenas_opts.max)):
            arena: dict[str, Any] = {}
            for path, spec in arena_fields().items():
                opts = options.arena_fields.get(path)
                rate = opts.unknown_rate if opts is not None and opts.unknown_rate is not None else options.unknown_rate
                if rng.random() < rate:
                    continue
                arena[path] = _draw(rng, spec, path, True, opts, f"Arena {j + 1}")
            arenas.append(_nested(arena))
        data["arenas"] = arenas
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:  # options that the model refuses: say which field
        error = exc.errors()[0]
        raise InputError(
            f"a sampled profile is invalid at {'.'.join(map(str, error['loc']))}: {error['msg']}",
            hint="check the sampling options for that field",
        ) from None


def iter_sample_profiles(
    n: int,
    seed: Union[int, str] = 0,
    *,
    unknown_rate: Optional[float] = None,
    options: Optional[SampleOptions] = None,
) -> Iterator[Profile]:
    """:func:`sample_profiles`, one at a time: for studies too large to hold in memory."""
    if n < 0:
        raise InputError(f"cannot sample {n} profiles", hint="give --n 0 or more")
    options = options or SampleOptions()
    if unknown_rate is not None:
        if not 0 <= unknown_rate <= 1:
            raise InputError(f"unknown rate {unknown_rate} is not between 0 and 1", hint="give --unknown-rate 0.3, say")
        options = options.model_copy(update={"unknown_rate": unknown_rate})
    return (_sample_one(seed, i, options) for i in range(n))


def sample_profiles(
    n: int,
    seed: Union[int, str] = 0,
    *,
    unknown_rate: Optional[float] = None,
    options: Optional[SampleOptions] = None,
) -> list[Profile]:
    """``n`` valid random profiles, the same for the same seed (and the same profile model).

    Profile ``i`` depends only on ``seed`` and ``i``: the first 10 of 100 are the 10 of ``n=10``.
    Every field of the model is drawn (see :class:`SampleOptions`); ``unknown_rate`` (default 0.3)
    is the chance that a field is left unknown.
    """
    return list(iter_sample_profiles(n, seed, unknown_rate=unknown_rate, options=options))


def _write_parquet(
    profiles: Iterable[Profile],
    target: Path,
    total: Optional[int],
    progress: Optional[Callable[[int, Optional[int]], None]],
) -> Path:
    """The profiles as one Parquet file: the frame of the columnar engine (a column per section,
    typed as the model), as `advisor batch FILE.parquet --engine columnar` reads it fastest."""
    from ..engine import columnar

    columnar.require()
    import polars as pl

    frames, pending = [], []
    for done, profile in enumerate(profiles, 1):
        pending.append(profile)
        if len(pending) == columnar.CHUNK_ROWS:
            frames.append(columnar.profiles_frame(pending))
            pending = []
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)
    frames.append(columnar.profiles_frame(pending))
    buffer = io.BytesIO()
    pl.concat(frames).write_parquet(buffer)
    with open_atomic(target, binary=True) as handle:
        handle.write(buffer.getvalue())
    return target


def write_samples(
    profiles: Iterable[Profile],
    directory: "Union[str, os.PathLike[str]]",
    *,
    fmt: str = "yaml",
    note: str = "",
    total: Optional[int] = None,
    progress: Optional[Callable[[int, Optional[int]], None]] = None,
) -> list[Path]:
    """Write each profile to ``directory/sample-NNNN.yaml`` (or ``.json``), atomically; with
    ``fmt="jsonl"`` write them all to the file ``directory``, one a line (JSON Lines), as they come;
    with ``fmt="parquet"`` all to the Parquet file ``directory``, a profile a row (needs the
    ``columnar`` extra; the profiles' columns are held until they are written).

    ``profiles`` may be an iterator (written as it goes); then give ``total``, their number.
    ``progress(done, total)`` is called every 100 profiles and at the end, as in :func:`batch`."""
    if fmt not in ("yaml", "json", "jsonl", "parquet"):
        raise InputError(f"unknown profile format {fmt!r}", hint="use yaml, json, jsonl or parquet")
    target = Path(directory)
    if fmt in ("jsonl", "parquet") and target.is_dir():
        raise InputError(
            f"{target} is a directory",
            hint=f"with --format {fmt}, -o names the file to write, such as samples.{fmt}",
        )
    if fmt == "parquet":
        return [_write_parquet(profiles, target, total, progress)]
    if fmt == "jsonl":
        with open_atomic(target) as handle:
            for done, profile in enumerate(profiles, 1):
                handle.write(dumps_compact(profile.model_dump(mode="json", exclude_none=True)) + "\n")
                if progress is not None and (done % 100 == 0 or done == total):
                    progress(done, total)
        return [target]
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create directory {target}: {exc.strerror}", hint="check the path and permissions"
        ) from None
    if total is None:
        profiles = list(profiles)
        total = len(profiles)
    width = max(4, len(str(total)))
    written = []
    for i, profile in enumerate(profiles):
        data = profile.model_dump(mode="json", exclude_none=True)
        path = target / f"sample-{i + 1:0{width}d}.{fmt}"
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            header = f"# Synthetic profile {i + 1} of {total}{', ' + note if note else ''}. Not a real municipality.\n"
            import yaml  # here: a batch reads no YAML where its profiles are JSON Lines

            text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        write_atomic(path, text)
        written.append(path)
        if progress is not None and (len(written) % 100 == 0 or len(written) == total):
            progress(len(written), total)
    return written


def sample_format(target: "Union[str, os.PathLike[str]]") -> str:
    """The profile format ``advisor sample -o TARGET`` writes when no ``--format`` is given:
    ``jsonl`` or ``parquet`` for a file so named, else ``yaml`` (a file per profile)."""
    suffix = os.path.splitext(os.fspath(target))[1].lower()
    return {".jsonl": "jsonl", ".parquet": "parquet"}.get(suffix, "yaml")


def sample(
    n: int,
    seed: Union[int, str],
    directory: "Union[str, os.PathLike[str]]",
    *,
    unknown_rate: Optional[float] = None,
    options: "Union[str, os.PathLike[str], SampleOptions, None]" = None,
    fmt: Optional[str] = None,
    progress: Optional[Callable[[int, Optional[int]], None]] = None,
) -> list[Path]:
    """:func:`sample_profiles` and :func:`write_samples` in one call (``advisor sample``).
    ``fmt`` defaults to the suffix of ``directory`` where it names a file of many profiles
    (``*.jsonl``, ``*.parquet``), else ``yaml`` (a directory of files)."""
    if fmt is None:
        fmt = sample_format(directory)
    if options is not None and not isinstance(options, SampleOptions):
        options = load_sample_options(options)
    profiles = iter_sample_profiles(n, seed, unknown_rate=unknown_rate, options=options)
    return write_samples(profiles, directory, fmt=fmt, note=f"advisor sample --seed {seed}", total=n, progress=progress)


# --------------------------------------------------------------------------------------------
# sensitivity: which facts move each finding


class FactInfluence(_Result):
    """How often a finding changes when one fact is resampled and every other fact is kept."""

    fact: str
    """A fact path, or ``arenas`` for the list of arenas as a whole (with its derived facts)."""
    flips: int
    flip_rate: float


class FindingSensitivity(_Result):
    rule_id: str
    kind: str
    fired: int
    """On how many profiles of the sample it fires as they are."""
    facts: tuple[FactInfluence, ...]
    """The facts that move it, most first (those that never do are left out)."""


class Sensitivity(_Result):
    """Per finding, the facts that move it most over a sample (:func:`sensitivity`)."""

    pack: str
    pack_hash: str
    profiles: int
    seed: int
    engine: str
    engine_version: str
    findings: tuple[FindingSensitivity, ...]
    skipped: tuple[SkippedProfile, ...]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def _tested_facts(pack: RulePack) -> list[str]:
    """The facts some rule of ``pack`` tests (in its condition or its ``done_when``), in the
    model's order; arena facts (inside ``any_arena`` or derived) are the one fact ``arenas``."""
    from ..rules.conditions import Compare, walk

    compares = [c for leaves, _refs in pack.leaves.values() for c in leaves]
    compares += [n for rule in pack.rules if rule.guard is not None for n in walk(rule.guard) if isinstance(n, Compare)]
    tested = {c.path if not (c.in_arena or c.path in DERIVED_ARENA_FACTS) else "arenas" for c in compares}
    ordered = [p for p in profile_fields() if p in tested and p not in DERIVED_ARENA_FACTS]
    return ordered + (["arenas"] if "arenas" in tested else [])


def sensitivity(
    profiles: Iterable[ProfileLike],
    pack: Union[None, PackLike] = None,
    *,
    seed: int = 0,
    top: Optional[int] = None,
) -> Sensitivity:
    """Over a sample of profiles, which facts move each finding most.

    For each fact some rule tests, the fact's values are shuffled across the profiles (a seeded
    permutation: each profile gets the value of another, so the fact keeps its distribution in
    the sample, unknowns included) while every other fact stays as it is; a finding's *flip rate*
    for the fact is the share of profiles on which it then fires where it did not, or the other
    way round. The list of arenas is resampled as a whole (with the facts derived from it). Runs
    on the columnar engine (``samskaping-advisor[columnar]``); the same seed and sample give the same result.
    """
    from ..engine import columnar

    columnar.require()
    import polars as pl

    (loaded,) = load_packs(pack if pack is None or isinstance(pack, (RulePack, str, os.PathLike)) else [pack])
    compiled = columnar.columnar_pack(loaded)
    frames: list[Any] = []
    skipped: list[SkippedProfile] = []
    sources = profile_sources(profiles) if isinstance(profiles, (list, tuple)) else iter_profile_sources(profiles)
    for chunk in columnar.read_chunks(sources):
        frames.append(chunk.frame)
        skipped.extend(SkippedProfile(source=label, error=error) for label, error in chunk.skipped)
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=columnar.profile_schema())
    n = frame.height
    if n == 0:
        raise InputError("no profiles to study", hint="give profiles, or --n to sample them")
    facts = columnar.facts_frame(frame)
    base = compiled.fired(facts)
    rules = [c[1:] for c in base.columns]
    influence: dict[str, list[tuple[str, int]]] = {rule_id: [] for rule_id in rules}
    derived = list(DERIVED_ARENA_FACTS)
    for fact in _tested_facts(loaded):
        order = list(range(n))
        random.Random(f"advisor-sensitivity:{seed}:{fact}").shuffle(order)
        permutation = pl.Series(order, dtype=pl.UInt32)
        columns = [fact] if fact != "arenas" else ["arenas", *derived]
        moved = compiled.fired(facts.with_columns(pl.col(c).gather(permutation) for c in columns))
        flips = moved.select([(pl.col(c) != base.get_column(c)).sum() for c in base.columns]).row(0)
        for rule_id, count in zip(rules, flips):
            if count:
                influence[rule_id].append((fact, int(count)))
    fired_counts = dict(zip(rules, base.sum().row(0)))
    findings = []
    for rule in loaded.rules:
        ranked = sorted(influence[rule.id], key=lambda item: (-item[1], item[0]))[: top if top else None]
        findings.append(
            FindingSensitivity(
                rule_id=rule.id,
                kind=rule.kind,
                fired=int(fired_counts[rule.id]),
                facts=tuple(FactInfluence(fact=f, flips=c, flip_rate=_round(c / n)) for f, c in ranked),
            )
        )
    return Sensitivity(
        pack=loaded.info.name,
        pack_hash=loaded.hash,
        profiles=n,
        seed=seed,
        engine="columnar-polars",
        engine_version=columnar.engine_version(),
        findings=tuple(findings),
        skipped=tuple(skipped),
    )
