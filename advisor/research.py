"""The research workflow: many profiles, several rule packs, where they disagree, synthetic profiles.

Everything the commands ``advisor batch``, ``advisor compare`` and ``advisor sample`` do is here,
for use from a notebook::

    from advisor import research
    profiles = research.sample_profiles(500, seed=1)
    result = research.batch(profiles, ["default", "examples/variants/strict-anchoring.yaml"])
    result.fire_counts["strict-anchoring"]["PLAN-001"]
    comparison = research.compare(profiles, ["default", "examples/variants/strict-anchoring.yaml"])
    comparison.comparisons[0].rules          # per-rule agreement, Cohen's kappa

Batches run in parallel over the machine's cores (a process pool; each worker compiles each pack
once), or on a Dask cluster (``client=``, the optional extra ``advisor[distributed]``). The output
does not depend on how the work was spread: rows come in the order of the profiles given, then of
the packs given. A profile that fails validation is reported in ``manifest.skipped`` and left out.
"""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing
import os
import random
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._io import write_atomic
from . import __version__
from ._documents import read_file
from ._profile_io import load_profile
from ._schema import DERIVED_ARENA_FACTS, FieldSpec, arena_fields, profile_fields
from .assessment import Assessment, Manifest, assess
from .errors import EngineError, InputError, ProfileError, did_you_mean
from .profile import Profile
from .rulepack import RulePack
from .variants import load_variant

__all__ = [
    "ProfileLike",
    "PackLike",
    "profile_sources",
    "load_packs",
    "pack_labels",
    "BatchRow",
    "PackManifest",
    "ProfileManifest",
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
    "write_samples",
    "sample",
    "write_atomic",
]

#: A profile to assess: a file, a directory of profile files, a Profile, or ``(label, Profile)``.
ProfileLike = Union[str, "os.PathLike[str]", Profile, tuple[str, Profile]]
#: A rule pack: a loaded pack, a pack file or directory (or variant), or a list of them (stacked).
PackLike = Union[RulePack, str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
OUTPUT_FORMATS = ("jsonl", "csv")
ENGINES = ("durable", "python")


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


# --------------------------------------------------------------------------------------------
# inputs


def profile_sources(items: Iterable[ProfileLike]) -> list[tuple[str, Union[str, Profile]]]:
    """``(label, path or Profile)`` for each profile: directories give their profile files, sorted."""
    out: list[tuple[str, Union[str, Profile]]] = []
    for item in items:
        if isinstance(item, Profile):
            out.append((f"#{len(out) + 1}", item))
        elif isinstance(item, tuple):
            label, profile = item
            out.append((str(label), profile))
        else:
            path = Path(item)
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PROFILE_SUFFIXES and not p.name.startswith("."))
                out.extend((str(p), str(p)) for p in files)
            else:
                out.append((os.fspath(item), os.fspath(item)))
    if not out:
        raise InputError("no profiles to assess", hint="give profile files, or directories holding *.yaml / *.json profiles")
    return out


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
        out.append(item if isinstance(item, RulePack) else load_variant(item))  # type: ignore[arg-type]
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
    diagnoses: tuple[str, ...]
    pitfalls: tuple[str, ...]
    recommendations: tuple[str, ...]
    """In plan order."""
    highest_priority: Optional[str]
    questions: int
    manifest: Manifest

    @property
    def fired(self) -> frozenset[str]:
        return frozenset(self.diagnoses + self.pitfalls + self.recommendations)

    def record(self) -> dict[str, Any]:
        """The row as written to JSON Lines and CSV."""
        return {
            "profile": self.profile,
            "municipality": self.municipality,
            "pack": self.pack,
            "pack_hash": self.manifest.pack_hash,
            "profile_hash": self.manifest.profile_hash,
            "highest_priority": self.highest_priority,
            "questions": self.questions,
            "fired": sorted(self.fired),
            "diagnoses": list(self.diagnoses),
            "pitfalls": list(self.pitfalls),
            "recommendations": list(self.recommendations),
        }


class PackManifest(_Result):
    label: str
    name: str
    version: str
    hash: str
    origin: str
    rules_enabled: tuple[str, ...]


class ProfileManifest(_Result):
    source: str
    hash: str


class SkippedProfile(_Result):
    source: str
    error: str


class RunManifest(_Result):
    """What is needed to reproduce a batch or a comparison."""

    advisor_version: str
    engine: str
    engine_version: str
    packs: tuple[PackManifest, ...]
    profiles: tuple[ProfileManifest, ...]
    skipped: tuple[SkippedProfile, ...]


class BatchResult(_Result):
    """Every profile assessed with every pack."""

    rows: tuple[BatchRow, ...]
    """Profile by profile in the order given, each with every pack in the order given."""
    fire_counts: dict[str, dict[str, int]]
    """For each pack label, how many profiles each of its rules fired on (zeros included)."""
    manifest: RunManifest

    @property
    def skipped(self) -> tuple[SkippedProfile, ...]:
        return self.manifest.skipped

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.manifest.packs]

    def to_jsonl(self) -> str:
        return "".join(json.dumps(row.record(), ensure_ascii=False, separators=(",", ":")) + "\n" for row in self.rows)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        header = ["profile", "municipality", "pack", "pack_hash", "profile_hash", "highest_priority", "questions", "fired", "diagnoses", "pitfalls", "recommendations"]
        writer.writerow(header)
        for row in self.rows:
            record = row.record()
            writer.writerow(["" if record[k] is None else " ".join(record[k]) if isinstance(record[k], list) else record[k] for k in header])
        return buffer.getvalue()

    def manifest_json(self) -> str:
        data = {"manifest": self.manifest.model_dump(mode="json"), "fire_counts": self.fire_counts}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write(self, path: "Union[str, os.PathLike[str]]", fmt: Optional[str] = None) -> tuple[Path, Path]:
        """Write the rows (JSON Lines or CSV, from ``fmt`` or the file's suffix) and, beside them,
        ``<stem>.manifest.json``. Both are written atomically. Returns both paths."""
        target = Path(path)
        fmt = fmt or target.suffix.lower().lstrip(".")
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"cannot tell the output format of {target.name}", hint="name it *.jsonl or *.csv, or give --format")
        write_atomic(target, self.to_jsonl() if fmt == "jsonl" else self.to_csv())
        manifest = target.with_name(target.stem + ".manifest.json")
        write_atomic(manifest, self.manifest_json())
        return target, manifest


# --------------------------------------------------------------------------------------------
# running: in this process, in a process pool, or on Dask

_WORKER: dict[str, Any] = {}
_ASSESS_LOCK = threading.Lock()  # one assessment at a time per process: threads share the engine

Task = tuple[int, str, Union[str, Profile]]
Outcome = tuple[int, Optional[list[tuple[Any, ...]]], Optional[tuple[str, str]]]


def _init_worker(packs: Sequence[RulePack], engine: str) -> None:
    _WORKER["packs"] = tuple(packs)
    _WORKER["engine"] = engine


class _Bundle:
    """The packs and the engine, sent to the Dask workers with each chunk of profiles."""

    def __init__(self, packs: Sequence[RulePack], engine: str) -> None:
        self.packs = tuple(packs)
        self.engine = engine


def _brief(result: Assessment) -> tuple[Any, ...]:
    return (
        result.municipality,
        tuple(f.rule_id for f in result.diagnoses),
        tuple(f.rule_id for f in result.pitfalls),
        tuple(f.rule_id for f in result.recommendations),
        result.highest_priority(),
        len(result.questions),
        result.manifest,
    )


def _assess_chunk(chunk: Sequence[Task], packs: Optional[Sequence[RulePack]] = None, engine: Optional[str] = None) -> list[Outcome]:
    """Assess a chunk of profiles with every pack (in a worker, or here)."""
    packs = packs if packs is not None else _WORKER["packs"]
    engine = engine or _WORKER.get("engine", "durable")
    out: list[Outcome] = []
    with _ASSESS_LOCK:
        for index, _label, item in chunk:
            try:
                profile = item if isinstance(item, Profile) else load_profile(item)
            except ProfileError as exc:
                out.append((index, None, ("profile", exc.one_line())))
                continue
            try:
                out.append((index, [_brief(assess(profile, pack, engine=engine)) for pack in packs], None))
            except EngineError as exc:
                out.append((index, None, ("engine", exc.one_line())))
    return out


def _assess_bundle(chunk: Sequence[Task], bundle: _Bundle) -> list[Outcome]:
    return _assess_chunk(chunk, bundle.packs, bundle.engine)


def _mp_context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _chunked(tasks: Sequence[Task], workers: int) -> list[list[Task]]:
    size = max(1, min(64, math.ceil(len(tasks) / (workers * 4))))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def _run(
    tasks: Sequence[Task],
    packs: Sequence[RulePack],
    engine: str,
    workers: Optional[int],
    client: Any,
    progress: Optional[Callable[[int, int], None]],
) -> dict[int, Outcome]:
    results: dict[int, Outcome] = {}
    total = len(tasks)

    def take(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            results[outcome[0]] = outcome
        if progress is not None:
            progress(len(results), total)

    if client is not None:
        from distributed import as_completed as dask_completed

        chunks = _chunked(tasks, max(1, sum(client.nthreads().values()) if hasattr(client, "nthreads") else 1))
        # The bundle goes with each task: scattering it first (broadcast) raced with the tasks on
        # a local cluster ("lost dependencies"), and there are only a few chunks per worker.
        bundle = _Bundle(packs, engine)
        futures = [client.submit(_assess_bundle, chunk, bundle, pure=False) for chunk in chunks]
        for future in dask_completed(futures):
            take(future.result())
        return results
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 1:
        raise InputError(f"--workers must be at least 1, not {count}", hint="give a positive number")
    chunks = _chunked(tasks, count)
    if count == 1 or len(chunks) == 1:
        for chunk in chunks:
            take(_assess_chunk(chunk, packs, engine))
        return results
    with ProcessPoolExecutor(max_workers=min(count, len(chunks)), mp_context=_mp_context(), initializer=_init_worker, initargs=(tuple(packs), engine)) as pool:
        futures = [pool.submit(_assess_chunk, chunk) for chunk in chunks]
        for future in as_completed(futures):
            take(future.result())
    return results


def _engine_label(engine: str) -> tuple[str, str]:
    from ._engine import ENGINE_NAME, engine_version

    if engine == "durable":
        return ENGINE_NAME, engine_version()
    return "python-reference", __version__


def batch(
    profiles: Iterable[ProfileLike],
    packs: Union[None, PackLike, Sequence[PackLike]] = None,
    *,
    engine: str = "durable",
    workers: Optional[int] = None,
    client: Any = None,
    progress: Optional[Callable[[int, int], None]] = None,
    output: "Union[str, os.PathLike[str], None]" = None,
    fmt: Optional[str] = None,
) -> BatchResult:
    """Assess every profile with every pack.

    ``packs`` (default: the shipped pack) are assessed side by side, not stacked. ``workers``
    processes (default: one per core; 1 runs here) or a Dask ``client`` do the work; the result is
    the same either way. ``progress(done, total)`` is called as profiles complete. With ``output``
    the rows and the manifest are written too (see :meth:`BatchResult.write`).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint="use durable or python")
    if output is not None:
        suffix = (fmt or Path(output).suffix.lower().lstrip("."))
        if suffix not in OUTPUT_FORMATS:
            raise InputError(f"cannot tell the output format of {Path(output).name}", hint="name it *.jsonl or *.csv, or give --format")
    sources = profile_sources(profiles)
    loaded = load_packs(packs)
    labels = pack_labels(loaded)
    tasks = [(i, label, item) for i, (label, item) in enumerate(sources)]
    outcomes = _run(tasks, loaded, engine, workers, client, progress)

    rows: list[BatchRow] = []
    seen_profiles: list[ProfileManifest] = []
    skipped: list[SkippedProfile] = []
    counts: dict[str, dict[str, int]] = {label: {r.id: 0 for r in pack.rules} for label, pack in zip(labels, loaded)}
    for index, (label, _item) in enumerate(sources):
        _, briefs, error = outcomes[index]
        if error is not None:
            if error[0] == "engine":
                raise EngineError(error[1], hint="this is a bug in advisor; please report it with the profile")
            skipped.append(SkippedProfile(source=label, error=error[1]))
            continue
        assert briefs is not None
        seen_profiles.append(ProfileManifest(source=label, hash=briefs[0][6].profile_hash))
        for pack_label, brief in zip(labels, briefs):
            municipality, diagnoses, pitfalls, recommendations, highest, questions, manifest = brief
            row = BatchRow(
                profile=label,
                municipality=municipality,
                pack=pack_label,
                diagnoses=diagnoses,
                pitfalls=pitfalls,
                recommendations=recommendations,
                highest_priority=highest,
                questions=questions,
                manifest=manifest,
            )
            rows.append(row)
            for rule_id in row.fired:
                counts[pack_label][rule_id] += 1
    engine_name, engine_version = _engine_label(engine)
    manifest = RunManifest(
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
                rules_enabled=tuple(r.id for r in pack.rules),
            )
            for label, pack in zip(labels, loaded)
        ),
        profiles=tuple(seen_profiles),
        skipped=tuple(skipped),
    )
    result = BatchResult(rows=tuple(rows), fire_counts=counts, manifest=manifest)
    if output is not None:
        result.write(output, fmt)
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


def _compare_two(result: BatchResult, packs: Sequence[RulePack], base_i: int, other_i: int) -> VariantComparison:
    labels = result.labels
    width = len(labels)
    per_profile = [result.rows[i : i + width] for i in range(0, len(result.rows), width)]
    baseline, variant = packs[base_i], packs[other_i]
    rule_ids = [r.id for r in baseline.rules] + [r.id for r in variant.rules if r.id not in baseline.by_id]
    tallies = {rule_id: [0, 0, 0, 0] for rule_id in rule_ids}  # both, only baseline, only variant, neither
    differences = []
    identical = same_plan = 0
    for rows in per_profile:
        a, b = rows[base_i], rows[other_i]
        fa, fb = a.fired, b.fired
        for rule_id, tally in tallies.items():
            tally[0 if (rule_id in fa and rule_id in fb) else 1 if rule_id in fa else 2 if rule_id in fb else 3] += 1
        identical += fa == fb
        same_plan += a.recommendations == b.recommendations
        if fa != fb or a.recommendations != b.recommendations:
            differences.append(
                ProfileDifference(
                    profile=a.profile,
                    only_baseline=tuple(sorted(fa - fb)),
                    only_variant=tuple(sorted(fb - fa)),
                    plan_differs=a.recommendations != b.recommendations,
                )
            )
    n = len(per_profile)
    agreements = []
    pooled = [0, 0, 0, 0]
    for rule_id, (both, only_a, only_b, neither) in tallies.items():
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
        baseline=labels[base_i],
        variant=labels[other_i],
        profiles=n,
        identical_profiles=identical,
        identical_plans=same_plan,
        mean_agreement=mean,
        pooled_kappa=cohen_kappa(*pooled),
        diff=pack_diff(baseline, variant),
        rules=tuple(agreements),
        differences=tuple(differences),
    )


def compare(
    profiles: Iterable[ProfileLike],
    packs: Sequence[PackLike],
    *,
    engine: str = "durable",
    workers: Optional[int] = None,
    client: Any = None,
    progress: Optional[Callable[[int, int], None]] = None,
    output: "Union[str, os.PathLike[str], None]" = None,
) -> Comparison:
    """Assess every profile with every pack and compare each pack after the first with the first.

    With ``output`` the comparison is also written there as JSON (atomically).
    """
    loaded = load_packs(list(packs))
    if len(loaded) < 2:
        raise InputError("compare needs at least two rule packs", hint="give --rules twice: the baseline first, then the variant")
    result = batch(profiles, loaded, engine=engine, workers=workers, client=client, progress=progress)
    comparison = Comparison(
        comparisons=tuple(_compare_two(result, loaded, 0, i) for i in range(1, len(loaded))),
        manifest=result.manifest,
    )
    if output is not None:
        write_atomic(Path(output), comparison.to_json())
    return comparison


# --------------------------------------------------------------------------------------------
# synthetic profiles


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
        raise InputError(error["msg"], file=doc.file, path=loc, line=doc.line_of(loc), hint="see `advisor sample --help`") from None
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
                return (section, path), f"unknown field {path!r}", f"did you mean {match!r}?" if match else "see docs/PROFILE.md"
            if opts.weights is not None:
                allowed = _weight_keys(spec)
                for key, weight in opts.weights.items():
                    if allowed is not None and key not in allowed:
                        return (section, path, "weights", key), f"{key!r} is not a value of {path}", "use one of " + ", ".join(allowed)
                    if allowed is None and spec.kind in ("int", "float"):
                        try:
                            float(key)
                        except ValueError:
                            return (section, path, "weights", key), f"{key!r} is not a number", "weights of a number field are keyed by value"
                    if weight < 0:
                        return (section, path, "weights", key), "a weight cannot be negative", "use 0 to leave a value out"
                if not any(w > 0 for w in opts.weights.values()):
                    return (section, path, "weights"), "every weight is 0", "give some value a positive weight"
            if (opts.min is not None or opts.max is not None) and spec.kind not in ("int", "float"):
                return (section, path), f"{path} is not a number, so min and max do not apply", "use weights"
            lo, hi = _range(spec, path, section == "arena_fields", opts)
            if lo > hi:
                return (section, path), f"{path}: min {lo} is above max {hi}", "check the range and the field's bounds in docs/PROFILE.md"
    return None


def _weight_keys(spec: FieldSpec) -> Optional[list[str]]:
    if spec.kind in ("ordinal", "nominal"):
        return list(spec.values)
    if spec.kind == "bool":
        return ["true", "false"]
    return None


def _model_bounds(path: str, in_arena: bool) -> tuple[Optional[float], Optional[float]]:
    from .packcheck import _bounds

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


def _draw(rng: random.Random, spec: FieldSpec, path: str, in_arena: bool, opts: Optional[FieldOptions], label: str) -> Any:
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
    if n < 0:
        raise InputError(f"cannot sample {n} profiles", hint="give --n 0 or more")
    options = options or SampleOptions()
    if unknown_rate is not None:
        if not 0 <= unknown_rate <= 1:
            raise InputError(f"unknown rate {unknown_rate} is not between 0 and 1", hint="give --unknown-rate 0.3, say")
        options = options.model_copy(update={"unknown_rate": unknown_rate})
    return [_sample_one(seed, i, options) for i in range(n)]


def write_samples(
    profiles: Sequence[Profile],
    directory: "Union[str, os.PathLike[str]]",
    *,
    fmt: str = "yaml",
    note: str = "",
) -> list[Path]:
    """Write each profile to ``directory/sample-NNNN.yaml`` (or ``.json``), atomically."""
    if fmt not in ("yaml", "json"):
        raise InputError(f"unknown profile format {fmt!r}", hint="use yaml or json")
    target = Path(directory)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create directory {target}: {exc.strerror}", hint="check the path and permissions") from None
    width = max(4, len(str(len(profiles))))
    written = []
    for i, profile in enumerate(profiles):
        data = profile.model_dump(mode="json", exclude_none=True)
        path = target / f"sample-{i + 1:0{width}d}.{fmt}"
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            header = f"# Synthetic profile {i + 1} of {len(profiles)}{', ' + note if note else ''}. Not a real municipality.\n"
            text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        write_atomic(path, text)
        written.append(path)
    return written


def sample(
    n: int,
    seed: Union[int, str],
    directory: "Union[str, os.PathLike[str]]",
    *,
    unknown_rate: Optional[float] = None,
    options: "Union[str, os.PathLike[str], SampleOptions, None]" = None,
    fmt: str = "yaml",
) -> list[Path]:
    """:func:`sample_profiles` and :func:`write_samples` in one call (``advisor sample``)."""
    if options is not None and not isinstance(options, SampleOptions):
        options = load_sample_options(options)
    profiles = sample_profiles(n, seed, unknown_rate=unknown_rate, options=options)
    return write_samples(profiles, directory, fmt=fmt, note=f"advisor sample --seed {seed}")
