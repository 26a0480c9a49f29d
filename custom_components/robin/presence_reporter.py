"""Report presence seen by Home Assistant's sensors to Robin (`POST /spaces/{id}/presence`).

While any source of a room is on (presence_sources.py), Robin holds a presence session of
the Robin device registered for Home Assistant in that room, with a short TTL that is
refreshed before it runs out; when all sources are off the session is ended (`DELETE`).
A source that is unavailable or unknown tells neither: while none is on and one cannot tell,
nothing is sent, and a session Robin holds runs out by its TTL unless the sources tell again.

One scheduler serves every room: a single timer wakes at the earliest moment a room needs a
request, and one run sends what is due, one request after the other. A room gets at most
one request every MIN_REQUEST_SPACING, so a flapping sensor costs no more than that, and
a flap that ends where it started costs nothing. Robin's Retry-After stops every request
until it has passed. Rooms Robin disabled, or whose location it refuses (403, 404), get no
request until that ends: Robin would refuse every one. Nothing is sent on unload or
shutdown: sessions expire by their TTL.
A reload (an options change, say) carries what Robin holds over to the next reporter, so
that it neither posts again at once nor leaves a session that should end to its TTL.
The Robin device is the entry's one for check-ins too (check_in.py): looked up once for both.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
)
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import (
    RECOMMENDED_PRESENCE_TTL,
    RobinError,
    RobinNotFoundError,
    RobinRateLimitError,
)
from .const import (
    DOMAIN,
    ISSUE_NO_PRESENCE_DEVICE,
    ISSUE_PRESENCE_READ_ONLY,
    LOGGER,
    PRESENCE_DEVICE_NAME,
)
from .coordinator import RobinCoordinator
from .issues import async_set_entry_issue
from .presence_sources import room_devices, room_sources

# Robin allows 20 minutes and recommends under 5: a session outlives Home Assistant by at
# most this long.
SESSION_TTL = RECOMMENDED_PRESENCE_TTL
# A session is refreshed this long before its TTL runs out.
REFRESH_MARGIN = timedelta(minutes=1)
# At most one request per room this often: sensor flaps in between are coalesced.
MIN_REQUEST_SPACING = timedelta(seconds=15)
# A refresh due within this long is sent with an earlier run (it is still over 3 minutes
# after the previous post, far from the rate Robin calls abuse).
REFRESH_BATCH = timedelta(seconds=30)
# After Robin failed (not a rate limit), the room is tried again this much later.
RETRY_AFTER_FAILURE = timedelta(minutes=1)
# A failed refresh is tried again this soon while the session it extends still holds: a
# minute later it would have lapsed, and Robin would count a new arrival. Not sooner: Robin
# may count posts a tenth of the TTL apart as abuse.
RETRY_REFRESH_AFTER_FAILURE = timedelta(seconds=30)
# A post Robin answers 404 may name a device deleted (and registered anew) in Robin: the
# device is looked up again, at most this often (a room deleted in Robin answers 404 too).
DEVICE_RECHECK = timedelta(minutes=5)


@dataclass(slots=True)
class _Room:
    """What Robin holds for one room, as far as Home Assistant knows."""

    sources: frozenset[str] = frozenset()
    reported: bool = False  # Robin (may) hold our session; an unknown outcome counts as held
    reported_at: datetime | None = None  # the last POST Robin confirmed
    held_until: datetime | None = None  # Robin holds no session of ours after this
    not_before: datetime | None = None  # spacing and retry after a failure
    failing: bool = False  # Robin failed the last request (told once in the log)


# What one reporter leaves to the next of the same entry (within one run of HA): its rooms.
REPORTED_BEFORE_RELOAD: HassKey[dict[str, dict[int, _Room]]] = HassKey(
    f"{DOMAIN}_presence_reported"
)


class PresenceReporter:
    """Reports the presence Home Assistant's sensors see, for one config entry."""

    def __init__(self, hass: HomeAssistant, coordinator: RobinCoordinator) -> None:
        """Prepare; nothing happens until async_start."""
        self.hass = hass
        self.coordinator = coordinator
        self.entry = coordinator.config_entry
        # The Robin device is looked up by, and kept in, the entry's identity.
        self.identity = coordinator.check_in_identity
        self.rooms: dict[int, _Room] = hass.data.get(REPORTED_BEFORE_RELOAD, {}).pop(
            self.entry.entry_id, {}
        )
        # Until then the device is not looked for again (hourly while Robin has none).
        self._look_up_not_before: datetime | None = None
        self._look_up_failing = False  # Robin failed the last look-up (told once in the log)
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._unsubscribe_states: CALLBACK_TYPE | None = None
        # Rooms nothing is sent for: disabled in Robin, or of a location Robin refuses.
        self._held_back: frozenset[int] = frozenset()
        self._timer: CALLBACK_TYPE | None = None
        self._timer_at: datetime | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._run_again = False

    @callback
    def async_start(self) -> None:
        """Follow the sources and start reporting."""
        self._unsubscribe = [
            self.hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self._registry_changed),
            self.hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, self._registry_changed),
            async_dispatcher_connect(self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._entry_changed),
            self.coordinator.async_add_listener(self._update_sources),
            # A location's refusal begins and ends with a poll, not with a change of the rooms.
            self.coordinator.async_add_poll_listener(self._poll_done),
        ]
        # The options flow refuses the option for such a token, but the token may have been
        # replaced by a read-only one since: nothing is reported then, and the user is told.
        async_set_entry_issue(
            self.hass,
            self.entry,
            ISSUE_PRESENCE_READ_ONLY,
            active=not self.coordinator.can_write,
            severity=ir.IssueSeverity.ERROR,
        )
        self._update_sources()

    @callback
    def async_stop(self) -> None:
        """Stop everything at once; Robin's sessions expire by their TTL."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self._unsubscribe_states is not None:
            self._unsubscribe_states()
            self._unsubscribe_states = None
        self._cancel_timer()
        if self._run_task is not None:
            self._run_task.cancel()
        if self.identity.device_id is not None:
            self.hass.data.setdefault(REPORTED_BEFORE_RELOAD, {})[self.entry.entry_id] = self.rooms
        # The repair issues stay: a reload keeps them while their cause lasts (the next
        # setup withdraws them otherwise), and with them the user's "Ignore".

    # -- sources ---------------------------------------------------------------------------

    @callback
    def _registry_changed(self, _event: Event[Any]) -> None:
        self._update_sources()  # an entity or device moved to another area, or appeared

    @callback
    def _entry_changed(self, change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED and entry.entry_id == self.entry.entry_id:
            self._update_sources()  # a presence sources subentry was added or changed

    @callback
    def _update_sources(self) -> None:
        """Re-read every room's sources and follow their states."""
        sources = room_sources(
            self.hass,
            self.entry,
            room_devices(self.hass, self.entry, self.coordinator.data.spaces),
        )
        for space_id in set(self.rooms) - set(sources):
            # A room gone from Robin or from the entry: its session expires by its TTL.
            del self.rooms[space_id]
        changed = False
        for space_id, room_sources_now in sources.items():
            room = self.rooms.setdefault(space_id, _Room())
            if room.sources != room_sources_now:
                room.sources = room_sources_now
                changed = True
        released = self._follow_held_back()
        if not changed and self._unsubscribe_states is not None:
            if released:
                self._request_run()
            return
        if self._unsubscribe_states is not None:
            self._unsubscribe_states()
        every_source = sorted({source for room in self.rooms.values() for source in room.sources})
        self._unsubscribe_states = async_track_state_change_event(
            self.hass, every_source, self._source_changed
        )
        self._request_run()

    @callback
    def _poll_done(self) -> None:
        if self._follow_held_back():
            self._request_run()

    def _follow_held_back(self) -> bool:
        """Note the rooms held back now; tell whether any is no longer.

        A room Robin enables again, or whose location it answers for again, may have had a
        source on all along: it is reported at once.
        """
        held_back = frozenset(filter(self._is_held_back, self.rooms))
        released = bool(self._held_back - held_back)
        self._held_back = held_back
        return released

    def _is_held_back(self, space_id: int) -> bool:
        """Tell whether Robin would refuse the room's presence now: disabled, or its location."""
        space = self.coordinator.data.spaces.get(space_id)
        return space is not None and (
            space.is_disabled or self.coordinator.is_refused(space.location_id)
        )

    @callback
    def _source_changed(self, _event: Event[EventStateChangedData]) -> None:
        self._request_run()

    def _presence(self, room: _Room) -> bool | None:
        """Tell whether anyone is in the room, as its sources see it.

        True when any source is on, False when all are off; None when none is on and some
        cannot tell (unavailable, unknown): a sensor that drops out is no one leaving.
        """
        cannot_tell = False
        for source in room.sources:
            if (state := self.hass.states.get(source)) is None:
                continue  # no longer in Home Assistant: not a source
            if state.state == STATE_ON:
                return True
            cannot_tell |= state.state != STATE_OFF
        return None if cannot_tell else False

    def _is_present(self, room: _Room) -> bool:
        return self._presence(room) is True

    # -- the scheduler ---------------------------------------------------------------------

    @callback
    def _request_run(self) -> None:
        """Run now, or once more right after the run under way."""
        if self._run_task is not None and not self._run_task.done():
            self._run_again = True
            return
        self._cancel_timer()
        self._run_task = self.entry.async_create_background_task(
            self.hass, self._run(), f"{DOMAIN} presence reports"
        )

    @callback
    def _wake_at(self, when: datetime) -> None:
        """Run at `when`, unless a run is already due earlier."""
        if self._timer is not None and self._timer_at is not None and self._timer_at <= when:
            return
        self._cancel_timer()
        self._timer_at = when
        self._timer = async_track_point_in_utc_time(self.hass, self._timer_fired, when)

    @callback
    def _timer_fired(self, _now: datetime) -> None:
        self._timer = self._timer_at = None
        self._request_run()

    @callback
    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
        self._timer = self._timer_at = None

    async def _run(self) -> None:
        """Send every request that is due, then sleep until the next one is."""
        while True:
            self._run_again = False
            next_run = await self._send_due(dt_util.utcnow())
            if not self._run_again:
                break
        if next_run is not None:
            self._wake_at(next_run)

    async def _send_due(self, now: datetime) -> datetime | None:
        """Send what is due now; return when something will next be due (None: nothing)."""
        if not self.coordinator.can_write:
            return None  # a read-only token cannot report; the options flow says so
        if wait := self.coordinator.client.rate_limited_for:
            return now + timedelta(seconds=wait)
        if self.identity.device_id is None:
            if self._look_up_not_before is not None and now < self._look_up_not_before:
                return self._look_up_not_before  # not on every change of a sensor
            if retry_at := await self._look_up_device(now):
                self._look_up_not_before = retry_at
                return retry_at
        return await self._send_rooms(now)

    async def _send_rooms(self, now: datetime) -> datetime | None:
        """Send each room's request that is due; return when the next one will be."""
        next_due: list[datetime] = []
        for space_id, room in list(self.rooms.items()):
            if room.reported and room.held_until is not None and room.held_until <= now:
                # Its TTL ended the session: there is nothing left to end or to extend.
                room.reported, room.reported_at, room.held_until = False, None, None
            due = self._due(room, now)
            if due is None or self._is_held_back(space_id):
                continue  # a room held back is looked at again when it no longer is
            # Refreshes due soon go with this run, so that one wake-up serves several rooms.
            if due > now and not (self._is_refresh(room, now) and due <= now + REFRESH_BATCH):
                next_due.append(due)
                continue
            try:
                await self._send(space_id, room, now)
            except RobinRateLimitError:
                # Robin's Retry-After now holds every request; the rest wait for it too.
                wait = self.coordinator.client.rate_limited_for
                return now + timedelta(seconds=wait) if wait else now + RETRY_AFTER_FAILURE
            if self.identity.device_id is None:
                return now  # Robin no longer knows the device: it is looked up first
            if (after := self._due(room, now)) is not None:
                next_due.append(after)
        return min(next_due, default=None)

    def _is_refresh(self, room: _Room, now: datetime) -> bool:
        """Tell whether the room's next request only extends a session Robin holds."""
        return (
            room.reported
            and room.reported_at is not None
            and (room.not_before is None or room.not_before <= now)
            and self._is_present(room)
        )

    def _due(self, room: _Room, now: datetime) -> datetime | None:
        """Return when the room next needs a request (None: nothing to send).

        While its sources cannot tell, nothing: a session Robin holds is neither extended
        nor ended, and runs out by its TTL unless they tell again before.
        """
        present = self._presence(room)
        if present is None:
            return None
        if present and room.reported and room.reported_at is not None:
            due = room.reported_at + SESSION_TTL - REFRESH_MARGIN
        elif present != room.reported or (present and room.reported_at is None):
            due = now
        else:
            return None
        if room.not_before is not None and room.not_before > due:
            return room.not_before
        return due

    async def _send(self, space_id: int, room: _Room, now: datetime) -> None:
        """Report or end the room's session; failures are logged and retried later."""
        client = self.coordinator.client
        device_id = self.identity.device_id
        present = self._presence(room)
        if present is None or device_id is None:
            # Its sources stopped telling since the run began, or Robin refused the device
            # to a check-in meanwhile (it is looked up again first).
            return
        room.not_before = now + MIN_REQUEST_SPACING
        try:
            if present:
                room.reported = True  # also if the answer is lost: Robin may hold it
                try:
                    await client.report_presence(
                        space_id, session_ttl=SESSION_TTL, device_id=device_id
                    )
                finally:
                    # Whatever the answer, Robin took this post by now, or never will.
                    room.held_until = dt_util.utcnow() + SESSION_TTL
                room.reported_at = now
            else:
                # A 404: Robin holds no session of ours there, which is what was wanted.
                with suppress(RobinNotFoundError):
                    await client.end_presence(space_id, device_id=device_id)
                room.reported, room.reported_at, room.held_until = False, None, None
            if room.failing:
                room.failing = False
                LOGGER.info("Robin takes the presence of space %s again", space_id)
        except RobinRateLimitError:
            room.not_before = None
            raise
        except RobinError as err:
            retry_in = RETRY_AFTER_FAILURE
            if present and isinstance(err, RobinNotFoundError) and self._may_recheck_device(now):
                # Looked up again at the next run, and at the next check-in.
                self.identity.forget_device()
            if not present:
                room.reported_at = None  # the DELETE may have ended it: post anew, not refresh
            elif (
                room.reported_at is not None
                and now + RETRY_REFRESH_AFTER_FAILURE < room.reported_at + SESSION_TTL
            ):
                retry_in = RETRY_REFRESH_AFTER_FAILURE  # in time to extend the session
            # Warned once, not at every retry while Robin keeps failing.
            LOGGER.log(
                logging.DEBUG if room.failing else logging.WARNING,
                "Robin did not take the presence of space %s (%s); trying again in %s",
                space_id,
                err,
                retry_in,
            )
            room.failing = True
            room.not_before = now + retry_in

    async def _look_up_device(self, now: datetime) -> datetime | None:
        """Find the Robin device registered for Home Assistant.

        Return None once found, else when to look again. Without such a device a repair
        issue tells how to register one; it is looked for again hourly (a check-in that
        looked for it within the hour has answered for this look too).
        """
        try:
            device_id = await self.identity.find_device(look_again=False)
        except RobinRateLimitError:
            return now + timedelta(
                seconds=self.coordinator.client.rate_limited_for
                or RETRY_AFTER_FAILURE.total_seconds()
            )
        except RobinError as err:
            # Told once, not at every retry while Robin keeps failing; a pause Robin asked
            # for (above) is no failure.
            LOGGER.log(
                logging.DEBUG if self._look_up_failing else logging.WARNING,
                "Robin's devices could not be read (%s); presence is not reported until they "
                "can be, trying again in %s",
                err,
                RETRY_AFTER_FAILURE,
            )
            self._look_up_failing = True
            return now + RETRY_AFTER_FAILURE
        if self._look_up_failing:
            self._look_up_failing = False
            LOGGER.info("Robin's devices can be read again")
        async_set_entry_issue(
            self.hass,
            self.entry,
            ISSUE_NO_PRESENCE_DEVICE,
            active=device_id is None,
            placeholders={"device": PRESENCE_DEVICE_NAME},
        )
        if device_id is None:
            return self.identity.look_for_device_again_at() or now + RETRY_AFTER_FAILURE
        return None

    def _may_recheck_device(self, now: datetime) -> bool:
        """Tell whether the device has not been confirmed in Robin for DEVICE_RECHECK."""
        found_at = self.identity.device_found_at
        return found_at is None or now - found_at >= DEVICE_RECHECK
