"""Layer 4, the tools on top of an assessment: explain, what-if and next steps, diff, the intake
interview, and the checks and tests of a rule pack: they compute results, :mod:`advisor.render`
words them.

Imports only the layers below.
"""
