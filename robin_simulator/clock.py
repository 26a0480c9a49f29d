"""The simulator's clock: wall time by default, frozen or shifted on request."""

from datetime import UTC, datetime, timedelta


class SimClock:
    """A controllable clock.

    When not frozen, `now()` reads `datetime.now(UTC)` on every call (plus any offset added by
    `advance`), so time-travel libraries such as freezegun also steer the simulator.
    """

    def __init__(self, now: datetime | None = None) -> None:
        """Start frozen at `now`, or follow wall time when `now` is None."""
        self._frozen_at: datetime | None = None
        self._offset = timedelta()
        if now is not None:
            self.freeze(now)

    @property
    def is_frozen(self) -> bool:
        """Whether the clock stands still."""
        return self._frozen_at is not None

    def now(self) -> datetime:
        """The current simulated instant, an aware UTC datetime."""
        if self._frozen_at is not None:
            return self._frozen_at
        return datetime.now(UTC) + self._offset

    def freeze(self, instant: datetime) -> None:
        """Stop the clock at `instant` (must be timezone-aware)."""
        if instant.tzinfo is None:
            msg = "SimClock needs an aware datetime"
            raise ValueError(msg)
        self._frozen_at = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move time forward (or back, with a negative delta)."""
        if self._frozen_at is not None:
            self._frozen_at += delta
        else:
            self._offset += delta

    def unfreeze(self) -> None:
        """Follow wall time again, dropping any offset."""
        self._frozen_at = None
        self._offset = timedelta()
