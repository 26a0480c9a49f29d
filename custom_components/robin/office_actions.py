"""The office runs itself: no-shows are released, arriving people check in, unbooked use told.

One `OfficeActor` per config entry watches every poll's people counts and the clock, keeps
what each room's office entities show, and acts on Robin when the user's options allow it.
What it did (released or checked-in bookings) is stored, so that it is never done twice,
whether across polls, reloads or restarts. What it was still doing (attempts at a release
or check-in Robin refused, changes whose answer was lost and are being looked up) is handed
to the next actor of the entry when it reloads, within one run of Home Assistant.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from homeassistant.core import CALLBACK_TYPE, CoreState, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import (
    Event,
    RobinAuthenticationError,
    RobinError,
    RobinEventNotFoundError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    Space,
)
from .bookings import (
    async_cancel_booking,
    async_check_in,
    async_update_booking,
    outcome_unknown,
)
from .const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_NO_SHOW_GRACE,
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    CONF_UNBOOKED_USE_AFTER,
    DEFAULT_NO_SHOW_GRACE,
    DEFAULT_REPORT_PRESENCE,
    DEFAULT_UNBOOKED_USE_AFTER,
    DISCOVERY_INTERVAL,
    DOMAIN,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
    EVENT_UNBOOKED_USE_STARTED,
    ISSUE_NO_CHECK_IN_DEVICE,
    ISSUE_OFFICE_ACTIONS_READ_ONLY,
    LOGGER,
    PRESENCE_DEVICE_NAME,
)
from .coordinator import RobinConfigEntry, RobinCoordinator, room_identifier
from .data import RobinData
from .event_status import holds_room, is_cancelled
from .issues import async_entry_issue_raised, async_set_entry_issue
from .office_rules import (
    Booking,
    PresenceLog,
    Release,
    RoomBookings,
    booking_to_check_in,
    check_in_window,
    current_booking,
    is_no_show,
    is_unbooked_use,
    next_change,
    present_for,
    release_kind,
    split_bookings,
    unbooked_since,
)
from .presence_sources import seen_by_home_assistant
from .room_moments import RoomMoments

OFFICE_ACTORS: HassKey[dict[str, OfficeActor]] = HassKey(f"{DOMAIN}_office_actors")
STORAGE_VERSION = 1
# What was done to a booking is remembered until this long after the booking ended.
FORGET_AFTER = timedelta(days=2)
# How often (at a poll) the records of bookings that ended FORGET_AFTER ago are dropped:
# Home Assistant may run for months without a reload.
FORGET_EVERY = timedelta(hours=1)
# A release or check-in Robin refused is tried again this often at most, then given up,
# this long after the last attempt.
MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(minutes=1)
# A check-in whose answer was lost is read back at the latest this long before its window closes.
LAST_READ_BACK_BEFORE_CLOSE = timedelta(seconds=5)
# How far from now the rules look for bookings (see OfficeActor._bookings).
RULES_REACH = timedelta(days=1)
# Seconds an announced unbooked use waits to be saved, with any others in the meantime.
SAVE_DELAY = 10
# A check-in refused for want of the Robin device for Home Assistant (check_in.py).
NO_DEVICE_ERRORS = frozenset({"check_in_needs_device", "check_in_refused_needs_device"})
# While the issue says Robin has no such device, it is looked for this long after the last
# look (whoever made it: presence reports, a check-in, an action), arrivals or not: the
# issue promises that a device registered meanwhile is found within the hour.
DEVICE_LOOK_EVERY = DISCOVERY_INTERVAL


@dataclass(frozen=True, slots=True)
class RoomOffice:
    """What a room's office entities show at one instant."""

    booking: Booking | None  # the current booking
    checked_in: bool | None  # whether the current booking is checked in; None: not known yet
    no_show: bool
    unbooked_use: bool
    unbooked_use_since: datetime | None


@dataclass(slots=True)
class _Tries:
    """The releases or check-ins of one booking asked of Robin so far."""

    booking_end: datetime  # forgotten FORGET_AFTER after it
    count: int = 0
    not_before: datetime | None = None  # a refused one is asked again from then on
    # Whether the office wakes at not_before: not when the check-in window has closed by
    # then (a release: the booking has ended), as the retry could do nothing.
    wakes: bool = False


@dataclass(frozen=True, slots=True)
class _Confirmation:
    """A booking's check-in state as read from Robin."""

    checked_in: bool
    read_at: datetime
    booking_end: datetime  # forgotten FORGET_AFTER after it


@dataclass(slots=True)
class _UnsureRelease:
    """A release whose answer was lost and that Robin could not be asked about at once.

    Looked up later: told (event and log) only once Robin shows it made; never sent again
    unless Robin shows the booking as it was.
    """

    space_id: int
    booking: Booking  # as it was before the release
    kind: Release
    released_at: datetime  # when it was asked: the end sent, when it ends the booking
    look_up_at: datetime


@dataclass(frozen=True, slots=True)
class _CheckInFollowed:
    """A check-in the office still follows (lost answer, wait for the device, read anew).

    Only while the booking's check-in window is open: none is asked or told after it.
    """

    space_id: int
    window_closes: datetime  # as the booking was; one moved later since is kept longer


@dataclass(slots=True)
class _InFlight:
    """What an actor was still doing when its entry unloaded, for the entry's next one."""

    tries: dict[str, _Tries] = field(default_factory=dict)
    # Check-ins asked for whose answer was lost and could not be read back: ours, and
    # told as such, once Robin shows the booking checked in.
    check_ins_unsure: dict[str, _CheckInFollowed] = field(default_factory=dict)
    releases_unsure: dict[str, _UnsureRelease] = field(default_factory=dict)


# Handed over on a reload (an options change, say), within one run of Home Assistant: a
# reload neither gives a booking its attempts back nor forgets a change whose outcome is
# being looked up. What was done is in the store (and survives restarts) instead.
IN_FLIGHT_BEFORE_RELOAD: HassKey[dict[str, _InFlight]] = HassKey(f"{DOMAIN}_office_in_flight")


def storage_key(entry_id: str) -> str:
    """Return the storage key of an entry's record of released and checked-in bookings."""
    return f"{DOMAIN}.{entry_id}.office"


class OfficeActor:
    """Watches one entry's rooms; releases no-shows and checks in arrivals when allowed."""

    def __init__(self, hass: HomeAssistant, entry: RobinConfigEntry) -> None:
        """Read the options; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.coordinator: RobinCoordinator = entry.runtime_data
        options = entry.options
        self.grace = timedelta(minutes=options.get(CONF_NO_SHOW_GRACE, DEFAULT_NO_SHOW_GRACE))
        self.unbooked_after = timedelta(
            minutes=options.get(CONF_UNBOOKED_USE_AFTER, DEFAULT_UNBOOKED_USE_AFTER)
        )
        self.release_no_shows: bool = options.get(CONF_RELEASE_NO_SHOWS, False)
        self.check_in_on_arrival: bool = options.get(CONF_CHECK_IN_ON_ARRIVAL, False)
        # Home Assistant's own sensors, reported to Robin, count here too: see
        # `_present_since_start`.
        self.counts_own_sensors: bool = options.get(CONF_REPORT_PRESENCE, DEFAULT_REPORT_PRESENCE)
        self.presence = PresenceLog()
        self._store: Store[dict[str, dict[str, str]]] = Store(
            hass, STORAGE_VERSION, storage_key(entry.entry_id)
        )
        # Booking id -> the booking's end (ISO), for pruning.
        self._released: dict[str, str] = {}
        self._checked_in: dict[str, str] = {}
        in_flight = hass.data.get(IN_FLIGHT_BEFORE_RELOAD, {}).pop(entry.entry_id, _InFlight())
        self._in_flight = in_flight
        self._check_ins_unsure = in_flight.check_ins_unsure
        self._releases_unsure = in_flight.releases_unsure
        # Booking id -> its releases or check-ins asked so far.
        self._tries = in_flight.tries
        # Check-ins given up for want of the Robin device: their rooms are acted on once
        # more at the first poll after it is found (check_in.py tells), their check-ins
        # read anew first.
        self._awaiting_device: dict[str, _CheckInFollowed] = {}
        self._device_found_since_poll = False
        self._read_before_check_in: dict[str, _CheckInFollowed] = {}
        # The office's own look for the device is not made again before this (also when
        # Robin failed it: one look an hour at most).
        self._device_look_not_before: datetime | None = None
        # Check-in state read from Robin, by booking id.
        self._confirmations: dict[str, _Confirmation] = {}
        # Room -> the start of the unbooked use last announced (kept across restarts).
        self._unbooked_announced: dict[int, datetime] = {}
        self._listeners: dict[int, list[CALLBACK_TYPE]] = defaultdict(list)
        # What each bookable room shows, worked out when the room changes (a poll saw new
        # presence or bookings) or the clock reaches its next moment; valid until then.
        self._shown: dict[int, RoomOffice] = {}
        self._data_seen: RobinData | None = None
        # Rooms whose entities turned available before the poll was taken in: told after it.
        self._to_tell_after_poll: set[int] = set()
        self._moments = RoomMoments(hass, self._update)
        # Rooms to act on at the next chance: those worked out since, and any not done yet.
        self._to_act: set[int] = set()
        # Rooms whose arrival check-in waits for a poll to see people after the start.
        self._awaiting_poll: set[int] = set()
        # Rooms whose no-show waits for their presence to be read after the grace period
        # (their location is read slowly outside its working hours).
        self._awaiting_presence: set[int] = set()
        # Rooms not acted on while Robin refuses their location: any write there would be
        # refused too. Acted on at the first poll it answers again.
        self._awaiting_location: set[int] = set()
        self._unsub_retry: CALLBACK_TYPE | None = None
        self._unsub_started: CALLBACK_TYPE | None = None
        self._retry_at: datetime | None = None
        self._lock = asyncio.Lock()
        # When to look next for records of long-ended bookings (first: at the start).
        self._forget_at = dt_util.utcnow()

    @property
    def acts(self) -> bool:
        """Tell whether any option lets the integration change bookings in Robin."""
        return self.release_no_shows or self.check_in_on_arrival

    async def async_start(self) -> None:
        """Load what was done before, then watch the polls and the clock."""
        stored = await self._store.async_load() or {}
        now = dt_util.utcnow()
        self._released = _pruned(stored.get("released", {}), now)
        self._checked_in = _pruned(stored.get("checked_in", {}), now)
        self._unbooked_announced = _announced(stored.get("unbooked_announced", {}))
        self._update_read_only_issue()
        self.entry.async_on_unload(self.coordinator.async_add_poll_listener(self._on_poll))
        self.entry.async_on_unload(
            self.coordinator.async_add_shown_change_listener(self._on_change_shown)
        )
        self.entry.async_on_unload(
            self.coordinator.async_add_check_in_listener(self._on_check_in_shown)
        )
        self.entry.async_on_unload(
            self.coordinator.check_in_identity.async_add_device_listener(self._device_found)
        )
        self.entry.async_on_unload(self._moments.cancel)
        self.entry.async_on_unload(self._cancel_retry)
        self.entry.async_on_unload(self._hand_over)
        # Written at once on unload: a reload must not announce the same unbooked use again.
        self.entry.async_on_unload(self._async_save)
        self._forget_long_ended(now)
        self._take_over(now)
        # Acts at once, and looks for the device at once if an issue kept over the reload
        # says Robin has none: the user may have registered it and reloaded, as it says.
        self._on_poll()

    def _update_read_only_issue(self) -> None:
        """Tell the user when an option asks for writes the token cannot make."""
        async_set_entry_issue(
            self.hass,
            self.entry,
            ISSUE_OFFICE_ACTIONS_READ_ONLY,
            active=self.acts and not self.coordinator.can_write,
            severity=ir.IssueSeverity.ERROR,
        )

    # --- what the entities show ----------------------------------------------------------

    @callback
    def async_add_room_listener(self, space_id: int, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever what a room's office entities show may have changed."""
        listeners = self._listeners[space_id]
        listeners.append(update)
        return partial(listeners.remove, update)

    @callback
    def async_tell_after_poll(self, space_id: int) -> None:
        """Call the room's listeners once the poll under way is taken in, changed or not.

        For entities turning available again (Robin back after a failed poll, or answering
        for a refused location): written before the poll is taken in, they would show what
        the room showed before the outage.
        """
        self._to_tell_after_poll.add(space_id)

    def room(self, space: Space, now: datetime | None = None) -> RoomOffice:
        """Return what a room's office entities show at `now` (default: as last worked out)."""
        if now is None and (known := self._shown.get(space.id)) is not None:
            return known
        now = now or dt_util.utcnow()
        return self._room_at(space, now, self._bookings(space, now))

    def _room_at(self, space: Space, now: datetime, bookings: RoomBookings) -> RoomOffice:
        booking = current_booking(bookings.timed, now)
        checked_in = self._is_checked_in(booking) if booking else None
        # A no-show only once Robin said, at or after the grace period's end, that nobody
        # checked in (someone may have, from Robin's app or a room display).
        no_show = (
            booking is not None
            and self._presence_read_for(space, booking)
            and self._not_checked_in_at_decision(booking)
            and is_no_show(
                booking,
                now,
                self.grace,
                present_since_start=self._present_since_start(space, booking),
                checked_in=False,
            )
        )
        since = self._unbooked_since(space, bookings, now)
        unbooked = is_unbooked_use(since, now, self.unbooked_after)
        return RoomOffice(booking, checked_in, no_show, unbooked, since if unbooked else None)

    def _bookings(self, space: Space, now: datetime) -> RoomBookings:
        """Return the room's bookings the rules can need at `now`, not its whole window.

        The rules look at the booking in progress, the next ones (check-in windows, the next
        change) and those of the current stretch of presence: a day either side is plenty,
        and keeps the work per update independent of how far ahead the calendar reaches.
        """
        nearby = self.coordinator.bookings.between(space.id, now - RULES_REACH, now + RULES_REACH)
        return split_bookings(nearby, self._zone(space))

    def _unbooked_since(
        self, space: Space, bookings: RoomBookings, now: datetime
    ) -> datetime | None:
        """Return since when the room is used without a booking; a room booked all day is not.

        All-day bookings are nobody's meeting (no check-in, no no-show) but they do book the
        room: use past the end of one counts from its end, as after any booking.
        """
        return unbooked_since(
            [*bookings.timed, *bookings.all_day], self.presence.occupied_since(space.id), now
        )

    def _present_since_start(self, space: Space, booking: Booking) -> bool:
        last_presence_at = self.coordinator.last_presence_at(space.id)
        return self.presence.present_after(space.id, booking.start, last_presence_at) or (
            # Someone there now, by the room's own sensors: Robin's presence shows it only
            # from the poll after their report (after a restart, after the office's first
            # decisions; between polls, after the grace period may have ended).
            self.counts_own_sensors and seen_by_home_assistant(self.hass, self.entry, space.id)
        )

    def _presence_read_for(self, space: Space, booking: Booking) -> bool:
        """Tell whether the room's presence was read late enough to call a no-show.

        In working hours every poll reads it (the last at most one interval before the
        grace period ends); outside them the read may be an hour old, and people who came
        since would not be seen: the decision then waits for the next read.
        """
        read = self.presence.observed_at(space.id)
        return read is not None and (
            read >= booking.start + self.grace - self.coordinator.regular_interval
        )

    def _not_checked_in_at_decision(self, booking: Booking) -> bool:
        known = self._confirmations.get(booking.event_id)
        return (
            booking.event_id not in self._checked_in
            and known is not None
            and not known.checked_in
            and known.read_at >= booking.start + self.grace
        )

    def _is_checked_in(self, booking: Booking) -> bool | None:
        if booking.event_id in self._checked_in:
            return True
        known = self._confirmations.get(booking.event_id)
        return known.checked_in if known else None

    # --- reacting to polls and the clock -------------------------------------------------

    @callback
    def _on_poll(self) -> None:
        """Take in a poll's presence, then work out the rooms it changed and act."""
        coordinator = self.coordinator
        if (now := dt_util.utcnow()) >= self._forget_at:
            self._forget_long_ended(now)
        if coordinator.last_update_success:
            data = coordinator.data
            read_at = {
                space_id: at
                for space_id, space in data.spaces.items()
                if (at := coordinator.presence_read_at(space.location_id)) is not None
            }
            self.presence.observe(data.people_present, read_at, coordinator.arrived_at)
        for event_id in coordinator.bookings_gone_by_poll:
            # Found cancelled or deleted in Robin: as after a 404 of the office's own.
            self._forget_gone_booking(event_id)
        answering_again = {
            space_id for space_id in self._awaiting_location if not self._location_refused(space_id)
        }
        self._awaiting_location -= answering_again
        self._update(
            coordinator.rooms_changed_by_poll
            | self._awaiting_poll
            | self._awaiting_presence
            | answering_again
            | self._check_ins_to_try_again()
        )
        rooms, self._to_tell_after_poll = self._to_tell_after_poll, set()
        for space_id in rooms:
            for update in list(self._listeners.get(space_id, ())):
                update()

    @callback
    def _on_change_shown(self, space_id: int, event_id: str, event: Event | None) -> None:
        """Follow a change of the room's bookings shown before any poll reads it.

        An action's, a calendar edit's or the office's own, or a booking dropped after
        Robin answered 404 (which no poll may ever show as a change).
        """
        if event is None:  # cancelled, or deleted in Robin
            self._forget_gone_booking(event_id)
        self._work_out_shown(space_id)

    @callback
    def _work_out_shown(self, space_id: int) -> None:
        """Work the room out after a change shown between polls, and act on it."""
        if self._lock.locked():
            # Acting now, perhaps making this very change (a release, a check-in): the room
            # is worked out at once and acted on at the next chance, as after the act's
            # other requests; not in a second run queued behind this one.
            self._work_out({space_id}, dt_util.utcnow())
            return
        self._update({space_id})

    @callback
    def _on_check_in_shown(self, space_id: int, event_id: str) -> None:
        """Take a check-in Robin accepted from Home Assistant as a read of it would show it.

        The user's (`robin.check_in`) or the office's own: the room's No-show and Checked in
        follow at once, and Robin is not asked for it. Not announced as the office's (its own
        check-ins are, by `_async_checked_in`). A lost check-in of the office's for the
        booking was not made, as Robin accepts one per booking: it is neither read back nor
        told, nor is one given up for want of the device tried again.
        """
        if (space := self.coordinator.data.spaces.get(space_id)) is None:
            return
        now = dt_util.utcnow()
        booking = next(
            (held for held in self._bookings(space, now).timed if held.event_id == event_id),
            None,
        )
        if booking is None:
            return  # none the rules look at now (another day's, all day): read when they do
        self._stop_following_check_in(event_id)
        self._confirmations[event_id] = _Confirmation(
            checked_in=True, read_at=now, booking_end=booking.end
        )
        self._work_out_shown(space_id)

    @callback
    def _update(self, rooms: set[int] | None = None) -> None:
        """Work out these rooms (None: all), and those whose moment has come; then act."""
        now = dt_util.utcnow()
        self._forget_closed_check_ins(now)
        self._work_out(rooms, now)
        # While polls fail nothing is asked: the rooms stay to act on, and the first poll
        # that works acts (the coordinator retries failed polls soon).
        if not (
            (self._to_act or self._release_look_up_due(now) or self._device_look_due(now))
            and self.coordinator.last_update_success
        ):
            return
        # Inside Robin's Retry-After nothing is asked either. The polls go on working, and
        # may be an hour apart outside working hours: wake when the wait is over instead.
        if wait := self.coordinator.client.rate_limited_for:
            self._wake_at(now + timedelta(seconds=math.ceil(wait)))
            return
        if self.hass.state is not CoreState.running:
            # Home Assistant is starting: other integrations' presence sensors, which keep
            # a booking, may not be up yet. The office acts once it has started.
            self._act_once_started()
            return
        self.entry.async_create_background_task(
            self.hass, self._async_act(), f"{DOMAIN} office actions"
        )

    @callback
    def _act_once_started(self) -> None:
        if self._unsub_started is None:
            self._unsub_started = async_at_started(self.hass, self._started)
            self.entry.async_on_unload(self._stop_waiting_for_start)

    @callback
    def _started(self, _hass: HomeAssistant) -> None:
        self._unsub_started = None
        self._update()

    @callback
    def _stop_waiting_for_start(self) -> None:
        if self._unsub_started is not None:
            self._unsub_started()
            self._unsub_started = None

    @callback
    def _work_out(self, rooms: set[int] | None, now: datetime) -> None:
        """Recompute what rooms show; tell the entities and automations of those that changed.

        Work follows what changed: the rooms a poll changed, those whose next moment (a
        check-in window, a booking's start or end, unbooked use long enough) has come, and
        every room when the rooms themselves changed (a rediscovery).
        """
        data = self.coordinator.data
        if rooms is None or data is not self._data_seen:
            self._data_seen = data
            rooms = set(data.spaces) | set(self._shown)
        else:
            rooms = rooms | self._moments.pop_due(now)
        for space_id in rooms:
            space = data.spaces.get(space_id)
            if space is None or not space.is_bookable:
                self._forget_room(space_id)
                continue
            bookings = self._bookings(space, now)
            office = self._room_at(space, now, bookings)
            # A no-show waiting for the room's presence to be read: every poll looks again.
            booking = office.booking
            if (
                booking is not None
                and now >= booking.start + self.grace
                and not self._presence_read_for(space, booking)
            ):
                self._awaiting_presence.add(space_id)
            else:
                self._awaiting_presence.discard(space_id)
            since = self._unbooked_since(space, bookings, now)
            self._moments.set_next(
                space_id,
                next_change(
                    bookings.timed,
                    now,
                    self.grace,
                    since,
                    self.unbooked_after,
                    all_day=bookings.all_day,
                ),
            )
            self._to_act.add(space_id)
            if self._shown.get(space_id) != office:
                self._shown[space_id] = office
                self._announce_unbooked_use(space, office)
                for update in list(self._listeners.get(space_id, ())):
                    update()
        self._moments.schedule()

    def _forget_room(self, space_id: int) -> None:
        self._moments.set_next(space_id, None)
        self._to_act.discard(space_id)
        self._awaiting_poll.discard(space_id)
        self._awaiting_presence.discard(space_id)
        self._awaiting_location.discard(space_id)
        self._unbooked_announced.pop(space_id, None)
        if self._shown.pop(space_id, None) is not None:
            for update in list(self._listeners.get(space_id, ())):
                update()

    @callback
    def _retry_later(self, booking: Booking, too_late: datetime) -> None:
        """Try a refused release or check-in again after a while, not at every update.

        A check-in whose answer was lost is read back then, also after the last attempt, and
        whether or not people are still there for it.
        too_late: from then on a retry could do nothing (the check-in window has closed, or
        the booking ended): none is woken for.
        """
        tries = self._tries_of(booking)
        if tries.count >= MAX_ATTEMPTS and booking.event_id not in self._check_ins_unsure:
            return  # given up: no retry to wait for, nor to wake for
        retry_at = dt_util.utcnow() + RETRY_DELAY
        if booking.event_id in self._check_ins_unsure:
            # Lost late in its window, it is read back just before the window closes: no
            # later read would show it, and Checked in would stay off though it was made.
            retry_at = min(retry_at, too_late - LAST_READ_BACK_BEFORE_CLOSE)
        tries.not_before = retry_at
        tries.wakes = retry_at < too_late
        if tries.wakes:
            self._wake_at(retry_at)

    @callback
    def _wake_at(self, when: datetime) -> None:
        """Act on every room at `when`, or earlier with something due earlier.

        One timer serves every room, kept at the earliest due time: at a later one, work
        due earlier (a retry due as Robin's Retry-After ends) would wait for it. When it
        fires, everything due runs and the timer moves on to the next due time.
        """
        if self._retry_at is not None and self._retry_at <= when:
            return
        self._cancel_retry()
        self._retry_at = when
        self._unsub_retry = async_track_point_in_utc_time(self.hass, self._on_retry, when)

    @callback
    def _on_retry(self, _now: datetime) -> None:
        self._unsub_retry = self._retry_at = None
        # Before acting: what acting asks for (a retry, Robin's wait) may only come earlier.
        if (next_due := self._next_due(dt_util.utcnow())) is not None:
            self._wake_at(next_due)
        self._update()

    def _next_due(self, now: datetime) -> datetime | None:
        """Return when the next retry, release look-up or look for the device comes due after `now`.

        Robin's Retry-After is not kept here: while it lasts, every update that has work
        asks to wake at its end again.
        """
        due = (
            *(tries.not_before for tries in self._tries.values() if tries.wakes),
            *(unsure.look_up_at for unsure in self._releases_unsure.values()),
            self._device_look_at(now),
        )
        return min((when for when in due if when is not None and when > now), default=None)

    @callback
    def _cancel_retry(self) -> None:
        if self._unsub_retry is not None:
            self._unsub_retry()
        self._unsub_retry = self._retry_at = None

    @callback
    def _hand_over(self) -> None:
        """Leave what is under way to the entry's next setup (a reload)."""
        self.hass.data.setdefault(IN_FLIGHT_BEFORE_RELOAD, {})[self.entry.entry_id] = (
            self._in_flight
        )

    @callback
    def _take_over(self, now: datetime) -> None:
        """Go on with what the entry's actor before a reload left under way."""
        if (next_due := self._next_due(now)) is not None:
            self._wake_at(next_due)

    @callback
    def _forget_long_ended(self, now: datetime) -> None:
        """Drop what is kept of bookings that ended FORGET_AFTER ago or more.

        At the start, then at the first poll every FORGET_EVERY: one pass over the records
        an hour keeps them to the last days' bookings however long Home Assistant runs.
        Releases whose outcome is looked up go at their booking's end, as their look-up
        gives them up then: that look-up waits for polls that work, this one does not.
        """
        self._forget_at = now + FORGET_EVERY
        for event_id, unsure in list(self._releases_unsure.items()):
            if now >= unsure.booking.end:
                self._give_up_release(event_id, unsure)
        for event_id, tries in list(self._tries.items()):
            if now - tries.booking_end >= FORGET_AFTER:
                del self._tries[event_id]
        for event_id, known in list(self._confirmations.items()):
            if now - known.booking_end >= FORGET_AFTER:
                del self._confirmations[event_id]
        released_dropped = _drop_ended(self._released, now)
        if _drop_ended(self._checked_in, now) or released_dropped:
            self._store.async_delay_save(self._stored, SAVE_DELAY)

    def _check_ins_followed(self) -> tuple[dict[str, _CheckInFollowed], ...]:
        """Return the check-ins the office follows: lost, waiting for the device, to read."""
        return (self._check_ins_unsure, self._awaiting_device, self._read_before_check_in)

    def _stop_following_check_in(self, event_id: str) -> None:
        """Follow the booking's check-in no more: made, or the booking gone."""
        for followed in self._check_ins_followed():
            followed.pop(event_id, None)

    @callback
    def _forget_gone_booking(self, event_id: str) -> None:
        """Follow nothing more of a booking cancelled, or deleted in Robin (a 404).

        Its check-in is no longer followed, and its release or check-in not retried: the
        office's timer, if set for that retry, moves on to the next due time.
        """
        self._stop_following_check_in(event_id)
        tries = self._tries.pop(event_id, None)
        if tries is None or not tries.wakes or tries.not_before != self._retry_at:
            return
        now = dt_util.utcnow()
        self._cancel_retry()
        if (next_due := self._next_due(now)) is not None:
            self._wake_at(next_due)
        # Robin's Retry-After is not in `_next_due`: a wake asked for at its end may have
        # been left to the earlier timer just cancelled (`_wake_at` keeps the earliest).
        if wait := self.coordinator.client.rate_limited_for:
            self._wake_at(now + timedelta(seconds=math.ceil(wait)))

    @callback
    def _forget_closed_check_ins(self, now: datetime) -> None:
        """Drop the check-ins followed whose window closed: nothing is asked or told of them.

        At every update: the window's close is a moment of its room, so each goes then.
        A booking moved later since is kept until its new window closes.
        """
        for followed in self._check_ins_followed():
            for event_id, check_in in list(followed.items()):
                if now < check_in.window_closes:
                    continue
                closes = self._check_in_window_closes(check_in.space_id, event_id, now)
                if closes is not None and now < closes:
                    followed[event_id] = _CheckInFollowed(check_in.space_id, closes)
                else:
                    del followed[event_id]

    def _check_in_window_closes(
        self, space_id: int, event_id: str, now: datetime
    ) -> datetime | None:
        """Return when the booking's check-in window closes, as the room's bookings have it."""
        space = self.coordinator.data.spaces.get(space_id)
        if space is None:
            return None
        booking = next(
            (held for held in self._bookings(space, now).timed if held.event_id == event_id),
            None,
        )
        return check_in_window(booking, self.grace)[1] if booking else None

    @callback
    def _announce_unbooked_use(self, space: Space, office: RoomOffice) -> None:
        """Fire the event once per stretch of unbooked use, restarts included.

        After a restart the stretch begins when Robin says its people arrived, which is no
        later than the poll that first saw them: a stretch that began no later than the one
        announced is the same one.
        """
        since = office.unbooked_use_since
        announced = self._unbooked_announced.get(space.id)
        if since == announced:
            return
        if since is None:
            del self._unbooked_announced[space.id]
        else:
            self._unbooked_announced[space.id] = since
        self._store.async_delay_save(self._stored, SAVE_DELAY)
        if since is not None and (announced is None or since > announced):
            self.hass.bus.async_fire(
                EVENT_UNBOOKED_USE_STARTED,
                {
                    **self._room_data(space),
                    # To the second, as Robin's times: a poll's instant carries microseconds.
                    "since": since.astimezone(self._zone(space)).replace(microsecond=0).isoformat(),
                },
            )

    async def _async_act(self) -> None:
        """Read check-in states where they matter, check in arrivals, release no-shows.

        In the rooms worked out since the last time; those not reached stay for the next.
        """
        async with self._lock:
            now = dt_util.utcnow()
            if self._device_look_due(now):
                # First: the check-ins of this pass can use a device found now.
                await self._async_look_for_check_in_device(now)
            await self._async_look_up_releases(now)
            rooms = sorted(self._to_act)
            self._to_act.difference_update(rooms)
            spaces = self.coordinator.data.spaces
            for done, space_id in enumerate(rooms):
                space = spaces.get(space_id)
                if space is None or not space.is_bookable:
                    continue
                if self.coordinator.is_refused(space.location_id):
                    # Nothing is asked: Robin would refuse it, at every try. Nothing is told
                    # either (not released, not checked in); the rules decide again then.
                    self._awaiting_location.add(space_id)
                    continue
                try:
                    await self._async_act_on_room(space, now, self._bookings(space, now).timed)
                except RobinEventNotFoundError as gone:
                    # The 404 of the office's own read of a booking (its check-in, or its
                    # times before a release): deleted since. Its writes' 404s end there.
                    self._drop_gone_booking(space, gone.event_id)
                except RobinError as err:
                    LOGGER.debug(
                        "Could not read a booking or its check-in in %s: %s", space.name, err
                    )
                    if _refused_this_booking_only(err):
                        continue  # one booking Robin will not show: the other rooms go on
                    # Robin is failing or limiting: the next update tries again.
                    self._to_act.update(rooms[done:])
                    return

    @callback
    def _drop_gone_booking(self, space: Space, event_id: str) -> None:
        """Take a booking Robin no longer has off its room; nothing more is asked for it.

        As after a change Robin answers 404: the room's calendar, state and office show it
        gone at once, not at the next read of its day. Not a failure: nothing to retry.
        """
        LOGGER.info(
            "Booking %s in %s was deleted in Robin since it was read; it leaves the room",
            event_id,
            space.name,
        )
        # Also when a poll dropped it already, and showing it dropped changes nothing.
        self._forget_gone_booking(event_id)
        self.coordinator.async_show_own_change(space, event_id, None)

    async def _async_act_on_room(
        self, space: Space, now: datetime, bookings: list[Booking]
    ) -> None:
        booking = current_booking(bookings, now)
        if booking is not None and self._needs_confirmation_read(space, booking, now):
            await self._async_read_confirmation(space, booking)
        arriving = booking_to_check_in(bookings, now, self.grace)
        occupied_since = self.presence.occupied_since(space.id)
        there_for_it = arriving is not None and present_for(
            arriving,
            self.grace,
            occupied_since,
            self.presence.observed_at(space.id),
            arrival_known=self.presence.arrival_known(space.id),
        )
        # People there since before the check-in window count once a poll sees them after
        # the start: until then, every poll looks at this room again.
        if self.check_in_on_arrival and arriving and occupied_since and not there_for_it:
            self._awaiting_poll.add(space.id)
        else:
            self._awaiting_poll.discard(space.id)
        checking_in = (
            arriving
            if self.check_in_on_arrival and there_for_it and self.coordinator.can_write
            else None
        )
        if checking_in is not None:
            if self._is_checked_in(checking_in) is None:
                await self._async_read_confirmation(space, checking_in)
            await self._async_check_in(space, checking_in)
        await self._async_read_back_lost_check_ins(space, now, bookings, checking_in)
        if self.release_no_shows and booking is not None and self.room(space, now).no_show:
            await self._async_release(space, booking)

    def _needs_confirmation_read(self, space: Space, booking: Booking, now: datetime) -> bool:
        """Tell whether to read a booking's check-in from Robin now.

        Only where it decides something: once per booking, when its grace period ends with
        nobody seen since its start (a no-show unless someone checked in from elsewhere).
        One request per such booking, none per poll (again only if the booking was moved
        later than that read). None for a booking known checked in, however early: Robin
        cannot undo a check-in.
        """
        known = self._confirmations.get(booking.event_id)
        return (
            booking.event_id not in self._checked_in
            and (
                known is None
                or (not known.checked_in and known.read_at < booking.start + self.grace)
            )
            and now >= booking.start + self.grace
            and not self._present_since_start(space, booking)
        )

    async def _async_read_confirmation(self, space: Space, booking: Booking) -> None:
        before = self._confirmations.get(booking.event_id)
        # Deleted since it was read: `RobinEventNotFoundError`, for `_async_act`.
        confirmation = await self.coordinator.client.get_confirmation(booking.event_id)
        if self._confirmations.get(booking.event_id) is not before:
            # A check-in from Home Assistant was shown while Robin answered: Robin accepted
            # it after this read began, so the read may predate it (`_on_check_in_shown`).
            return
        checked_in = confirmation is not None
        self._confirmations[booking.event_id] = _Confirmation(
            checked_in, dt_util.utcnow(), booking.end
        )
        if before is None or before.checked_in != checked_in:
            self._work_out({space.id}, dt_util.utcnow())

    async def _async_check_in(self, space: Space, booking: Booking) -> None:
        """Check a booking in once, when people are there for it."""
        if booking.event_id in self._awaiting_device:
            return
        followed = _CheckInFollowed(space.id, check_in_window(booking, self.grace)[1])
        checked_in = self._is_checked_in(booking)
        answer_lost = booking.event_id in self._check_ins_unsure
        if checked_in is False and answer_lost:
            checked_in = await self._async_read_back_lost_check_in(space, booking)
        if checked_in is False:
            if not self._may_attempt(booking):
                return
            if not answer_lost:  # else read back just now
                with self._no_attempt_if_robin_fails(booking):
                    checked_in = await self._checked_in_since_refusal(space, booking)
        if checked_in is not False:
            # Checked in already: by us, when our check-in's answer was lost.
            if checked_in and booking.event_id in self._check_ins_unsure:
                await self._async_checked_in(space, booking)
            return
        try:
            # The device is looked for in Robin at most hourly while it has none.
            await async_check_in(self.coordinator, space, booking.event_id, look_again=False)
        except HomeAssistantError as err:
            self._check_in_failed(space, booking, followed, err)
            return
        await self._async_checked_in(space, booking)

    @callback
    def _check_in_failed(
        self, space: Space, booking: Booking, followed: _CheckInFollowed, err: HomeAssistantError
    ) -> None:
        """Follow a check-in Robin did not answer, or refused: try again later, or not."""
        if err.translation_key in NO_DEVICE_ERRORS:
            self._check_in_device_missing(booking, followed, err)
        elif isinstance(err.__cause__, RobinEventNotFoundError):
            # Deleted in Robin since the poll: a retry would be told the same. The 404 to
            # the check-in itself, or to its resend or read back after a lost answer (not
            # to a look-up on the way), took it off the room, which was worked out anew then.
            LOGGER.info(
                "Did not check in booking %s in %s: Robin no longer has it",
                booking.event_id,
                space.name,
            )
        elif self._is_checked_in(booking):
            # Refused as checked in already (at the room's display, say, since it was read):
            # done, and shown so (`_on_check_in_shown`); nothing to try again.
            LOGGER.debug("Booking %s in %s was checked in already", booking.event_id, space.name)
        else:
            LOGGER.warning(
                "Could not check in booking %s in %s: %s", booking.event_id, space.name, err
            )
            if outcome_unknown(err):
                self._check_ins_unsure[booking.event_id] = followed
            self._retry_later(booking, followed.window_closes)

    async def _async_read_back_lost_check_in(self, space: Space, booking: Booking) -> bool | None:
        """Read back our check-in whose answer was lost, when its retry comes due.

        Whatever attempts are left, the last one's too: read, never sent again unless Robin
        shows none. Returns whether Robin shows it checked in; None: not due yet, or checked
        in from Home Assistant during the read (so ours was not made: nothing to tell).
        """
        not_before = self._tries_of(booking).not_before
        if not_before is not None and dt_util.utcnow() < not_before:
            return None
        await self._async_read_confirmation(space, booking)
        if booking.event_id not in self._check_ins_unsure:
            return None
        if self._is_checked_in(booking):
            return True
        # Not made: tried again as after a refusal, while attempts are left and people are
        # there for it; nothing is sent for an empty room.
        del self._check_ins_unsure[booking.event_id]
        return False

    async def _async_read_back_lost_check_ins(
        self, space: Space, now: datetime, bookings: list[Booking], checking_in: Booking | None
    ) -> None:
        """Read back the room's lost check-ins as their retry comes due, people there or not.

        The people may have left by then: a check-in Robin made is ours all the same, and
        told. One Robin shows not made is dropped, not sent here (the room may be empty);
        people there for it while its window is open get it checked in anew. The booking
        being checked in now reads back its own (`_async_check_in`).
        """
        if not self._check_ins_unsure:  # usually none: no need to look at the bookings
            return
        for booking in bookings:
            if (
                booking.event_id in self._check_ins_unsure
                and (checking_in is None or booking.event_id != checking_in.event_id)
                # Told only while its check-in window lasts, as any check-in.
                and now < check_in_window(booking, self.grace)[1]
                and (
                    self._is_checked_in(booking)
                    or await self._async_read_back_lost_check_in(space, booking)
                )
            ):
                await self._async_checked_in(space, booking)

    def _check_in_device_missing(
        self, booking: Booking, followed: _CheckInFollowed, err: HomeAssistantError
    ) -> None:
        """Give the booking up: no retry can check it in before the device is registered.

        Said once in the log and by a repair issue, not per booking, until the device is
        found (the issue is kept over reloads). Not an attempt (Robin was not asked): once
        the device is found (`_device_found`), or a reload finds it, the room is acted on
        again, and the booking checked in if the rules still say so.
        """
        self._tries_of(booking).count -= 1
        self._awaiting_device[booking.event_id] = followed
        if self._tells_no_check_in_device():
            return
        LOGGER.warning("Bookings are not checked in on arrival: %s", err)
        async_set_entry_issue(
            self.hass,
            self.entry,
            ISSUE_NO_CHECK_IN_DEVICE,
            active=True,
            placeholders={"device": PRESENCE_DEVICE_NAME},
        )
        self._wake_for_device_look(dt_util.utcnow())

    @callback
    def _device_found(self) -> None:
        """Robin has the device now, found by whoever looked (reports, an action, a check-in).

        The check-ins given up for want of it are tried again at the next poll, not at once:
        the action that found it may be checking one of them in itself, by hand.
        """
        self._device_found_since_poll = True

    def _check_ins_to_try_again(self) -> set[int]:
        """Return the rooms of the check-ins given up for want of the device, once it is found.

        Each of those bookings is checked in if its check-in window is still open and people
        are there for it, as for any arrival; the others are left alone. Its check-in is read
        anew first: someone may have checked in meanwhile (a room display, an action).
        """
        if not self._device_found_since_poll:
            return set()
        self._device_found_since_poll = False
        self._read_before_check_in.update(self._awaiting_device)
        rooms = {followed.space_id for followed in self._awaiting_device.values()}
        self._awaiting_device.clear()
        return rooms

    def _location_refused(self, space_id: int) -> bool:
        """Tell whether Robin refuses the room's location now."""
        space = self.coordinator.data.spaces.get(space_id)
        return space is not None and self.coordinator.is_refused(space.location_id)

    def _tells_no_check_in_device(self) -> bool:
        """Tell whether the repair issue says Robin has no device to check in as."""
        return async_entry_issue_raised(self.hass, self.entry, ISSUE_NO_CHECK_IN_DEVICE)

    def _device_look_at(self, now: datetime) -> datetime | None:
        """Return when the office looks for the device next; None: no issue says it is missing.

        While the issue is shown: at once after a setup (the look of the setup before may
        be an hour old), then DEVICE_LOOK_EVERY after the last look, by whoever made it, or
        after the office's own that Robin failed.
        """
        if not (self.check_in_on_arrival and self._tells_no_check_in_device()):
            return None
        looks = (
            self.coordinator.check_in_identity.look_for_device_again_at(),
            self._device_look_not_before,
        )
        return max((when for when in looks if when is not None), default=now)

    def _device_look_due(self, now: datetime) -> bool:
        return (look_at := self._device_look_at(now)) is not None and look_at <= now

    @callback
    def _wake_for_device_look(self, now: datetime) -> None:
        if (look_at := self._device_look_at(now)) is not None and look_at > now:
            self._wake_at(look_at)

    async def _async_look_for_check_in_device(self, now: datetime) -> None:
        """Withdraw the issue once the device is no longer missing, without any check-in.

        The user registered the device and reloaded, as the issue says, or waits for the
        hourly look it promises; nobody need arrive for a booking. Kept while Robin still
        has none, or cannot tell.
        """
        self._device_look_not_before = now + DEVICE_LOOK_EVERY
        try:
            await self.coordinator.check_in_identity.device_to_check_in_as(look_again=False)
        except (HomeAssistantError, RobinError):
            self._wake_for_device_look(now)
            return
        # Found (which withdrew it), or not needed: the token turned out to be a user's.
        self._withdraw_no_device_issue()

    @callback
    def _withdraw_no_device_issue(self) -> None:
        async_set_entry_issue(self.hass, self.entry, ISSUE_NO_CHECK_IN_DEVICE, active=False)

    async def _async_checked_in(self, space: Space, booking: Booking) -> None:
        """Keep and tell the booking checked in by us."""
        self._withdraw_no_device_issue()
        self._check_ins_unsure.pop(booking.event_id, None)
        self._checked_in[booking.event_id] = booking.end.isoformat()
        await self._async_save()
        self._work_out({space.id}, dt_util.utcnow())
        self.hass.bus.async_fire(EVENT_BOOKING_CHECKED_IN, self._booking_data(space, booking))

    async def _async_release(self, space: Space, booking: Booking) -> None:
        """End or cancel a no-show booking, once."""
        if not self.coordinator.can_write or booking.event_id in self._released:
            return
        if not self._may_attempt(booking):
            return
        with self._no_attempt_if_robin_fails(booking):
            if await self._checked_in_since_refusal(space, booking):
                return
            changed = await self._changed_since_polled(space, booking)
        if changed:
            # Not an attempt: the next poll brings the booking as it is now, and decides.
            self._tries_of(booking).count -= 1
            return
        now = dt_util.utcnow().replace(microsecond=0)
        kind = release_kind(booking, now)
        # Recorded before asking Robin: after a lost answer it is never asked twice.
        self._released[booking.event_id] = booking.end.isoformat()
        await self._async_save()
        try:
            if kind is Release.CANCEL:
                await async_cancel_booking(self.coordinator, space, booking.event_id)
            else:
                await async_update_booking(
                    self.coordinator,
                    space,
                    booking.event_id,
                    start=booking.start,
                    end=now,
                    time_zone=booking.held_in,
                )
        except HomeAssistantError as err:
            await self._async_release_failed(space, booking, kind, now, err)
            return
        self._tell_released(space, booking, kind, now)

    async def _async_release_failed(
        self, space: Space, booking: Booking, kind: Release, at: datetime, err: HomeAssistantError
    ) -> None:
        """Follow a release Robin did not answer, refused, or no longer has the booking of."""
        if outcome_unknown(err):
            self._release_outcome_unknown(space, booking, kind, at)
        elif isinstance(err.__cause__, RobinEventNotFoundError):
            # Deleted in Robin since the poll, and taken off the room by the 404 (to the
            # end itself, or to its read back after a lost answer), which works the room out
            # anew: nothing is left to release, nor to try again.
            LOGGER.info(
                "Did not release booking %s in %s: Robin no longer has it",
                booking.event_id,
                space.name,
            )
        else:
            # Robin did nothing: may try again.
            del self._released[booking.event_id]
            await self._async_save()
            self._retry_later(booking, booking.end)
            LOGGER.warning(
                "Could not release booking %s in %s: %s", booking.event_id, space.name, err
            )

    def _tell_released(self, space: Space, booking: Booking, kind: Release, at: datetime) -> None:
        """Log the release and fire its event (for automations and the logbook)."""
        # Never the title: the log names rooms and booking ids only (README, Privacy).
        LOGGER.info(
            "Released the no-show booking %s in %s (%s)", booking.event_id, space.name, kind
        )
        self.hass.bus.async_fire(
            EVENT_BOOKING_RELEASED,
            {
                **self._booking_data(space, booking),
                "released_at": at.astimezone(self._zone(space)).isoformat(),
                "cancelled": kind is Release.CANCEL,
            },
        )

    def _release_outcome_unknown(
        self, space: Space, booking: Booking, kind: Release, at: datetime
    ) -> None:
        """Robin's answer was lost and reading the booking back failed: look again later.

        Not told as released (it may not be), nor sent again (it may be): the booking stays
        recorded as released until Robin shows what became of it.
        """
        look_up_at = dt_util.utcnow() + RETRY_DELAY
        self._releases_unsure[booking.event_id] = _UnsureRelease(
            space.id, booking, kind, at, look_up_at
        )
        self._wake_at(look_up_at)
        LOGGER.warning(
            "Robin's answer to the release of the no-show booking %s in %s was lost, and "
            "Robin could not be read to find out whether it was made; it is not sent again, "
            "and is told once Robin shows it made (looked up until the booking's end)",
            booking.event_id,
            space.name,
        )

    def _release_look_up_due(self, now: datetime) -> bool:
        return any(
            unsure.look_up_at <= now and not self._look_up_held(unsure, now)
            for unsure in self._releases_unsure.values()
        )

    def _look_up_held(self, unsure: _UnsureRelease, now: datetime) -> bool:
        """Tell whether a release's look-up waits for Robin to answer for its location again.

        Robin would refuse it too, as every write there. Made at the first poll that finds
        the location answering; given up, as any other, at the booking's end.
        """
        return now < unsure.booking.end and self._location_refused(unsure.space_id)

    async def _async_look_up_releases(self, now: datetime) -> None:
        """Find out what became of the releases whose outcome is not known yet."""
        for event_id, unsure in list(self._releases_unsure.items()):
            # Gone if the hourly look-over gave it up while an earlier one was asked of Robin.
            if self._releases_unsure.get(event_id) is not unsure or unsure.look_up_at > now:
                continue
            space = self.coordinator.data.spaces.get(unsure.space_id)
            if space is None or now >= unsure.booking.end:
                self._give_up_release(event_id, unsure)
                continue
            if self._look_up_held(unsure, now):
                continue
            try:
                event: Event | None = await self.coordinator.client.get_event(event_id)
            except RobinNotFoundError:
                event = None
            except RobinError as err:
                LOGGER.debug("Could not look up the release of booking %s: %s", event_id, err)
                unsure.look_up_at = now + RETRY_DELAY
                self._wake_at(unsure.look_up_at)
                continue
            if self._releases_unsure.pop(event_id, None) is unsure:
                await self._async_release_looked_up(space, unsure, event)

    @callback
    def _give_up_release(self, event_id: str, unsure: _UnsureRelease) -> None:
        """Stop looking up a release: its booking ended, or Robin no longer lists its room.

        Never told as released, since Robin never showed it made; the booking stays
        recorded as released (never sent again) until its record is forgotten.
        """
        del self._releases_unsure[event_id]
        space = self.coordinator.data.spaces.get(unsure.space_id)
        if space is None:  # Robin no longer lists the room: nothing left to tell
            return
        LOGGER.warning(
            "Robin never showed whether the no-show booking %s in %s was released; "
            "no release is told for it",
            event_id,
            space.name,
        )

    async def _async_release_looked_up(
        self, space: Space, unsure: _UnsureRelease, event: Event | None
    ) -> None:
        """Tell a release Robin shows made; let the rules decide again if it shows none.

        A booking Robin shows gone leaves its room, whatever is told of it.
        """
        booking = unsure.booking
        if event is None or is_cancelled(event):
            # Gone: our cancellation, or (when ours only moved its end) somebody else's.
            # Off the room at once, as after any 404: the reread after the lost answer came
            # before, and the next poll may be an hour away (outside working hours).
            self.coordinator.async_show_own_change(space, booking.event_id, None)
            if unsure.kind is Release.CANCEL:
                self._tell_released(space, booking, unsure.kind, unsure.released_at)
            else:
                LOGGER.info(
                    "The no-show booking %s in %s was deleted in Robin; whether it was "
                    "released first is not known",
                    booking.event_id,
                    space.name,
                )
            return
        held = Booking.of(event, self._zone(space))
        if unsure.kind is Release.END and (held.start, held.end) == (
            booking.start,
            unsure.released_at,
        ):
            self._tell_released(space, booking, unsure.kind, unsure.released_at)
            return
        if (held.start, held.end) == (booking.start, booking.end):
            # As it was: nothing was released. Asked again (as after a refusal), if the
            # rules still find a no-show.
            LOGGER.info(
                "Robin did not release the no-show booking %s in %s; it is tried again",
                booking.event_id,
                space.name,
            )
            del self._released[booking.event_id]
            await self._async_save()
            self._to_act.add(space.id)
            return
        LOGGER.info(
            "The no-show booking %s in %s was moved in Robin; whether it was released "
            "first is not known",
            booking.event_id,
            space.name,
        )

    async def _changed_since_polled(self, space: Space, booking: Booking) -> bool:
        """Tell whether Robin holds other times than the poll's copy, or no longer the room.

        A release sends the booking's start with its new end: from an outdated copy it
        would move back a meeting its organiser just moved. One cancelled or declined by
        the room since the poll leaves nothing to release.
        """
        # Deleted since it was read: `RobinEventNotFoundError`, for `_async_act`.
        event = await self.coordinator.client.get_event(booking.event_id)
        now_held = Booking.of(event, self._zone(space))
        return (
            not holds_room(event, space)
            or dt_util.as_utc(now_held.start) != dt_util.as_utc(booking.start)
            or dt_util.as_utc(now_held.end) != dt_util.as_utc(booking.end)
        )

    async def _checked_in_since_refusal(self, space: Space, booking: Booking) -> bool:
        """On a retry, read the check-in again: someone may have checked in since.

        Also before the first try of a check-in given up for want of the device. A
        checked-in booking is never released, and is not checked in twice.
        """
        tries = self._tries.get(booking.event_id)
        read_again = booking.event_id in self._read_before_check_in
        if not read_again and (tries is None or tries.count <= 1):
            return False
        await self._async_read_confirmation(space, booking)
        self._read_before_check_in.pop(booking.event_id, None)
        return bool(self._is_checked_in(booking))

    @contextmanager
    def _no_attempt_if_robin_fails(self, booking: Booking) -> Iterator[None]:
        """Give the attempt back when Robin fails (5xx, 429) to answer a read before the write.

        Nothing was asked of Robin: counted, a few minutes of failures would use up the
        attempts and the booking would never be released or checked in.
        """
        try:
            yield
        except RobinError as err:
            if not _refused_this_booking_only(err):
                self._tries_of(booking).count -= 1
            raise

    def _may_attempt(self, booking: Booking) -> bool:
        tries = self._tries_of(booking)
        if tries.not_before is not None and dt_util.utcnow() < tries.not_before:
            return False  # refused: waits for its retry, whatever polls come meanwhile
        if tries.count >= MAX_ATTEMPTS:
            return False
        tries.count += 1
        return True

    def _tries_of(self, booking: Booking) -> _Tries:
        tries = self._tries.get(booking.event_id)
        if tries is None:
            tries = self._tries[booking.event_id] = _Tries(booking.end)
        return tries

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())

    def as_diagnostics(self) -> dict[str, Any]:
        """Return what the office did and has still to do: booking ids and times, no titles.

        What "why was this booking released (or not)?" needs.
        """
        return {
            "options": {
                "grace_minutes": self.grace.total_seconds() / 60,
                "release_no_shows": self.release_no_shows,
                "check_in_on_arrival": self.check_in_on_arrival,
                "counts_own_sensors": self.counts_own_sensors,
            },
            # Booking id -> its end, as stored (kept over restarts).
            **self._stored(),
            "tries": {
                event_id: {
                    "count": tries.count,
                    "not_before": tries.not_before.isoformat() if tries.not_before else None,
                }
                for event_id, tries in self._tries.items()
            },
            "releases_unsure": sorted(self._releases_unsure),
            "check_ins_unsure": sorted(self._check_ins_unsure),
            "rooms_now": {
                str(space_id): {
                    "booking_id": office.booking.event_id if office.booking else None,
                    "no_show": office.no_show,
                    "checked_in": office.checked_in,
                    "unbooked_use_since": office.unbooked_use_since.isoformat()
                    if office.unbooked_use_since
                    else None,
                }
                for space_id, office in sorted(self._shown.items())
                if office.booking is not None or office.unbooked_use
            },
        }

    def _stored(self) -> dict[str, dict[str, str]]:
        return {
            "released": dict(self._released),
            "checked_in": dict(self._checked_in),
            "unbooked_announced": {
                str(space_id): since.isoformat()
                for space_id, since in self._unbooked_announced.items()
            },
        }

    def _room_data(self, space: Space) -> dict[str, Any]:
        # Looked up among the entry's devices: async_get_device is deprecated since 2026.8,
        # and its replacement does not exist on 2026.3.
        identifier = room_identifier(space.id)
        registry = dr.async_get(self.hass)
        device_id = next(
            (
                device.id
                for device in dr.async_entries_for_config_entry(registry, self.entry.entry_id)
                if identifier in device.identifiers
            ),
            None,
        )
        return {
            "config_entry_id": self.entry.entry_id,
            "device_id": device_id,
            "space_id": space.id,
            "room": space.name,
        }

    def _zone(self, space: Space) -> tzinfo:
        """Return the room's time zone: the times in events are in the room's hours."""
        return self.coordinator.data.time_zone_of(space) or dt_util.get_default_time_zone()

    def _booking_data(self, space: Space, booking: Booking) -> dict[str, Any]:
        zone = self._zone(space)
        return {
            **self._room_data(space),
            "booking_id": booking.event_id,
            "title": booking.title,
            "start": booking.start.astimezone(zone).isoformat(),  # in the room's hours
            "end": booking.end.astimezone(zone).isoformat(),
        }


def _pruned(done: dict[str, str], now: datetime) -> dict[str, str]:
    """Forget bookings that ended long ago (and anything unreadable)."""
    kept: dict[str, str] = {}
    for event_id, end in done.items():
        ended = dt_util.parse_datetime(end) if isinstance(end, str) else None
        if ended is not None and now - ended < FORGET_AFTER:
            kept[event_id] = end
    return kept


def _drop_ended(done: dict[str, str], now: datetime) -> bool:
    """Drop, in place, the bookings `_pruned` forgets; tell whether there were any."""
    kept = _pruned(done, now)
    if len(kept) == len(done):
        return False
    for event_id in done.keys() - kept.keys():
        del done[event_id]
    return True


def _announced(stored: dict[str, str]) -> dict[int, datetime]:
    """Read back the announced unbooked uses (anything unreadable is dropped)."""
    announced: dict[int, datetime] = {}
    for space_id, since in stored.items():
        at = dt_util.parse_datetime(since) if isinstance(since, str) else None
        if at is not None and space_id.isdigit():
            announced[int(space_id)] = at
    return announced


async def async_start_office(hass: HomeAssistant, entry: RobinConfigEntry) -> OfficeActor:
    """Start watching an entry's rooms; stopped when the entry unloads."""
    actor = OfficeActor(hass, entry)
    actors = hass.data.setdefault(OFFICE_ACTORS, {})
    actors[entry.entry_id] = actor

    @callback
    def forget() -> None:
        actors.pop(entry.entry_id, None)

    entry.async_on_unload(forget)
    await actor.async_start()
    return actor


def office_actor(hass: HomeAssistant, entry: RobinConfigEntry) -> OfficeActor:
    """Return the running actor of a loaded entry."""
    return hass.data[OFFICE_ACTORS][entry.entry_id]


async def async_remove_office(hass: HomeAssistant, entry_id: str) -> None:
    """Forget an entry's record of released and checked-in bookings."""
    await Store[dict[str, dict[str, str]]](
        hass, STORAGE_VERSION, storage_key(entry_id)
    ).async_remove()
    hass.data.get(IN_FLIGHT_BEFORE_RELOAD, {}).pop(entry_id, None)


def _refused_this_booking_only(err: RobinError) -> bool:
    """Tell whether Robin refused one request (a 4xx), not every request for now."""
    return isinstance(err, RobinResponseError) and not isinstance(
        err, RobinRateLimitError | RobinServerError | RobinAuthenticationError
    )
