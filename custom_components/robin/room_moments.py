"""The next moment at which each room's state changes by the clock alone, with one timer.

A timer per room would mean thousands of timers in a large office; one heap of every room's
next moment and one timer for the earliest cost the same whatever the number of rooms.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util


class RoomMoments:
    """Each room's next moment; `on_due` is called with the rooms whose moment has come."""

    def __init__(self, hass: HomeAssistant, on_due: Callable[[set[int]], None]) -> None:
        """Know no moment yet."""
        self._hass = hass
        self._on_due = on_due
        self._next: dict[int, datetime] = {}
        self._heap: list[tuple[datetime, int]] = []  # may hold outdated entries
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at: datetime | None = None

    def set_next(self, space_id: int, moment: datetime | None) -> None:
        """Set (or clear, with None) a room's next moment; `schedule` applies it."""
        if moment is None:
            self._next.pop(space_id, None)
        elif self._next.get(space_id) != moment:
            self._next[space_id] = moment
            heapq.heappush(self._heap, (moment, space_id))

    def pop_due(self, now: datetime) -> set[int]:
        """Return the rooms whose moment is `now` or earlier, and forget those moments."""
        heap, due = self._heap, set()
        while heap and heap[0][0] <= now:
            moment, space_id = heapq.heappop(heap)
            if self._next.get(space_id) == moment:
                del self._next[space_id]
                due.add(space_id)
        return due

    @callback
    def schedule(self) -> None:
        """Keep the one timer at the earliest moment still ahead of any room."""
        heap = self._heap
        while heap and not self._is_current(*heap[0]):
            heapq.heappop(heap)
        if len(heap) > 4 * len(self._next) + 16:  # drop outdated entries now and then
            self._heap = heap = [entry for entry in heap if self._is_current(*entry)]
            heapq.heapify(heap)
        when = heap[0][0] if heap else None
        if when == self._timer_at:
            return
        self.cancel()
        if when is not None:
            self._timer_at = when
            self._timer = async_track_point_in_utc_time(self._hass, self._passed, when)

    @callback
    def cancel(self) -> None:
        """Stop the timer (the entry unloads)."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        self._timer_at = None

    def _is_current(self, moment: datetime, space_id: int) -> bool:
        return self._next.get(space_id) == moment

    @callback
    def _passed(self, _now: datetime) -> None:
        self._timer = None
        self._timer_at = None
        self._on_due(self.pop_due(dt_util.utcnow()))
        self.schedule()
