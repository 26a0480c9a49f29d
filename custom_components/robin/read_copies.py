"""The bookings the calendars last showed from a read straight from Robin (beyond the window).

No Home Assistant import. Days beyond the cached window are read from Robin when a calendar
view or `calendar.get_events` asks, and not kept: an edit from the calendar dialog sends
back what the dialog showed, and only what differs from it is a change. For bookings in the
window the cache tells what was shown; for the others, these copies do.
"""

from __future__ import annotations

from .api import Event

# calendar.get_events can ask for years of a busy room: the oldest copies go first. An
# edit of a booking whose copy went compares with Robin's copy at that moment instead.
COPIES_KEPT = 1_000


class ReadCopies:
    """The copy of each booking last read straight from Robin for a calendar, by id."""

    def __init__(self, kept: int = COPIES_KEPT) -> None:
        """Start empty; keep at most `kept` copies."""
        self._kept = kept
        self._copies: dict[str, Event] = {}

    def remember(self, event: Event) -> None:
        """Keep this copy as the one shown, in place of an older one."""
        copies = self._copies
        copies.pop(event.id, None)  # to the end: the latest shown go last
        copies[event.id] = event
        while len(copies) > self._kept:
            del copies[next(iter(copies))]

    def forget(self, event_id: str) -> None:
        """Forget the copy of this booking (the window holds it now, or it is gone)."""
        self._copies.pop(event_id, None)

    def get(self, event_id: str) -> Event | None:
        """Return the copy of this booking last shown, if any is kept."""
        return self._copies.get(event_id)
