"""Booking operations shared by the calendars and the actions.

Each operation checks what can be checked before Robin is asked (translated
ServiceValidationError), turns Robin's refusals and failures into translated
HomeAssistantError, and re-reads the whole calendar window afterwards so the change
shows at once, whichever day it falls on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    Confirmation,
    Event,
    RobinConnectionError,
    RobinError,
    RobinForbiddenError,
    RobinNotFoundError,
    RobinValidationError,
    Space,
)
from .const import DOMAIN, LOGGER, MIN_BOOKING_DURATION
from .coordinator import RobinCoordinator
from .data import event_end, event_start

# A start a little in the past is "now" as typed by a person or computed by an automation.
PAST_START_GRACE = timedelta(minutes=1)
# Times further than this from now are refused: no meeting is planned centuries ahead, and
# every time in reach can be shifted into any time zone without leaving datetime's years.
MAX_DISTANCE_FROM_NOW = timedelta(days=100 * 365)


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated error for a mistake in what the user asked."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def robin_failure(key: str, **placeholders: str) -> HomeAssistantError:
    """Return a translated error for something Robin refused or failed to do."""
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


@contextmanager
def robin_errors(room: str) -> Iterator[None]:
    """Translate the client's errors raised inside the block."""
    try:
        yield
    except RobinValidationError as err:
        raise robin_failure("booking_refused", room=room, message=err.message) from err
    except RobinForbiddenError as err:
        raise robin_failure("booking_forbidden", room=room, message=err.message) from err
    except RobinNotFoundError as err:
        raise robin_failure("booking_gone", room=room) from err
    except RobinError as err:
        raise robin_failure("communication_error", error=str(err)) from err


def check_duration(start: datetime, end: datetime) -> None:
    """Refuse a booking that ends before it starts or lasts 5 minutes or less, as Robin does."""
    if end <= start:
        raise validation_error("end_before_start")
    if end - start <= MIN_BOOKING_DURATION:
        raise validation_error("booking_too_short")


def check_within_reach(now: datetime, *moments: datetime) -> None:
    """Refuse times too far from now to be meant (they would also overflow Python's dates)."""
    if any(abs(moment - now) > MAX_DISTANCE_FROM_NOW for moment in moments):
        raise validation_error("time_out_of_range")


def check_booking_times(start: datetime, end: datetime, now: datetime) -> None:
    """Refuse times Robin would refuse for a new booking, with a message that says why."""
    check_within_reach(now, start, end)
    check_duration(start, end)
    if start < now - PAST_START_GRACE:
        raise validation_error("start_in_past")


def check_can_book(coordinator: RobinCoordinator, space: Space) -> None:
    """Refuse bookings the token or the room cannot make."""
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    if not space.is_bookable:
        raise validation_error("room_not_bookable", room=space.name)


def _booking_time_zone(coordinator: RobinCoordinator, space: Space) -> str:
    """Return the room's time zone name: its location's when valid, else Home Assistant's."""
    return str(coordinator.data.time_zone_of(space) or dt_util.get_default_time_zone())


async def async_book(
    coordinator: RobinCoordinator,
    space: Space,
    start: datetime,
    end: datetime,
    *,
    title: str | None = None,
    description: str | None = None,
    invitees: Sequence[str] = (),
) -> Event:
    """Book a room; never twice, even when Robin's answer is lost on the way."""
    check_can_book(coordinator, space)
    check_booking_times(start, end, dt_util.utcnow())
    time_zone = _booking_time_zone(coordinator, space)
    try:
        with robin_errors(space.name):
            try:
                event = await coordinator.client.create_event(
                    space.id,
                    start=start,
                    end=end,
                    time_zone=time_zone,
                    title=title,
                    description=description,
                    invitees=invitees,
                )
            except RobinConnectionError:
                # Robin may have made the booking before the connection broke. Asking
                # again could book twice, so look for it instead.
                made = await _find_booking(coordinator, space, start, end, title)
                if made is None:
                    raise
                LOGGER.info(
                    "Booking %s in %s was made despite the lost answer", made.id, space.name
                )
                event = made
    finally:
        await coordinator.async_refresh_bookings()
    return event


async def _find_booking(
    coordinator: RobinCoordinator, space: Space, start: datetime, end: datetime, title: str | None
) -> Event | None:
    events = await coordinator.client.get_space_events(space.id, start, end)
    time_zone = dt_util.get_default_time_zone()
    for event in events:
        if (
            event_start(event, time_zone) == start.replace(microsecond=0)
            and event_end(event, time_zone) == end.replace(microsecond=0)
            and (title is None or event.title == title)
        ):
            return event
    return None


async def async_update_booking(
    coordinator: RobinCoordinator,
    space: Space,
    event_id: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    title: str | None = None,
    description: str | None = None,
) -> Event:
    """Change a booking's times or text."""
    check_can_book(coordinator, space)
    if start is not None and end is not None:
        check_duration(start, end)
    coordinator.forget_event(event_id)
    try:
        with robin_errors(space.name):
            return await coordinator.client.update_event(
                event_id,
                time_zone=_booking_time_zone(coordinator, space),
                start=start,
                end=end,
                title=title,
                description=description,
            )
    finally:
        await coordinator.async_refresh_bookings()


async def async_cancel_booking(coordinator: RobinCoordinator, space: Space, event_id: str) -> None:
    """Cancel a booking (one occurrence when given an occurrence id)."""
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    coordinator.forget_event(event_id)
    try:
        with robin_errors(space.name):
            await coordinator.client.delete_event(event_id)
    finally:
        await coordinator.async_refresh_bookings()


async def async_check_in(
    coordinator: RobinCoordinator, space: Space, event_id: str
) -> Confirmation:
    """Confirm that the meeting takes place (Robin's check-in)."""
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    try:
        with robin_errors(space.name):
            return await coordinator.client.confirm_event(event_id)
    finally:
        await coordinator.async_refresh_bookings()
