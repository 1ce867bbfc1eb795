"""Layer 6, research: batches over many profiles, comparing packs, sampling, sensitivity.

Imports only the layers below.
"""
