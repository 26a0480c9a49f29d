"""Whether a booking holds its room at all, and whether it is confirmed or tentative.

`holds_room` is the one place that decides which of Robin's events are bookings of the room.

`CalendarEvent.status` and `CalendarEventStatus` arrived in Home Assistant 2026.10; on
older versions events carry no status, so the feature is detected, not the version.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import calendar

from .api import EVENT_STATUS_CANCELLED, Event, Invitee, Space

# The StrEnum on Home Assistant 2026.10+, None before.
_STATUS_ENUM: Any = getattr(calendar, "CalendarEventStatus", None)

CONFIRMED = "confirmed"
TENTATIVE = "tentative"
DECLINED = "declined"
# The room's own answer (Robin lists the room's resource calendar among the invitees):
# until the room accepts, the booking may still be turned down.
_ROOM_UNDECIDED = frozenset({"tentative", "not_responded", "needsAction"})


def is_cancelled(event: Event) -> bool:
    """Tell whether Robin marks the event cancelled."""
    return (event.status or "").lower() == EVENT_STATUS_CANCELLED


def holds_room(event: Event, space: Space | None) -> bool:
    """Tell whether the booking takes the room: neither cancelled nor declined by the room.

    A meeting the room's resource calendar turned down does not take place there, as room
    calendars in Google and Outlook show it: no status, calendar, office rule or free-room
    search counts it.
    """
    return not is_cancelled(event) and (_room_answer(event, space) or "").lower() != DECLINED


def booking_status(event: Event, space: Space | None) -> str | None:
    """Return "confirmed", "tentative", or None when Robin's event does not say.

    Tentative when Robin's status says so, or when the room itself has not accepted yet;
    confirmed when Robin says confirmed and the room has not declined or hesitated.
    """
    status = (event.status or "").lower()
    room_answer = _room_answer(event, space)
    if status == TENTATIVE or room_answer in _ROOM_UNDECIDED:
        return TENTATIVE
    if status == CONFIRMED and room_answer != DECLINED:
        return CONFIRMED
    return None


def status_fields(event: Event, space: Space | None) -> dict[str, Any]:
    """Return the `status` keyword for `CalendarEvent`, or nothing where it is unsupported."""
    if _STATUS_ENUM is None:
        # Only Home Assistant before 2026.10 runs this: the floor run of scripts/test covers
        # it; coverage is measured per run, and the newest one can never reach it.
        return {}  # pragma: no cover
    status = booking_status(event, space)
    return {"status": _STATUS_ENUM(status)} if status else {}


def _room_answer(event: Event, space: Space | None) -> str | None:
    """Return the response of the room's resource calendar to the event, if invited.

    The room is the resource with the room's calendar address, else the only resource.
    """
    if not event.invitees:
        return None
    email = space.calendar.space_resource_email if space and space.calendar else None
    wanted = email.lower() if email else None
    # Every status and office rule asks this of every booking: one pass, no lists.
    only_resource: Invitee | None = None
    resources = 0
    for invitee in event.invitees:
        if not invitee.is_resource:
            continue
        if wanted and invitee.email and invitee.email.lower() == wanted:
            return invitee.response_status
        only_resource = invitee
        resources += 1
    return only_resource.response_status if resources == 1 and only_resource else None
