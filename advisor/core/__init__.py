"""Layer 0, the base: errors, reading documents, writing files, the two languages, the version.

Imports nothing else of advisor.
"""
