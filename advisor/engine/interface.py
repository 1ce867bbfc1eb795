"""Which inference engine runs: durable-rules where it is installed, else the reference evaluator.

Two engines run a rule pack and give the same result (property tests hold them equal):

* ``durable`` — the durable-rules engine (:mod:`advisor.engine.durable`, the only module that imports
  durable-rules). It is the default wherever it can be imported;
* ``python`` — the plain-Python reference evaluator of the same rules
  (:func:`advisor.engine.assessment.reference_firings`).

durable-rules 2.0.28 ships no wheel: pip builds it from source, which needs a C compiler, and on
Python 3.13 and newer the build succeeds but the import fails (``undefined symbol:
PyEval_CallObject``, removed from CPython) unless it was built with
``CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject``. So durable-rules is an optional extra
(``samskaping-advisor[durable]``), and where it is missing or cannot be imported advisor runs on
the reference evaluator: ``advisor --version`` and every manifest name the engine that ran, and the
first assessment of a process that falls back says so once on standard error.

``ADVISOR_ENGINE=python`` (or ``durable``) chooses the default engine explicitly; a chosen
reference evaluator gives no notice, a chosen durable-rules that cannot be imported is an error.

Engines are registered by name (:func:`register_engine`): each says how to label itself in a
manifest and, unless it runs whole batches only (``columnar``), how to make a :class:`Backend`
for a pack. The assessment asks the registry (:func:`backend`); it names no engine itself.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Protocol

from ..core.errors import EngineError, InputError

if TYPE_CHECKING:
    from ..rules.pack import RulePack
    from .facts import Facts

__all__ = [
    "Firing",
    "Backend",
    "Engine",
    "register_engine",
    "backend",
    "ENGINES",
    "ENGINE_ENV",
    "durable_problem",
    "default_engine",
    "resolve_engine",
    "engine_label",
    "fallback_notice",
    "set_notice",
]

#: The environment variable that chooses the default engine.
ENGINE_ENV = "ADVISOR_ENGINE"

#: How to get durable-rules, for notices and errors.
INSTALL_HINT = (
    'pip install "samskaping-advisor[durable]" (a C compiler; on Python 3.13+ with '
    "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject), see the README"
)


@dataclass(frozen=True)
class Firing:
    """One rule that fired: which alternative of its condition, and on which arenas (by index).
    Both engines give their results as firings."""

    rule_id: str
    term: int
    arenas: tuple[int, ...] = ()


class Backend(Protocol):
    """What the assessment needs from an inference engine: a pack compiled for it."""

    def run(self, facts: "Facts") -> list[Firing]:
        """Every firing for ``facts``, in the order the engine produced them."""
        ...


@dataclass(frozen=True)
class Engine:
    """An engine by name: the name and version manifests give (``label``), and the backend that
    runs a pack on one profile's facts (None for an engine that runs whole batches only)."""

    name: str
    label: Callable[[], tuple[str, str]]
    backend: Optional[Callable[["RulePack"], Backend]] = None


_REGISTRY: dict[str, Engine] = {}


def register_engine(engine: Engine) -> None:
    """Make ``engine`` known by its name (a later registration of the name replaces it)."""
    _REGISTRY[engine.name] = engine


def _durable_label() -> tuple[str, str]:
    from .durable import ENGINE_NAME, engine_version

    return ENGINE_NAME, engine_version()


def _durable_backend(pack: "RulePack") -> Backend:
    from .durable import backend_for

    return backend_for(pack)


def _python_label() -> tuple[str, str]:
    from ..core.version import __version__

    return "python-reference", __version__


def _python_backend(pack: "RulePack") -> Backend:
    from .assessment import ReferenceBackend

    return ReferenceBackend(pack)


def _columnar_label() -> tuple[str, str]:
    from .native import polars_version  # not columnar: a run on the native path imports no polars

    return "columnar-polars", polars_version()


register_engine(Engine("durable", _durable_label, _durable_backend))
register_engine(Engine("python", _python_label, _python_backend))
register_engine(Engine("columnar", _columnar_label))

#: The engines by the names ``engine=`` and ``--engine`` take (those that assess one profile).
ENGINES = tuple(name for name, engine in _REGISTRY.items() if engine.backend is not None)


def backend(engine: str, pack: "RulePack") -> Backend:
    """The backend of the engine named ``engine`` (resolved, see :func:`resolve_engine`) for ``pack``."""
    make = _REGISTRY[engine].backend if engine in _REGISTRY else None
    if make is None:
        raise ValueError(f"unknown engine {engine!r}: use {' or '.join(repr(e) for e in ENGINES)}")
    return make(pack)


@functools.lru_cache(maxsize=None)
def durable_problem() -> Optional[str]:
    """Why durable-rules cannot run here (``"ImportError: ..."``), or None when it can."""
    try:
        importlib.import_module(".durable", __package__)
    except (ImportError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        return f"{type(exc).__name__}: {first}".rstrip(": ")
    return None


def _chosen() -> Optional[str]:
    value = os.environ.get(ENGINE_ENV, "").strip().lower()
    if not value:
        return None
    if value not in ENGINES:
        raise InputError(
            f"{ENGINE_ENV}={value}: unknown engine",
            hint=f"set {ENGINE_ENV} to one of {', '.join(ENGINES)}, or unset it",
        )
    return value


def default_engine() -> str:
    """The engine that runs when none is named: ``ADVISOR_ENGINE`` if set, else durable-rules
    where it can be imported, else the reference evaluator."""
    chosen = _chosen()
    if chosen is not None:
        return chosen
    return "durable" if durable_problem() is None else "python"


def _fallback() -> bool:
    """True when the default engine is the reference evaluator only because durable-rules is
    missing (not because ``ADVISOR_ENGINE`` chose it)."""
    return _chosen() is None and durable_problem() is not None


def fallback_notice(lang: str = "en") -> Optional[str]:
    """The notice that the default engine fell back to the reference evaluator, or None."""
    if not _fallback():
        return None
    from ..core.i18n import t

    return t(lang, "engine_fallback", problem=durable_problem(), hint=t(lang, "engine_install"))


def _warn(lang: str = "en") -> None:
    message = fallback_notice(lang)
    if message is not None:
        sys.stderr.write(f"advisor: {message}\n")


_NOTICE: list[Callable[[], None]] = [_warn]
_NOTIFIED: list[bool] = []


def set_notice(notice: Callable[[], None]) -> None:
    """Replace how the one-time fallback notice is given (the CLI gives it in its language)."""
    _NOTICE[0] = notice


def resolve_engine(engine: Optional[str]) -> str:
    """The engine to run for ``engine=`` (None: the default engine). Raises ValueError for an
    unknown name and :class:`EngineError` when durable-rules is asked for but cannot run."""
    if engine is None:
        engine = default_engine()
        if engine == "python" and _fallback() and not _NOTIFIED:
            _NOTIFIED.append(True)
            _NOTICE[0]()
    if engine not in _REGISTRY or _REGISTRY[engine].backend is None:
        raise ValueError(f"unknown engine {engine!r}: use {' or '.join(repr(e) for e in ENGINES)}")
    if engine == "durable":
        problem = durable_problem()
        if problem is not None:
            raise EngineError(
                f"the durable-rules engine cannot run here: {problem}",
                hint=f"{INSTALL_HINT}; or use the reference evaluator (--engine python, {ENGINE_ENV}=python)",
            )
    return engine


def engine_label(engine: str) -> tuple[str, str]:
    """The name and version manifests give for ``engine`` (``durable``, ``python`` or ``columnar``)."""
    if engine not in _REGISTRY:
        raise ValueError(f"unknown engine {engine!r}: use {', '.join(repr(e) for e in _REGISTRY)}")
    return _REGISTRY[engine].label()


def describe(lang: str = "en") -> str:
    """One line for ``advisor --version``: the default engine, its version, and why if it fell back."""
    engine = default_engine()
    if engine == "durable" and durable_problem() is not None:
        name, version = "durable-rules", "?"
    else:
        name, version = engine_label(engine)
    from ..core.i18n import t

    line = t(lang, "engine_line", name=name, version=version)
    problem = durable_problem()
    if engine == "python" and problem is not None:
        line += " " + t(lang, "engine_why", problem=problem)
    return line
