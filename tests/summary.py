"""Lines a test hands to the end of pytest's output, shown even when it passes."""

import pytest

SUMMARY_LINES = pytest.StashKey[list[str]]()


def add_summary_lines(config: pytest.Config, title: str, lines: list[str]) -> None:
    """Print `lines` under `title` in pytest's terminal summary."""
    config.stash.setdefault(SUMMARY_LINES, []).extend([title, *(f"  {line}" for line in lines)])
