"""What keeps a command's start short (issue 15 §3), as mechanisms rather than timings (the
times are benchmarks/run.py's ``cold_start``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

# Counts the collections that start while one of advisor's modules (or what it imports) is being
# imported: with the package's own ``__init__.py`` on the stack, but also a module below it.
_COUNT = """
import gc, json, os, sys
top = os.path.join({package!r}, "__init__.py")
inside = []

def seen(phase, info):
    if phase != "start":
        return
    frame, files = sys._getframe(1), []
    while frame is not None:
        files.append(frame.f_code.co_filename)
        frame = frame.f_back
    if top in files and any(f.startswith({package!r}) and f != top for f in files):
        inside.append(info["generation"])

gc.callbacks.append(seen)
{before}
import advisor
gc.callbacks.clear()
from advisor.profile.model import Profile
oldest = any(o is Profile for o in gc.get_objects(generation=2))
print(json.dumps({{"collections": len(inside), "enabled": gc.isenabled(), "oldest": oldest}}))
"""


def _assess_in_child(code: str, cache: Path) -> subprocess.CompletedProcess:
    """Run ``code`` (which assesses the Levanger example) in a fresh interpreter, from the checkout,
    with its own pack cache ``cache``; the test reads what it prints on stderr."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "ADVISOR_CACHE_DIR": str(cache)},
        cwd=str(REPO),
        check=True,
    )
    assert "Levanger" in done.stdout
    return done


def _import_advisor(before: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", _COUNT.format(before=before, package=str(REPO / "advisor") + os.sep)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    import json

    return json.loads(done.stdout)


def test_the_garbage_collector_is_paused_while_advisor_is_imported_and_then_restored():
    # No collection while advisor's modules are made, and what they made is in the oldest
    # generation (not walked again by the next young collection), the collector enabled again.
    assert _import_advisor() == {"collections": 0, "enabled": True, "oldest": True}


def test_a_collector_the_caller_disabled_stays_disabled():
    assert _import_advisor("gc.disable()") == {"collections": 0, "enabled": False, "oldest": True}


def _child(code: str, *, path: tuple[str, ...] = (), env: "dict[str, str] | None" = None) -> str:
    """Run ``code`` in a fresh interpreter with the repository (and ``path``) importable; its stdout."""
    pythonpath = os.pathsep.join([*path, str(REPO), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": pythonpath},
        cwd=str(REPO),
        check=True,
    )
    return done.stdout


def _pydantic_plugins_may_be_installed() -> bool:
    """Whether an installed distribution's entry points mention pydantic (a plugin, or something
    advisor.core.plugins cannot tell from one): pydantic's own loader then rightly runs. Asked in
    a fresh interpreter as the tests' children run, not in this one (the test run's own path and
    finders are not theirs)."""
    code = "from advisor.core.plugins import _may_have_plugins; print(_may_have_plugins())"
    return _child(code).strip() == "True"


_LOADED = """
import json, sys
{before}
try:
    from advisor.cli.main import main
    main(["assess", "examples/levanger.yaml"], standalone_mode=True)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("importlib.metadata", "tabulate") if m in sys.modules)), file=sys.stderr)
"""


def test_an_assessment_on_the_command_line_imports_neither_importlib_metadata_nor_tabulate(tmp_path):
    # pydantic's plugins looked up without importlib.metadata (advisor.core.plugins), the tables
    # written by advisor.render.table, durable-rules' version read from its .dist-info folder
    if _pydantic_plugins_may_be_installed():
        pytest.skip("an installed distribution's entry points mention pydantic: its own loader runs")
    done = _assess_in_child(_LOADED.format(before=""), tmp_path)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


_PLUGIN = """
CALLS = []


class Plugin:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        CALLS.append(schema_type_path.name)
        return None, None, None


plugin = Plugin()
"""


def test_an_installed_pydantic_plugin_is_still_loaded(tmp_path):
    (tmp_path / "fakeplugin_mod.py").write_text(_PLUGIN, encoding="utf-8")
    info = tmp_path / "fakeplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nfake = fakeplugin_mod:plugin\n", encoding="utf-8")
    code = "import advisor, fakeplugin_mod; print('Text' in fakeplugin_mod.CALLS)"
    assert _child(code, path=(str(tmp_path),)).strip() == "True"
    # unless PYDANTIC_DISABLE_PLUGINS turns every plugin off, as pydantic's own loader would
    off = "import advisor, sys, fakeplugin_mod; print(fakeplugin_mod.CALLS, 'importlib.metadata' in sys.modules)"
    assert _child(off, path=(str(tmp_path),), env={"PYDANTIC_DISABLE_PLUGINS": "__all__"}).strip() == "[] False"


def test_a_name_the_stand_in_loader_lacks_brings_in_pydantics_own(tmp_path):
    """A later pydantic may ask its loader for more than ``get_plugins``: the stand-in then gives
    way to the real module (which has the name), instead of failing the import."""
    if _pydantic_plugins_may_be_installed():
        pytest.skip("an installed distribution's entry points mention pydantic: its own loader runs")
    code = (
        "import sys, advisor\n"
        "stand_in = sys.modules['pydantic.plugin._loader']\n"
        "from pydantic.plugin._loader import _loading_plugins\n"
        "real = sys.modules['pydantic.plugin._loader']\n"
        "print(stand_in is not real, _loading_plugins, callable(real.get_plugins))"
    )
    assert _child(code).strip() == "True False True"


def test_the_search_for_plugins_reads_the_entry_points_importlib_metadata_reads():
    import importlib.metadata

    from advisor.core.plugins import _entry_point_files

    files = _entry_point_files(sys.path)
    assert files is not None
    mine = {os.path.basename(os.path.dirname(f)) for f in files if os.path.exists(f)}
    theirs = {
        os.path.basename(str(d._path))  # type: ignore[attr-defined]
        for d in importlib.metadata.distributions()
        if d.read_text("entry_points.txt") is not None
    }
    assert mine == theirs and mine


def test_durable_rules_version_is_the_one_importlib_metadata_gives():
    import importlib.metadata

    durable = pytest.importorskip("advisor.engine.durable")
    assert durable.engine_version() == importlib.metadata.version("durable_rules")


def test_the_command_line_freezes_what_is_left_at_exit_and_the_library_does_not():
    # The handler that runs after advisor's (registered before it) sees the frozen objects.
    code = "import atexit, gc, os\natexit.register(lambda: os.write(1, str(gc.get_freeze_count()).encode()))\n"
    assert int(_child(code + "import advisor.cli.main")) > 10_000
    assert int(_child(code + "import advisor")) == 0


#: The models whose validators are built on first use, not at import.
_DEFERRED = (
    "advisor.profile.model:Profile",
    "advisor.profile.model:Arena",
    "advisor.profile.model:Context",
    "advisor.rules.pack:RulePack",
    "advisor.rules.pack:Rule",
    "advisor.rules.pack:Reference",
    "advisor.engine.assessment:Assessment",
    "advisor.engine.assessment:Finding",
    "advisor.engine.assessment:Manifest",
    "advisor.engine.assessment:Question",
)


def test_models_the_assessment_builds_without_validation_are_built_on_first_use():
    code = (
        "import importlib, json, advisor\n"
        f"names = {list(_DEFERRED)!r}\n"
        "models = [getattr(importlib.import_module(n.split(':')[0]), n.split(':')[1]) for n in names]\n"
        "print(json.dumps([m.__pydantic_complete__ for m in models]))"
    )
    assert json.loads(_child(code)) == [False] * len(_DEFERRED)


@pytest.mark.parametrize("name", _DEFERRED)
def test_a_deferred_model_has_the_schema_a_model_built_at_once_has(name):
    import importlib

    module, attr = name.split(":")
    model = getattr(importlib.import_module(module), attr)
    eager = type(
        attr,
        (model,),
        {
            "__module__": model.__module__,
            "__doc__": model.__doc__,
            "model_config": {**model.model_config, "defer_build": False},
        },
    )
    assert eager.__pydantic_complete__
    assert model.model_json_schema() == eager.model_json_schema()
    assert model.model_json_schema(mode="serialization") == eager.model_json_schema(mode="serialization")


def test_deferred_models_validate_and_serialise_as_before():
    import advisor

    profile = advisor.load_profile(REPO / "examples" / "levanger.yaml")
    result = advisor.assess(profile)
    for obj in (profile, result, result.manifest, *result.findings[:5], *result.questions[:5]):
        # read back from its JSON, it writes the same JSON (a conditional finding's phrase is
        # read back as its words, so the objects themselves may differ)
        again = type(obj).model_validate_json(obj.model_dump_json())
        assert again.model_dump_json() == obj.model_dump_json()
        assert type(obj).model_validate(obj.model_dump()).model_dump_json() == obj.model_dump_json()


_LAZY_AFTER_ASSESS = """
import json, sys
try:
    from advisor.cli.main import main
    main(["assess", "examples/levanger.yaml"], standalone_mode=True)
except SystemExit:
    pass
from advisor.profile import canonical
lazy = ("difflib", "shlex", "statistics", "importlib.resources", "advisor.rules.variants")
lazy += ("advisor.render.catalogue", "advisor.profile.examples", "yaml", "tempfile")
loaded = sorted(m for m in lazy if m in sys.modules)
from advisor.engine import facts
from advisor.profile.model import Profile
made = len(canonical._WRITERS) + (Profile in facts._FLATTENERS)
print(json.dumps({"loaded": loaded, "writers": made}), file=sys.stderr)
"""


def test_an_assessment_on_the_command_line_leaves_lazy_what_only_other_commands_need(tmp_path):
    # did-you-mean suggestions (difflib), commands in a text (shlex), the commands rules catalogue
    # and example (their modules), the shipped pack's folder found without importlib.resources,
    # the shipped pack from its cache without the variant machinery (advisor.rules.load),
    # the median of the ladder levels without the statistics module, the YAML profile read by the
    # line reader without PyYAML (advisor.core.documents), no temporary-file machinery where no
    # file is written (advisor.core.io, advisor.rules.cache), and no generated writer of
    # a profile's canonical JSON for the one profile the command hashes (advisor.profile.canonical),
    # nor the flattener of its facts (advisor.engine.facts; each arena but the first uses Arena's)
    # (as every run but the first finds the shipped pack: in its cache)
    for _ in range(2):
        done = _assess_in_child(_LAZY_AFTER_ASSESS, tmp_path)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"loaded": [], "writers": 0}


_COLLECTIONS_IN_ASSESS = """
import gc, json, sys
from advisor.cli.main import main
{before}
gc.collect()  # the young generation's count from zero: what follows is the command's own
seen = []
gc.callbacks.append(lambda phase, info: seen.append(info["generation"]) if phase == "start" else None)
try:
    main(["assess", "examples/levanger.yaml"], standalone_mode=True)
except SystemExit:
    pass
gc.callbacks.clear()
print(json.dumps({{"collections": len(seen), "enabled": gc.isenabled()}}), file=sys.stderr)
"""


@pytest.mark.parametrize("before, enabled", [("", True), ("gc.disable()", False)])
def test_advisor_assess_runs_without_collections_and_leaves_the_collector_as_it_found_it(tmp_path, before, enabled):
    done = _assess_in_child(_COLLECTIONS_IN_ASSESS.format(before=before), tmp_path)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"collections": 0, "enabled": enabled}


_KEPT_AFTER_ASSESS = """
import json, sys
from advisor.engine import assessment, durable
from advisor.rules import pack
calls = []
compiled, cite_all, plan, dnf = durable._compiled, pack.RulePack.cite_all, assessment._plan_data, pack.to_dnf
durable._compiled = lambda p: calls.append("compile") or compiled(p)
pack.RulePack.cite_all = lambda self, sources: calls.append("cite") or cite_all(self, sources)
assessment._plan_data = lambda p: calls.append("plan") or plan(p)
pack.to_dnf = lambda condition: calls.append("dnf") or dnf(condition)
try:
    from advisor.cli.main import main
    main(["assess", "examples/levanger.yaml"], standalone_mode=True)
except SystemExit:
    pass
loaded = sorted(m for m in ("tempfile", "shutil") if m in sys.modules)
models = (pack.RulePack, pack.Rule, pack.Reference, pack.Source, pack.Contrast, pack.PackInfo)
built = [m.__name__ for m in models if m.__pydantic_complete__]
print(json.dumps({"calls": sorted(set(calls)), "loaded": loaded, "built": built}), file=sys.stderr)
"""


def test_an_assessment_on_the_command_line_finds_what_is_derived_from_the_pack_in_its_cache(tmp_path):
    # The first run derives the durable compile, the readable citations and the plan's data
    # (each rule's alternatives in disjunctive normal form: ``dnf``) from the shipped pack and
    # keeps them beside it (advisor.rules.cache.cached_data); every later run reads them
    # back, and writes nothing (no tempfile, which only writing the cache or a file needs); the
    # pack itself is made from its file without validation, so no validator of the pack's
    # models is built (advisor.rules.cache._constructed).
    pytest.importorskip("durable_rules_engine")
    first = _assess_in_child(_KEPT_AFTER_ASSESS, tmp_path)
    first_run = json.loads(first.stderr.strip().splitlines()[-1])
    assert first_run["calls"] == ["cite", "compile", "dnf", "plan"] and "RulePack" in first_run["built"]
    later = _assess_in_child(_KEPT_AFTER_ASSESS, tmp_path)
    assert json.loads(later.stderr.strip().splitlines()[-1]) == {"calls": [], "loaded": [], "built": []}


# --------------------------------------------------------------------------------------------
# The bytecode of what dataclasses and typing generate while advisor is imported, kept between
# runs beside advisor's own (advisor.core.codecache).

_CODECACHE = """
import json, os
import advisor
from advisor.core import codecache
path = codecache.cache_file()
print(json.dumps({**codecache.STATS, "file": os.path.isfile(path), "under": path.startswith(os.environ["PYTHONPYCACHEPREFIX"])}))
"""


def _codecache_run(prefix: Path, **env: str) -> dict:
    return json.loads(
        _child(_CODECACHE, env={"PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": "", **env})
    )


def test_the_code_dataclasses_and_typing_generate_is_compiled_once_and_then_read(tmp_path):
    first = _codecache_run(tmp_path)
    assert first["file"] and first["under"] and first["compiled"] > 200
    second = _codecache_run(tmp_path)
    assert second == {**second, "compiled": 0, "file": True} and second["read"] == first["compiled"] + first["read"]


def test_the_generated_code_cache_is_not_written_without_bytecode_and_a_bad_file_is_compiled_over(tmp_path):
    # PYTHONDONTWRITEBYTECODE: nothing written, as no .pyc is
    assert _codecache_run(tmp_path, PYTHONDONTWRITEBYTECODE="1")["file"] is False
    first = _codecache_run(tmp_path)
    path = Path(
        _child(
            "from advisor.core import codecache; print(codecache.cache_file())",
            env={"PYTHONPYCACHEPREFIX": str(tmp_path)},
        ).strip()
    )
    import marshal

    header, codes = marshal.loads(path.read_bytes())
    for content in (b"not marshal", marshal.dumps(((b"\0\0\r\n", header[1]), codes)), marshal.dumps((header, [1]))):
        path.write_bytes(content)  # not a file, another interpreter's, another layout: compiled again
        again = _codecache_run(tmp_path)
        assert again["compiled"] == first["compiled"] + first["read"] and again["read"] == 0
    assert _codecache_run(tmp_path)["compiled"] == 0  # and written again


_SAME_CODE = """
import collections, dataclasses, json, typing
from advisor.core.codecache import generated_code_cached, STATS

def made():
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: "list[str]" = dataclasses.field(default_factory=list)
    return Point, typing.ForwardRef("dict[str, typing.Optional[int]]"), collections.namedtuple("Pair", "left right")

plain_class, plain_ref, plain_pair = made()
with generated_code_cached():
    hooked = (dataclasses.__dict__.get("exec"), typing.__dict__.get("compile"), collections.__dict__.get("eval"))
    cached_class, cached_ref, cached_pair = made()
with generated_code_cached():
    read_class, read_ref, read_pair = made()
names = ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__", "__delattr__")
def codes(cls):
    return [getattr(cls, n).__code__ for n in names]
same = all(
    a == b == c and a.co_filename == b.co_filename == c.co_filename and a.co_flags == b.co_flags == c.co_flags
    for a, b, c in zip(codes(plain_class), codes(cached_class), codes(read_class))
)
ref = plain_ref.__forward_code__ == cached_ref.__forward_code__ == read_ref.__forward_code__
pair = plain_pair.__new__.__code__ == cached_pair.__new__.__code__ == read_pair.__new__.__code__
left = "exec" in dataclasses.__dict__ or "compile" in typing.__dict__ or "eval" in collections.__dict__
print(json.dumps([same, ref, pair, None not in hooked, left, STATS["compiled"]]))
"""


def test_code_made_from_the_generated_code_cache_is_the_code_compiled_without_it(tmp_path):
    # the methods of a dataclass, a forward reference's code and a namedtuple's __new__: equal,
    # made with the hooks and without (and, in a second block, from the code objects the first
    # one compiled, nothing compiled again); the hooks are gone after each block
    env = {"PYTHONPYCACHEPREFIX": str(tmp_path), "PYTHONDONTWRITEBYTECODE": ""}
    assert json.loads(_child(_SAME_CODE, env=env)) == [True, True, True, True, False, 0]


def test_someone_elses_hook_on_dataclasses_is_left_as_it_is():
    code = (
        "import dataclasses\n"
        "def mine(*args): return exec(*args)\n"
        "dataclasses.exec = mine\n"
        "import advisor\n"
        "from advisor.core import codecache\n"
        "print(dataclasses.exec is mine, codecache.STATS)"
    )
    assert _child(code).strip() == "True {'compiled': 0, 'read': 0}"


_GENERATED_COMPILES = """
import json, sys
seen = []
def audit(event, args):
    if event == "compile":
        caller = sys._getframe(1)
        while caller is not None and caller.f_code.co_filename.startswith("<frozen"):
            caller = caller.f_back
        name = caller.f_code.co_filename if caller is not None else ""
        if name.endswith(("dataclasses.py", "typing.py", "collections/__init__.py", "codecache.py")):
            seen.append(name)
sys.addaudithook(audit)
try:
    from advisor.cli.main import main
    main(["assess", "examples/levanger.yaml"], standalone_mode=True)
except SystemExit:
    pass
print(len(seen), sorted(set(seen)), file=sys.stderr)
"""


def test_advisor_assess_compiles_no_generated_code_once_it_is_kept(tmp_path):
    # the package's import, the command line's and the command's (the engine's modules) all
    # take the code of dataclasses, namedtuples and forward references from the kept bytecode
    env = {**os.environ, "PYTHONPATH": str(REPO), "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    env.update(PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"), PYTHONDONTWRITEBYTECODE="")
    counts = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _GENERATED_COMPILES],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(REPO),
            check=True,
        )
        counts.append(int(done.stderr.strip().splitlines()[-1].split()[0]))
    assert counts[0] > 100 and counts[1] == 0
