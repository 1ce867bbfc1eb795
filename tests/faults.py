"""Faults for the batch tests: a profile that crashes its worker process, one that hangs it.

``python -c "import faults; faults.run()" batch ...`` (with tests/ on ``PYTHONPATH``) runs
``advisor`` with the faults installed: a profile file
whose name starts with ``crash`` kills the worker assessing it with SIGSEGV (as a crash in the C
engine does), one whose name starts with ``hang`` never finishes. The worker processes import this
module by name (spawned workers get the parent's ``sys.path``), so the faults act there, where a
real crash would happen; nothing in advisor knows of them.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from advisor.research import runs as research

_REAL_TASK = research._assess_task


def faulty_task(task):
    _index, item = task
    name = os.path.basename(str(item))
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("hang"):
        time.sleep(3600)
    return _REAL_TASK(task)


def install() -> None:
    research._assess_task = faulty_task


def run() -> None:
    """``advisor`` with the faults installed, its arguments from the command line."""
    install()
    from advisor.cli.main import main

    main(sys.argv[1:], prog_name="advisor")
