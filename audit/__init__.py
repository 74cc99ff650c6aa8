"""Attacks and measurements behind `make audit` (issue 13's "Done when" figures).

Shared by scripts/audit.py, which prints the figures, and by the tests, which hold them.
"""
