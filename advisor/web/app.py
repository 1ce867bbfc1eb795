"""The web app of ``advisor serve``: informant forms, the consultant's view and the JSON API.

Built with FastAPI (routes, OpenAPI), Jinja2 templates and Starlette's signed-cookie sessions on
the store of :mod:`advisor.web.store`; every library call goes through :mod:`advisor.web._lib`.

Who sees what:

* ``/f/{token}``: an informant's own form, and nothing else. An unknown or revoked token is 404.
* everything else under ``/`` is the consultant's: engagements, informants and their links, the
  combined report, explain, what-if, next steps, diff, the downloads. When a consultant password
  is set, these need a login; without one the app only runs on this machine (127.0.0.1), which
  :func:`advisor.cli.serve.serve_cmd` enforces.
* ``/api/...``: the JSON API (``/api/docs`` lists it, ``/openapi.json`` is its OpenAPI document).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any, Optional, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from . import _lib as lib
from .forms import form_view, raw_from_profile, read_post, to_profile
from .security import DEFAULT_LANGUAGE, LimitsMiddleware, check_password, csrf_ok, csrf_token
from .store import Informant, Store
from .strings import t

__all__ = ["create_app", "pack_names", "load_named_pack"]

HERE = Path(__file__).parent
_T = TypeVar("_T")
DEFAULT_PACK = "default"


# --------------------------------------------------------------------------------------------
# rule packs by name


def pack_names() -> list[str]:
    """The installed packs by name: ``default`` (the shipped rule base) and the shipped variants."""
    return [DEFAULT_PACK] + [n for n in lib.example_names() if n.startswith("variants/") and n.count("/") == 1]


@functools.lru_cache(maxsize=8)
def load_named_pack(name: str = DEFAULT_PACK) -> lib.RulePack:
    if name == DEFAULT_PACK:
        return lib.load_variant(None)
    if name not in pack_names():
        raise lib.InputError(f"no rule pack {name!r}", hint="use one of: " + ", ".join(pack_names()))
    return lib.load_variant([str(lib.examples_path() / f"{name}.yaml")])


# --------------------------------------------------------------------------------------------
# helpers


class _LoginNeeded(Exception):
    pass


class _Forbidden(Exception):
    pass


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in lib.LANGUAGES:
        request.session["lang"] = asked
        return asked
    stored = request.session.get("lang")
    return stored if stored in lib.LANGUAGES else DEFAULT_LANGUAGE


def _found(value: Optional[_T]) -> _T:
    """``value``, or a 404 where there is none (an engagement, informant or token not in the store)."""
    if value is None:
        raise _not_found()
    return value


def _not_found() -> StarletteHTTPException:
    return StarletteHTTPException(404, "not found")


def _profile_of(store: Store, informant_id: int) -> Optional[lib.Profile]:
    version = store.latest(informant_id)
    if version is None:
        return None
    return lib.parse_profile(json.loads(version.data), name="stored")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9æøå]+", "-", text.lower()).strip("-") or "kommune"


def _attachment(filename: str) -> dict[str, str]:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def _time(value: Optional[dt.datetime]) -> str:
    return value.strftime("%Y-%m-%d %H:%M") + " UTC" if value is not None else ""


# --------------------------------------------------------------------------------------------
# the app


def create_app(
    store: Store,
    *,
    pack: Optional[lib.RulePack] = None,
    rate_limit: Optional[int] = None,
    max_body: Optional[int] = None,
) -> FastAPI:
    """The workbench on ``store``. Its pages and reports assess with ``pack`` (``advisor serve
    --rules``; the shipped rule base by default); the JSON API chooses its pack by name."""

    def workbench_pack() -> lib.RulePack:
        return pack if pack is not None else load_named_pack()

    app = FastAPI(
        title="advisor",
        version=lib.__version__,
        description="Assess how ready a Norwegian municipality is for co-creation: the JSON API of `advisor serve`.",
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN: /api/docs is ours
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["t"] = t
    templates.env.globals["languages"] = lib.LANGUAGES
    app.state.store = store

    def login_required() -> bool:
        return store.setting("password_hash") is not None

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = context.pop("lang", None) or _lang(request)
        context.update(
            lang=lang,
            csrf=csrf_token(request.session),
            consultant=bool(request.session.get("consultant")) or not login_required(),
            login_required=login_required(),
            path=request.url.path,
        )
        return templates.TemplateResponse(request, name, context, status_code=status)

    def consultant(request: Request) -> None:
        if login_required() and not request.session.get("consultant"):
            raise _LoginNeeded()

    async def posted(request: Request) -> dict[str, str]:
        form = await request.form()
        if not csrf_ok(request.session, form.get("csrf")):
            raise _Forbidden()
        return {k: v for k, v in form.items() if isinstance(v, str)}

    @app.exception_handler(_LoginNeeded)
    async def _login(request: Request, exc: _LoginNeeded) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(_Forbidden)
    async def _forbidden(request: Request, exc: _Forbidden) -> Response:
        return page(
            request, "message.html", 403, title=t(_lang(request), "error"), message=t(_lang(request), "forbidden")
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        lang = _lang(request)
        message = t(lang, "not_found") if exc.status_code == 404 else str(exc.detail)
        return page(request, "message.html", exc.status_code, title=t(lang, "error"), message=message)

    # ---------------------------------------------------------------- login
    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        return page(request, "login.html", error="")

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await posted(request)
        stored = store.setting("password_hash")
        if stored is not None and check_password(stored, form.get("password", "")):
            request.session.clear()
            request.session["consultant"] = True
            return RedirectResponse("/", status_code=303)
        return page(request, "login.html", 401, error=t(_lang(request), "bad_password"))

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        await posted(request)
        request.session.clear()
        return RedirectResponse("/login" if login_required() else "/", status_code=303)

    # ---------------------------------------------------------------- consultant
    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        consultant(request)
        engagements = store.engagements()
        return page(request, "home.html", engagements=engagements)

    @app.post("/engagements", include_in_schema=False)
    async def create_engagement(request: Request) -> Response:
        consultant(request)
        form = await posted(request)
        name = form.get("municipality", "").strip()[:200]
        if not name:
            return RedirectResponse("/", status_code=303)
        previous = form.get("previous", "")
        previous_id = int(previous) if previous.isdigit() and store.engagement(int(previous)) else None
        engagement = store.create_engagement(name, previous_id)
        return RedirectResponse(f"/engagements/{engagement.id}", status_code=303)

    def _profiles(engagement_id: int) -> dict[str, lib.Profile]:
        out: dict[str, lib.Profile] = {}
        for informant in store.informants(engagement_id):
            profile = _profile_of(store, informant.id)
            if profile is not None:
                out[informant.label] = profile
        return out

    @app.get("/engagements/{engagement_id}", include_in_schema=False)
    def engagement_page(request: Request, engagement_id: int) -> Response:
        consultant(request)
        lang = _lang(request)
        engagement = _found(store.engagement(engagement_id))
        rows = []
        for informant in store.informants(engagement_id):
            version = store.latest(informant.id)
            profile = _profile_of(store, informant.id)
            known, unknown = lib.count_facts(profile) if profile is not None else (0, 0)
            rows.append(
                {
                    "informant": informant,
                    "saved": _time(version.saved) if version else "",
                    "known": known,
                    "total": known + unknown,
                    "active": informant.token_sha256 is not None,
                }
            )
        profiles = _profiles(engagement_id)
        labels = list(profiles)
        tool = request.query_params.get("tool", "")
        who = request.query_params.get("informant", labels[0] if labels else "")
        output, error = "", ""
        pack = workbench_pack()
        if tool and who in profiles:
            try:
                output = _run_tool(tool, profiles[who], pack, lang, request.query_params)
            except lib.AdvisorError as exc:
                error = lib.error_line(exc, lang)
        diffs, previous = [], None
        if engagement.previous_id is not None:
            previous = store.engagement(engagement.previous_id)
            if previous is not None:
                before = _profiles(previous.id)
                for label, profile in profiles.items():
                    if label in before:
                        result = lib.diff(
                            before[label],
                            profile,
                            pack,
                            old_label=previous.municipality,
                            new_label=engagement.municipality,
                        )
                        diffs.append((label, lib.render_diff(result, lang)))
        try:
            lib.require_pdf()
            pdf_problem = ""
        except lib.AdvisorError as exc:  # WeasyPrint or its system libraries missing: say so
            pdf_problem = lib.error_line(exc, lang)
        link = request.session.pop("new_link", None)
        flash = request.session.pop("flash", None)
        return page(
            request,
            "engagement.html",
            lang=lang,
            engagement=engagement,
            rows=rows,
            labels=labels,
            who=who,
            tool=tool,
            output=output,
            error=error,
            rule_ids=[r.id for r in pack.rules],
            pack=pack.info,
            rule_id=request.query_params.get("rule", ""),
            changes=request.query_params.get("changes", ""),
            diffs=diffs,
            previous=previous,
            new_link=link,
            pdf_problem=pdf_problem,
            flash=flash,
            base=str(request.base_url).rstrip("/"),
        )

    def _run_tool(tool: str, profile: lib.Profile, pack: lib.RulePack, lang: str, params: Any) -> str:
        if tool == "explain":
            return lib.render_explanation(lib.explain(profile, params.get("rule", ""), pack), lang)
        if tool == "whatif":
            changes = [line.strip() for line in params.get("changes", "").splitlines() if line.strip()]
            if not changes:
                return ""
            return lib.render_whatif(lib.whatif(profile, changes, pack), lang)
        if tool == "next-steps":
            return lib.render_next_steps(lib.next_steps(profile, pack), lang)
        return ""

    @app.post("/engagements/{engagement_id}/informants", include_in_schema=False)
    async def add_informant(request: Request, engagement_id: int) -> Response:
        consultant(request)
        form = await posted(request)
        _found(store.engagement(engagement_id))
        label = form.get("label", "").strip()[:100]
        if label in [i.label for i in store.informants(engagement_id)]:
            request.session["flash"] = t(_lang(request), "label_taken", label=label)
        elif label:
            informant, token = store.add_informant(engagement_id, label)
            request.session["new_link"] = {"label": informant.label, "path": f"/f/{token}"}
        return RedirectResponse(f"/engagements/{engagement_id}", status_code=303)

    @app.post("/informants/{informant_id}/link", include_in_schema=False)
    async def new_link(request: Request, informant_id: int) -> Response:
        consultant(request)
        await posted(request)
        informant = _found(store.informant(informant_id))
        token = store.new_link(informant_id)
        request.session["new_link"] = {"label": informant.label, "path": f"/f/{token}"}
        return RedirectResponse(f"/engagements/{informant.engagement_id}", status_code=303)

    @app.post("/informants/{informant_id}/revoke", include_in_schema=False)
    async def revoke(request: Request, informant_id: int) -> Response:
        consultant(request)
        await posted(request)
        informant = _found(store.informant(informant_id))
        store.revoke(informant_id)
        return RedirectResponse(f"/engagements/{informant.engagement_id}", status_code=303)

    @app.get("/informants/{informant_id}/profile.yaml", include_in_schema=False)
    def profile_download(request: Request, informant_id: int) -> Response:
        consultant(request)
        informant = _found(store.informant(informant_id))
        profile = _profile_of(store, informant_id)
        if profile is None:
            raise _not_found()
        engagement = _found(store.engagement(informant.engagement_id))
        name = f"{_slug(engagement.municipality)}-{_slug(informant.label)}.yaml"
        text = lib.profile_yaml(profile, _lang(request))
        return Response(text, media_type="application/yaml; charset=utf-8", headers=_attachment(name))

    def _report(engagement_id: int, lang: str) -> Any:
        profiles = _profiles(engagement_id)
        if not profiles:
            raise _not_found()
        return lib.build_report(profiles, workbench_pack(), lang)

    @app.get("/engagements/{engagement_id}/report.html", include_in_schema=False)
    def report_html(request: Request, engagement_id: int) -> Response:
        consultant(request)
        lang = _lang(request)
        engagement = _found(store.engagement(engagement_id))
        try:
            html = lib.render_html(_report(engagement_id, lang))
        except lib.AdvisorError as exc:
            return page(request, "message.html", 409, title=t(lang, "error"), message=lib.error_line(exc, lang))
        headers = _attachment(f"{_slug(engagement.municipality)}.html") if request.query_params.get("download") else {}
        return HTMLResponse(html, headers=headers)

    @app.get("/engagements/{engagement_id}/report.pdf", include_in_schema=False)
    def report_pdf(request: Request, engagement_id: int) -> Response:
        consultant(request)
        lang = _lang(request)
        engagement = _found(store.engagement(engagement_id))
        try:
            data = lib.report_pdf(_report(engagement_id, lang))
        except lib.AdvisorError as exc:  # WeasyPrint missing, or profiles of two municipalities
            return page(request, "message.html", 409, title=t(lang, "error"), message=lib.error_line(exc, lang))
        name = f"{_slug(engagement.municipality)}.pdf"
        return Response(data, media_type="application/pdf", headers=_attachment(name))

    # ---------------------------------------------------------------- informants
    def _form_page(
        request: Request, informant: Informant, lang: str, raw: dict[str, Any], **extra: Any
    ) -> HTMLResponse:
        engagement = _found(store.engagement(informant.engagement_id))
        status = extra.pop("status", 200)
        profile = extra.pop("profile", None)
        view = form_view(raw, lang, extra.pop("errors", None), extra.pop("form_errors", None), profile)
        return page(
            request,
            "form.html",
            status,
            lang=lang,
            view=view,
            informant=informant,
            engagement=engagement,
            versions=store.version_count(informant.id),
            **extra,
        )

    @app.get("/f/{token}", include_in_schema=False)
    def informant_form(request: Request, token: str) -> Response:
        informant = _found(store.informant_by_token(token))
        lang = _lang(request)
        profile = _profile_of(store, informant.id)
        if profile is not None:
            raw = raw_from_profile(profile.model_dump(mode="json", exclude_none=True))
        else:
            engagement = _found(store.engagement(informant.engagement_id))
            raw = raw_from_profile({"context": {"name": engagement.municipality}})
        version = store.latest(informant.id)
        saved = t(lang, "saved", time=_time(version.saved)) if version and request.query_params.get("saved") else ""
        return _form_page(request, informant, lang, raw, profile=profile, saved=saved)

    @app.post("/f/{token}", include_in_schema=False)
    async def informant_save(request: Request, token: str) -> Response:
        informant = _found(store.informant_by_token(token))
        form = await posted(request)
        lang = _lang(request)
        wants_json = request.headers.get("x-requested-with") == "fetch"
        raw = read_post(form)
        profile, errors, form_errors = to_profile(raw, lang)
        if profile is None:
            first = next(iter(errors.values()), None) or form_errors[0]
            if wants_json:
                return JSONResponse(
                    {"saved": False, "message": t(lang, "not_saved", error=first), "errors": errors}, 422
                )
            return _form_page(
                request,
                informant,
                lang,
                raw,
                errors=errors,
                form_errors=form_errors,
                status=422,
                failed=t(lang, "not_saved", error=first),
            )
        version = store.save_profile(informant.id, profile.model_dump(mode="json", exclude_none=True))
        if wants_json:
            known, unknown = lib.count_facts(profile)
            return JSONResponse(
                {
                    "saved": True,
                    "message": t(lang, "saved", time=_time(version.saved)),
                    "progress": t(lang, "progress", known=known, total=known + unknown),
                }
            )
        if form.get("action", "save") != "save":  # an arena added or removed: show the form again
            return _form_page(
                request, informant, lang, raw, profile=profile, saved=t(lang, "saved", time=_time(version.saved))
            )
        return RedirectResponse(f"/f/{token}?saved=1", status_code=303)

    # ---------------------------------------------------------------- API
    from . import api

    api.register(app, templates)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return PlainTextResponse("", status_code=204)

    app.add_middleware(SessionMiddleware, secret_key=store.secret_key(), same_site="lax", max_age=14 * 24 * 3600)
    limits: dict[str, Any] = {"message": t}
    if rate_limit is not None:
        limits["rate_limit"] = rate_limit
    if max_body is not None:
        limits["max_body"] = max_body
    app.add_middleware(LimitsMiddleware, **limits)
    return app
