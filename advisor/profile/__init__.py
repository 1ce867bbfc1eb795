"""Layer 1, the profile: the model of a municipality (model.py), its fields (schema.py), loading it
(io.py), the questions and labels of each field (questions.py) and the shipped examples.

Imports only core.
"""
