"""Shared test setup: the repository root is importable (pyproject's pythonpath)."""
