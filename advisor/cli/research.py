"""Commands of the research workflow: ``batch``, ``compare``, ``sample``, ``rules test`` and ``rules check``.

A thin layer like :mod:`advisor.cli.main`: each command parses its options, makes one library call
(:mod:`advisor.research.runs`, :mod:`advisor.tools.packcheck`) and formats the result. The commands are
attached to the ``advisor`` group in :mod:`advisor.cli.main`.

``--rules`` may be given several times. For ``batch`` and ``compare`` the packs are assessed side by
side (``compare`` compares each with the first, the baseline); for ``rules test`` and ``rules check``
several packs are stacked into one, each applied on top of the ones before (see
:mod:`advisor.rules.variants`).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional, Sequence

import click

from .help import AdvisorCommand
from .common import (
    echo,
    echo_text,
    error_prefix,
    format_option,
    handle_errors as _handle_errors,
    is_quiet,
    lang_option as _lang_option,
    quiet_option,
    resolve_language,
    run_language,
    show_result,
)
from ..engine.pool import DEFAULT_TIME_LIMIT
from ..core.errors import InputError, ProfileError, escape_controls
from ..core.errors_nb import recorded_line
from ..core.i18n import t
from ..engine.interface import ENGINES
from ..render.formats import formats_of, render_text
from ..research.runs import (
    BATCH_ENGINES,
    OUTPUT_FORMATS,
    SkippedProfile,
    batch,
    compare,
    iter_sample_profiles,
    sample,
    sample_format,
    sensitivity,
)

__all__ = [
    "batch_cmd",
    "compare_cmd",
    "sample_cmd",
    "sensitivity_cmd",
    "rules_test",
    "rules_check",
    "rules_multi_option",
]

EXIT_TESTS_FAILED = 3


rules_multi_option = click.option(
    "--rules",
    "rules_paths",
    multiple=True,
    type=click.Path(dir_okay=True, file_okay=True),
    help="Rule pack or variant (file or directory); give it several times for several packs. Default: the shipped rule base.",
)
_engine_option = click.option(
    "--engine",
    type=click.Choice(BATCH_ENGINES),
    default=None,
    help="Inference engine: durable-rules, the plain-Python reference evaluator, or columnar (polars, for large studies; needs samskaping-advisor[columnar]). Default: durable-rules where it is installed, see `advisor --version`.",
)
_test_engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Inference engine: durable-rules, or the plain-Python reference evaluator (default: durable-rules where it is installed, see `advisor --version`).",
)
_workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core, or 1 for fewer than 500 profiles; 1 runs in this process).",
)
_time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    metavar="SECONDS",
    help="A profile that takes longer in a worker process (or crashes it) is skipped with the reason; the batch goes on.",
)
_dask_option = click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help="Run on the Dask scheduler at ADDRESS (tcp://host:8786), or `local` for a local cluster. Needs samskaping-advisor[distributed].",
)


def _packs(paths: Sequence[str]) -> Optional[list[str]]:
    return list(paths) or None


class _Progress:
    """A progress bar on standard error, only when it is a terminal."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: Optional[int]) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=t(self.lang, "research.progress"), file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _progress(lang: str) -> Optional[_Progress]:
    return _Progress(lang) if sys.stderr.isatty() and not is_quiet() else None


class _DaskClient:
    """A Dask client for ``--dask ADDRESS`` (``local`` starts a cluster on this machine)."""

    def __init__(self, address: Optional[str]) -> None:
        self.address = address
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> Any:
        if self.address is None:
            return None
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(
                "--dask needs Dask's distributed scheduler, which is not installed",
                hint="pip install 'samskaping-advisor[distributed]'",
            ) from None
        if self.address == "local":
            self.cluster = LocalCluster(dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout=30)
            except OSError as exc:
                raise InputError(
                    f"cannot reach the Dask scheduler at {self.address}: {exc}",
                    hint="check the address and that the scheduler runs",
                ) from None
        return self.client

    def __exit__(self, *exc: Any) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _existing(paths: Sequence[str]) -> Sequence[str]:
    """The PROFILES of a command line, each of them there: a path that is not (a typo, a pattern
    the shell matched to nothing) is a mistake in the command, refused before anything runs, not
    a profile the batch skips and goes on without."""
    for path in paths:
        if not os.path.exists(path):
            raise ProfileError("profile file not found", file=path, hint="check the path")
    return paths


def _report_skipped(skipped: Sequence[SkippedProfile], lang: str) -> None:
    """A line on standard error per profile skipped, its error in ``lang`` (the manifest keeps
    it in English)."""
    for item in skipped:
        error = recorded_line(item.source, item.error, lang)
        click.echo("advisor: " + escape_controls(t(lang, "research.skipped", error=error)), err=True)


# --------------------------------------------------------------------------------------------
# batch


@click.command("batch", cls=AdvisorCommand)
@click.argument("profiles", nargs=-1, required=True, type=click.Path())
@rules_multi_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Results file: *.jsonl or *.csv (a *.manifest.json is written beside it).",
)
@format_option(OUTPUT_FORMATS, None, "Format of the results file: jsonl or csv (default: from the file name).")
@_engine_option
@_workers_option
@_time_limit_option
@_dask_option
@click.option("--strict", is_flag=True, help="Exit with code 2 if a profile had to be skipped.")
@_lang_option
@quiet_option
@_handle_errors
def batch_cmd(
    profiles: tuple[str, ...],
    rules_paths: tuple[str, ...],
    output: str,
    fmt: Optional[str],
    engine: Optional[str],
    workers: Optional[int],
    time_limit: float,
    dask_address: Optional[str],
    strict: bool,
    lang: Optional[str],
) -> None:
    """Assess PROFILES (files or directories) with one or more rule packs and write the results.

    Several --rules are assessed side by side: one row per profile and pack. A profile that fails
    validation is reported on standard error and skipped; the others complete.
    """
    language = resolve_language(lang)
    progress = _progress(language)
    try:
        with _DaskClient(dask_address) as client:
            result = batch(
                _existing(profiles),
                _packs(rules_paths),
                engine=engine,
                workers=workers,
                client=client,
                progress=progress,
                output=output,
                fmt=fmt,
                keep_rows=False,
                time_limit=time_limit,
            )
    finally:
        if progress is not None:
            progress.close()
    _report_skipped(result.skipped, language)
    echo_text(render_text("batch", "text", result, lang=language))
    echo_text(t(language, "research.batch_wrote", rows=result.row_count, output=output) + "\n")
    if strict and result.skipped:
        sys.exit(2)


# --------------------------------------------------------------------------------------------
# compare


@click.command("compare", cls=AdvisorCommand)
@click.argument("profiles", nargs=-1, required=True, type=click.Path())
@rules_multi_option
@format_option(formats_of("comparison"), "text", "Output format: text, or json for scripts.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the full comparison as JSON to this file.",
)
@click.option("--all-rules", is_flag=True, help="List every rule, not only those where the packs disagree.")
@_engine_option
@_workers_option
@_time_limit_option
@_dask_option
@_lang_option
@quiet_option
@_handle_errors
def compare_cmd(
    profiles: tuple[str, ...],
    rules_paths: tuple[str, ...],
    fmt: str,
    output: Optional[str],
    all_rules: bool,
    engine: Optional[str],
    workers: Optional[int],
    time_limit: float,
    dask_address: Optional[str],
    lang: Optional[str],
) -> None:
    """Compare rule packs on PROFILES: where does the advice differ, and how much do they agree?

    Give --rules at least twice: the first pack is the baseline, each other one is compared with
    it. Agreement per rule is the share of profiles on which both packs fire the rule or both do
    not; kappa is Cohen's kappa of the two.
    """
    language = resolve_language(lang)
    progress = _progress(language)
    try:
        with _DaskClient(dask_address) as client:
            result = compare(
                _existing(profiles),
                list(rules_paths),
                engine=engine,
                workers=workers,
                client=client,
                progress=progress,
                output=output,
                time_limit=time_limit,
            )
    finally:
        if progress is not None:
            progress.close()
    _report_skipped(result.manifest.skipped, language)
    show_result("comparison", fmt, result, language, all_rules=all_rules)


# --------------------------------------------------------------------------------------------
# sample


def _old_count_option(ctx: click.Context, _param: click.Parameter, value: Optional[str]) -> None:
    if value is not None:
        raise click.UsageError(f"--n is now -n/--count: write -n {value} or --count {value}", ctx=ctx)


#: The old spelling ``--n``: hidden, and an error that says what to write instead.
_old_count = click.option(
    "--n",
    "old_count",
    hidden=True,
    expose_value=False,
    callback=_old_count_option,
    is_eager=True,
    help="Old spelling of -n/--count.",
)


@click.command("sample", cls=AdvisorCommand)
@click.option("-n", "--count", "count", type=click.IntRange(min=0), required=True, help="How many profiles.")
@_old_count
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed: the same seed gives the same profiles."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Directory to write sample-NNNN.yaml (or .json) into; with --format jsonl or parquet (the default for a name ending in .jsonl or .parquet), the file to write.",
)
@click.option(
    "--unknown-rate",
    type=click.FloatRange(0, 1),
    default=None,
    help="Chance that a field is unknown (default 0.3, or the options file's).",
)
@click.option(
    "--options",
    "options_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="YAML file with distributions: weights per value, ranges, unknown rates per field.",
)
@format_option(
    ("yaml", "json", "jsonl", "parquet"),
    None,
    "Profile format: a file per profile (yaml, json), one JSON Lines file, a profile a line (jsonl), or one Parquet file, a profile a row (parquet; needs the columnar extra). Default: jsonl or parquet where -o ends in .jsonl or .parquet, else yaml.",
)
@_lang_option
@quiet_option
@_handle_errors
def sample_cmd(
    count: int,
    seed: int,
    output: str,
    unknown_rate: Optional[float],
    options_path: Optional[str],
    fmt: Optional[str],
    lang: Optional[str],
) -> None:
    """Write N valid random profiles, for sensitivity studies and benchmarks."""
    language = resolve_language(lang)
    fmt = fmt or sample_format(output)
    progress = _progress(language)
    try:
        written = sample(
            count, seed, output, unknown_rate=unknown_rate, options=options_path, fmt=fmt, progress=progress
        )
    finally:
        if progress is not None:
            progress.close()
    echo_text(
        t(language, "research.sample_wrote", n=count if fmt in ("jsonl", "parquet") else len(written), directory=output)
        + "\n"
    )


# --------------------------------------------------------------------------------------------
# sensitivity


@click.command("sensitivity", cls=AdvisorCommand)
@click.argument("profiles", nargs=-1, type=click.Path())
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(),
    default=None,
    help="Rule pack or variant (default: the shipped rule base).",
)
@click.option(
    "-n",
    "--count",
    "count",
    type=click.IntRange(min=1),
    default=None,
    help="Study N sampled profiles (advisor sample --seed SEED) instead of PROFILES.",
)
@_old_count
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the resampling (and of the sample with -n)."
)
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True, help="Facts to show per finding.")
@format_option(formats_of("sensitivity"), "text", "Output format.")
@_lang_option
@quiet_option
@_handle_errors
def sensitivity_cmd(
    profiles: tuple[str, ...],
    rules_path: Optional[str],
    count: Optional[int],
    seed: int,
    top: int,
    fmt: str,
    lang: Optional[str],
) -> None:
    """Which facts move each finding most, over PROFILES (or -n sampled ones).

    Each fact some rule tests is resampled in turn (shuffled across the profiles, the others
    kept); a finding's flip rate is the share of profiles on which it then changes. Runs on the
    columnar engine (samskaping-advisor[columnar]).
    """
    if bool(profiles) == (count is not None):
        raise InputError(
            "give either PROFILES or -n/--count", hint="advisor sensitivity samples/ or advisor sensitivity -n 5000"
        )
    source: Any = _existing(profiles) if profiles else iter_sample_profiles(count or 0, seed)
    result = sensitivity(source, rules_path, seed=seed, top=top)
    language = resolve_language(lang)
    _report_skipped(result.skipped, language)
    show_result("sensitivity", fmt, result, language)


# --------------------------------------------------------------------------------------------
# rules test / rules check


def _stacked(rules_paths: tuple[str, ...], packs: tuple[str, ...]) -> tuple[str, ...]:
    """The packs of ``rules check/test``: ``--rules``, and the positional packs of before 0.4 with
    a deprecation notice on standard error."""
    if packs:
        notice = (
            "packs are given with --rules now: write `--rules {0}`; packs as arguments will stop working"
            if run_language() == "en"
            else "pakker gis med --rules nå: skriv `--rules {0}`; pakker som argumenter vil slutte å virke"
        )
        label = "advisor: warning: " if run_language() == "en" else "advisor: advarsel: "
        click.echo(label + notice.format(" --rules ".join(packs)), err=True)
    return tuple(rules_paths) + tuple(packs)


@click.command("test", cls=AdvisorCommand)
@click.argument("packs", nargs=-1, type=click.Path(), metavar="")
@rules_multi_option
@click.option("--inherited", is_flag=True, help="Also run the test cases of the packs it extends.")
@_test_engine_option
@_lang_option
@quiet_option
@_handle_errors
def rules_test(
    packs: tuple[str, ...], rules_paths: tuple[str, ...], inherited: bool, engine: Optional[str], lang: Optional[str]
) -> None:
    """Run the test cases of a rule pack (--rules; default: the shipped one). Exit code 3 if one fails.

    Several --rules are stacked into one, each applied on top of the ones before.
    """
    language = resolve_language(lang)
    packs = _stacked(rules_paths, packs)
    from ..tools.packcheck import run_pack_tests  # not at every start: it imports the variants' machinery

    report = run_pack_tests(_packs(packs), engine=engine, inherited=inherited)
    echo_text(render_text("pack_tests", "text", report, lang=language))
    if report.outcomes and not report.ok:
        sys.exit(EXIT_TESTS_FAILED)


@click.command("check", cls=AdvisorCommand)
@click.argument("packs", nargs=-1, type=click.Path(), metavar="")
@rules_multi_option
@_lang_option
@quiet_option
@_handle_errors
def rules_check(packs: tuple[str, ...], rules_paths: tuple[str, ...], lang: Optional[str]) -> None:
    """Report every problem of a rule pack (--rules; default: the shipped pack) at once, one line each.

    Exit code 0 for a pack without problems, 2 if there is any. Several --rules are stacked into one.
    """
    language = resolve_language(lang)
    packs = _stacked(rules_paths, packs)
    from ..tools.packcheck import check_pack

    report = check_pack(_packs(packs))
    for line in report.lines():
        echo(line)
    name = report.pack or ", ".join(packs) or "default"
    if report.problems:
        click.echo(
            error_prefix() + t(language, "research.check_problems", count=len(report.problems), pack=name), err=True
        )
        sys.exit(2)
    echo_text(t(language, "research.check_ok", pack=name, rules=report.rules, tests=report.tests) + "\n")
