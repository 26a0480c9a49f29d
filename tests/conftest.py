"""Shared test setup: the repository root is importable (pyproject's pythonpath)."""

import pytest

from tests.summary import SUMMARY_LINES


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Show the figures tests reported (the fault soak's), also when every test passed."""
    lines = config.stash.get(SUMMARY_LINES, [])
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.line(line)
