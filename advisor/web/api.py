"""The JSON API: the profile schema, the rules, and an assessment of a profile.

``POST /api/assess`` takes a profile as JSON (the same as a profile file) and answers with the
JSON of ``advisor assess --format json``; a profile that does not validate gets 422 and
``{"detail": LINE}``, LINE being the one-line message the CLI prints after ``advisor: error:``
(the profile is named ``<body>``). ``?rules=NAME`` chooses an installed pack (``GET /api/packs``),
``?lang=nb`` the language of the error message.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from . import _lib as lib

__all__ = ["register", "BODY_NAME"]

#: How error messages name the profile sent in a request.
BODY_NAME = "<body>"


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")
    return lang if lang in lib.LANGUAGES else "en"


def _error(exc: lib.AdvisorError, request: Request) -> JSONResponse:
    return JSONResponse({"detail": lib.error_line(exc, _lang(request))}, status_code=422)


def register(app: FastAPI, templates: Jinja2Templates) -> None:
    from .app import DEFAULT_PACK, load_named_pack, pack_names

    @app.get("/api/schema", tags=["profile"], summary="The JSON Schema of a municipality profile")
    def schema() -> dict[str, Any]:
        return lib.profile_json_schema()

    @app.get("/api/packs", tags=["rules"], summary="The installed rule packs, by name")
    def packs() -> list[str]:
        return pack_names()

    @app.get("/api/rules", tags=["rules"], summary="The rules of a pack (default: the shipped rule base)")
    def rules(request: Request, rules: str = DEFAULT_PACK) -> Response:
        try:
            pack = load_named_pack(rules)
        except lib.AdvisorError as exc:
            return _error(exc, request)
        return JSONResponse(
            {
                "pack": pack.info.model_dump(mode="json"),
                "rules": [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "factor": r.factor,
                        "phase": r.phase,
                        "priority": r.priority,
                        "evidence": r.evidence,
                        "title": r.title.model_dump(mode="json"),
                        "message": r.message.model_dump(mode="json"),
                    }
                    for r in pack.rules
                ],
            }
        )

    @app.post(
        "/api/assess",
        tags=["assessment"],
        summary="Assess a profile: the JSON of `advisor assess --format json`",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "/api/schema"}}},
            },
            "responses": {"422": {"description": 'The profile does not validate: `{"detail": one line}`'}},
        },
    )
    async def assess(request: Request, rules: str = DEFAULT_PACK) -> Response:
        body = await request.body()
        try:
            pack = load_named_pack(rules)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise lib.InputError(
                    "the request body is not UTF-8", file=BODY_NAME, hint="send the profile as UTF-8 JSON"
                ) from None
            profile = lib.parse_profile(text, name=BODY_NAME)
            result = lib.assess(profile, pack)
        except lib.AdvisorError as exc:
            return _error(exc, request)
        return Response(lib.render(result, "json"), media_type="application/json")

    @app.get("/api/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        spec = app.openapi()
        return templates.TemplateResponse(request, "api.html", {"spec": spec, "lang": "en"})
