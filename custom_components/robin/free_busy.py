"""When Robin's free/busy search finds a room busy, less the meetings the room declined.

No Home Assistant import: `find_free_space` hands it Robin's answer for a room and the
bookings that room declined, as the booking cache read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from .api import FreeBusySpace


def busy_times(
    result: FreeBusySpace, declined: Mapping[str, tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """Return when free/busy finds the room busy, leaving out the meetings it declined.

    Free/busy lists a room's meetings without the room's answer (robin-api.md §3.8), so a
    meeting the room turned down may be listed busy. `declined` (id -> start and end, in
    UTC) tells which: one listed at other times than those was moved since, and stays busy.
    A block of several meetings keeps the times of the others, or stays busy whole for one
    whose times are not listed.
    """
    busy: list[tuple[datetime, datetime]] = []
    for block in result.busy:
        if not any(event_id in declined for event_id, _, _ in block.event_times):
            busy.append((block.start, block.end))
            continue
        for event_id, listed_start, listed_end in block.event_times:
            times = declined.get(event_id)
            if listed_start is None or listed_end is None:
                if times is None:
                    busy.append((block.start, block.end))
            elif times != (listed_start.astimezone(UTC), listed_end.astimezone(UTC)):
                busy.append((listed_start, listed_end))
    return busy
