"""What keeps a command's start short (issue 15 §3), as mechanisms rather than timings (the
times are benchmarks/run.py's ``cold_start``)."""

from __future__ import annotations

import os
import subprocess
import sys

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
