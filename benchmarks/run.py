"""Benchmarks of advisor: run `python benchmarks/run.py` (after `pip install ".[durable]"`).

Measures, in one run, on synthetic profiles (advisor.research.runs.sample_profiles) against the full
shipped rule base:

* CLI cold start of `advisor assess` on one profile (median of several runs);
* warm latency of one assessment through the library, on durable-rules and on the plain-Python
  reference evaluator of the same rules, which builds the same result objects (the baseline);
* batch throughput (profiles per second, rows written to a file) on one core and on all cores,
  both engines: the steady rate, the start-up of the process pool and the rate of a whole batch;
* peak memory (RSS) of consecutive assessments and of a batch (profiles made lazily, rows
  written as they come, as `advisor batch` runs), at two sizes, so that growth with the number
  of profiles shows;
* `advisor batch` itself (a child process, start-up included) on files: a directory of YAML
  files, one of JSON files, and one JSON Lines file, on one worker; and the peak RSS of listing
  a directory of 10,000 and of 100,000 files as it does, and of the whole batch of them;
* the columnar engine (needs samskaping-advisor[columnar]): its evaluation over a frame of profiles in
  memory, and `advisor batch FILE --engine columnar` end to end from a JSON Lines file and from a
  Parquet file, in profiles per second of wall time and per CPU second (polars runs on every
  core, so the CPU time is what "per core" means), for the whole run (start-up included) and
  steady (from two sizes: the extra profiles over the extra CPU time); the evaluation in memory
  also with the rows made JSON text as `advisor batch -o rows.jsonl` makes them; with `--million`,
  also end to end from a JSON Lines file of a million lines;
* the memory of a researcher's notebook loop over 1,000 variants of the shipped pack (each one
  distinct, so each is compiled): RSS after 100 and after 1,000 variants, as measured;
* rule-count scaling on durable-rules: packs of 150, 500, 1,000 and 2,000 rules (copies of the
  shipped rules with distinct ids, :func:`scaled_pack`), their compile time, rulesets, and engine
  time per profile and per firing against the reference evaluator.

Every figure of the engine is also given as a ratio to the baseline measured in the same run.
The figures go to a JSON file (default benchmarks/results.json) and a table is printed.
`--profiles` sets the size of the large memory runs (100,000 by default; `--quick` uses 5,000).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "levanger.yaml"


#: The child's own peak RSS in MB: Linux's VmHWM, which starts again at exec. ``ru_maxrss`` does
#: not: it keeps the high-water mark of the forked copy of this process, so a child started by a
#: benchmark process of 200 MB reported 200 MB whatever it used itself.
_PEAK_RSS = """
def _peak_rss_mb():
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
"""


def _child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object; add its peak RSS."""
    wrapper = (
        "import json, resource\n" + code + "\n" + _PEAK_RSS + "out['peak_rss_mb'] = _peak_rss_mb()\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_start(runs: int) -> dict:
    """`advisor assess examples/levanger.yaml` in a fresh process (the installed command, else
    `python -m advisor`): median wall time and CPU time (user + system) of ``runs`` runs, after one
    run that fills the cache of the shipped pack (advisor.rules.cache), as every later run finds it.
    The cache is a directory of its own: another advisor (another version or checkout) using the
    user's cache meanwhile would replace the file, and a run would read the YAML again."""
    exe = shutil.which("advisor")
    command = [exe] if exe else [sys.executable, "-m", "advisor"]
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as cache, mock.patch.dict(os.environ, {"ADVISOR_CACHE_DIR": cache}):
        subprocess.run(command + ["assess", str(EXAMPLE)], check=True, capture_output=True)
        for _ in range(runs):
            wall, cpu = _cli(["assess", str(EXAMPLE)])
            walls.append(wall)
            cpus.append(cpu)
    alone = [_timed([sys.executable, "-c", "pass"]) for _ in range(runs)]
    return {
        "command": "advisor" if exe else "python -m advisor",
        "median_s": round(statistics.median(walls), 4),
        "median_cpu_s": round(statistics.median(cpus), 4),
        "runs": runs,
        "python_startup_s": round(statistics.median(w for w, _ in alone), 4),
        "python_startup_cpu_s": round(statistics.median(c for _, c in alone), 4),
    }


def warm_latency(n: int, seed: int) -> dict:
    """One assessment through the library, warm, on each engine: median and p95 of wall time, and
    the median of CPU time (this machine's neighbours stretch wall time far more). ``assess()``
    leaves the questions and the manifest (with the profile's hash) until they are read, so the
    durable engine is also timed with both read, as every command that prints a result does."""
    import advisor
    from advisor.research.runs import sample_profiles

    pack = advisor.load_rules()
    profiles = sample_profiles(n, seed)
    out: dict = {}

    def complete(engine: str):
        def run(p):
            result = advisor.assess(p, pack, engine=engine)
            return result.questions, result.manifest

        return run

    cases = {
        "durable": lambda p: advisor.assess(p, pack, engine="durable"),
        "durable_with_questions_and_manifest": complete("durable"),
        "python": lambda p: advisor.assess(p, pack, engine="python"),
    }
    for name, run in cases.items():
        for p in profiles[:20]:
            run(p)  # warm up: compile, caches
        times, cpus = [], []
        for p in profiles:
            cpu, start = time.process_time(), time.perf_counter()
            run(p)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        out[name] = {
            "median_ms": round(statistics.median(times) * 1e3, 3),
            "p95_ms": round(sorted(times)[int(0.95 * len(times))] * 1e3, 3),
            "median_cpu_ms": round(statistics.median(cpus) * 1e3, 3),
        }
    out["ratio_engine_to_baseline"] = round(out["durable"]["median_ms"] / out["python"]["median_ms"], 2)
    out["profiles"] = n
    return out


def throughput(n: int, seed: int) -> dict:
    """Profiles per second of a batch written to a JSON Lines file, as `advisor batch` runs it
    (profiles already in memory, so that sampling them is not counted), on one worker (in the
    process) and on one worker per core (a process pool).

    A pool takes a while to start (its workers import advisor and compile the pack), which a small
    batch feels and a large one does not. So each batch runs at two sizes, n/8 and n: the rate is
    the extra profiles over the extra time (the steady rate), and the start-up is what is left of
    the small batch's time. The rate of the whole n-profile batch is given too.
    """
    import advisor
    from advisor.research.runs import batch, sample_profiles

    pack = advisor.load_rules()
    profiles = sample_profiles(n, seed)
    small = max(1, n // 8)
    cores = os.cpu_count() or 1
    out: dict = {"profiles": n, "cores": cores}
    with tempfile.TemporaryDirectory() as tmp:
        rows = str(Path(tmp) / "rows.jsonl")

        def timed(engine: str, workers: int, count: int) -> float:
            """Best of three runs (as timeit does): this machine's timings wander by 10-20 %
            with the load of its neighbours, and the best run is the one least disturbed."""
            times = []
            for _ in range(3):
                start = time.perf_counter()
                batch(profiles[:count], pack, engine=engine, workers=workers, output=rows, keep_rows=False)
                times.append(time.perf_counter() - start)
            return min(times)

        for engine in ("durable", "python"):
            batch(profiles[:50], pack, engine=engine, workers=1)  # warm up: compile, caches
            for workers in sorted({1, cores}):
                t_small = timed(engine, workers, small)
                t_large = timed(engine, workers, n)
                rate = (n - small) / max(t_large - t_small, 1e-9)
                key = f"{engine}_{workers}w"
                out[f"{key}_per_s"] = round(rate, 1)
                out[f"{key}_whole_batch_per_s"] = round(n / t_large, 1)
                out[f"{key}_startup_s"] = round(max(0.0, t_small - small / rate), 3)
    out["per_core_durable_1w"] = out["durable_1w_per_s"]
    out["per_core_durable_all"] = round(out[f"durable_{cores}w_per_s"] / cores, 1)
    out["ratio_engine_to_baseline_1w"] = round(out["python_1w_per_s"] / out["durable_1w_per_s"], 2)
    return out


LOOP = """
import advisor
from advisor.research.runs import iter_sample_profiles
pack = advisor.load_rules()
for p in iter_sample_profiles({n}, {seed}):  # made one at a time: only the engine's memory can grow
    advisor.assess(p, pack)
out = {{'profiles': {n}}}
"""

# A large study as advisor batch runs it: profiles made (read) lazily, rows written as they come.
BATCH = """
import advisor
from advisor.research.runs import batch, iter_sample_profiles
result = batch(iter_sample_profiles({n}, {seed}), advisor.load_rules(), workers={workers}, output={output!r}, keep_rows=False)
out = {{'profiles': {n}, 'rows': result.row_count}}
"""


def memory(small: int, large: int, seed: int) -> dict:
    """Peak RSS of consecutive assessments and of a batch (one worker, in the process: a pool's
    workers would not be counted), each at two sizes."""
    out: dict = {}
    for n in (small, large):
        out[f"loop_{n}_peak_rss_mb"] = _child(LOOP.format(n=n, seed=seed))["peak_rss_mb"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in (small, large):
            res = _child(BATCH.format(n=n, seed=seed, workers=1, output=str(Path(tmp) / f"r{n}.jsonl")))
            assert res["rows"] == n, res
            out[f"batch_{n}_peak_rss_mb"] = res["peak_rss_mb"]
    out["loop_growth"] = round(out[f"loop_{large}_peak_rss_mb"] / out[f"loop_{small}_peak_rss_mb"], 2)
    out["batch_growth"] = round(out[f"batch_{large}_peak_rss_mb"] / out[f"batch_{small}_peak_rss_mb"], 2)
    return out


def _timed(command: list[str]) -> tuple[float, float]:
    """Run ``command`` in a child process: its wall time and CPU time (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The least wall time and the least CPU time of ``runs`` (each the best estimate of what the
    work costs where neighbours only ever add to it), not the CPU time of the fastest by wall."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def _cli(args: list[str]) -> tuple[float, float]:
    """Run ``advisor ARGS`` in a child process: its wall time and CPU time (user + system)."""
    exe = shutil.which("advisor")
    return _timed(([exe] if exe else [sys.executable, "-m", "advisor"]) + args)


def files(n: int, seed: int, whole_batches: bool = True) -> dict:
    """`advisor batch` itself on profiles from files, one worker: a directory of YAML files, a
    directory of JSON files, a JSON Lines file. Each at two sizes, n/4 and n, best of two runs:
    the steady rate is the extra profiles over the extra time (start-up, import and compiling the
    pack, left out), in wall time and in CPU time (this machine's neighbours make wall time wander
    far more than CPU time). The rate of the whole n-profile run, start-up included, too. Then the
    peak RSS of listing 10,000 and 100,000 files, and (``whole_batches``) of the whole batch of
    them, rows written to a file (about two minutes of CPU for the 110,000 profiles)."""
    from advisor.research.runs import sample_profiles, write_samples

    small = max(1, n // 4)
    profiles = sample_profiles(n, seed)
    out: dict = {"profiles": n}
    # The shipped pack's cache in a directory of its own (as for the cold start): another advisor
    # using the user's cache meanwhile would replace it, and a run would read the YAML again.
    with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"ADVISOR_CACHE_DIR": tmp}):
        rows = str(Path(tmp) / "rows.jsonl")
        for count in (small, n):
            base = Path(tmp) / str(count)
            write_samples(profiles[:count], base / "yaml", fmt="yaml")
            write_samples(profiles[:count], base / "json", fmt="json")
            write_samples(profiles[:count], base / "p.jsonl", fmt="jsonl")
        _cli(["batch", str(Path(tmp) / str(small) / "p.jsonl"), "-o", rows, "--workers", "1"])  # fills the cache
        for name, source in (("yaml", "yaml"), ("json", "json"), ("jsonl", "p.jsonl")):
            wall_s, cpu_s = _best(
                [_cli(["batch", str(Path(tmp) / str(small) / source), "-o", rows, "--workers", "1"]) for _ in range(2)]
            )
            wall_l, cpu_l = _best(
                [_cli(["batch", str(Path(tmp) / str(n) / source), "-o", rows, "--workers", "1"]) for _ in range(2)]
            )
            out[f"{name}_per_s"] = round((n - small) / max(wall_l - wall_s, 1e-9), 1)
            out[f"{name}_per_cpu_s"] = round((n - small) / max(cpu_l - cpu_s, 1e-9), 1)
            out[f"{name}_whole_per_s"] = round(n / wall_l, 1)
        # Memory of listing a large directory (the part of a batch from files that could grow
        # with the number of files; rows are streamed, see `memory`): hard links to the n JSON
        # files, 10,000 and 100,000 of them, listed and walked as `advisor batch DIR` does.
        names = sorted((Path(tmp) / str(n) / "json").iterdir())
        for count in (10_000, 100_000):
            many = Path(tmp) / f"links{count}"
            many.mkdir()
            for i in range(count):
                os.link(names[i % len(names)], many / f"p-{i:06d}.json")
            res = _child(LISTING.format(directory=str(many)))
            assert res["files"] == count, res
            out[f"listing_{count}_peak_rss_mb"] = res["peak_rss_mb"]
            if whole_batches:
                # The whole batch of those files, as `advisor batch DIR -o rows.jsonl --workers 1`
                # runs it: every file read and assessed, every row written.
                res = _child(WHOLE_BATCH.format(directory=str(many), output=rows))
                assert res["rows"] == count, res
                out[f"batch_{count}_files_peak_rss_mb"] = res["peak_rss_mb"]
                out[f"batch_{count}_files_per_cpu_s"] = res["per_cpu_s"]
    return out


LISTING = """
import advisor
from advisor.research.runs import _Listed
advisor.load_rules()
out = {{'files': sum(1 for _ in _Listed([{directory!r}]))}}
"""

WHOLE_BATCH = """
import time
import advisor
from advisor.research.runs import batch
start = time.process_time()
result = batch([{directory!r}], workers=1, output={output!r}, keep_rows=False)
out = {{'rows': result.row_count, 'per_cpu_s': round(result.row_count / (time.process_time() - start), 1)}}
"""


def columnar(n: int, repeat: int, seed: int, million: bool = False) -> dict:
    """The columnar engine: evaluation over a frame in memory (fired rules and the rows' lists),
    and `advisor batch --engine columnar` end to end from files of n sampled profiles repeated
    ``repeat`` times (sampling a million profiles would take longer than the rest of the run);
    with ``million``, also once from a JSON Lines file of a million lines (the sample repeated:
    3.2 GB in the temporary directory, some 30 s more)."""
    try:
        import polars as pl
    except ImportError:
        return {"skipped": "polars is not installed (pip install '.[columnar]')"}
    import advisor
    from advisor.engine import columnar as col
    from advisor.research.runs import sample_profiles, write_samples

    pack = advisor.load_rules()
    profiles = sample_profiles(n, seed)
    compiled = col.columnar_pack(pack)
    frame = pl.concat([col.profiles_frame(profiles)] * repeat)
    total = frame.height
    out: dict = {"profiles": total, "sampled": n, "polars_threads": pl.thread_pool_size()}

    def evaluate() -> None:  # the frame of rows: fired rules and the rows' lists
        compiled.briefs(compiled.fired(col.facts_frame(frame)))

    def as_text() -> None:  # the rows as `advisor batch -o rows.jsonl` makes them: JSON text
        fired = compiled.fired(col.facts_frame(frame))
        head = frame.select(profile=pl.lit("p"), municipality=pl.col("context").struct.field("name"))
        pl.concat([head, fired], how="horizontal").select(compiled.row_json(pack.info.name, pack.hash))

    for key, work in (("engine", evaluate), ("engine_text", as_text)):
        times = []
        for _ in range(3):
            cpu, start = time.process_time(), time.perf_counter()
            work()
            times.append((time.perf_counter() - start, time.process_time() - cpu))
        wall, cpu = _best(times)
        out[f"{key}_per_s"] = round(total / wall)
        out[f"{key}_per_cpu_s"] = round(total / cpu)
    # Two sizes of each file (2 and ``repeat`` copies of the sample): the whole run of the large
    # one, start-up included, and the steady rate (the extra profiles over the extra CPU time).
    # Best of two runs, wall and CPU time each. The shipped pack's cache in a directory of its
    # own, as for the cold start: another advisor using the user's cache meanwhile would replace
    # it, and a run would read the YAML again.
    small = 2 * n
    with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"ADVISOR_CACHE_DIR": tmp}):
        one = Path(tmp) / "one.jsonl"
        write_samples(profiles, one, fmt="jsonl")
        text = one.read_bytes()
        out["jsonl_bytes_per_profile"] = round(len(text) / n)
        rows = str(Path(tmp) / "rows.jsonl")
        for size, copies in (("small", 2), ("large", repeat)):
            (Path(tmp) / f"{size}.jsonl").write_bytes(text * copies)
            pl.concat([frame.head(n)] * copies).write_parquet(Path(tmp) / f"{size}.parquet")
        for name in ("jsonl", "parquet"):
            runs = {
                size: _best(
                    [
                        _cli(["batch", str(Path(tmp) / f"{size}.{name}"), "--engine", "columnar", "-o", rows])
                        for _ in range(2)
                    ]
                )
                for size in ("small", "large")
            }
            wall, cpu = runs["large"]
            out[f"{name}_per_s"] = round(total / wall)
            out[f"{name}_per_cpu_s"] = round(total / cpu)
            out[f"{name}_steady_per_cpu_s"] = round((total - small) / max(cpu - runs["small"][1], 1e-9))
        if million:
            copies = max(1, 1_000_000 // n)
            path = Path(tmp) / "million.jsonl"
            with path.open("wb") as handle:
                for _ in range(copies):
                    handle.write(text)
            (Path(tmp) / "large.jsonl").unlink()  # room on the disk
            wall, cpu = _cli(["batch", str(path), "--engine", "columnar", "-o", rows])
            out["jsonl_million_profiles"] = copies * n
            out["jsonl_million_per_s"] = round(copies * n / wall)
            out["jsonl_million_per_cpu_s"] = round(copies * n / cpu)
    return out


VARIANTS = """
import advisor
from advisor.rules.pack import PackInfo, RulePack
from advisor.research.runs import sample_profiles
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
base = advisor.load_rules()
profiles = sample_profiles(3, {seed})
marks = {{}}
for i in range({n}):  # each variant is a distinct pack (another version), so it is compiled anew
    pack = RulePack(info=PackInfo(name='variant', version=str(i)), documents=base.documents, rules=base.rules)
    for p in profiles:
        advisor.assess(p, pack)
    if i + 1 in (100, {n}):
        marks[i + 1] = round(rss(), 1)
out = {{'variants': {n}, 'rss_mb_after_100': marks[100], 'rss_mb_after_all': marks[{n}],
        'growth_mb_per_variant': round((marks[{n}] - marks[100]) / ({n} - 100), 3)}}
"""


def variant_loop(n: int, seed: int) -> dict:
    """RSS of a notebook loop that assesses 3 profiles with each of ``n`` distinct variants."""
    return _child(VARIANTS.format(n=n, seed=seed))


def scaled_pack(n: int):
    """A pack of ``n`` rules: copies of the shipped rules, each copy with ids of its own (a letter
    added to the prefix: LEAD-001, LEADA-001, LEADB-001, ...) and its links and finding tests renamed alike;
    links to rules past ``n`` are dropped."""
    import re

    from advisor.core.documents import Document
    from advisor.core.errors import Problems
    from advisor.rules.pack import PackInfo, build_pack
    from advisor.rules.variants import resolve_layers

    # the rules as the loader sees them: with their files' defaults, `addresses` linked
    state = resolve_layers(None, Problems(collect=False), tests=False)
    assert state is not None
    raw = [e.raw for e in state.entries]
    ids = re.compile(r"\b(" + "|".join(re.escape(r["id"]) for r in raw) + r")\b")
    text = json.dumps(raw)
    rules: list = []
    copy = 0
    while len(rules) < n:
        if copy > 26:
            raise ValueError(f"{n} rules need more than 26 copies of the shipped rules")
        letters = "" if copy == 0 else chr(64 + copy)  # ids have at most 6 letters: ARENA + one
        renamed = ids.sub(lambda m: m.group(1).replace("-", letters + "-", 1) if letters else m.group(1), text)
        rules.extend(json.loads(renamed))
        copy += 1
    rules = rules[:n]
    kept = {r["id"] for r in rules}
    for rule in rules:
        if "recommends" in rule:
            rule["recommends"] = [x for x in rule["recommends"] if x in kept]
    doc = Document("scaled.yaml", {"rules": rules})
    return build_pack(
        PackInfo(name=f"scaled-{n}"),
        state.documents,
        [(doc, ("rules", i), r) for i, r in enumerate(rules)],
    )


def rule_scaling(sizes: tuple[int, ...], n: int, seed: int) -> dict:
    """Compile time and engine time of packs of ``sizes`` rules on ``n`` sampled profiles, on
    durable-rules and on the reference evaluator (best of three runs each)."""
    from advisor.engine.durable import DurableBackend
    from advisor.engine.assessment import reference_firings
    from advisor.engine.facts import profile_facts
    from advisor.research.runs import sample_profiles

    facts = [profile_facts(p) for p in sample_profiles(n, seed)]
    out: dict = {}
    for size in sizes:
        pack = scaled_pack(size)
        start = time.perf_counter()
        backend = DurableBackend(pack)
        compile_s = time.perf_counter() - start
        for f in facts[:10]:
            backend.run(f)

        def best(run) -> float:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                for f in facts:
                    run(f)
                times.append(time.perf_counter() - start)
            return min(times) / len(facts) * 1e6

        firings = sum(len(backend.run(f)) for f in facts) / len(facts)
        engine_us = best(backend.run)
        reference_us = best(lambda f: reference_firings(pack, f))
        out[str(size)] = {
            "rules": len(pack.rules),
            "compile_s": round(compile_s, 3),
            "rulesets": backend.ruleset_count,
            "firings_per_profile": round(firings, 1),
            "engine_us": round(engine_us, 1),
            "reference_us": round(reference_us, 1),
            "engine_us_per_firing": round(engine_us / max(firings, 1e-9), 2),
            "ratio_engine_to_reference": round(engine_us / reference_us, 2),
        }
    return out


def main() -> None:
    # An installed advisor has its bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would compile every module in every child process and time that.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--profiles", type=int, default=None, help="size of the large memory runs (default 100000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--million",
        action="store_true",
        help="the columnar section also runs a JSON Lines file of a million lines (3.2 GB in the temporary directory)",
    )
    parser.add_argument("-o", "--output", default=str(HERE / "results.json"))
    parser.add_argument(
        "--only",
        default=None,
        help=(
            "run only these sections (comma-separated: cold_start,warm,rule_scaling,throughput,memory,"
            "variant_loop,files,columnar) and update them in the output file"
        ),
    )
    args = parser.parse_args()
    large = args.profiles or (5_000 if args.quick else 100_000)
    small = max(100, large // 10)
    import advisor

    if args.only:
        sections = {
            "cold_start": lambda: cold_start(3 if args.quick else 7),
            "warm": lambda: warm_latency(200 if args.quick else 1000, args.seed),
            "rule_scaling": lambda: rule_scaling((150, 500, 1000, 2000), 50 if args.quick else 200, args.seed),
            "throughput": lambda: throughput(500 if args.quick else 4000, args.seed),
            "memory": lambda: memory(small, large, args.seed),
            "variant_loop": lambda: variant_loop(200 if args.quick else 1000, args.seed),
            "files": lambda: files(300 if args.quick else 2000, args.seed, whole_batches=not args.quick),
            "columnar": lambda: columnar(
                2000 if args.quick else 10_000, 5 if args.quick else 10, args.seed, million=args.million
            ),
        }
        target = Path(args.output)
        results = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        for name in args.only.split(","):
            results[name] = sections[name]()
            results.setdefault("measured_separately", {})[name] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            print(name, json.dumps(results[name]))
        target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return

    results = {
        "advisor": advisor.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "rules": len(advisor.load_rules().rules),
        "cold_start": cold_start(3 if args.quick else 7),
        "warm": warm_latency(200 if args.quick else 1000, args.seed),
        "throughput": throughput(500 if args.quick else 4000, args.seed),
        "memory": memory(small, large, args.seed),
        "files": files(300 if args.quick else 2000, args.seed, whole_batches=not args.quick),
        "columnar": columnar(2000 if args.quick else 10_000, 5 if args.quick else 10, args.seed, million=args.million),
        "variant_loop": variant_loop(200 if args.quick else 1000, args.seed),
        "rule_scaling": rule_scaling((150, 500, 1000, 2000), 50 if args.quick else 200, args.seed),
    }
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    w, tp, mem, cs = results["warm"], results["throughput"], results["memory"], results["cold_start"]
    rows = [
        ("rules in the shipped pack", results["rules"], ""),
        (
            "CLI cold start, median",
            f"{cs.get('median_s', '-')} s",
            f"CPU {cs.get('median_cpu_s', '-')} s; python alone {cs.get('python_startup_s', '-')} s",
        ),
        (
            "warm assessment, durable-rules, median",
            f"{w['durable']['median_ms']} ms",
            f"p95 {w['durable']['p95_ms']} ms",
        ),
        (
            "warm assessment, Python baseline, median",
            f"{w['python']['median_ms']} ms",
            f"p95 {w['python']['p95_ms']} ms",
        ),
        ("engine / baseline (latency)", f"{w['ratio_engine_to_baseline']}x", ""),
        (
            "batch, durable-rules, 1 worker",
            f"{tp['durable_1w_per_s']} /s",
            f"steady; {tp['profiles']} profiles: {tp['durable_1w_whole_batch_per_s']} /s",
        ),
        (
            f"batch, durable-rules, {tp['cores']} workers",
            f"{tp['durable_%dw_per_s' % tp['cores']]} /s",
            f"steady, {tp['per_core_durable_all']} /s per core; start-up {tp['durable_%dw_startup_s' % tp['cores']]} s; {tp['profiles']} profiles: {tp['durable_%dw_whole_batch_per_s' % tp['cores']]} /s",
        ),
        (
            "batch, Python baseline, 1 worker",
            f"{tp['python_1w_per_s']} /s",
            f"steady; {tp['profiles']} profiles: {tp['python_1w_whole_batch_per_s']} /s",
        ),
        (f"batch, Python baseline, {tp['cores']} workers", f"{tp['python_%dw_per_s' % tp['cores']]} /s", "steady"),
        ("engine / baseline (throughput)", f"{tp['ratio_engine_to_baseline_1w']}x", ""),
        (
            f"peak RSS, {small} vs {large} consecutive assessments",
            f"{mem[f'loop_{small}_peak_rss_mb']} / {mem[f'loop_{large}_peak_rss_mb']} MB",
            f"growth {mem['loop_growth']}x",
        ),
        (
            f"peak RSS, batch of {small} vs {large}",
            f"{mem[f'batch_{small}_peak_rss_mb']} / {mem[f'batch_{large}_peak_rss_mb']} MB",
            f"growth {mem['batch_growth']}x",
        ),
    ]
    fl, co = results["files"], results["columnar"]
    for name in ("yaml", "json", "jsonl"):
        rows.append(
            (
                f"advisor batch from {name} files, 1 worker",
                f"{fl[f'{name}_per_s']} /s",
                f"steady; {fl[f'{name}_per_cpu_s']} per CPU second; {fl['profiles']} profiles with start-up: {fl[f'{name}_whole_per_s']} /s",
            )
        )
    if "listing_100000_peak_rss_mb" in fl:
        rows.append(
            (
                "peak RSS, listing 10,000 vs 100,000 files",
                f"{fl['listing_10000_peak_rss_mb']} / {fl['listing_100000_peak_rss_mb']} MB",
                "advisor imported, pack loaded; a directory walked as `advisor batch DIR` walks it",
            )
        )
    if "batch_100000_files_peak_rss_mb" in fl:
        rows.append(
            (
                "peak RSS, batch of 10,000 vs 100,000 JSON files",
                f"{fl['batch_10000_files_peak_rss_mb']} / {fl['batch_100000_files_peak_rss_mb']} MB",
                f"1 worker, rows to a file; {fl['batch_10000_files_per_cpu_s']} / {fl['batch_100000_files_per_cpu_s']} profiles per CPU second, start-up included",
            )
        )
    if "skipped" not in co:
        rows.append(
            (
                f"columnar evaluation, {co['profiles']} profiles in memory",
                f"{co['engine_per_s']} /s",
                f"{co['engine_per_cpu_s']} per CPU second (rows as JSON text: {co.get('engine_text_per_cpu_s')}); durable 1 worker {tp['durable_1w_per_s']} /s, reference {tp['python_1w_per_s']} /s",
            )
        )
        for name in ("jsonl", "parquet"):
            rows.append(
                (
                    f"advisor batch --engine columnar, {co['profiles']} from {name}",
                    f"{co[f'{name}_per_s']} /s",
                    f"{co[f'{name}_per_cpu_s']} per CPU second with start-up; steady {co.get(f'{name}_steady_per_cpu_s')} per CPU second",
                )
            )
        if "jsonl_million_profiles" in co:
            rows.append(
                (
                    f"advisor batch --engine columnar, {co['jsonl_million_profiles']} from jsonl",
                    f"{co['jsonl_million_per_s']} /s",
                    f"{co['jsonl_million_per_cpu_s']} per CPU second with start-up",
                )
            )
    vl = results["variant_loop"]
    rows.append(
        (
            f"RSS, notebook loop of {vl['variants']} variants",
            f"{vl['rss_mb_after_100']} / {vl['rss_mb_after_all']} MB",
            f"after 100 / all; {vl['growth_mb_per_variant']} MB per variant",
        )
    )
    for size, sc in results["rule_scaling"].items():
        rows.append(
            (
                f"{size} rules on durable-rules",
                f"{sc['engine_us']} us",
                f"compile {sc['compile_s']} s, {sc['rulesets']} rulesets; {sc['engine_us_per_firing']} us per firing; reference {sc['reference_us']} us ({sc['ratio_engine_to_reference']}x)",
            )
        )
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value!s:>22}  {note}")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
