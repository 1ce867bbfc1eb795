"""The one loader of rule packs, :func:`load_rules`: the shipped pack from its cache, anything
else (a pack, a variant, a stack of them) through :mod:`advisor.rules.variants`.

A command that assesses with the shipped pack finds it in the cache (:mod:`advisor.rules.cache`)
and does not import the variant machinery, which only reading pack files needs (issue 15 §3;
tests/test_startup.py).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence, Union

from . import pack as _pack

if TYPE_CHECKING:
    from .pack import RulePack

__all__ = ["DEFAULT_PACK", "PackPaths", "load_rules"]

#: ``extends: default`` names the shipped rule base.
DEFAULT_PACK = "default"

#: A pack file or directory, or several stacked; ``None`` is the shipped pack.
PackPaths = Union[None, str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


def load_rules(paths: PackPaths = None) -> RulePack:
    """Load and validate a rule pack or a variant (or several, stacked): the one pack loader.

    ``paths`` is a pack file or directory, or a list of them (stacked: each later one is applied on
    top of the ones before). ``None`` is the shipped pack, kept validated between runs
    (:mod:`advisor.rules.cache`). Raises :class:`RulePackError`.
    """
    if paths is None:
        from .cache import cached_pack

        return cached_pack(_pack.default_rules_path(), "variant", DEFAULT_PACK, _shipped_from_files)
    from .variants import _pack_only

    return _pack_only(paths)


def _shipped_from_files() -> RulePack:
    from .variants import _pack_only

    return _pack_only(None)
