"""``advisor serve`` driven as a person would, in headless Chromium (Debian's, through Playwright).

An informant fills the form in Norwegian with some "don't know", saves and resumes; a second
informant disagrees; the consultant sees the combined assessment and the disagreement and
downloads the report; a wrong token gets 404; a forged form post without the CSRF token is
refused. On SQLite, and on PostgreSQL where ADVISOR_TEST_DATABASE_URL names a server.

``ADVISOR_UPDATE_SCREENSHOTS=1`` also writes the README's screenshots (docs/web-*.png).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from helpers import REPO
from web_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    databases,
    missing,
    open_test_store,
    pdftotext,
    require_chromium,
    require_web_extra,
)

SCREENSHOTS = os.environ.get("ADVISOR_UPDATE_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def browser():
    require_web_extra()
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=databases())
def server(request, tmp_path):
    require_web_extra()
    from advisor.web.app import create_app

    store = open_test_store(request.param, tmp_path)
    with Server(create_app(store)) as server:
        server.store = store
        yield server
    store.close()


def add_informant(page, label: str) -> str:
    page.fill("input[name=label]", label)
    page.click("text=Legg til en informant")
    return page.locator("#new-link code").inner_text().strip()


def answer(page, anchoring: str) -> None:
    """The answers of one informant: some known, some "Vet ikke"."""
    page.select_option("select[name='plan.co_creation_status']", "main_goal")
    page.select_option("select[name='plan.political_anchoring']", anchoring)
    page.check("input[name='plan.knowledge_base'][value='true']")
    page.check("input[name='plan.broad_involvement'][value='']")  # Vet ikke
    page.fill("input[name='context.population']", "20000")


def test_informants_answer_and_the_consultant_sees_the_disagreement(browser, server, tmp_path):
    consultant = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = consultant.new_page()
    page.goto(server.url + "/?lang=nb")
    page.fill("input[name=municipality]", "Levanger")
    page.click("text=Opprett")
    assert page.locator("h1").inner_text() == "Levanger"
    mayor_link = add_informant(page, "Ordfører")
    chief_link = add_informant(page, "Kommunedirektør")
    assert mayor_link.startswith(server.url + "/f/") and mayor_link != chief_link

    # the first informant, in Norwegian, with some "don't know"; saves and comes back
    mayor = browser.new_context(viewport={"width": 1000, "height": 900})
    form = mayor.new_page()
    form.goto(mayor_link)
    assert form.locator("h1").inner_text() == "Spørreskjema: Levanger"
    assert form.locator("html").get_attribute("lang") == "nb"
    answer(form, "high")
    form.check("input[name='arenas'][value='true']")
    form.click("text=Legg til en arena")
    form.fill("input[name='arenas.0.name']", "Frivillighetsforum")
    form.click("button[value=save]")
    expect_status = form.locator("#status")
    assert expect_status.inner_text().startswith("Lagret kl.")
    if SCREENSHOTS:
        form.goto(mayor_link)
        form.screenshot(path=str(REPO / "docs" / "web-informant-nb.png"))
    form.close()
    resumed = mayor.new_page()
    resumed.goto(mayor_link)
    assert resumed.input_value("select[name='plan.political_anchoring']") == "high"
    assert resumed.is_checked("input[name='plan.broad_involvement'][value='']")
    assert resumed.input_value("input[name='arenas.0.name']") == "Frivillighetsforum"
    # saved as it goes: a change is saved in the background, without the button
    resumed.check("input[name='leadership.leaders_role_models'][value='true']")
    from playwright.sync_api import expect

    expect(resumed.locator("#status")).to_have_text(re.compile(r"^Lagret kl\."))
    informant = server.store.informant_by_token(mayor_link.rsplit("/", 1)[1])
    assert '"leaders_role_models": true' in server.store.latest(informant.id).data
    # a save that fails on the way (the connection lost) says so; the answer stays in the page
    resumed.route("**/f/*", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    resumed.check("input[name='leadership.leaders_carry_message'][value='false']")
    expect(resumed.locator("#status")).to_have_text(re.compile(r"^Lagringen mislyktes"))
    assert resumed.is_checked("input[name='leadership.leaders_carry_message'][value='false']")
    resumed.unroute("**/f/*")
    # a bad answer is not saved, says so, and stays in the page
    resumed.fill("input[name='context.population']", "mange")
    resumed.click("button[value=save]")
    assert resumed.locator("#status").inner_text().startswith("Ikke lagret:")
    assert resumed.input_value("input[name='context.population']") == "mange"
    mayor.close()

    # the second informant disagrees on the political anchoring
    chief = browser.new_context()
    other = chief.new_page()
    other.goto(chief_link)
    answer(other, "low")
    other.click("button[value=save]")
    assert other.locator("#status").inner_text().startswith("Lagret kl.")
    chief.close()

    # the consultant: the combined assessment and the disagreement
    page.goto(page.url.split("?")[0])
    report = page.frame_locator("#report")
    disagreements = report.locator("#disagreements")
    assert "Der informantene er uenige" in disagreements.inner_text()
    assert "plan.political_anchoring" in disagreements.inner_text()
    if SCREENSHOTS:
        page.screenshot(path=str(REPO / "docs" / "web-consultant-nb.png"))
    with page.expect_download() as download:
        page.click("#download-html")
    html = (tmp_path / "report.html").resolve()
    download.value.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert "Levanger" in text and "plan.political_anchoring" in text and "Ordfører" in text
    if page.locator("#download-pdf").count() == 0:
        missing(page.locator("#pdf-problem").inner_text())
    else:
        with page.expect_download() as download:
            page.click("#download-pdf")
        pdf = tmp_path / "report.pdf"
        download.value.save_as(pdf)
        if pdftotext() is None:
            missing("pdftotext (Debian poppler-utils) is not installed")
        extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = extracted.rstrip("\f").split("\f")  # pdftotext ends every page with a form feed
        assert len(pages) >= 2, len(pages)
        for words in ("Samskapingsrapport: Levanger", "Ordfører", "Kommunedirektør", "Der informantene er uenige"):
            assert words in extracted, words
        assert "plan.political_anchoring" in extracted.replace("\n", "")
    consultant.close()


def test_wrong_token_is_404_and_a_forged_post_is_refused(browser, server):
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(server.url + "/f/" + "A" * 43)
    assert response.status == 404
    assert "lenken gjelder ikke lenger" in page.locator("main").inner_text()
    page.goto(server.url + "/")
    page.fill("input[name=municipality]", "Steinkjer")
    page.click("text=Opprett")
    link = add_informant(page, "Enhetsleder")
    page.goto(link)
    # a form on another site posting to the informant's link: no CSRF token
    forged = page.request.post(link, form={"context.name": "Forged", "plan.knowledge_base": "false"})
    assert forged.status == 403
    informant = server.store.informant_by_token(link.rsplit("/", 1)[1])
    assert server.store.latest(informant.id) is None
    context.close()
