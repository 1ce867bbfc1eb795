"""The messages of the errors a user meets most (a bad profile, a missing file, an unknown rule,
a bad ``--set``) in bokmål, for the command line under ``--lang nb``.

The library raises its errors in English (:mod:`advisor.core.errors`); the command line's error
boundary shows them in the language of the run through :func:`error_line`. A message without a
bokmål pattern here stays English (every part of the line around it is in bokmål).
"""

from __future__ import annotations

import copy
import re
from typing import Optional

from .errors import AdvisorError

__all__ = ["MESSAGES_NB", "HINTS_NB", "error_line", "translate"]

_WHAT = {"profile": "profil", "rule pack": "regelpakke", "options": "valg", "sample options": "valg"}


def _what(word: str) -> str:
    return _WHAT.get(word, word)


#: Error messages, as patterns, in bokmål.
MESSAGES_NB: tuple[tuple[str, str], ...] = (
    (r"(.+?) file not found", "finner ikke {w0}filen"),
    (r"(.+?) path is a directory", "{w0}stien er en mappe"),
    (r"(.+?) file is binary, not text", "{w0}filen er binær, ikke tekst"),
    (r"(.+?) file cannot be read: (.+)", "{w0}filen kan ikke leses: {1}"),
    (r"(.+?) file is not UTF-8 text \(byte (\d+)\)", "{w0}filen er ikke UTF-8-tekst (byte {1})"),
    (r"(.+?) file is (\d+) bytes, more than the limit of (\d+)", "{w0}filen er {1} byte, mer enn grensen på {2}"),
    (r"not valid YAML/JSON: (.+)", "ikke gyldig YAML/JSON: {0}"),
    (r"not valid JSON: (.+)", "ikke gyldig JSON: {0}"),
    (r"profile is empty", "profilen er tom"),
    (r"unknown field (.+)", "ukjent felt {0}"),
    (r"(.+) is not allowed", "{0} er ikke tillatt"),
    (r"expected true or false, got (.+)", "ventet `true` eller `false`, fikk {0}"),
    (r"expected a number, got (.+)", "ventet et tall, fikk {0}"),
    (r"expected a list, got (.+)", "ventet en liste, fikk {0}"),
    (r"expected a mapping of fields, got (.+)", "ventet felt med verdier, fikk {0}"),
    (r"must be (greater|less) than or equal to (.+), got (.+)", "må være {c0} enn eller lik {1}, fikk {2}"),
    (r"no rule (\S+) in pack (.+)", "ingen regel {0} i pakken {1}"),
    (r"(\S+) is true or false, not (.+)", "{0} er `true` eller `false`, ikke {1}"),
    (r"(\S+) is a whole number, not (.+)", "{0} er et heltall, ikke {1}"),
    (r"(\S+) is a number, not (.+)", "{0} er et tall, ikke {1}"),
    (r"(.+) is not a value of (\S+)", "{0} er ikke en verdi av {1}"),
    (r"expected PATH=VALUE", "ventet STI=VERDI"),
    (r"unknown fact (.+)", "ukjent faktum {0}"),
    (r"unknown arena field (.+)", "ukjent arenafelt {0}"),
    (r"(\S+) is set twice", "{0} er satt to ganger"),
    (r"cannot tell the format of (.+)", "kan ikke se formatet til {0}"),
    (r"a profile is given twice", "en profil er gitt to ganger"),
    (
        r"writing a PDF needs WeasyPrint, which is not installed",
        "å skrive PDF krever WeasyPrint, som ikke er installert",
    ),
    (r"WeasyPrint cannot load its system libraries: (.+)", "WeasyPrint får ikke lastet systembibliotekene sine: {0}"),
    (r"a PDF is not written to a terminal", "en PDF skrives ikke til en terminal"),
    (r"\(and (\d+) more problems?\)", "(og {0} problem{p0} til)"),
    (r"refusing to listen on (\S+) without a consultant login", "lytter ikke på {0} uten en konsulentinnlogging"),
    (r"the password is too short", "passordet er for kort"),
    (r"cannot open the database (\S+): (.+)", "kan ikke åpne databasen {0}: {1}"),
    (r"no rule pack '([^']*)'", "ingen regelpakke '{0}'"),
    (
        r"(\S+) names a clause by its position, which changes when the base rule is reordered",
        "{0} peker på en betingelse etter plassen dens, som endrer seg når grunnregelen stokkes om",
    ),
    (r"no clause of the (\S+) of rule (\S+) tests (\S+)", "ingen betingelse i {0} i regel {1} tester {2}"),
    (r"(\d+) clauses of the (\S+) of rule (\S+) test (\S+)", "{0} betingelser i {1} i regel {2} tester {3}"),
)

#: Hints, as patterns, in bokmål.
HINTS_NB: tuple[tuple[str, str], ...] = (
    (r"check the path", "sjekk stien"),
    (r"give a file", "gi en fil"),
    (r"check permissions", "sjekk tilgangene"),
    (r"give a YAML or JSON file", "gi en YAML- eller JSON-fil"),
    (r"save it as UTF-8", "lagre den som UTF-8"),
    (r"is this the right (file|input)\?", "er dette riktig {c0}?"),
    (r"check the syntax", "sjekk syntaksen"),
    (r"check column (\d+) of that line", "sjekk kolonne {0} på den linjen"),
    (
        r"write at least `context: \{name: \.\.\.\}`; see examples/",
        "skriv minst `context: {{name: ...}}`; se examples/",
    ),
    (
        r"did you mean (.+)\? use one of: (.+), or leave it out if unknown",
        "mente du {0}? bruk en av: {1}, eller utelat det hvis det er ukjent",
    ),
    (r"use one of: (.+), or leave it out if unknown", "bruk en av: {0}, eller utelat det hvis det er ukjent"),
    (r"did you mean (.+)\?", "mente du {0}?"),
    (r"allowed here: (.+)", "tillatt her: {0}"),
    (r"allowed: (.+)", "tillatt: {0}"),
    (
        r"write true or false, or leave it out if unknown",
        "skriv `true` eller `false`, eller utelat det hvis det er ukjent",
    ),
    (r"write a number, or leave it out if unknown", "skriv et tall, eller utelat det hvis det er ukjent"),
    (r"correct the value, or leave it out if unknown", "rett verdien, eller utelat den hvis den er ukjent"),
    (r"write one `- item` per line, or \[\] for none", "skriv én `- verdi` per linje, eller [] for ingen"),
    (r"write `field: value` lines indented under it", "skriv linjer med `felt: verdi` rykket inn under den"),
    (r"see `advisor rules list`", "se `advisor rules list`"),
    (r"write true or false, or null for unknown", "skriv `true` eller `false`, eller `null` for ukjent"),
    (r"write a number such as (\S+), or null for unknown", "skriv et tall, for eksempel {0}, eller `null` for ukjent"),
    (r"for example --set (.+)", "for eksempel --set {0}"),
    (r"see docs/PROFILE.md for the fact paths", "se docs/PROFILE.md for stiene til faktaene"),
    (r"also by --set (.+); keep one", "også av --set {0}; behold én"),
    (r"end the file name in one of (.+), or give --format", "la filnavnet slutte på en av {0}, eller gi --format"),
    (r"give each informant's profile once", "gi profilen til hver informant én gang"),
    (
        r"set one first with `advisor serve --set-password`, or listen on 127\.0\.0\.1",
        "sett en først med `advisor serve --set-password`, eller lytt på 127.0.0.1",
    ),
    (r"use at least (\d+) characters", "bruk minst {0} tegn"),
    (
        r"give --db a writable file path or a reachable postgresql:// URL",
        "gi --db en skrivbar filsti eller en postgresql://-URL som kan nås",
    ),
    (r"install it: (.+)", "installer den: {0}"),
    (r"install Pango; on Debian: (.+)", "installer Pango; på Debian: {0}"),
    (r"give -o report\.pdf, or redirect the output", "gi -o rapport.pdf, eller send utdata til en fil"),
    (r"write ((?:when|done_when)\[\S+)", "skriv {0}"),
    (
        r"name the clause by the fact it tests, as (\S+), or override the whole (\S+)",
        "navngi betingelsen etter faktumet den tester, som {0}, eller overstyr hele {1}",
    ),
    (r"its clauses test: (.+)", "betingelsene tester: {0}"),
    (
        r"a fact tested more than once cannot name a clause; override the whole (\S+)",
        "et faktum som testes flere ganger, kan ikke navngi en betingelse; overstyr hele {0}",
    ),
)

_COMPARISON = {"greater": "større", "less": "mindre", "file": "fil", "input": "inndata"}


def translate(text: Optional[str], table: tuple[tuple[str, str], ...]) -> Optional[str]:
    """``text`` in bokmål by the first pattern of ``table`` that matches it whole (as it is
    when none does); a trailing "(and N more problems)" is translated too."""
    if not text:
        return text
    tail = ""
    more = re.search(r" \(and \d+ more problems?\)$", text)
    if more and table is MESSAGES_NB:
        text, tail = text[: more.start()], " " + (translate(more.group(0).strip(), MESSAGES_NB) or "")
    for pattern, template in table:
        match = re.fullmatch(pattern, text)
        if match:
            groups = match.groups()
            named = {f"w{i}": _what(g) for i, g in enumerate(groups)}
            named.update({f"c{i}": _COMPARISON.get(g, g) for i, g in enumerate(groups)})
            named.update({f"p{i}": ("er" if g != "1" else "") for i, g in enumerate(groups)})
            return template.format(*groups, **named) + tail
    return text + tail


def error_line(exc: AdvisorError, lang: str) -> str:
    """``exc.one_line()`` with its message and hint in ``lang``."""
    if lang == "en":
        return exc.one_line()
    shown = copy.copy(exc)
    shown.message = translate(exc.message, MESSAGES_NB) or exc.message
    shown.hint = translate(exc.hint, HINTS_NB)
    return shown.one_line()
