"""``advisor serve`` without a browser: the JSON API against the CLI, the store and its
migrations, informant links, CSRF, limits, and the command's safety checks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import EXAMPLES, REPO
from web_support import databases, open_test_store, require_web_extra

from advisor.cli.main import main

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module", autouse=True)
def _extra():
    require_web_extra()


@pytest.fixture(params=databases())
def store(request, tmp_path):
    store = open_test_store(request.param, tmp_path)
    yield store
    store.close()


@pytest.fixture
def client(store):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(store)) as client:
        yield client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def new_informant(client, municipality="Levanger", label="Ordfører"):
    """Create an engagement and an informant through the consultant's pages; the form's path."""
    csrf = csrf_of(client.get("/").text)
    page = client.post("/engagements", data={"csrf": csrf, "municipality": municipality})
    engagement = int(page.url.path.rsplit("/", 1)[1])
    page = client.post(f"/engagements/{engagement}/informants", data={"csrf": csrf, "label": label})
    link = re.search(r"/f/[A-Za-z0-9_-]{40,}", page.text).group(0)
    return engagement, link, csrf


# ------------------------------------------------------------------------------------ API


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_api_assess_equals_the_cli_json(client, path):
    cli = CliRunner().invoke(main, ["assess", str(path), "--format", "json"], catch_exceptions=False)
    assert cli.exit_code == 0
    body = json.dumps(__import__("advisor").load_profile(path).model_dump(mode="json", exclude_none=True))
    api = client.post("/api/assess", content=body, headers={"content-type": "application/json"})
    assert api.status_code == 200
    assert api.headers["content-type"].startswith("application/json")
    assert api.text == cli.output


def test_api_assess_takes_the_file_text_too(client):
    text = (EXAMPLES / "namsos.yaml").read_text(encoding="utf-8")
    cli = CliRunner().invoke(main, ["assess", "-", "--format", "json"], input=text, catch_exceptions=False)
    assert client.post("/api/assess", content=text.encode()).text == cli.output


@pytest.mark.parametrize(
    "text",
    ['{"plan": {"knowledge_base": "maybe"}}', '{"plan": {"knowledge_bas": true}}', "[1, 2]", "{not json"],
)
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_api_bad_profile_gets_422_with_the_cli_line(client, text, lang):
    cli = CliRunner().invoke(main, ["--lang", lang, "assess", "-"], input=text)
    assert cli.exit_code == 2
    prefix = "advisor: error: " if lang == "en" else "advisor: feil: "
    line = cli.stderr.strip() if hasattr(cli, "stderr") and cli.stderr else cli.output.strip()
    assert line.startswith(prefix) and "\n" not in line
    api = client.post(f"/api/assess?lang={lang}", content=text.encode())
    assert api.status_code == 422
    assert api.json() == {"detail": line[len(prefix) :].replace("<stdin>", "<body>")}


def test_api_rules_by_pack_name(client):
    default = client.get("/api/rules").json()
    assert {"id", "kind", "title"} <= set(default["rules"][0])
    assert len(default["rules"]) == len(__import__("advisor").load_rules().rules)
    names = client.get("/api/packs").json()
    assert names[0] == "default" and "variants/strict-anchoring" in names
    variant = client.get("/api/rules", params={"rules": "variants/strict-anchoring"}).json()
    assert variant["pack"]["name"] != default["pack"]["name"]
    unknown = client.get("/api/rules", params={"rules": "nope"})
    assert unknown.status_code == 422 and "no rule pack 'nope'" in unknown.json()["detail"]
    text = (EXAMPLES / "levanger.yaml").read_text(encoding="utf-8")
    cli = CliRunner().invoke(
        main,
        ["assess", "-", "--format", "json", "--rules", str(EXAMPLES / "variants" / "strict-anchoring.yaml")],
        input=text,
        catch_exceptions=False,
    )
    api = client.post("/api/assess", params={"rules": "variants/strict-anchoring"}, content=text.encode())
    assert api.text == cli.output


def test_api_schema_and_openapi(client):
    from advisor.profile.model import profile_json_schema

    assert client.get("/api/schema").json() == profile_json_schema()
    spec = client.get("/openapi.json").json()
    assert {"/api/schema", "/api/rules", "/api/assess", "/api/packs"} <= set(spec["paths"])
    assert not any(p.startswith("/f/") for p in spec["paths"])  # no informant page in the API
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/assess" in docs.text
    assert "http" not in re.sub(r"https?://www\.w3\.org[^\"']*", "", docs.text.split("<body>", 1)[1])


# ------------------------------------------------------------------------------------ the form


def test_informant_saves_resumes_and_every_save_is_a_version(client, store):
    _, link, csrf = new_informant(client)
    page = client.get(link)
    assert page.status_code == 200 and "Spørreskjema: Levanger" in page.text
    from advisor.tools.intake import sections

    specs = [spec for group in sections().values() for spec in group]
    choices = sum(spec.kind not in ("int", "float", "str") for spec in specs)
    assert page.text.count(">Vet ikke<") + page.text.count("> Vet ikke<") == choices + 1  # and "has arenas?"
    assert page.text.count('placeholder="tomt = vet ikke"') == len(specs) - choices
    form = {"csrf": csrf, "context.name": "Levanger", "plan.co_creation_status": "main_goal", "plan.knowledge_base": ""}
    saved = client.post(link, data={**form, "arenas": "false", "action": "save"})
    assert saved.status_code == 200 and "Lagret kl." in saved.text
    assert re.search(r'<option value="main_goal" selected>', saved.text)
    informant = store.informant_by_token(link.rsplit("/", 1)[1])
    data = json.loads(store.latest(informant.id).data)
    assert data == {"context": {"name": "Levanger"}, "plan": {"co_creation_status": "main_goal"}, "arenas": []}
    client.post(link, data={**form, "plan.knowledge_base": "true", "arenas": "false"})
    assert store.version_count(informant.id) == 2
    resumed = client.get(link)
    assert re.search(r'name="plan.knowledge_base" value="true" checked', resumed.text)


def test_the_form_explains_each_field_in_its_language(client):
    _, link, _ = new_informant(client)
    nb = client.get(link).text
    assert "<summary>Om feltet</summary>" in nb and "(engelsk)" not in nb
    assert "<span>Hvor samskaping står i planen: fraværende, nevnt, satsingsområde, hovedmål eller visjon.</span>" in nb
    assert "Where co-creation stands" not in nb
    en = client.get(link + "?lang=en").text
    assert "<summary>About this field</summary>" in en
    assert (
        "<span>Where co-creation stands in the plan: absent, mentioned, focus_area, main_goal or vision.</span>" in en
    )


def test_a_bad_answer_is_not_saved_and_nothing_typed_is_lost(client, store):
    _, link, csrf = new_informant(client)
    typed = {"csrf": csrf, "context.name": "Levanger", "context.population": "mange", "plan.adopted_year": "2019"}
    page = client.post(link, data=typed)
    assert page.status_code == 422
    assert "Ikke lagret" in page.text and "context.population" in page.text
    assert 'value="mange"' in page.text and 'value="2019"' in page.text
    informant = store.informant_by_token(link.rsplit("/", 1)[1])
    assert store.latest(informant.id) is None
    background = client.post(link + "?lang=en", data=typed, headers={"X-Requested-With": "fetch"})
    assert background.status_code == 422 and background.json()["message"].startswith("Not saved:")


def test_arenas_are_added_and_removed(client, store):
    _, link, csrf = new_informant(client)
    base = {"csrf": csrf, "arenas": "true", "arena_count": "1", "arenas.0.name": "Frivillighetsforum"}
    page = client.post(link, data={**base, "arenas.0.ladder_level": "3", "action": "add_arena"})
    assert 'name="arenas.1.name"' in page.text
    page = client.post(
        link, data={**base, "arena_count": "2", "arenas.1.name": "Ungdomsrådet", "action": "remove_arena:0"}
    )
    assert 'name="arenas.1.name"' not in page.text
    informant = store.informant_by_token(link.rsplit("/", 1)[1])
    assert json.loads(store.latest(informant.id).data)["arenas"] == [{"name": "Ungdomsrådet"}]


def test_links_are_unguessable_revocable_and_renewable(client):
    engagement, link, csrf = new_informant(client)
    twice = client.post(f"/engagements/{engagement}/informants", data={"csrf": csrf, "label": "Ordfører"})
    assert "Det finnes allerede en informant som heter Ordfører" in twice.text
    assert twice.text.count("/revoke") == 1
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    assert client.get("/f/" + token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    page = client.get(f"/engagements/{engagement}")
    informant = int(re.search(r"/informants/(\d+)/revoke", page.text).group(1))
    client.post(f"/informants/{informant}/revoke", data={"csrf": csrf})
    assert client.get(link).status_code == 404
    renewed = client.post(f"/informants/{informant}/link", data={"csrf": csrf})
    new = re.search(r"/f/[A-Za-z0-9_-]{40,}", renewed.text).group(0)
    assert new != link and client.get(new).status_code == 200 and client.get(link).status_code == 404


def test_forms_without_the_csrf_token_are_refused(client):
    engagement, link, csrf = new_informant(client)
    assert client.post(link, data={"context.name": "X"}).status_code == 403
    assert client.post(link, data={"context.name": "X", "csrf": csrf[:-2] + "xx"}).status_code == 403
    assert client.post("/engagements", data={"municipality": "Forged"}).status_code == 403
    assert "Forged" not in client.get("/").text


def test_the_token_of_a_store_is_only_its_hash(client, store):
    _, link, _ = new_informant(client)
    token = link.rsplit("/", 1)[1]
    with store.engine.connect() as connection:
        dumped = repr(list(connection.exec_driver_sql("SELECT * FROM informant")))
    assert token not in dumped


def test_request_size_and_rate_limits(store):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(store, rate_limit=5, max_body=1000)) as client:
        assert client.post("/api/assess", content=b"x" * 2000).status_code == 413
        codes = [client.get("/api/packs").status_code for _ in range(6)]
        assert codes[:4] == [200] * 4 and codes[-1] == 429


# ------------------------------------------------------------------------------------ consultant


def test_consultant_view_report_downloads_and_tools(client, store):
    engagement, link, csrf = new_informant(client)
    profile = __import__("advisor").load_profile(EXAMPLES / "levanger.yaml")
    informant = store.informant_by_token(link.rsplit("/", 1)[1])
    store.save_profile(informant.id, profile.model_dump(mode="json", exclude_none=True))
    page = client.get(f"/engagements/{engagement}")
    assert 'id="report"' in page.text
    html = client.get(f"/engagements/{engagement}/report.html?download=1")
    assert html.headers["content-disposition"].startswith("attachment")
    from advisor.render.report import build_report
    from advisor.render.report_html import render_html

    assert html.text == render_html(build_report({"Ordfører": profile}, lang="nb"))
    pdf = client.get(f"/engagements/{engagement}/report.pdf")
    from advisor.render.pdf import available

    if available():  # the same bytes as the library's PDF of the same report
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == __import__("advisor").report_pdf({"Ordfører": profile}, lang="nb")
    else:
        assert pdf.status_code == 409 and "WeasyPrint" in pdf.text
    yaml_text = client.get(f"/informants/{informant.id}/profile.yaml").text
    assert __import__("advisor").parse_profile(yaml_text, name="x") == profile
    steps = client.get(f"/engagements/{engagement}", params={"tool": "next-steps", "informant": "Ordfører"})
    assert 'id="tool-output"' in steps.text
    rule = __import__("advisor").load_rules().rules[0].id
    explained = client.get(
        f"/engagements/{engagement}", params={"tool": "explain", "informant": "Ordfører", "rule": rule}
    )
    assert rule in explained.text.split('id="tool-output"', 1)[1]
    whatif = client.get(
        f"/engagements/{engagement}",
        params={"tool": "whatif", "informant": "Ordfører", "changes": "plan.knowledge_base=nope"},
    )
    assert "plan.knowledge_base" in whatif.text.split('id="tool-output"', 1)[1]


def test_diff_against_the_earlier_round(client, store):
    from html import escape

    from advisor import parse_profile
    from advisor.render.tools import render_diff
    from advisor.tools.diff import diff
    from advisor.web.app import load_named_pack

    first, link1, csrf = new_informant(client, "Levanger", "Ordfører")
    before = {"context": {"name": "Levanger"}, "plan": {"knowledge_base": False}}
    after = {"context": {"name": "Levanger"}, "plan": {"knowledge_base": True}}
    store.save_profile(store.informant_by_token(link1.rsplit("/", 1)[1]).id, before)
    page = client.post("/engagements", data={"csrf": csrf, "municipality": "Levanger", "previous": str(first)})
    second = int(page.url.path.rsplit("/", 1)[1])
    page = client.post(f"/engagements/{second}/informants", data={"csrf": csrf, "label": "Ordfører"})
    link2 = re.search(r"/f/[A-Za-z0-9_-]{40,}", page.text).group(0)
    store.save_profile(store.informant_by_token(link2.rsplit("/", 1)[1]).id, after)
    page = client.get(f"/engagements/{second}?lang=en")
    result = diff(
        parse_profile(before), parse_profile(after), load_named_pack(), old_label="Levanger", new_label="Levanger"
    )
    assert escape(render_diff(result, "en"), quote=True) in page.text
    assert "plan.knowledge_base" in page.text.split("Progress since the earlier round", 1)[1]


def test_the_migrations_make_the_schema_of_the_models(store):
    """The tables the models describe are those the Alembic migrations made: nothing to migrate."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from advisor.web.store import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        revision = MigrationContext.configure(connection).get_current_revision()
    assert differences == []
    assert revision == "0001"


def test_the_store_opens_again_without_migrating_twice(tmp_path):
    from advisor.web.store import open_store

    first = open_store(tmp_path / "w.sqlite3")
    engagement = first.create_engagement("Namsos")
    first.close()
    again = open_store(tmp_path / "w.sqlite3")
    assert [e.municipality for e in again.engagements()] == ["Namsos"] and engagement.id == 1
    assert again.secret_key() == again.secret_key()
    again.close()


def test_a_consultant_password_guards_every_consultant_page(store):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app
    from advisor.web.security import hash_password

    engagement = store.create_engagement("Levanger")
    _, token = store.add_informant(engagement.id, "Ordfører")
    store.set_setting("password_hash", hash_password("correct horse battery"))
    with TestClient(create_app(store)) as informant:  # an informant needs no login, for their form only
        form = informant.get(f"/f/{token}")
        assert form.status_code == 200
        saved = informant.post(f"/f/{token}", data={"csrf": csrf_of(form.text), "context.name": "Levanger"})
        assert saved.status_code == 200 and "Lagret kl." in saved.text
        assert informant.get(f"/engagements/{engagement.id}", follow_redirects=False).status_code == 303
        assert informant.get("/informants/1/profile.yaml", follow_redirects=False).status_code == 303
    with TestClient(create_app(store)) as client:
        for path in ("/", "/engagements/1", "/engagements/1/report.html", "/informants/1/profile.yaml"):
            page = client.get(path, follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"] == "/login"
        login = client.get("/login")
        wrong = client.post("/login", data={"csrf": csrf_of(login.text), "password": "wrong"})
        assert wrong.status_code == 401
        right = client.post("/login", data={"csrf": csrf_of(login.text), "password": "correct horse battery"})
        assert right.status_code == 200 and right.url.path == "/"
        assert client.get("/", follow_redirects=False).status_code == 200


def test_pages_allow_nothing_from_elsewhere(client):
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "http" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r"(src|href)=\"https?://", page.text)


# ------------------------------------------------------------------------------------ the command


def test_serve_refuses_another_address_without_a_login(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "w.sqlite3")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "refusing to listen on 0.0.0.0 without a consultant login" in lines[0]


@pytest.mark.parametrize(
    "lang, line",
    [
        (
            "en",
            'advisor: error: advisor serve needs the web extra (fastapi is missing): pip install "samskaping-advisor[web]"',
        ),
        (
            "nb",
            'advisor: feil: advisor serve trenger tillegget web (fastapi mangler): pip install "samskaping-advisor[web]"',
        ),
    ],
)
def test_serve_without_the_extra_says_how_to_install_it(tmp_path, lang, line):
    code = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'fastapi' else real(name, *a)\n"
        "from advisor.cli.main import main\n"
        f"sys.argv = ['advisor', '--lang', '{lang}', 'serve']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [line]


def test_the_workbench_links_every_other_language_by_its_own_name(tmp_path):
    """A third language added as a folder appears in the workbench's language links, named in its
    own words, and the page switches to it; the default stays bokmål."""
    root = tmp_path / "locale"
    shutil.copytree(REPO / "advisor" / "locale" / "en", root / "xx")
    web = json.loads((root / "xx" / "web.json").read_text(encoding="utf-8"))
    web["language_name"] = "Xx-ish"
    (root / "xx" / "web.json").write_text(json.dumps(web), encoding="utf-8")
    code = (
        "import re, sys\n"
        "from fastapi.testclient import TestClient\n"
        "from advisor.web.app import create_app\n"
        "from advisor.web.store import open_store\n"
        f"client = TestClient(create_app(open_store({str(tmp_path / 'w.sqlite3')!r})))\n"
        "for query in ('', '?lang=en', '?lang=xx'):\n"
        "    page = client.get('/' + query).text\n"
        "    print(re.search(r'<html lang=\"([a-z]+)\"', page).group(1), re.findall(r'<a href=\"\\?lang=([a-z]+)\"[^>]*>([^<]+)</a>', page))\n"
    )
    env = {**os.environ, "ADVISOR_LOCALE_PATH": str(root), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "nb [('en', 'English'), ('xx', 'Xx-ish')]",
        "en [('nb', 'Norsk (bokmål)'), ('xx', 'Xx-ish')]",
        "xx [('en', 'English'), ('nb', 'Norsk (bokmål)')]",
    ]


def test_serve_with_a_password_listens_where_it_is_told(tmp_path, monkeypatch):
    import uvicorn

    from advisor.web.store import open_store

    db = str(tmp_path / "w.sqlite3")
    short = CliRunner().invoke(main, ["serve", "--db", db, "--set-password"], input="short\nshort\n")
    assert short.exit_code == 2 and "the password is too short" in short.output
    done = CliRunner().invoke(main, ["serve", "--db", db, "--set-password"], input="a long passphrase\n" * 2)
    assert done.exit_code == 0, done.output
    stored = open_store(db).setting("password_hash")
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    started = CliRunner().invoke(main, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "8123"])
    assert started.exit_code == 0, started.output
    assert calls == [{"host": "0.0.0.0", "port": 8123, "log_level": "warning"}]


def test_serve_with_rules_assesses_with_that_pack(tmp_path, monkeypatch):
    """`advisor serve --rules PACK`: the consultant's page names the pack, its tools list that
    pack's rules and the report is built with it; a pack that cannot be read is one line and exit 2
    before anything listens."""
    import uvicorn
    from fastapi.testclient import TestClient

    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: apps.append(app))
    db = str(tmp_path / "w.sqlite3")
    bad = CliRunner().invoke(main, ["serve", "--db", db, "--rules", str(tmp_path / "no-such-pack")])
    assert bad.exit_code == 2 and apps == []
    assert bad.output.count("\n") == 1 and bad.output.startswith("advisor: error: ") and "no-such-pack" in bad.output
    started = CliRunner().invoke(main, ["serve", "--db", db, "--rules", str(REPO / "tests" / "data" / "report_pack")])
    assert started.exit_code == 0, started.output
    with TestClient(apps[0]) as client:
        engagement, link, _ = new_informant(client)
        client.post(
            link,
            data={"context.name": "Levanger", "plan.knowledge_base": "false", "csrf": csrf_of(client.get(link).text)},
        )
        page = client.get(f"/engagements/{engagement}?lang=en").text
        assert '<span id="pack">Rule pack: report-test 1.0.</span>' in page
        listed = re.findall(r"<option(?: selected)?>([A-Z]+-\d+)</option>", page)
        assert "ARENA-901" in listed and "PLAN-230" not in listed  # the test pack's rules, not the shipped ones
        report = client.get(f"/engagements/{engagement}/report.html?lang=en").text
        assert "report-test" in report


def test_the_web_words_exist_in_both_languages():
    from advisor.web.strings import STRINGS

    assert set(STRINGS["en"]) == set(STRINGS["nb"])
    for key in STRINGS["en"]:
        assert set(re.findall(r"{(\w+)", STRINGS["en"][key])) == set(re.findall(r"{(\w+)", STRINGS["nb"][key])), key


def test_the_core_does_not_load_the_web_extra():
    code = "import sys, advisor, advisor.cli.main, advisor.cli.serve; print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
    assert "serve" in CliRunner().invoke(main, ["--help"]).output
