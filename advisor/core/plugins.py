"""pydantic's plugins, looked up without ``importlib.metadata`` when there are none (issue 15 §3).

pydantic looks for its plugins (the entry points of the group ``pydantic`` of every installed
distribution) when it builds its first validator: its loader imports ``importlib.metadata``
(with ``email``, ``zipfile``, ``csv`` and more) and reads the metadata of every distribution on
``sys.path``. :func:`use_no_plugins_if_none` looks at the few files that search needs,
``*.dist-info/entry_points.txt`` (and ``*.egg-info``'s), and when no distribution declares
anything that mentions pydantic, or ``PYDANTIC_DISABLE_PLUGINS`` turns every plugin off, gives
pydantic a loader that returns what pydantic's own would: no plugins. Wherever the search could
differ from ``importlib.metadata``'s (a zip file or an egg on the path, another finder of
distributions on ``sys.meta_path``, pydantic's loader already imported), or a file mentions
pydantic, pydantic's own loader runs as always. ``tests/test_startup.py`` checks both ways.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Iterable, Optional

__all__ = ["use_no_plugins_if_none"]

_LOADER = "pydantic.plugin._loader"
#: The values of PYDANTIC_DISABLE_PLUGINS with which pydantic loads no plugin at all.
_ALL_OFF = ("__all__", "1", "true")


def _entry_point_files(paths: Iterable[str]) -> Optional[list[str]]:
    """The ``entry_points.txt`` of every distribution ``importlib.metadata`` finds on ``paths``,
    or ``None`` when its search could find distributions this one does not look for."""
    files: list[str] = []
    for path in paths:
        root = path or "."
        if not os.path.isdir(root):
            if os.path.exists(root):  # a zip file: importlib.metadata looks inside it
                return None
            continue
        if os.path.basename(root).lower().endswith(".egg"):
            return None
        try:
            names = os.listdir(root)
        except OSError:  # as importlib.metadata: a directory it cannot list holds nothing
            continue
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):
                files.append(os.path.join(root, name, "entry_points.txt"))
    return files


def _may_have_plugins() -> bool:
    if any(
        hasattr(finder, "find_distributions") and not (isinstance(finder, type) and finder.__name__ == "PathFinder")
        for finder in sys.meta_path
    ):
        return True
    files = _entry_point_files(sys.path)
    if files is None:
        return True
    for file in files:
        try:
            with open(file, "rb") as handle:
                text = handle.read()
        except FileNotFoundError:
            continue
        except OSError:
            return True
        if b"pydantic" in text.lower():
            return True
    return False


def _no_plugins() -> tuple[()]:
    return ()


def _real_loader(name: str) -> object:
    """Any other name of pydantic's loader (a later pydantic may ask for one): the real module
    takes the shim's place, and gives it."""
    import importlib

    if name.startswith("__"):  # what the import system asks of any module (__path__, __spec__...)
        raise AttributeError(name)
    sys.modules.pop(_LOADER, None)
    return getattr(importlib.import_module(_LOADER), name)


def use_no_plugins_if_none() -> bool:
    """Give pydantic a plugin loader that finds none, if pydantic's own would find none (see the
    module's docstring); whether it did. Call it before pydantic builds its first model."""
    if _LOADER in sys.modules:
        return False
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _ALL_OFF and _may_have_plugins():
        return False
    loader = types.ModuleType(_LOADER, "pydantic's plugin loader where no plugin is installed (advisor.core.plugins).")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    loader.PYDANTIC_ENTRY_POINT_GROUP = "pydantic"  # type: ignore[attr-defined]
    loader.__getattr__ = _real_loader  # type: ignore[method-assign]
    sys.modules[_LOADER] = loader
    return True
