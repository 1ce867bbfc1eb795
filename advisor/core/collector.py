"""The cyclic garbage collector paused while many objects that outlive the pause are made.

Importing advisor (pydantic, its schemas, the models) and a command that assesses one profile
(the pack, the profile, the results and their text) make tens of thousands of objects; the
collector would walk them dozens of times as they are made and find little to free. While
:func:`paused` runs, it does not collect; afterwards what exists is moved to the oldest
generation (``gc.freeze`` then ``gc.unfreeze``: no walk, and the young generation's count starts
again, so the first allocation after the pause does not walk them all either; they are still
collected by a full collection), and the collector is left enabled or disabled as it was found
(issue 15 §3; tests/test_startup.py).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block; its objects in the oldest generation after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if collecting:
            gc.enable()
