"""The shipped examples: the profiles of the documented cases and the example variant pack.

They live in ``examples/`` of a source checkout and ship in the wheel as ``advisor/_examples``,
so that an installed package can hand them out (``advisor example levanger > levanger.yaml``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..core.errors import InputError, did_you_mean

__all__ = ["examples_path", "example_names", "example_text"]


def examples_path() -> Path:
    """The examples: inside the installed package, or ``examples/`` of a source checkout."""
    packaged = resources.files("advisor") / "_examples"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "examples"
    if checkout.is_dir():
        return checkout
    raise InputError("the examples are missing from the installation", hint="reinstall samskaping-advisor")


def example_names() -> list[str]:
    """The name of every example, sorted: ``levanger``, ..., ``variants/strict-anchoring``."""
    root = examples_path()
    return sorted(path.relative_to(root).with_suffix("").as_posix() for path in root.rglob("*.yaml"))


def example_text(name: str) -> str:
    """The text of example ``name`` (a name from :func:`example_names`, ``.yaml`` optional)."""
    key = name[: -len(".yaml")] if name.endswith(".yaml") else name
    names = example_names()
    if key not in names:
        match = did_you_mean(key, names)
        raise InputError(
            f"no example {name!r}",
            hint=f"did you mean {match}?" if match else f"one of: {', '.join(names)}",
        )
    return (examples_path() / f"{key}.yaml").read_text(encoding="utf-8")
