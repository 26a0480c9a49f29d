"""Booking operations shared by the calendars and the actions.

Each operation checks what can be checked before Robin is asked (translated
ServiceValidationError), turns Robin's refusals and failures into translated
HomeAssistantError, and shows the change at once, whichever day it falls on: in the cache
straight away, then by re-reading the whole calendar window (such reads are spaced out),
unless Robin refused the change. A change whose answer is lost is never sent again: it is
read back from Robin and reported as made, not made, or unknown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from math import ceil
from typing import TypeGuard

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    REASON_ALREADY_CONFIRMED,
    Confirmation,
    Event,
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinError,
    RobinEventCancelledError,
    RobinEventNotFoundError,
    RobinForbiddenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinValidationError,
    RobinWaitingError,
    Space,
    html_to_text,
)
from .check_in import refused_for_the_event
from .const import DOMAIN, LOGGER, MIN_BOOKING_DURATION
from .coordinator import RobinCoordinator
from .data import event_end, event_start, time_zone_named
from .event_status import holds_room, is_cancelled

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


def check_booking_id_given(booking_id: str, space: Space) -> None:
    """Refuse an empty (or blank) booking id before anything is looked up or changed.

    It names no booking: typically an automation's template that rendered nothing. Read as
    "no id", it would change the room's current booking, which is not the one meant.
    """
    if not booking_id.strip():
        raise validation_error("empty_booking_id", room=space.name)


# Failures after which Robin may have made the change all the same: the answer, not the
# request, may be what was lost.
MAY_HAVE_COMMITTED = (RobinConnectionError, RobinServerError, RobinMalformedResponseError)


def outcome_unknown(err: HomeAssistantError) -> bool:
    """Tell whether a change's error says Robin may have made it: to look up, not resend."""
    return err.translation_key in {"outcome_unknown", "outcome_unknown_unavailable"}


def may_have_changed(err: RobinError) -> bool:
    """Tell whether Robin may have made the change whose request failed with `err`.

    Not when Robin refused it (a 4xx, or a 429: slow down) or it was never sent (inside a
    Retry-After), unless it went out twice: the refusal may be of the second attempt only.
    """
    return isinstance(err, MAY_HAVE_COMMITTED) or (
        isinstance(err, RobinResponseError) and err.resent
    )


def robin_error(coordinator: RobinCoordinator, err: RobinError, room: str) -> HomeAssistantError:
    """Return what to tell the user about a failed request, precisely."""
    if isinstance(err, RobinAuthenticationError):
        coordinator.config_entry.async_start_reauth(coordinator.hass)
        return robin_failure("reauth_required")
    if isinstance(err, RobinRateLimitError | RobinServerError):
        return _robin_busy(err)
    if isinstance(err, RobinResponseError):
        return _refusal(err, room)
    if isinstance(err, RobinConnectionError):
        return robin_failure("communication_error", error=str(err))
    return robin_failure("robin_failed", error=str(err))


def _robin_busy(err: RobinRateLimitError | RobinServerError) -> HomeAssistantError:
    """Robin limits requests (429) or failed on its side (5xx): say when to try again."""
    wait = str(ceil(err.retry_after)) if err.retry_after else None  # none, or already over
    if isinstance(err, RobinWaitingError) and err.unavailable and wait is not None:
        return robin_failure("robin_unavailable_for", seconds=wait)  # still down
    if isinstance(err, RobinRateLimitError):
        if wait is None:
            return robin_failure("rate_limited_action")
        return robin_failure("rate_limited_action_for", seconds=wait)
    if wait is not None:  # a 503 that says for how long: down for maintenance
        return robin_failure("robin_unavailable_for", seconds=wait)
    return robin_failure("robin_failed", error=str(err))


def robin_read_error(coordinator: RobinCoordinator, err: RobinError) -> HomeAssistantError:
    """Return what to tell the user about a failed read (a search, a calendar range)."""
    if isinstance(
        err,
        RobinAuthenticationError | RobinRateLimitError | RobinConnectionError | RobinServerError,
    ):
        return robin_error(coordinator, err, "")
    return robin_failure("robin_failed", error=str(err))


def _refusal(err: RobinResponseError, room: str) -> HomeAssistantError:
    """Robin answered and did nothing: say why, in Robin's words."""
    if isinstance(err, RobinForbiddenError):
        return robin_failure("booking_forbidden", room=room, message=err.message)
    if isinstance(err, RobinEventNotFoundError):
        return robin_failure("booking_gone", room=room)
    if isinstance(err, RobinNotFoundError):
        # Not the booking's own request (that is the event's error): the room's, such as
        # the read of its bookings or the booking made in it. Deleted in Robin since the
        # hourly look at the rooms.
        return robin_failure("room_deleted_in_robin", room=room)
    return robin_failure("booking_refused", room=room, message=err.message)


@contextmanager
def robin_errors(coordinator: RobinCoordinator, room: str) -> Iterator[None]:
    """Translate the client's errors raised inside the block."""
    try:
        yield
    except RobinError as err:
        raise robin_error(coordinator, err, room) from err


async def _write_or_look_up[T](
    coordinator: RobinCoordinator,
    space: Space,
    write: Callable[[], Awaitable[T]],
    look_up: Callable[[], Awaitable[T | None]],
    *,
    is_booking: bool = False,
    event_id: str | None = None,
    made: Callable[[T], None] | None = None,
) -> T:
    """Make a change; when its outcome is unknown, find out instead of asking again.

    `look_up` returns the change as Robin holds it, or None when Robin did not make it.
    `write` raises HomeAssistantError only for a change it gave up without Robin making it.
    Afterwards a reread of the whole calendar window is started, not waited for, unless
    Robin certainly changed nothing or the booking is gone (shown so at once): that read is
    many requests, and after a 429 it would spend, as the wait ends, what Robin asked us to
    spare. `event_id`: the booking
    changed, shown gone when Robin answers 404 to its own change (also to one sent again,
    or to its look-up after a lost answer: whatever was made went with it); not to another
    request the write made (a device look-up). `made` is told of the change Robin made
    before that reread, whose poll the office acts on: a check-in after it would leave the
    room a no-show for that moment.
    """
    changed_nothing = False
    failure: RobinError | None = None
    try:
        try:
            result = await write()
        except RobinError as err:
            if may_have_changed(err) and not _is_gone(err, event_id):
                failure = err
            else:
                changed_nothing = True
                raise _refused(coordinator, space, err, event_id) from err
        except HomeAssistantError:
            # The write's own refusal: nothing was sent that Robin may have made (a check-in
            # Robin refused without a device, with no "Home Assistant" device to send it as).
            changed_nothing = True
            raise
        if failure is not None:
            try:
                result = await _outcome(
                    coordinator, space.name, failure, look_up, is_booking=is_booking
                )
            except RobinEventNotFoundError as gone:
                changed_nothing = True
                raise _refused(coordinator, space, gone, event_id) from gone
        if made is not None:
            made(result)
        return result
    finally:
        # Also after a cancelled write, which may have reached Robin.
        if not changed_nothing:
            coordinator.async_refresh_bookings()


def _is_gone(err: RobinError, event_id: str | None) -> TypeGuard[RobinEventNotFoundError]:
    """Tell whether Robin answered 404 to a request about the booking changed itself."""
    return isinstance(err, RobinEventNotFoundError) and err.event_id == event_id


def _refused(
    coordinator: RobinCoordinator, space: Space, err: RobinError, event_id: str | None
) -> HomeAssistantError:
    """Return what to tell of a change Robin did not make, or made to a booking now gone.

    A booking deleted in Robin since it was read leaves its room now: no reread is asked
    for to show it gone.
    """
    if _is_gone(err, event_id):
        coordinator.async_show_own_change(space, err.event_id, None)
    return robin_error(coordinator, err, space.name)


async def _outcome[T](
    coordinator: RobinCoordinator,
    room: str,
    failure: RobinError,
    look_up: Callable[[], Awaitable[T | None]],
    *,
    is_booking: bool,
) -> T:
    """Return the change a failed write made after all; a translated error if none or unknown.

    A look-up that finds the booking itself gone (`RobinEventNotFoundError`) raises that,
    for the caller to tell so.
    """
    try:
        result = await look_up()
    except RobinEventNotFoundError:
        raise
    except RobinError as err:
        # Not a warning: the error raised tells it, to the action's caller, or in the office
        # actor's own warning (one per lost answer, naming the booking).
        LOGGER.debug("Could not tell whether Robin made the change to %s: %s", room, err)
        if isinstance(err, RobinWaitingError) and err.unavailable and err.retry_after:
            # Held back by Robin's 503 pause (maintenance, say): the change may have been made
            # before it went down. The reread asked for runs as the pause ends.
            seconds = str(ceil(err.retry_after))
            raise robin_failure("outcome_unknown_unavailable", room=room, seconds=seconds) from err
        raise robin_failure("outcome_unknown", room=room, error=str(failure)) from err
    if result is None:
        if is_booking:
            raise robin_failure("booking_not_made", room=room, error=str(failure)) from failure
        raise robin_failure("change_not_made", room=room, error=str(failure)) from failure
    LOGGER.info("Robin made the change to %s despite the failed answer: %s", room, failure)
    return result


async def async_read_booking(coordinator: RobinCoordinator, space: Space, event_id: str) -> Event:
    """Return the booking as Robin holds it now; a translated error when it cannot be read."""
    try:
        event = await coordinator.client.get_event(event_id)
    except RobinNotFoundError:
        event = None
    except RobinError as err:
        raise robin_error(coordinator, err, space.name) from err
    gone = event is None or is_cancelled(event)
    if gone and shown_booking(coordinator, space, event_id) is not None:
        # Deleted or cancelled in Robin since it was read: it leaves the room at once, as
        # after a change Robin answers 404 to, and the user is told so, not "not found".
        coordinator.async_show_own_change(space, event_id, None)
        raise robin_failure("booking_gone", room=space.name)
    # Robin may keep a cancelled occurrence readable: it is gone all the same, and changing
    # or checking in to it would act on a booking nobody holds any more. One the room
    # declined is not a booking of this room either.
    if event is None or not holds_room(event, space) or event.space_id not in (None, space.id):
        raise validation_error("booking_not_found", booking=event_id, room=space.name)
    if event.is_series:  # a change or cancellation would apply to every occurrence
        raise validation_error("recurrence_not_supported")
    return event


def window_booking(coordinator: RobinCoordinator, space: Space, event_id: str) -> Event | None:
    """Return the room's booking of this id in the window the coordinator keeps, if any."""
    return next(
        (event for event in coordinator.data.events.get(space.id, ()) if event.id == event_id), None
    )


def shown_booking(coordinator: RobinCoordinator, space: Space, event_id: str) -> Event | None:
    """Return the room's booking as shown: in its window, else as a calendar last read it beyond."""
    if (event := window_booking(coordinator, space, event_id)) is not None:
        return event
    copy = coordinator.read_copies.get(event_id)
    return copy if copy is not None and copy.space_id in (None, space.id) else None


def _same_instant(read: datetime, sent: datetime) -> bool:
    """Tell whether Robin's time is the one sent (to the second), in any time zone.

    Compared in UTC: Python never finds a time in the hour the clocks repeat equal to one
    in another zone, even at the same instant.
    """
    return dt_util.as_utc(read) == dt_util.as_utc(sent.replace(microsecond=0))


def check_duration(start: datetime, end: datetime) -> None:
    """Refuse a booking that ends before it starts or lasts 5 minutes or less, as Robin does."""
    # In UTC: two times of one time zone subtract as clock times, wrong across a clock change.
    # To the second, as they are sent: 5 minutes and half a second would reach Robin as 5.
    start = dt_util.as_utc(start).replace(microsecond=0)
    end = dt_util.as_utc(end).replace(microsecond=0)
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


def check_moved_times(start: datetime, end: datetime, now: datetime, *, started: datetime) -> None:
    """Refuse a move into the past: of its start (`started`: before the move), or its end.

    A booking under way keeps its start when its end is moved; a new start in the past is
    refused as a new booking's is, and an end gone by would leave a booking already over.
    """
    check_duration(start, end)
    if dt_util.as_utc(start) != dt_util.as_utc(started) and start < now - PAST_START_GRACE:
        raise validation_error("start_in_past")
    if end <= now:
        raise validation_error("end_in_past")


def check_can_book(coordinator: RobinCoordinator, space: Space) -> None:
    """Refuse bookings the token or the room cannot make."""
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    if space.is_disabled:  # it keeps its calendar: "no calendar" would send the user astray
        raise validation_error("room_disabled", room=space.name)
    if not space.is_bookable:
        raise validation_error("room_not_bookable", room=space.name)


def _booking_time_zone(coordinator: RobinCoordinator, space: Space) -> str:
    """Return the room's time zone name: its location's when valid, else Home Assistant's."""
    return str(coordinator.data.time_zone_of(space) or dt_util.get_default_time_zone())


def _kept_time_zone(coordinator: RobinCoordinator, space: Space, held: str | None) -> str:
    """Return the zone to send a booking's new times in: its own, when Robin has a valid one.

    A meeting synced from its organiser's calendar is held in the organiser's zone, which
    their calendar shows it in; a change made here keeps it.
    """
    if held and time_zone_named(held) is not None:
        return held
    return _booking_time_zone(coordinator, space)


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
    client = coordinator.client
    # What the slot holds before we ask: after a lost answer only a booking that was not
    # there before can be ours (see _find_booking).
    with robin_errors(coordinator, space.name):
        before = {event.id for event in await client.get_space_events(space.id, start, end)}
    booked = await _write_or_look_up(
        coordinator,
        space,
        lambda: client.create_event(
            space.id,
            start=start,
            end=end,
            time_zone=time_zone,
            title=title,
            description=description,
            invitees=invitees,
        ),
        lambda: _find_booking(coordinator, space, start=start, end=end, title=title, before=before),
        is_booking=True,
    )
    coordinator.async_show_own_change(space, booked.id, booked)
    return booked


async def _find_booking(
    coordinator: RobinCoordinator,
    space: Space,
    *,
    start: datetime,
    end: datetime,
    title: str | None,
    before: set[str],
) -> Event | None:
    """Return the booking our lost request made, never anybody else's.

    A booking counts as ours only if it was not in the slot just before we asked (so a
    stranger's or the same user's earlier booking of those times never does), has our
    times and title, and was created by the token's user when Robin says who created it
    (so a stranger who books those times while our request is lost is not taken for us).
    A marker in the description would also work, but everyone invited would see it.
    """
    client = coordinator.client
    time_zone = dt_util.get_default_time_zone()
    read = await client.get_space_events(space.id, start, end)
    if not read:
        # Robin answers an empty list as `{}`, and at times a list that is not empty too:
        # "nothing was booked" is told only when a second read agrees.
        read = await client.get_space_events(space.id, start, end)
    candidates = [
        event
        for event in read
        if event.id not in before
        and _same_instant(event_start(event, time_zone), start)
        and _same_instant(event_end(event, time_zone), end)
        # Robin makes up a title for a missing or empty one.
        and (not title or event.title == title)
    ]
    if not candidates:
        return None
    try:
        # None: no user behind the token (an organization's): times must do. Robin is asked
        # once per token, for check-ins too (check_in.py).
        me = await coordinator.check_in_identity.token_user()
    except RobinResponseError:
        me = None  # Robin did not say (a 5xx, a rate limit): times must do
    return next(
        (event for event in candidates if me is None or event.creator_id in (None, me)), None
    )


async def async_update_booking(
    coordinator: RobinCoordinator,
    space: Space,
    event_id: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    title: str | None = None,
    description: str | None = None,
    time_zone: str | None = None,
) -> Event:
    """Change a booking's times or text; the absolute values, so a retry cannot add twice.

    `time_zone`: the zone Robin holds the booking in (`Event.time_zone`), kept for new times.
    A booking Robin answers 404 for leaves the cache, as after the other writes, also when
    that is its read back after a lost answer: deleted in Robin meanwhile, whatever the
    change made went with it. So does one that read back finds marked cancelled.
    """
    check_can_book(coordinator, space)
    if start is not None and end is not None:
        check_duration(start, end)
    coordinator.forget_event(event_id)
    client = coordinator.client

    async def read_back() -> Event | None:
        # A 404 (`RobinEventNotFoundError`): gone, not a change Robin did not make.
        event = await client.get_event(event_id)
        if is_cancelled(event):
            # Robin may keep a cancelled occurrence readable: gone all the same, whatever its
            # times say of the change.
            raise RobinEventCancelledError(event_id)
        time_zone = dt_util.get_default_time_zone()
        made = (
            (start is None or _same_instant(event_start(event, time_zone), start))
            and (end is None or _same_instant(event_end(event, time_zone), end))
            and (title is None or event.title == title)
            # Robin's description is read as plain text: compare what was sent, read alike.
            and (description is None or event.description == html_to_text(description))
        )
        return event if made else None

    updated = await _write_or_look_up(
        coordinator,
        space,
        lambda: client.update_event(
            event_id,
            time_zone=_kept_time_zone(coordinator, space, time_zone),
            start=start,
            end=end,
            title=title,
            description=description,
        ),
        read_back,
        event_id=event_id,
    )
    coordinator.async_show_own_change(space, event_id, updated)
    return updated


async def async_cancel_booking(coordinator: RobinCoordinator, space: Space, event_id: str) -> None:
    """Cancel a booking (one occurrence when given an occurrence id)."""
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    coordinator.forget_event(event_id)
    client = coordinator.client

    async def cancelled() -> bool | None:
        try:
            event = await client.get_event(event_id)
        except RobinNotFoundError:
            return True
        # Robin may keep a cancelled occurrence readable, marked so.
        return True if is_cancelled(event) else None

    await _write_or_look_up(
        coordinator, space, lambda: _cancel(client, event_id), cancelled, event_id=event_id
    )
    coordinator.async_show_own_change(space, event_id, None)


async def _cancel(client: RobinClient, event_id: str) -> bool:
    await client.delete_event(event_id)
    return True


async def async_check_in(
    coordinator: RobinCoordinator, space: Space, event_id: str, *, look_again: bool = True
) -> Confirmation:
    """Confirm that the meeting takes place (Robin's check-in).

    As the token's user, or as the Robin device for Home Assistant when the token is not a
    user's (check_in.py). look_again: look for that device in Robin even if it was missing
    within the hour (False for the office's own check-ins, which must not keep asking).
    A booking Robin answers the check-in 404 for leaves the cache, as after the other writes,
    also when that is the check-in sent again or read back after a lost answer (or the read
    of the check-in a resent one was answered "already confirmed" for); a 404 of whose token
    it is, or of the devices, does not: it is not about the booking.
    A check-in Robin made (also one whose lost answer was looked up) is shown to the office
    at once (`RobinCoordinator.async_show_check_in`): no poll reads a booking's check-in.
    """
    if not coordinator.can_write:
        raise validation_error("read_only_token")
    client = coordinator.client
    identity = coordinator.check_in_identity
    with robin_errors(coordinator, space.name):
        device_id = await identity.device_to_check_in_as(look_again=look_again)

    async def confirm() -> Confirmation:
        try:
            return await client.confirm_event(event_id, device_id=device_id)
        except RobinValidationError as err:
            if REASON_ALREADY_CONFIRMED in err.reasons:
                # Refused, yet Robin says the booking is checked in (at the room's display,
                # say): the office shows it so, as after a check-in of ours.
                coordinator.async_show_check_in(space, event_id)
            if err.resent or refused_for_the_event(err):
                raise
            if device_id is not None:
                identity.forget_device()  # deleted in Robin, perhaps: looked for again
                raise
            refusal = err
        # Robin refused the empty body, which changed nothing: the token is not a user's
        # after all. Sent once more, as the device.
        LOGGER.debug("Robin refused to check in as the token's user: %s", refusal.message)
        identity.refused_as_user()
        # Robin failing to list its devices leaves nothing sent that it may have made: told
        # as its failure, not as a check-in whose outcome must be looked up.
        with robin_errors(coordinator, space.name):
            device = await identity.find_device(look_again=True)
        if device is None:
            raise identity.device_missing(space.name, refusal) from refusal
        return await client.confirm_event(event_id, device_id=device)

    return await _write_or_look_up(
        coordinator,
        space,
        confirm,
        lambda: client.get_confirmation(event_id),
        event_id=event_id,
        made=lambda _: coordinator.async_show_check_in(space, event_id),
    )
