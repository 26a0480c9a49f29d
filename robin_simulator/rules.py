"""Robin's booking rules: valid times, bookable rooms, no double bookings."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .calendar import EventStore
from .errors import ApiError, bad_request
from .model import Space
from .params import parse_timestamp, zone

MIN_DURATION = timedelta(minutes=5)
CONFLICT_MESSAGE = "The space is already booked during the requested time."
RESTRICTED_MESSAGE = "Booking this space is restricted to admins"


@dataclass(frozen=True)
class Window:
    """A requested start and end, with the time zone the client asked for."""

    start: datetime
    end: datetime
    time_zone: str


def read_window(body: dict[str, Any], default_zone: str) -> Window:
    """The `start`/`end` DateTimeZone objects of a booking or update.

    Raises:
        ApiError: 400 for missing, unparsable, reversed or too short times.
    """
    start, end = body.get("start"), body.get("end")
    if not isinstance(start, dict) or not isinstance(end, dict):
        raise bad_request("start and end are required DateTimeZone objects", "invalid_event_time")
    time_zone = str(start.get("time_zone") or default_zone)
    zone(time_zone, "start.time_zone")
    start_at = parse_timestamp(start.get("date_time"), "start.date_time", time_zone)
    end_zone = str(end.get("time_zone") or time_zone)
    end_at = parse_timestamp(end.get("date_time"), "end.date_time", end_zone)
    check_duration(start_at, end_at)
    return Window(start_at, end_at, time_zone)


def check_duration(start: datetime, end: datetime) -> None:
    """Events end after they start and last longer than five minutes.

    Raises:
        ApiError: 400 otherwise.
    """
    if end <= start:
        raise bad_request("The event must end after it starts.", "invalid_event_time", "scheduling")
    if end - start <= MIN_DURATION:
        raise bad_request(
            "Events must be longer than five minutes.", "event_too_short", "scheduling"
        )


def check_bookable(space: Space) -> None:
    """Only enabled rooms with a calendar can be booked, restricted ones only by admins.

    Raises:
        ApiError: 403 for a restricted room, 400 for a disabled or on-demand one.
    """
    if space.sim_restricted:
        raise ApiError(403, RESTRICTED_MESSAGE, reason="forbidden", domain="scheduling")
    if space.is_disabled:
        raise bad_request("This space is disabled.", "space_disabled", "scheduling")
    if not space.is_bookable:
        raise bad_request(
            "This space has no calendar and cannot be booked ahead.",
            "space_not_bookable",
            "scheduling",
        )


def check_free(
    events: EventStore,
    space_id: int,
    windows: list[tuple[datetime, datetime]],
    *,
    ignore: str | None = None,
) -> None:
    """None of the windows overlaps another meeting in the room.

    `ignore` is the event (or series) being moved, which may overlap its own old times.

    Raises:
        ApiError: 400 `event_conflict` on a double booking.
    """
    for start, end in windows:
        for event in events.occurrences({space_id}, start, end):
            if ignore is not None and ignore in {event.id, event.series_id}:
                continue
            raise bad_request(CONFLICT_MESSAGE, "event_conflict", "scheduling")
