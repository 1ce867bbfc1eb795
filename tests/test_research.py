"""Batches, comparisons and synthetic profiles: locally, in parallel and on Dask."""

from __future__ import annotations

import hashlib
import json
import math
import os

import pytest
from click.testing import CliRunner

import advisor
from advisor import InputError
from advisor.research import runs as research
from advisor.engine.interface import default_engine, engine_label
from advisor.profile.schema import DERIVED_ARENA_FACTS, arena_fields, profile_fields
from advisor.engine.assessment import profile_hash
from advisor.cli.research import batch_cmd, compare_cmd, sample_cmd
from advisor.engine.facts import profile_facts
from advisor.research.runs import SampleOptions, batch, cohen_kappa, compare, sample_profiles

from helpers import TESTS, check_golden

DATA = TESTS / "research"
PACKS = [DATA / "base", DATA / "variant.yaml"]
FILES = ["profiles/broken.yaml", "profiles/low-trust.yaml", "profiles/main-goal.yaml", "profiles/strong.yaml"]


@pytest.fixture
def in_data(monkeypatch):
    monkeypatch.chdir(DATA)


@pytest.fixture(scope="module")
def sampled():
    return sample_profiles(40, seed=7)


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    """The outputs here name pytest's long temporary paths, replaced after the run: no wrapping
    (the width has its own tests in test_cli.py)."""
    monkeypatch.setenv("COLUMNS", "1000")


def labelled(profiles):
    return [(f"s{i:02d}", p) for i, p in enumerate(profiles)]


# --------------------------------------------------------------------------------------------
# batch


def test_a_batch_skips_a_broken_profile_and_completes_the_rest(in_data):
    result = batch(["profiles"], ["base", "variant.yaml"], workers=1)
    assert [s.source for s in result.skipped] == ["profiles/broken.yaml"]
    assert "plan.co_creation_status: 'vison' is not allowed" in result.skipped[0].error
    # profile order (sorted within a directory), then pack order
    assert [(r.profile, r.pack) for r in result.rows] == [
        (p, label)
        for p in ["profiles/low-trust.yaml", "profiles/main-goal.yaml", "profiles/strong.yaml"]
        for label in ["base", "strict"]
    ]
    # each row is what assess says
    packs = research.load_packs(["base", "variant.yaml"])
    for row in result.rows:
        pack = packs[["base", "strict"].index(row.pack)]
        single = advisor.assess(advisor.load_profile(row.profile), pack)
        assert row.fired == single.fired
        assert row.recommendations == tuple(f.rule_id for f in single.recommendations)
        assert row.manifest == single.manifest
    assert result.fire_counts["base"]["PLAN-901"] == 2 and result.fire_counts["strict"]["PLAN-901"] == 1
    assert result.fire_counts["strict"]["REL-901"] == 1 and "IMPL-901" not in result.fire_counts["strict"]


def test_the_manifest_names_versions_packs_profiles_and_rules(in_data):
    result = batch(FILES, ["base", "variant.yaml"], workers=1)
    manifest = result.manifest
    assert manifest.advisor_version == advisor.__version__
    assert (manifest.engine, manifest.engine_version) == engine_label(default_engine())
    assert [p.label for p in manifest.packs] == ["base", "strict"]
    strict = research.load_packs(["variant.yaml"])[0]
    assert manifest.packs[1].hash == strict.hash and manifest.packs[1].rules_enabled == tuple(
        r.id for r in strict.rules
    )
    assert manifest.packs[1].origin == "variant.yaml"
    assert manifest.profiles == 3 and [s.source for s in manifest.skipped] == FILES[:1]
    lines = "".join(f"{f}\t{profile_hash(advisor.load_profile(f))}\n" for f in FILES[1:])
    assert manifest.profiles_hash == hashlib.sha256(lines.encode("utf-8")).hexdigest()
    assert [r.manifest.profile_hash for r in result.rows[::2]] == [
        profile_hash(advisor.load_profile(f)) for f in FILES[1:]
    ]


def test_a_batch_writes_jsonl_or_csv_and_a_manifest_atomically(in_data, tmp_path):
    out = tmp_path / "results.jsonl"
    result = batch(FILES, ["base", "variant.yaml"], workers=1, output=out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and [json.loads(line) for line in lines] == [row.record() for row in result.rows]
    manifest = json.loads((tmp_path / "results.manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifest"] == result.manifest.model_dump(mode="json")
    assert manifest["fire_counts"] == result.fire_counts
    csv_out = tmp_path / "results.csv"
    batch(FILES, ["base", "variant.yaml"], workers=1, output=csv_out)
    check_golden("research-batch.csv", csv_out.read_text(encoding="utf-8"))
    assert sorted(os.listdir(tmp_path)) == [
        "results.csv",
        "results.jsonl",
        "results.manifest.json",
    ]  # no temp files left
    with pytest.raises(InputError, match="cannot tell the output format of results.txt"):
        batch(FILES, ["base"], workers=1, output=tmp_path / "results.txt")
    with pytest.raises(InputError, match="cannot write"):
        batch(FILES, ["base"], workers=1, output=tmp_path / "missing" / "results.jsonl")


def test_the_output_is_the_same_for_every_number_of_workers(sampled, tmp_path):
    profiles = labelled(sampled) + [str(DATA / f) for f in FILES]
    outputs = set()
    for workers in (1, 2, 3):
        result = batch(profiles, PACKS, workers=workers, output=tmp_path / f"w{workers}.jsonl")
        outputs.add((tmp_path / f"w{workers}.jsonl").read_text(encoding="utf-8"))
        outputs.add((tmp_path / f"w{workers}.manifest.json").read_text(encoding="utf-8"))
        assert len(result.skipped) == 1 and len(result.rows) == 2 * (len(profiles) - 1)
    assert len(outputs) == 2  # one rows file, one manifest


def test_both_engines_give_the_same_rows(sampled):
    durable = batch(labelled(sampled), PACKS, workers=1)
    python = batch(labelled(sampled), PACKS, workers=1, engine="python")
    assert [r.record() | {"pack_hash": 0} for r in durable.rows] == [r.record() | {"pack_hash": 0} for r in python.rows]
    assert python.manifest.engine == "python-reference"


def test_progress_is_reported_up_to_the_total(sampled):
    calls = []
    batch(labelled(sampled[:10]), PACKS, workers=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 10) for i in range(1, 11)]
    calls.clear()  # an iterator is read lazily: the total is not known
    batch(iter(labelled(sampled[:3])), PACKS, workers=1, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, None), (2, None), (3, None)]


def test_a_streamed_batch_reads_lazily_writes_as_it_goes_and_keeps_no_rows(sampled, tmp_path, monkeypatch):
    """keep_rows=False with an iterator: the same files as a batch kept in memory, and profiles
    assessed before the last one is even read (so they are never all in memory)."""
    monkeypatch.setattr(research, "CHUNK_SIZE", 4)
    kept = batch(labelled(sampled), PACKS, workers=1, output=tmp_path / "kept.jsonl")
    read, done = [], []
    done_when_last_read = []

    def profiles():
        for i, item in enumerate(labelled(sampled)):
            read.append(i)
            if i == len(sampled) - 1:
                done_when_last_read.append(len(done))
            yield item

    for workers in (1, 2):
        read.clear()
        done.clear()
        streamed = batch(
            profiles(),
            PACKS,
            workers=workers,
            output=tmp_path / "streamed.jsonl",
            keep_rows=False,
            progress=lambda d, t: done.append(d),
        )
        assert streamed.rows == () and streamed.row_count == kept.row_count == 2 * len(sampled)
        assert streamed.manifest == kept.manifest and streamed.fire_counts == kept.fire_counts
        assert (tmp_path / "streamed.jsonl").read_text(encoding="utf-8") == (tmp_path / "kept.jsonl").read_text(
            encoding="utf-8"
        )
        assert (tmp_path / "streamed.manifest.json").read_bytes() == (tmp_path / "kept.manifest.json").read_bytes()
        assert read == list(range(len(sampled))) and done == list(range(1, len(sampled) + 1))
    # 40 profiles in chunks of 4: at most 2 workers x 3 chunks are under way, so most profiles
    # were assessed (and their rows written) before the last one was read.
    assert (
        done_when_last_read[0] >= len(sampled) - 8
        and done_when_last_read[1] >= len(sampled) - 4 * 2 * research.CHUNKS_PER_WORKER - 4
    )


def test_a_failed_streamed_batch_leaves_no_file(sampled, tmp_path):
    def profiles():
        yield from labelled(sampled[:5])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch(profiles(), PACKS, workers=1, output=tmp_path / "r.jsonl", keep_rows=False)
    assert os.listdir(tmp_path) == []


def test_batch_input_errors(tmp_path):
    with pytest.raises(InputError, match="no profiles to assess"):
        batch([tmp_path], PACKS)
    with pytest.raises(InputError, match="unknown engine"):
        batch([tmp_path], PACKS, engine="fast")


def test_the_batch_command(in_data, tmp_path):
    out = tmp_path / "results.jsonl"
    args = ["profiles", "--rules", "base", "--rules", "variant.yaml", "-o", str(out), "--workers", "1"]
    result = CliRunner().invoke(batch_cmd, args + ["--lang", "en"])
    assert result.exit_code == 0, result.output
    check_golden("research-batch.en.txt", result.stdout.replace(str(out), "results.jsonl"))
    assert result.stderr == (
        "advisor: skipped: profiles/broken.yaml:2: plan.co_creation_status: 'vison' is not allowed "
        "(did you mean 'vision'? use one of: absent, mentioned, focus_area, main_goal, vision, or leave it out if unknown)\n"
    )
    nb = CliRunner().invoke(batch_cmd, args + ["--lang", "nb"])
    check_golden("research-batch.nb.txt", nb.stdout.replace(str(out), "results.jsonl"))
    assert CliRunner().invoke(batch_cmd, args + ["--strict"]).exit_code == 2
    bad = CliRunner().invoke(batch_cmd, ["profiles", "--rules", "broken-variant.yaml", "-o", str(out)])
    assert bad.exit_code == 2 and bad.stderr.startswith("advisor: error: broken-variant.yaml:")
    assert CliRunner().invoke(batch_cmd, ["profiles", "-o", str(tmp_path / "x.txt")]).exit_code == 2


# --------------------------------------------------------------------------------------------
# compare


def test_cohen_kappa():
    assert cohen_kappa(5, 0, 0, 5) == 1.0
    assert cohen_kappa(0, 5, 5, 0) == -1.0
    assert cohen_kappa(10, 0, 0, 0) is None and cohen_kappa(0, 0, 0, 10) is None  # both constant
    assert cohen_kappa(0, 0, 0, 0) is None
    # the textbook case: 20 yes/yes, 5, 10, 15 no/no of 50: po = 0.7, pe = 0.5
    assert cohen_kappa(20, 5, 10, 15) == 0.4


def test_compare_finds_where_packs_disagree(in_data):
    result = compare(FILES, ["base", "variant.yaml"], workers=1)
    [c] = result.comparisons
    assert (c.baseline, c.variant, c.profiles) == ("base", "strict", 3)
    assert c.diff.added == ("REL-901",) and c.diff.removed == ("IMPL-901", "IMPL-903")
    assert c.diff.changed == {"PLAN-901": ("priority", "when"), "PLAN-902": ("title",)}
    rules = {r.rule_id: r for r in c.rules}
    plan = rules["PLAN-901"]  # fires on main-goal and strong in base; only on strong (vision) in strict
    assert (plan.baseline_fired, plan.variant_fired, plan.both, plan.neither) == (2, 1, 1, 1)
    assert plan.agreement == round(2 / 3, 6) and plan.kappa == 0.4
    assert rules["PLAN-903"].agreement == 1.0 and rules["PLAN-903"].kappa == 1.0
    assert rules["REL-901"].in_baseline is False and rules["REL-901"].variant_fired == 1
    assert c.identical_profiles == 0 and c.identical_plans == 1
    assert [d.profile for d in c.differences] == [
        "profiles/low-trust.yaml",
        "profiles/main-goal.yaml",
        "profiles/strong.yaml",
    ]
    assert (
        c.differences[1].only_baseline == ("IMPL-901", "IMPL-903", "LEAD-901", "PLAN-901")
        and c.differences[1].plan_differs
    )
    pooled = [0, 0, 0, 0]
    for r in c.rules:
        only_a, only_b = r.baseline_fired - r.both, r.variant_fired - r.both
        pooled = [pooled[0] + r.both, pooled[1] + only_a, pooled[2] + only_b, pooled[3] + r.neither]
    assert c.pooled_kappa == cohen_kappa(*pooled)
    assert math.isclose(c.mean_agreement, sum(r.agreement for r in c.rules) / len(c.rules), abs_tol=1e-6)
    assert [s.source for s in result.manifest.skipped] == ["profiles/broken.yaml"]


def test_a_pack_compared_with_itself_agrees_everywhere(sampled):
    [c] = compare(labelled(sampled), [PACKS[1], PACKS[1]], workers=1).comparisons
    assert c.variant == "strict#2" and c.identical_profiles == c.profiles == 40
    assert c.differences == () and c.mean_agreement == 1.0
    assert all(r.agreement == 1.0 for r in c.rules)


def test_the_compare_command(in_data, tmp_path):
    args = FILES + ["--rules", "base", "--rules", "variant.yaml", "--workers", "1"]
    for lang in ("en", "nb"):
        result = CliRunner().invoke(compare_cmd, args + ["--lang", lang])
        assert result.exit_code == 0, result.output
        check_golden(f"research-compare.{lang}.txt", result.stdout)
        assert result.stderr.startswith(
            "advisor: " + ("skipped" if lang == "en" else "hoppet over") + ": profiles/broken.yaml:2:"
        )
    out = tmp_path / "comparison.json"
    as_json = CliRunner().invoke(compare_cmd, args + ["--format", "json", "-o", str(out)])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(as_json.stdout)["manifest"]["packs"][1]["name"] == "strict"
    one = CliRunner().invoke(compare_cmd, FILES + ["--rules", "base"])
    assert one.exit_code == 2
    assert (
        one.stderr
        == "advisor: error: compare needs at least two rule packs (give --rules twice: the baseline first, then the variant)\n"
    )


# --------------------------------------------------------------------------------------------
# synthetic profiles


def test_samples_are_valid_and_deterministic():
    first = sample_profiles(30, seed=3)
    assert [profile_hash(p) for p in first] == [profile_hash(p) for p in sample_profiles(30, seed=3)]
    assert [profile_hash(p) for p in first[:10]] == [profile_hash(p) for p in sample_profiles(10, seed=3)]
    assert [profile_hash(p) for p in first] != [profile_hash(p) for p in sample_profiles(30, seed=4)]
    assert all(isinstance(p, advisor.Profile) for p in first)
    assert len({profile_hash(p) for p in first}) == 30
    lazy = research.iter_sample_profiles(30, seed=3)
    assert not isinstance(lazy, list) and [profile_hash(p) for p in lazy] == [profile_hash(p) for p in first]


def test_every_field_is_sampled():
    known = set()
    arena_known = set()
    for profile in sample_profiles(60, seed=1, unknown_rate=0.2):
        facts = profile_facts(profile)
        known |= set(facts.values)
        for arena in facts.arenas or ():
            arena_known |= set(arena)
    assert known >= set(profile_fields()) - set(DERIVED_ARENA_FACTS)  # fields added later are sampled too
    assert arena_known == set(arena_fields())


def test_the_unknown_rate_controls_what_is_known():
    everything = sample_profiles(
        5, seed=1, unknown_rate=0.0, options=SampleOptions(arenas={"unknown_rate": 0, "min": 1, "max": 1})
    )
    for profile in everything:
        facts = profile_facts(profile)
        assert set(facts.values) >= set(profile_fields()) - set(DERIVED_ARENA_FACTS) - {"arenas.ladder_spread"}
    nothing = sample_profiles(5, seed=1, unknown_rate=1.0, options=SampleOptions(arenas={"unknown_rate": 1}))
    assert all(profile_facts(p).values == {} for p in nothing)


def test_weights_and_ranges_steer_the_draws():
    options = SampleOptions(
        unknown_rate=0,
        fields={
            "plan.co_creation_status": {"weights": {"vision": 1, "absent": 0}},
            "plan.knowledge_base": {"weights": {"false": 1}},
            "context.population": {"min": 1000, "max": 2000},
            "context.recent_merger": {"unknown_rate": 1},
        },
        arena_fields={"ladder_level": {"weights": {"5": 1}}},
        arenas={"min": 2, "max": 2, "unknown_rate": 0},
    )
    for profile in sample_profiles(20, seed=2, options=options):
        assert profile.plan.co_creation_status == "vision" and profile.plan.knowledge_base is False
        assert 1000 <= profile.context.population <= 2000 and profile.context.recent_merger is None
        assert [a.ladder_level for a in profile.arenas] == [5, 5]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "fields: {plan.co_creation_stat: {weights: {vision: 1}}}",
            "options.yaml:1: fields.plan.co_creation_stat: unknown field 'plan.co_creation_stat' (did you mean 'plan.co_creation_status'?)",
        ),
        (
            "fields:\n  plan.co_creation_status:\n    weights: {visionary: 1}\n",
            "options.yaml:3: fields.plan.co_creation_status.weights.visionary: 'visionary' is not a value of plan.co_creation_status",
        ),
        ("fields: {plan.knowledge_base: {min: 1}}", "plan.knowledge_base is not a number, so min and max do not apply"),
        ("fields: {plan.knowledge_base: {weights: {true: 0}}}", "every weight is 0"),
        ("fields: {context.population: {min: 5000, max: 10}}", "context.population: min 5000.0 is above max 10.0"),
        ("unknown_rate: 2", "options.yaml:1: unknown_rate: Input should be less than or equal to 1"),
        ("arenas: {min: 3, max: 1}", "arenas: min is above max"),
    ],
)
def test_bad_sampling_options(tmp_path, text, message):
    path = tmp_path / "options.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        research.load_sample_options(path)
    assert message in info.value.one_line().replace(str(tmp_path) + "/", "")


def test_written_samples_load_back_unchanged(tmp_path):
    profiles = sample_profiles(12, seed=5)
    for fmt in ("yaml", "json"):
        paths = research.write_samples(profiles, tmp_path / fmt, fmt=fmt)
        assert [p.name for p in paths][:2] == [f"sample-0001.{fmt}", f"sample-0002.{fmt}"]
        assert [profile_hash(advisor.load_profile(p)) for p in paths] == [profile_hash(p) for p in profiles]


def test_the_sample_command(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # the message names pytest's long path: not wrapped
    options = tmp_path / "options.yaml"
    options.write_text(
        "unknown_rate: 0.5\nfields: {plan.co_creation_status: {weights: {main_goal: 1}}}\n", encoding="utf-8"
    )
    out = tmp_path / "samples"
    result = CliRunner().invoke(
        sample_cmd, ["-n", "5", "--seed", "9", "-o", str(out), "--options", str(options), "--lang", "nb"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Profiler skrevet til {out}: 5.\n"
    files = sorted(out.iterdir())
    assert len(files) == 5 and files[0].read_text(encoding="utf-8").startswith(
        "# Synthetic profile 1 of 5, advisor sample --seed 9."
    )
    again = tmp_path / "again"
    CliRunner().invoke(sample_cmd, ["--count", "5", "--seed", "9", "-o", str(again), "--options", str(options)])
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in sorted(again.iterdir())]
    profiles = [advisor.load_profile(f) for f in files]
    assert {p.plan.co_creation_status for p in profiles if p.plan} <= {"main_goal", None}
    bad = CliRunner().invoke(sample_cmd, ["-n", "5", "-o", str(out), "--options", str(tmp_path / "none.yaml")])
    assert bad.exit_code == 2 and "options file not found" in bad.stderr


def test_sampled_profiles_feed_a_batch(tmp_path):
    research.sample(25, 11, tmp_path / "s")
    result = batch([tmp_path / "s"], PACKS, workers=2)
    assert result.manifest.profiles == 25 and not result.skipped


# --------------------------------------------------------------------------------------------
# Dask


def test_a_dask_run_equals_the_local_run(sampled):
    distributed = pytest.importorskip("distributed")
    profiles = labelled(sampled) + [str(DATA / f) for f in FILES]
    local = batch(profiles, PACKS, workers=1)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            remote = batch(profiles, PACKS, client=client)
            compared = compare(profiles, PACKS, client=client)
    assert remote.to_jsonl() == local.to_jsonl()
    assert remote.manifest_json() == local.manifest_json()
    assert compared == compare(profiles, PACKS, workers=1)


def test_the_dask_option_without_dask_is_an_input_error(in_data, tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # as if not installed
    result = CliRunner().invoke(
        batch_cmd, ["profiles", "--rules", "base", "-o", str(tmp_path / "x.jsonl"), "--dask", "local"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == "advisor: error: --dask needs Dask's distributed scheduler, which is not installed (pip install 'samskaping-advisor[distributed]')\n"
    )


def test_a_small_batch_runs_in_the_process_by_default(sampled, monkeypatch):
    """A pool takes longer to start than a few hundred assessments: by default a small list is
    assessed here, a long one (or an explicit number of workers above one) in a pool."""
    started = []

    class Pool:
        def __init__(self, count, *args, **kwargs):
            started.append(count)
            raise RuntimeError("no pool here")

    monkeypatch.setattr(research, "WorkerPool", Pool)
    monkeypatch.setattr(research.os, "cpu_count", lambda: 2)
    result = batch(labelled(sampled), PACKS)
    assert result.row_count == 2 * len(sampled) and started == []
    with pytest.raises(RuntimeError, match="no pool here"):
        batch(labelled(sampled), PACKS, workers=2)
    monkeypatch.setattr(research, "SMALL_BATCH", 10)
    with pytest.raises(RuntimeError, match="no pool here"):
        batch(labelled(sampled), PACKS)
    assert started == [2, 2]
    # one worker is this process, however long the batch: no pool, no messages per profile
    assert batch(labelled(sampled), PACKS, workers=1).row_count == 2 * len(sampled)
    assert started == [2, 2]


def test_sample_reports_progress_like_batch(tmp_path):
    calls = []
    written = research.sample(250, 3, tmp_path / "s", progress=lambda done, total: calls.append((done, total)))
    assert len(written) == 250
    assert calls == [(100, 250), (200, 250), (250, 250)]


def test_a_worker_is_ready_with_its_packs_compiled():
    """A pool's worker says it is ready once it can assess: the packs compiled for the engine (and
    the profile model built) in its start, not in the time limit of its first profile."""
    from advisor.engine import assessment
    from advisor.engine.interface import backend

    engine = default_engine()
    pack = advisor.load_rules(TESTS / "data" / "report_pack")
    assessment._PLANS.pop(pack.hash, None)
    if engine == "durable":
        from advisor.engine import durable

        old = durable._BACKENDS.pop(pack.hash, None)
        if old is not None:
            old.close()
    research._init_worker([pack], engine)
    assert pack.hash in assessment._PLANS
    if engine == "durable":
        assert durable._BACKENDS.get(pack.hash) is backend(engine, pack)


def test_a_batch_says_what_it_takes_when_given_a_dict():
    """A dict (a profile not yet made a Profile) is refused with a TypeError that says what a
    batch takes and how to make a Profile of it, not os.fspath's."""
    with pytest.raises(TypeError, match=r"^a profile to assess is a file or directory path, a Profile or a"):
        batch([{"context": {"name": "X"}}], workers=1)
    rows = batch([advisor.parse_profile({"context": {"name": "X"}})], workers=1).rows
    assert [row.municipality for row in rows] == ["X"]
