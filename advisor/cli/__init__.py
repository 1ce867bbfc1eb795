"""Layer 7, the command line: main.py (the group and the assessment commands), one module per
command group (tools.py, report.py, research.py), and the shared options and help (common.py, help.py).

The top layer: nothing else imports it.
"""
