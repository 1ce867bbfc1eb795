"""``--help`` in the language of the command line: bokmål under ``--lang nb`` (or an ``nb``
locale), read before click parses (see :func:`advisor.cli.common.scan_language`).

The help texts of the commands and options are written in English in the click decorators;
:data:`HELP_NB` holds their bokmål wording, keyed by the English text (whitespace folded), and a
test checks that every help text has one. :class:`AdvisorCommand` and :class:`AdvisorGroup`
(the classes of every ``advisor`` command) render the help, click's own words ("Usage",
"Options", "[default: …]") and the placeholders of the usage line in the run's language.
"""

from __future__ import annotations

import inspect
import re
from typing import Optional

import click

__all__ = ["HELP_NB", "CLICK_WORDS_NB", "METAVARS_NB", "AdvisorCommand", "AdvisorGroup", "help_text", "fold"]


def fold(text: str) -> str:
    """``text`` with its whitespace folded, the key of :data:`HELP_NB`."""
    return " ".join(text.split())


#: The bokmål help of every command and option, by its English text.
HELP_NB: dict[str, str] = {
    fold(k): v
    for k, v in {
        "Assess how ready a Norwegian municipality is for co-creation, and what to do next.": "Vurder hvor klar en norsk kommune er for samskaping, og hva den bør gjøre videre.",
        "Show the version and exit.": "Vis versjonen og avslutt.",
        "Show the version and the inference engine, and exit.": "Vis versjonen og slutningsmotoren, og avslutt.",
        "Inference engine: durable-rules, the plain-Python reference evaluator, or columnar (polars, for large studies; needs samskaping-advisor[columnar]). Default: durable-rules where it is installed, see `advisor --version`.": "Slutningsmotor: durable-rules, referanseevaluatoren i ren Python, eller columnar (polars, for store studier; krever samskaping-advisor[columnar]). Standard: durable-rules der den er installert, se `advisor --version`.",
        "Inference engine: durable-rules, or the plain-Python reference evaluator (default: durable-rules where it is installed, see `advisor --version`).": "Slutningsmotor: durable-rules, eller referanseevaluatoren i ren Python (standard: durable-rules der den er installert, se `advisor --version`).",
        "A profile that takes longer in a worker process (or crashes it) is skipped with the reason; the batch goes on.": "En profil som tar lengre tid i en arbeidsprosess (eller krasjer den), hoppes over med grunnen; kjøringen fortsetter.",
        "Run on the Dask scheduler at ADDRESS (tcp://host:8786), or `local` for a local cluster. Needs samskaping-advisor[distributed].": "Kjør på Dask-planleggeren på ADRESSE (tcp://host:8786), eller `local` for en lokal klynge. Krever samskaping-advisor[distributed].",
        "Print the shipped example profile NAME (to start from: advisor example levanger > levanger.yaml); without NAME, list the examples.": "Skriv ut den medfølgende eksempelprofilen NAVN (å starte fra: advisor example levanger > levanger.yaml); uten NAVN vises eksemplene.",
        "Directory to write sample-NNNN.yaml (or .json) into; with --format jsonl, the file to write.": "Mappe som sample-NNNN.yaml (eller .json) skrives til; med --format jsonl filen som skrives.",
        "Profile format: a file per profile (yaml, json), or one JSON Lines file, a profile a line (jsonl).": "Profilformat: én fil per profil (yaml, json), eller én JSON Lines-fil med én profil per linje (jsonl).",
        "Show this message and exit.": "Vis denne hjelpen og avslutt.",
        "Assess PROFILE (YAML or JSON; - reads standard input) and print diagnoses, pitfalls, a plan and questions.": "Vurder PROFIL (YAML eller JSON; - leser standard inn) og skriv ut diagnoser, fallgruver, en plan og spørsmål.",
        "Output format: text for a terminal, markdown, or json (both languages) for scripts.": "Utdataformat: text for en terminal, markdown, eller json (begge språk) for skript.",
        "Language of the output: en or nb (default: from the locale, else en).": "Språket i utdataene: en eller nb (standard: fra lokaliteten, ellers en).",
        "Rule pack or variant, file or directory (default: the shipped rule base). Given several times, the packs are stacked: each later one is applied on top of those before it.": "Regelpakke eller variant, fil eller mappe (standard: den medfølgende regelbasen). Gitt flere ganger legges pakkene oppå hverandre: hver senere pakke brukes oppå dem før den.",
        "Exit with code 3 if a diagnosis or pitfall has this priority or higher (recommendations do not count).": "Avslutt med kode 3 hvis en diagnose eller fallgruve har denne prioriteten eller høyere (anbefalinger teller ikke).",
        "Print nothing but errors and warnings: the exit code and the files written carry the result.": "Skriv ikke ut annet enn feil og advarsler: avslutningskoden og filene som skrives, bærer resultatet.",
        "Assess PROFILES (files or directories) with one or more rule packs and write the results.\n\nSeveral --rules are assessed side by side: one row per profile and pack. A profile that fails validation is reported on standard error and skipped; the others complete.": "Vurder PROFILER (filer eller mapper) med én eller flere regelpakker og skriv resultatene.\n\nFlere --rules vurderes side om side: én rad per profil og pakke. En profil som ikke består valideringen, meldes på standard feil og hoppes over; de andre fullføres.",
        "Rule pack or variant (file or directory); give it several times for several packs. Default: the shipped rule base.": "Regelpakke eller variant (fil eller mappe); gi den flere ganger for flere pakker. Standard: den medfølgende regelbasen.",
        "Results file: *.jsonl or *.csv (a *.manifest.json is written beside it).": "Resultatfil: *.jsonl eller *.csv (en *.manifest.json skrives ved siden av).",
        "Format of the results file: jsonl or csv (default: from the file name).": "Formatet på resultatfilen: jsonl eller csv (standard: fra filnavnet).",
        "Inference engine: durable-rules, or the plain-Python reference.": "Slutningsmotor: durable-rules, eller referansen i ren Python.",
        "Worker processes (default: one per core, or 1 for fewer than 500 profiles; 1 runs in this process).": "Arbeidsprosesser (standard: én per kjerne, eller 1 for færre enn 500 profiler; 1 kjører i denne prosessen).",
        "Run on the Dask scheduler at ADDRESS (tcp://host:8786), or `local` for a local cluster. Needs advisor[distributed].": "Kjør på Dask-planleggeren på ADRESSE (tcp://host:8786), eller `local` for en lokal klynge. Krever advisor[distributed].",
        "Exit with code 2 if a profile had to be skipped.": "Avslutt med kode 2 hvis en profil måtte hoppes over.",
        "Compare rule packs on PROFILES: where does the advice differ, and how much do they agree?\n\nGive --rules at least twice: the first pack is the baseline, each other one is compared with it. Agreement per rule is the share of profiles on which both packs fire the rule or both do not; kappa is Cohen's kappa of the two.": "Sammenlign regelpakker på PROFILER: hvor er rådene ulike, og hvor enige er de?\n\nGi --rules minst to ganger: den første pakken er utgangspunktet, og hver av de andre sammenlignes med den. Samsvar per regel er andelen profiler der begge pakkene slår til på regelen, eller ingen av dem gjør det; kappa er Cohens kappa for de to.",
        "Output format: text, or json for scripts.": "Utdataformat: text, eller json for skript.",
        "Also write the full comparison as JSON to this file.": "Skriv også hele sammenligningen som JSON til denne filen.",
        "List every rule, not only those where the packs disagree.": "Vis alle regler, ikke bare dem pakkene er uenige om.",
        "Compare two assessments of one municipality over time (profiles OLD and NEW): facts changed, findings resolved and new, pitfalls by priority.": "Sammenlign to vurderinger av én kommune over tid (profilene GAMMEL og NY): endrede fakta, funn som er løst og nye funn, fallgruver etter prioritet.",
        "Output format: text, or json (both languages) for scripts.": "Utdataformat: text, eller json (begge språk) for skript.",
        "Why rule RULE_ID fired for PROFILE, or why not: its condition part by part, with the actual facts, the part that failed and the facts that are unknown.": "Hvorfor regel REGEL_ID slo til for PROFIL, eller hvorfor ikke: betingelsen del for del, med de faktiske faktaene, delen som ikke holdt, og faktaene som er ukjente.",
        "Start the consultant's workbench: informants answer in the browser, the consultant sees the combined assessment live and downloads the report; a JSON API with OpenAPI docs at /api/docs.": "Start konsulentens arbeidsbenk: informantene svarer i nettleseren, konsulenten ser den samlede vurderingen fortløpende og laster ned rapporten; et JSON-API med OpenAPI-dokumentasjon på /api/docs.",
        "Address to listen on; any but this machine's needs a consultant password.": "Adressen det lyttes på; alle andre enn denne maskinens krever et konsulentpassord.",
        "Port to listen on.": "Porten det lyttes på.",
        "The database: a SQLite file (created on first start) or postgresql://USER:PASSWORD@HOST/NAME.": "Databasen: en SQLite-fil (opprettes ved første start) eller postgresql://BRUKER:PASSORD@VERT/NAVN.",
        "Set the consultant's password (asked twice), then exit.": "Sett konsulentens passord (spørres to ganger), og avslutt.",
        'Interview: ask the questions of a profile and write it, commented, to OUTPUT (default: the --resume file, else profile.yaml). "Don\'t know" is always allowed.': "Intervju: still spørsmålene i en profil og skriv den, kommentert, til UTFIL (standard: --resume-filen, ellers profile.yaml). «Vet ikke» er alltid lov.",
        "Start from this partly filled profile: keep what it knows, ask only what is missing.": "Start fra denne delvis utfylte profilen: behold det den vet, spør bare om det som mangler.",
        "What to do first: single changes to PROFILE ranked by the pitfalls they resolve, weighted by priority.": "Hva bør gjøres først: enkeltendringer i PROFIL rangert etter fallgruvene de løser, vektet etter prioritet.",
        "How many steps to show.": "Hvor mange steg som skal vises.",
        "Write a report on one or more PROFILES of the same municipality (one per informant).\n\nThe report has a summary, the four factors at a glance, the arenas on the ladder of co-creation, the findings by factor with their sources, the plan and the questions to ask next; with several informants it also shows where they disagree.": "Skriv en rapport om én eller flere PROFILER av samme kommune (én per informant).\n\nRapporten har et sammendrag, de fire faktorene i overblikk, arenaene på samskapingsstigen, funnene etter faktor med kildene, planen og spørsmålene å stille videre; med flere informanter viser den også hvor de er uenige.",
        "File to write: *.html (a self-contained page), *.md (Markdown) or *.pdf. Default: standard output.": "Fil som skal skrives: *.html (en selvstendig side), *.md (Markdown) eller *.pdf. Standard: standard ut.",
        "Output format: html, markdown or pdf (default: from the -o file name; markdown on standard output).": "Utdataformat: html, markdown eller pdf (standard: fra filnavnet til -o; markdown på standard ut).",
        "Inspect a rule pack.": "Se på en regelpakke.",
        "Print a Markdown catalogue of every rule (docs/RULES.md is this for the shipped pack).": "Skriv ut en Markdown-katalog over alle regler (docs/RULES.md er denne for den medfølgende pakken).",
        "Report every problem of a rule pack (--rules; default: the shipped pack) at once, one line each.\n\nExit code 0 for a pack without problems, 2 if there is any. Several --rules are stacked into one.": "Meld alle problemer i en regelpakke (--rules; standard: den medfølgende pakken) på én gang, én linje hver.\n\nAvslutningskode 0 for en pakke uten problemer, 2 hvis det finnes noen. Flere --rules legges oppå hverandre til én.",
        "List the rules of a pack.": "Vis reglene i en pakke.",
        "Only rules of this kind.": "Bare regler av denne typen.",
        "Show everything about one rule: texts, condition, links and sources.": "Vis alt om én regel: tekster, betingelse, koblinger og kilder.",
        "Run the test cases of a rule pack (--rules; default: the shipped one). Exit code 3 if one fails.\n\nSeveral --rules are stacked into one, each applied on top of the ones before.": "Kjør testtilfellene i en regelpakke (--rules; standard: den medfølgende). Avslutningskode 3 hvis ett feiler.\n\nFlere --rules legges oppå hverandre til én, hver brukt oppå dem før den.",
        "Also run the test cases of the packs it extends.": "Kjør også testtilfellene i pakkene den bygger på.",
        "Write N valid random profiles, for sensitivity studies and benchmarks.": "Skriv N gyldige tilfeldige profiler, for sensitivitetsstudier og ytelsesmålinger.",
        "How many profiles.": "Hvor mange profiler.",
        "Which facts move each finding most, over PROFILES (or -n sampled ones).\n\nEach fact some rule tests is resampled in turn (shuffled across the profiles, the others kept); a finding's flip rate is the share of profiles on which it then changes. Runs on the columnar engine (samskaping-advisor[columnar]).": "Hvilke fakta som flytter hvert funn mest, over PROFILER (eller -n trukne profiler).\n\nHvert faktum en regel tester, trekkes på nytt etter tur (stokket mellom profilene, de andre beholdes); et funns vendingsrate er andelen profiler der det da endrer seg. Kjører på kolonnemotoren (samskaping-advisor[columnar]).",
        "Study N sampled profiles (advisor sample --seed SEED) instead of PROFILES.": "Undersøk N trukne profiler (advisor sample --seed FRØ) i stedet for PROFILER.",
        "Seed of the resampling (and of the sample with -n).": "Frø for omtrekkingen (og for utvalget med -n).",
        "Facts to show per finding.": "Fakta som vises per funn.",
        "Rule pack or variant (default: the shipped rule base).": "Regelpakke eller variant (standard: den medfølgende regelbasen).",
        "Output format.": "Utdataformat.",
        "Old spelling of -n/--count.": "Gammel skrivemåte for -n/--count.",
        "Random seed: the same seed gives the same profiles.": "Frø for tilfeldighet: samme frø gir samme profiler.",
        "Directory to write sample-NNNN.yaml into.": "Mappe som sample-NNNN.yaml skrives til.",
        "Chance that a field is unknown (default 0.3, or the options file's).": "Sjansen for at et felt er ukjent (standard 0,3, eller den i valgfilen).",
        "YAML file with distributions: weights per value, ranges, unknown rates per field.": "YAML-fil med fordelinger: vekter per verdi, intervaller, andel ukjente per felt.",
        "Profile file format: yaml or json.": "Filformat for profilene: yaml eller json.",
        "Print the JSON Schema of a municipality profile.": "Skriv ut JSON-skjemaet for en kommuneprofil.",
        "Assess PROFILE as it is and with the changes given by --set, and show which findings appear and disappear.": "Vurder PROFIL slik den er og med endringene gitt med --set, og vis hvilke funn som kommer til og forsvinner.",
        "Change one fact (repeatable): plan.knowledge_base=true, arenas[0].ladder_level=3; null makes it unknown.": "Endre ett faktum (kan gjentas): plan.knowledge_base=true, arenas[0].ladder_level=3; null gjør det ukjent.",
    }.items()
}

#: Click's own words in help pages, in bokmål.
CLICK_WORDS_NB = {
    "Usage: ": "Bruk: ",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "default": "standard",
    "required": "påkrevd",
}

#: The placeholders of usage lines and options, in bokmål.
METAVARS_NB = {
    "OPTIONS": "VALG",
    "COMMAND": "KOMMANDO",
    "ARGS": "ARGUMENTER",
    "PROFILE": "PROFIL",
    "PROFILES": "PROFILER",
    "RULE_ID": "REGEL_ID",
    "OLD": "GAMMEL",
    "NEW": "NY",
    "OUTPUT": "UTFIL",
    "FILE": "FIL",
    "PATH": "STI",
    "DIRECTORY": "MAPPE",
    "TEXT": "TEKST",
    "INTEGER": "HELTALL",
    "FLOAT": "DESIMALTALL",
    "ADDRESS": "ADRESSE",
    "RANGE": "OMRÅDE",
    "NAME": "NAVN",
    "SECONDS": "SEKUNDER",
}
_METAVAR = re.compile(r"\b(" + "|".join(sorted(METAVARS_NB, key=len, reverse=True)) + r")\b")
_EXTRA = re.compile(r"(\[|; )(default|required)\b")


def _language() -> str:
    from .common import run_language

    return run_language()


def help_text(text: Optional[str], lang: str) -> Optional[str]:
    """A help text of a command or option in ``lang`` (as written when there is no bokmål)."""
    if not text or lang == "en":
        return text
    return HELP_NB.get(fold(text), text)


def _metavars(text: str) -> str:
    return _METAVAR.sub(lambda m: METAVARS_NB[m.group(1)], text)


def _short(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut at a word with ``...`` where longer than ``limit``
    (as click shortens the help of a command in a group's list)."""
    first = " ".join(text.split("\n\n")[0].split())
    sentence = first.split(". ")[0].rstrip(".")
    if len(sentence) + 1 <= limit:
        return sentence + "."
    words, out = sentence.split(), ""
    for word in words:
        if len(out) + len(word) + 1 + 3 > limit:
            break
        out = f"{out} {word}".strip()
    return out.rstrip(",;:") + "..."


class _HelpInLanguage:
    """The help page of a command in the run's language."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if _language() == "en":
            return super().format_usage(ctx, formatter)  # type: ignore[misc]
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, _metavars(" ".join(pieces)), prefix=CLICK_WORDS_NB["Usage: "])

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        text = help_text(inspect.cleandoc(self.help or ""), lang) if self.help else ""  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        if lang == "en":
            super().format_options(ctx, formatter)  # type: ignore[misc]
            return
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if not isinstance(param, click.Option):
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            opts, text = record
            own = getattr(param, "help", None) or ""
            if own and text.startswith(own):
                text = help_text(own, lang) + text[len(own) :]
            text = _EXTRA.sub(lambda m: m.group(1) + CLICK_WORDS_NB[m.group(2)], text)
            rows.append((_metavars(opts), text))
        if rows:
            with formatter.section(CLICK_WORDS_NB["Options"]):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _language()
        if lang == "en":
            super().format_commands(ctx, formatter)  # type: ignore[misc]
            return
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if cmd is None or cmd.hidden:
                continue
            text = help_text(inspect.cleandoc(cmd.help or ""), lang) or ""
            limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))  # type: ignore[attr-defined]
            rows.append((name, _short(text, limit)))
        if rows:
            with formatter.section(CLICK_WORDS_NB["Commands"]):
                formatter.write_dl(rows)


class AdvisorCommand(_HelpInLanguage, click.Command):
    """An ``advisor`` command: its help page in the language of the command line."""


class AdvisorGroup(_HelpInLanguage, click.Group):
    """An ``advisor`` command group: its help page in the language of the command line."""

    command_class = AdvisorCommand
