"""Layer 3, the engines: the facts of a profile, the engine interface and registry, the
durable-rules, reference and columnar engines, the worker pool, and the assessment they produce.

Imports only the layers below (core, profile, rules).
"""
