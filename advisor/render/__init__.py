"""Layer 6, rendering: every result as text, Markdown, JSON, HTML or PDF.

One registry of formats per result type (``formats.py``); an assessment and the rule list
(``format.py``), the catalogue (``catalogue.py``), the tools' results (``tools.py``), the research
results (``research.py``), the consultant's report (``report.py`` its model, ``report_words.py``,
``report_markdown.py``, ``report_html.py`` with ``report.css``, ``svg.py``, ``pdf.py``); one
Markdown escaping and table (``markdown.py``).

Imports only the layers below (core, profile, rules, engine, tools, research).
"""
