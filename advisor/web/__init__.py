"""``advisor serve``: the consultant's workbench, an optional extra (``pip install "samskaping-advisor[web]"``).

Informants answer a form in the browser (generated from the profile model), the consultant sees
the combined assessment live, with the informants' disagreements, explain, what-if, next steps
and progress since an earlier round, and hands over the report as HTML (and PDF) and every profile
as YAML; a JSON API with OpenAPI serves other systems. See the README, "For consultants".

This package imports nothing of the extra at import time: the click command
(:mod:`advisor.cli.serve`) asks :func:`missing_extra` first and says how to install the extra when
it is missing; :func:`advisor.web.app.create_app` needs it.
"""

from __future__ import annotations

__all__ = ["REQUIRED_MODULES", "missing_extra"]

#: The modules of the ``web`` extra.
REQUIRED_MODULES = (
    "fastapi",
    "starlette",
    "jinja2",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "argon2",
    "multipart",
    "itsdangerous",
)


def missing_extra() -> "str | None":
    """The first module of the ``web`` extra that cannot be imported, or ``None``."""
    import importlib.util

    for name in REQUIRED_MODULES:
        if importlib.util.find_spec(name) is None:
            return name
    return None
