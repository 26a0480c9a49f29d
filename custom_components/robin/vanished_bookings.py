"""Bookings a read stopped listing, looked up one by one: moved, deleted, or not known yet.

A poll reads the next hour and one day of the window. A booking the organiser moves out of
what was read (from 10:45 to 14:00, or to Thursday) is listed at its new time only when
that time is read again, which can take a whole sweep of the window. Reading the booking
itself tells a move from a deletion at once, for one request per booking gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .api import (
    Event,
    RobinClient,
    RobinConnectionError,
    RobinError,
    RobinMalformedResponseError,
    RobinRateLimitError,
    RobinServerError,
    Space,
)
from .event_status import holds_room

# Bounds the requests a poll adds when a read lists much less than before (an answer that
# came back empty): the rest are looked up at later polls if the next reads miss them too.
MAX_LOOKUPS_PER_POLL: Final = 10
# Failures that say nothing about the booking: it is kept as it was until asked again.
_NO_ANSWER = (
    RobinConnectionError,
    RobinServerError,
    RobinRateLimitError,
    RobinMalformedResponseError,
)


@dataclass(slots=True)
class LookUps:
    """What Robin said of the bookings a read stopped listing."""

    # Still booked, as Robin has it now (at another time, perhaps in another room): neither
    # cancelled nor declined by its room.
    found: list[Event] = field(default_factory=list)
    # Not asked (beyond the limit) or not answered: (room, booking) as last read.
    unknown: list[tuple[int, Event]] = field(default_factory=list)
    # Gone, by id: Robin refuses to show it, or shows it cancelled or declined by its room.
    gone: list[str] = field(default_factory=list)


async def look_up(
    client: RobinClient, vanished: list[tuple[int, Event]], spaces: Mapping[int, Space]
) -> LookUps:
    """Read each booking; one Robin refuses to show (404, 403) is gone, as the read said.

    `spaces`: the rooms followed, which tell whose answer is the room's.
    """
    result = LookUps(unknown=vanished[MAX_LOOKUPS_PER_POLL:])

    async def ask(space_id: int, event: Event) -> None:
        try:
            answer = await client.get_event(event.id, schedule_only=True)
        except _NO_ANSWER:
            result.unknown.append((space_id, event))
        except RobinError:
            # Robin refuses to show it: gone. Any other error is a bug: it fails the poll.
            result.gone.append(event.id)
        else:
            room = answer.space_id if answer.space_id is not None else space_id
            if holds_room(answer, spaces.get(room)):
                result.found.append(answer)
            else:
                result.gone.append(event.id)

    await asyncio.gather(*(ask(*booking) for booking in vanished[:MAX_LOOKUPS_PER_POLL]))
    return result
