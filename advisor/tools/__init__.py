"""Layer 5, the tools on top of an assessment: explain, what-if and next steps, diff, the intake
interview, and the checks and tests of a rule pack.

Imports only the layers below.
"""
