"""The import direction of the layers (docs/ARCHITECTURE.md): a module imports only its own layer
and the layers below it; nothing imports the CLI but the package's ``__main__``.

Every import counts, at the top of a module or inside a function, and so does
``importlib.import_module`` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Optional

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "advisor"

#: The layers, lowest first.
LAYERS = ("core", "profile", "rules", "engine", "tools", "research", "render", "web", "cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(module: str, is_package: bool, level: int, name: Optional[str]) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``module``."""
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import of an advisor module in ``path``."""
    module = module_name(path)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, is_package, node.level, node.module)
            for alias in node.names:  # `from . import x` may import the module (or package) x
                sub = PACKAGE.parent.joinpath(*target.split("."), alias.name)
                is_module = sub.with_suffix(".py").exists() or (sub / "__init__.py").exists()
                yield node.lineno, f"{target}.{alias.name}" if is_module else target
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            level = len(name) - len(name.lstrip("."))
            yield node.lineno, resolve(module, is_package, level, name.lstrip(".") or None)


def layer_of(module: str) -> Optional[int]:
    parts = module.split(".")
    if parts[0] != "advisor":
        return None
    if len(parts) == 1:
        return len(LAYERS)  # the package itself: the public facade, above every layer
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def violations(path: Path) -> list[str]:
    here = module_name(path)
    mine = layer_of(here)
    found = []
    for line, target in imports(path):
        theirs = layer_of(target)
        if theirs is None or mine is None:
            continue
        if theirs > mine:
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def test_every_subpackage_is_a_layer() -> None:
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(LAYERS), "add the new subpackage to LAYERS here and to docs/ARCHITECTURE.md"
    assert {p.name for p in PACKAGE.glob("*.py")} == {"__init__.py", "__main__.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down(path: Path) -> None:
    assert violations(path) == []


def test_only_main_imports_the_cli() -> None:
    for path in [*SOURCES, PACKAGE / "__init__.py"]:
        if module_name(path).startswith("advisor.cli"):
            continue
        assert not [t for _, t in imports(path) if t.startswith("advisor.cli")], path
    assert "advisor.cli.main" in {t for _, t in imports(PACKAGE / "__main__.py")}


def test_the_check_finds_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same walk over a made-up package: core importing the engine, lazily, is found.
    fake = tmp_path / "advisor"
    (fake / "core").mkdir(parents=True)
    (fake / "engine").mkdir()
    (fake / "engine" / "durable.py").write_text("", encoding="utf-8")
    bad = fake / "core" / "io.py"
    bad.write_text(
        "def f():\n    from ..engine import durable\n    import importlib\n    importlib.import_module('advisor.cli.main')\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert violations(bad) == [
        "advisor/core/io.py:2 imports advisor.engine.durable",
        "advisor/core/io.py:4 imports advisor.cli.main",
    ]
