"""Which of several failed requests a poll tells of, and so whether it fails or waits.

A request held back by Robin's Retry-After sent nothing: a poll whose only failures are
such requests is moved to the wait's end with the rooms kept. One whose own request Robin
refused or failed fails, as before, whatever else the wait held back.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from custom_components.robin.api import (
    RobinConnectionError,
    RobinError,
    RobinRateLimitError,
    RobinServerError,
    RobinWaitingError,
)
from custom_components.robin.discovery import first_of

HELD_BACK = RobinWaitingError("not sent", retry_after=60, unavailable=True)
RATE_LIMITED = RobinRateLimitError(HTTPStatus.TOO_MANY_REQUESTS, "slow down", retry_after=60)
DOWN = RobinServerError(HTTPStatus.SERVICE_UNAVAILABLE, "maintenance", retry_after=60)
UNREACHABLE = RobinConnectionError("connection reset")


@pytest.mark.parametrize(
    ("errors", "told"),
    [
        ([HELD_BACK], HELD_BACK),
        ([HELD_BACK, DOWN], DOWN),  # the poll's own 503 that closed the wait
        ([HELD_BACK, UNREACHABLE], UNREACHABLE),
        ([DOWN, HELD_BACK, RATE_LIMITED], RATE_LIMITED),  # Robin's 429 says when to ask
        ([UNREACHABLE, DOWN], UNREACHABLE),  # otherwise the first, as it came
    ],
    ids=["held_back_only", "own_503", "unreachable", "own_429", "in_order"],
)
def test_a_poll_tells_robins_own_answer_before_what_a_wait_held_back(
    errors: list[RobinError], told: RobinError
) -> None:
    assert first_of(errors) is told
