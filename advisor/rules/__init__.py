"""Layer 2, the rule language: conditions, rule packs and variants, derived arena facts, the
limits a pack must keep.

Imports only core and profile.
"""
