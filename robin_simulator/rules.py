"""Robin's booking rules: valid times, bookable rooms, no double bookings, who is invited.

Handlers read requests and write answers; what Robin accepts or refuses is decided here.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .calendar import PLAN_DAYS_AFTER, EventStore
from .errors import ApiError, bad_request
from .model import Event, Invitee, Organization, Space
from .params import parse_timestamp, zone
from .recurrence import RecurrenceRule

MIN_DURATION = timedelta(minutes=5)
CONFLICT_MESSAGE = "The space is already booked during the requested time."
RESTRICTED_MESSAGE = "Booking this space is restricted to admins"
VISIBILITIES = frozenset({"default", "public", "private", "personal", "confidential"})


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


def read_rule(body: dict[str, Any]) -> RecurrenceRule | None:
    """The booking's recurrence, if any.

    Raises:
        ApiError: 400 when it is not a supported RRULE array.
    """
    lines = body.get("recurrence")
    if not lines:
        return None
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise bad_request("recurrence must be an array of iCal lines", "invalid_recurrence")
    try:
        return RecurrenceRule.parse(lines)
    except ValueError as err:
        raise bad_request(f"recurrence is not supported: {err}", "invalid_recurrence") from err


def read_visibility(value: Any) -> str:
    """One of Robin's event visibilities.

    Raises:
        ApiError: 400 for any other value.
    """
    if value not in VISIBILITIES:
        raise bad_request(f"visibility must be one of {sorted(VISIBILITIES)}")
    return str(value)


def check_update(body: dict[str, Any], *, is_master: bool) -> None:
    """Recurrence changes only on a series master; times move start and end together.

    Raises:
        ApiError: 400 otherwise.
    """
    if "recurrence" in body and not is_master:
        raise bad_request(
            "recurrence can only be changed on the series master", "invalid_recurrence"
        )
    if ("start" in body) != ("end" in body):
        raise bad_request("start and end must be sent together", "invalid_event_time")


def occurrence_windows(
    window: Window, rule: RecurrenceRule | None, now: datetime
) -> list[tuple[datetime, datetime]]:
    """The times a booking would occupy (occurrences up to the planning horizon)."""
    if rule is None:
        return [(window.start, window.end)]
    duration = window.end - window.start
    horizon = max(now, window.start) + timedelta(days=PLAN_DAYS_AFTER)
    first = window.start.astimezone(ZoneInfo(window.time_zone))
    return [
        (start.astimezone(UTC), start.astimezone(UTC) + duration)
        for start in rule.starts(first, horizon)
    ]


def check_free(
    events: EventStore,
    space_id: int,
    booking: tuple[Window, RecurrenceRule | None],
    now: datetime,
    *,
    ignore: str | None = None,
) -> None:
    """No occurrence of the booking (a window, repeated by a rule) overlaps another meeting.

    `ignore` is the event (or series) being moved, which may overlap its own old times. A
    meeting the room declined is not in the room's calendar, so it does not stand in the way
    (Robin does not say; Google and Outlook room calendars behave so).

    Raises:
        ApiError: 400 `event_conflict` on a double booking.
    """
    window, rule = booking
    for start, end in occurrence_windows(window, rule, now):
        for event in events.occurrences({space_id}, start, end):
            if (ignore is not None and ignore in {event.id, event.series_id}) or (
                event.room_declined
            ):
                continue
            raise bad_request(CONFLICT_MESSAGE, "event_conflict", "scheduling")


def check_can_confirm(event: Event, *, confirmed: bool, now: datetime) -> None:
    """A meeting is checked in to once, and not after it ended.

    Raises:
        ApiError: 400 otherwise.
    """
    if confirmed:
        raise bad_request(
            "The event has already been confirmed.", "event_already_confirmed", "scheduling"
        )
    if event.end <= now:
        raise bad_request(
            "It is too late to confirm this event.", "too_late_to_confirm_event", "scheduling"
        )


def requested_invitees(org: Organization, event_id: str, raw: Any) -> list[Invitee]:
    """Invitees from `[{email}]`; like Robin, only organization members are kept.

    Raises:
        ApiError: 400 when `raw` is not a list.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("invitees must be an array of {email} objects")
    kept = []
    for index, entry in enumerate(raw):
        email = entry.get("email") if isinstance(entry, dict) else None
        user = org.user_by_email(email) if isinstance(email, str) else None
        if user is not None:
            kept.append(
                Invitee(
                    id=f"{event_id}{index:02d}",
                    email=user.email,
                    display_name=user.name,
                    user_id=user.id,
                    response_status="not_responded",
                )
            )
    return kept
