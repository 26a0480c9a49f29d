"""When a booking is a no-show, may be checked in, or a room is used without a booking.

Pure rules over cached bookings, a room's presence as seen by the polls and the clock,
so that they can be tested without Home Assistant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from .api import Event
from .const import MIN_BOOKING_DURATION
from .data import event_end, event_start

# Auto check-in opens this long before a booking starts: people arrive a little early.
CHECK_IN_LEAD = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Booking:
    """A timed booking of a room, with its times resolved."""

    event_id: str
    title: str
    start: datetime
    end: datetime
    held_in: str | None = None  # the zone Robin holds it in (a synced meeting's organiser's)

    @classmethod
    def of(cls, event: Event, time_zone: tzinfo) -> Booking:
        """Resolve an event's times, in UTC.

        In a zone, Python adds and subtracts wall-clock times: a grace period across the
        night the clocks change would end an hour off.
        """
        return cls(
            event.id,
            event.title,
            event_start(event, time_zone).astimezone(UTC),
            event_end(event, time_zone).astimezone(UTC),
            event.time_zone,
        )


@dataclass(frozen=True, slots=True)
class RoomBookings:
    """A room's bookings: meetings by the minute, and all-day ones that only book the room."""

    timed: list[Booking]
    all_day: list[Booking]


def split_bookings(events: Iterable[Event], time_zone: tzinfo) -> RoomBookings:
    """Resolve a room's events and tell meetings from all-day bookings."""
    timed: list[Booking] = []
    all_day: list[Booking] = []
    for event in events:
        (all_day if event.is_all_day else timed).append(Booking.of(event, time_zone))
    return RoomBookings(timed, all_day)


def current_booking(bookings: Iterable[Booking], now: datetime) -> Booking | None:
    """Return the booking in progress at `now` (the earliest-starting one, if they overlap)."""
    return min(
        (booking for booking in bookings if booking.start <= now < booking.end),
        key=lambda booking: booking.start,
        default=None,
    )


def check_in_window(booking: Booking, grace: timedelta) -> tuple[datetime, datetime]:
    """Return when arriving people check a booking in.

    From a little before its start until the no-show grace period ends (or the booking does).
    """
    return booking.start - CHECK_IN_LEAD, min(booking.start + grace, booking.end)


def booking_to_check_in(
    bookings: Iterable[Booking], now: datetime, grace: timedelta
) -> Booking | None:
    """Return the booking whose check-in window is open for people present at `now`.

    While another booking is in progress, the people in the room are its own: the next one
    is not checked in for them before it starts.
    """
    bookings = list(bookings)

    def window_open(booking: Booking) -> bool:
        opens, closes = check_in_window(booking, grace)
        return opens <= now < closes

    current = current_booking(bookings, now)
    if current is not None:
        return current if window_open(current) else None
    upcoming = [booking for booking in bookings if booking.start > now and window_open(booking)]
    return min(upcoming, key=lambda booking: booking.start, default=None)


def present_for(
    booking: Booking,
    grace: timedelta,
    occupied_since: datetime | None,
    observed_at: datetime | None,
    *,
    arrival_known: bool = True,
) -> bool:
    """Tell whether the people in the room are there for this booking.

    They are when they arrived in its check-in window, or were still seen by a poll after
    it started; people seen only before the start may be the previous meeting's. People
    already there at the first read (after a restart) arrived at an unknown time: only
    the second rule holds for them.
    """
    if occupied_since is None:
        return False
    opens, _ = check_in_window(booking, grace)
    return (arrival_known and occupied_since >= opens) or (
        observed_at is not None and observed_at >= booking.start
    )


class PresenceLog:
    """When each room was last seen occupied, from the people counts of successive polls.

    A poll only tells that people were present at some moment since the previous one, so a
    room counts as occupied until the poll that sees it empty: presence that ends exactly at
    a booking's start is not presence during it; presence seen empty later is (the safe
    side: a booking is never taken for a no-show while people may have been there).
    """

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._occupied_since: dict[int, datetime] = {}
        self._occupied_until: dict[int, datetime] = {}
        self._observed_at: dict[int, datetime] = {}
        # Rooms already occupied at their first read: since when, nobody knows.
        self._arrival_unknown: set[int] = set()

    def observe(
        self,
        people_present: Mapping[int, int],
        read_at: Mapping[int, datetime],
        arrived_at: Callable[[int], datetime | None] = lambda _space_id: None,
    ) -> None:
        """Record the people counts of the rooms read anew, each at the time it was read.

        Outside working hours a location is read slowly: its rooms' counts are as old as
        that read, and a poll of another location says nothing new of them. A room already
        occupied at its first read (e.g. after a restart) is occupied since the first of
        its people arrived, when Robin tells (`arrived_at`).
        """
        for space_id, people in people_present.items():
            now = read_at.get(space_id)
            seen = self._observed_at.get(space_id)
            if now is None or (seen is not None and now <= seen):
                continue  # not read since the last time
            self._observed_at[space_id] = now
            if people > 0:
                if space_id not in self._occupied_since:
                    since = now
                    if seen is None:
                        self._arrival_unknown.add(space_id)
                        arrival = arrived_at(space_id)
                        since = min(arrival, now) if arrival is not None else now
                    self._occupied_since[space_id] = since
            elif space_id in self._occupied_since:
                del self._occupied_since[space_id]
                self._arrival_unknown.discard(space_id)
                self._occupied_until[space_id] = now

    def arrival_known(self, space_id: int) -> bool:
        """Tell whether the people in the room came while it was being read."""
        return space_id not in self._arrival_unknown

    def observed_at(self, space_id: int) -> datetime | None:
        """Return when the room's presence was last read."""
        return self._observed_at.get(space_id)

    def occupied_since(self, space_id: int) -> datetime | None:
        """Return since when the room has been occupied without a break, None if empty."""
        return self._occupied_since.get(space_id)

    def present_after(
        self, space_id: int, instant: datetime, robin_last_presence: datetime | None = None
    ) -> bool:
        """Tell whether anyone was in the room after `instant`.

        Robin's own last presence time of the room also counts: it covers the time before
        these polls began (e.g. while Home Assistant restarted).
        """
        if space_id in self._occupied_since:
            return True
        until = self._occupied_until.get(space_id)
        if until is not None and until > instant:
            return True
        return robin_last_presence is not None and robin_last_presence > instant


def is_no_show(
    booking: Booking,
    now: datetime,
    grace: timedelta,
    *,
    present_since_start: bool,
    checked_in: bool,
) -> bool:
    """Tell whether a booking is a no-show at `now`.

    It is when it started at least `grace` ago and is still on, nobody has been present
    since it started, and nobody checked in.
    """
    return booking.start + grace <= now < booking.end and not present_since_start and not checked_in


class Release(StrEnum):
    """How a no-show booking is given back to Robin."""

    CANCEL = "cancel"  # the whole booking goes: ending it would leave one Robin refuses
    END = "end"  # the booking ends now


def release_kind(booking: Booking, now: datetime) -> Release:
    """Return how to release a booking at `now`.

    Robin refuses bookings of five minutes or less, so one that began five minutes ago or
    less cannot be shortened to end now: it is cancelled.
    """
    return Release.CANCEL if now - booking.start <= MIN_BOOKING_DURATION else Release.END


def unbooked_since(
    bookings: Iterable[Booking], occupied_since: datetime | None, now: datetime
) -> datetime | None:
    """Return since when the room has been used without a booking, None if it is not.

    Use while a booking runs is booked use; the unbooked part begins when the occupancy
    did or when the last booking during it ended.
    """
    if occupied_since is None:
        return None
    since = occupied_since
    for booking in bookings:
        if booking.start <= now < booking.end:
            return None
        if booking.end <= now and booking.end > since:
            since = booking.end
    return since


def is_unbooked_use(since: datetime | None, now: datetime, after: timedelta) -> bool:
    """Tell whether unbooked use since `since` has lasted long enough to count."""
    return since is not None and now - since >= after


def next_change(
    bookings: Iterable[Booking],
    now: datetime,
    grace: timedelta,
    unbooked_use_since: datetime | None,
    unbooked_after: timedelta,
    *,
    all_day: Iterable[Booking] = (),
) -> datetime | None:
    """Return the next instant after `now` at which the clock alone may change a rule's answer.

    All-day bookings have no check-in, but their start ends an unbooked use and their end
    may begin one.
    """
    moments: list[datetime] = []
    for booking in bookings:
        window_opens, window_closes = check_in_window(booking, grace)
        moments.extend((window_opens, booking.start, window_closes, booking.end))
    for booking in all_day:
        moments.extend((booking.start, booking.end))
    if unbooked_use_since is not None:
        moments.append(unbooked_use_since + unbooked_after)
    return min((moment for moment in moments if moment > now), default=None)
