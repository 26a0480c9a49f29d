"""A space's state (`GET /spaces/{id}/state`), derived the way Robin describes it.

Rules chosen here (Robin documents the words, not the arithmetic):
* `disabled`  - the space is disabled.
* `in_use`    - a meeting is on now and someone is present.
* `booked`    - a meeting is on now but nobody is present, or a meeting starts within 15 minutes.
* `available` - otherwise (ad-hoc presence without a meeting keeps it `available`, `present` > 0).
`next_busy_change` is when the current busy stretch (back-to-back meetings merged) ends, or when
the next meeting starts; null when nothing is scheduled in the planned horizon.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .model import Event

BOOKED_LEAD_TIME = timedelta(minutes=15)


@dataclass(frozen=True)
class SpaceState:
    """Availability of one space at one instant."""

    availability: str
    present: int
    next_busy_change: datetime | None


def space_state(
    *, disabled: bool, present: int, upcoming: list[Event], now: datetime
) -> SpaceState:
    """Compute the state from the presence count and the meetings that have not ended yet."""
    if disabled:
        return SpaceState("disabled", present, None)
    timed = sorted((e for e in upcoming if e.end > now), key=lambda e: e.start)
    current = [e for e in timed if e.start <= now]
    if current:
        busy_until = max(e.end for e in current)
        for event in timed:  # extend over back-to-back or overlapping meetings
            if busy_until >= event.start > now:
                busy_until = max(busy_until, event.end)
        availability = "in_use" if present else "booked"
        return SpaceState(availability, present, busy_until)
    next_start = timed[0].start if timed else None
    soon = next_start is not None and next_start - now <= BOOKED_LEAD_TIME
    return SpaceState("booked" if soon else "available", present, next_start)
