"""Layer 5, research: batches over many profiles, comparing packs, sampling, sensitivity; the
results as text are :mod:`advisor.render.research`'s.

Imports only the layers below.
"""
