"""The two clocks a benchmark controls: the event loop's and Home Assistant's wall clock.

The event loop's clock stands still until `advance` moves it, so timers (every column's polls
among them) fire only when the benchmark lets time pass, exactly when they are due. The wall
clock (`dt_util.utcnow`) is set to a chosen instant and moved together with the simulator's;
timers set for a wall-clock instant (`async_track_point_in_utc_time`) measure their delay on it,
so they fire once both clocks have passed that instant.
"""

import asyncio
import math
import time
import types
from datetime import datetime, timedelta, tzinfo

from homeassistant import util
from homeassistant.helpers import event as event_helper
from homeassistant.util import dt as dt_util


class VirtualTimeLoop(asyncio.SelectorEventLoop):  # type: ignore[misc,name-defined,unused-ignore]
    """An event loop whose clock moves only when told to."""

    def __init__(self) -> None:
        """Start at a whole second of the monotonic clock."""
        super().__init__()
        self._now = float(math.floor(time.monotonic()))

    def time(self) -> float:
        """The loop's clock: timers are due against it."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass: timers due by then run at the loop's next iteration."""
        self._now += seconds

    def pending_timers(self) -> int:
        """How many timers are scheduled (not cancelled)."""
        scheduled: list[asyncio.TimerHandle] = self._scheduled  # type: ignore[attr-defined]
        return sum(1 for handle in scheduled if not handle.cancelled())


class WallClock:
    """Home Assistant's `utcnow`, frozen at an instant and moved by the benchmark."""

    def __init__(self, now: datetime) -> None:
        """Freeze at `now` (aware)."""
        self._now = now

    def now(self) -> datetime:
        """The benchmark's instant."""
        return self._now

    def local_now(self, time_zone: tzinfo | None = None) -> datetime:
        """The benchmark's instant in a time zone (Home Assistant's by default)."""
        return self._now.astimezone(time_zone or dt_util.get_default_time_zone())

    def timestamp(self) -> float:
        """The benchmark's instant as a POSIX timestamp."""
        return self._now.timestamp()

    def advance(self, delta: timedelta) -> None:
        """Move forward."""
        self._now += delta

    def install(self) -> None:
        """Make Home Assistant read this clock (as its tests do with freezegun)."""
        dt_util.utcnow = self.now  # type: ignore[assignment]
        dt_util.now = self.local_now
        util.utcnow = self.now  # type: ignore[assignment,attr-defined]
        event_helper.time_tracker_utcnow = self.now  # type: ignore[assignment]
        event_helper.time_tracker_timestamp = self.timestamp
        # Point-in-time timers take their delay from `time.time()` in this module only.
        wall_time = types.ModuleType("wall_time")
        setattr(wall_time, "time", self.timestamp)  # noqa: B010 - a module has no typed attributes
        event_helper.time = wall_time  # type: ignore[attr-defined]
