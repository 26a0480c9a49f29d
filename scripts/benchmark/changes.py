"""What changes in Robin between polls: people arrive or leave, rooms get booked."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from .simulator import Room, SimulatorApi

BOOKING_LEAD = timedelta(minutes=2)
BOOKING_LENGTH = timedelta(minutes=20)


class RoomPicker:
    """Hands out rooms spread over every location, never the same twice until all are used."""

    def __init__(self, rooms: list[Room]) -> None:
        """Interleave the locations' rooms."""
        by_location: dict[int, list[Room]] = {}
        for room in rooms:
            by_location.setdefault(room.location_id, []).append(room)
        columns = list(by_location.values())
        self._order = [
            column[index]
            for index in range(max(map(len, columns), default=0))
            for column in columns
            if index < len(column)
        ]
        self._cycle = self._rooms()

    def _rooms(self) -> Iterator[Room]:
        while True:
            yield from self._order

    def take(self, count: int) -> list[Room]:
        """The next `count` rooms."""
        return [next(self._cycle) for _ in range(count)]


async def change_rooms(sim: SimulatorApi, rooms: list[Room], now: datetime) -> dict[str, int]:
    """Change what a user sees in each room: every other one is booked, the rest toggle presence.

    A booking starts two minutes from now (the room turns `booked`); where Robin refuses it (a
    meeting is on), presence is toggled instead: someone arrives in an empty room, everyone
    leaves an occupied one.
    """
    done = {"booked": 0, "presence": 0}
    for index, room in enumerate(rooms):
        if index % 2 and await sim.book(
            room.id, now + BOOKING_LEAD, now + BOOKING_LEAD + BOOKING_LENGTH
        ):
            done["booked"] += 1
            continue
        present = await sim.people_present(room.id)
        await sim.set_presence(room.id, present=present == 0)
        done["presence"] += 1
    return done
