"""Robin's Retry-After, kept as one moment before which no request is sent."""

from datetime import UTC, datetime, timedelta


class RetryAfterGate:
    """The moment before which Robin asked not to be called.

    One gate serves every request made with a token; a caller that rebuilds its client (e.g.
    on a retried setup) passes the same gate so that the wait is kept.
    """

    def __init__(self) -> None:
        """Start open."""
        self._not_before: datetime | None = None
        self._unavailable = False

    @property
    def remaining(self) -> float:
        """Seconds until requests may be sent again (0 when they may be sent now)."""
        if self._not_before is None:
            return 0.0
        remaining = (self._not_before - datetime.now(UTC)).total_seconds()
        if remaining <= 0:
            self._not_before = None
            return 0.0
        return remaining

    @property
    def unavailable(self) -> bool:
        """Whether the wait is Robin's being down (a 5xx's Retry-After), not a rate limit."""
        return self._unavailable and self.remaining > 0

    def close_for(self, seconds: float, now: datetime, *, unavailable: bool = False) -> None:
        """Send nothing for `seconds` from `now` (a longer wait already set is kept).

        `unavailable`: asked by a 5xx (Robin down for a while), not a 429.
        """
        not_before = now + timedelta(seconds=seconds)
        if self._not_before is None or not_before > self._not_before:
            self._not_before = not_before
            self._unavailable = unavailable
