"""What the coordinator knows about an organization, and what follows from it at a given time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from .api import Event, Level, Location, Space
from .const import BOOKED_LEAD_TIME, LOGGER


class Availability(StrEnum):
    """A room's availability, as Robin defines it."""

    AVAILABLE = "available"
    BOOKED = "booked"  # a meeting now with nobody there, or one about to start
    IN_USE = "in_use"  # a meeting now with people present
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class RobinData:
    """What the coordinator knows of the selected locations.

    Replaced only when the locations, rooms, floors or window bounds change: the coordinator's
    own listeners (new rooms, availability) run then. `people_present` and `events` are live
    views the coordinator updates in place at every poll, telling entities room by room; so
    an old object is no record of an earlier poll.
    """

    locations: Mapping[int, Location]
    spaces: Mapping[int, Space]
    people_present: Mapping[int, int]  # space id -> active presence sessions
    events: Mapping[int, tuple[Event, ...]]  # space id -> events in the window, by start
    window_start: datetime
    window_end: datetime
    levels: Mapping[int, Level] = field(default_factory=dict)  # level id -> floor, read hourly

    def time_zone_of(self, space: Space) -> ZoneInfo | None:
        """Return the time zone of the space's location, if Robin told it."""
        location = self.locations.get(space.location_id)
        return location_time_zone(location) if location else None

    def covers(self, start: datetime, end: datetime) -> bool:
        """Tell whether the cached event window holds every event between start and end."""
        return self.window_start <= start and end <= self.window_end


def location_time_zone(location: Location) -> ZoneInfo | None:
    """Return the location's IANA time zone, if Robin told a valid one."""
    if not location.time_zone:
        return None
    return known_time_zone(location.time_zone)


@cache
def known_time_zone(name: str) -> ZoneInfo | None:
    """Return the IANA time zone of this name; warn once (per name) when there is none.

    A warning, not a repair issue: the fix is in Robin's settings, often out of the Home
    Assistant user's hands, and nothing breaks meanwhile.
    """
    zone = time_zone_named(name)
    if zone is None:
        LOGGER.warning(
            "Robin gives a location the time zone %r, which is not a known IANA time zone; "
            "its times are read and booked in Home Assistant's time zone instead",
            name,
        )
    return zone


def time_zone_named(name: str) -> ZoneInfo | None:
    """Return the IANA time zone of this name, or None when there is none."""
    try:
        return ZoneInfo(name)
    # ZoneInfoNotFoundError is a KeyError; a name too long for a file name, an OSError.
    except (ValueError, KeyError, OSError):
        return None


def event_start(event: Event, time_zone: tzinfo) -> datetime:
    """Return the event's start as an aware datetime (all-day events start at midnight)."""
    return _as_datetime(event.start, time_zone)


def event_end(event: Event, time_zone: tzinfo) -> datetime:
    """Return the event's end as an aware datetime (all-day events end at midnight)."""
    return _as_datetime(event.end, time_zone)


def _as_datetime(value: datetime | date, time_zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=time_zone)


@dataclass(frozen=True, slots=True)
class RoomStatus:
    """What a room looks like at one instant."""

    current: Event | None
    upcoming: Event | None
    availability: Availability
    free_until: datetime | None  # while free: when the next booking starts
    next_change: datetime | None  # when this status will next change by the clock alone


def room_status(
    space: Space,
    events: tuple[Event, ...],
    people_present: int,
    now: datetime,
    time_zone: tzinfo,
) -> RoomStatus:
    """Compute a room's status from cached data, live, for the instant `now`."""
    current: Event | None = None
    upcoming: Event | None = None
    upcoming_start: datetime | None = None
    current_end: datetime | None = None
    for event in events:
        # In UTC: Robin's times carry the room's zone, in which Python compares and
        # subtracts wall-clock times, wrong across a clock change.
        start = event_start(event, time_zone).astimezone(UTC)
        end = event_end(event, time_zone).astimezone(UTC)
        if end <= now:
            continue
        if start <= now:
            if current is None:
                current, current_end = event, end
        elif upcoming_start is None or start < upcoming_start:
            upcoming, upcoming_start = event, start

    boundaries = [current_end] if current_end else []
    if upcoming_start is not None:
        boundaries.extend((upcoming_start - BOOKED_LEAD_TIME, upcoming_start))
    next_change = min((moment for moment in boundaries if moment > now), default=None)

    if space.is_disabled:
        availability = Availability.DISABLED
    elif current is not None:
        availability = Availability.IN_USE if people_present else Availability.BOOKED
    elif upcoming_start is not None and upcoming_start - now <= BOOKED_LEAD_TIME:
        availability = Availability.BOOKED
    else:
        availability = Availability.AVAILABLE

    free_until = upcoming_start if current is None and not space.is_disabled else None
    return RoomStatus(current, upcoming, availability, free_until, next_change)
