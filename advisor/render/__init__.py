"""Layer 4, rendering: an assessment as text, Markdown, JSON, and the consultant's report (HTML, SVG).

Imports only the layers below.
"""
