"""Polls Robin for the rooms, presence and bookings of the selected locations."""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Coroutine, Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Event,
    Level,
    Location,
    RobinAuthenticationError,
    RobinClient,
    RobinError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    Space,
    TokenInfo,
)
from .const import (
    CONF_CALENDAR_DAYS,
    CONF_INCLUDE_UNBOOKABLE,
    CONF_LOCATIONS,
    CONF_ORGANIZATION_ID,
    DEFAULT_CALENDAR_DAYS,
    DEFAULT_INCLUDE_UNBOOKABLE,
    DEFAULT_SCAN_INTERVAL,
    DISCOVERY_INTERVAL,
    DOMAIN,
    EVENTS_LOOKBEHIND,
    ISSUE_READ_ONLY_TOKEN,
    LOGGER,
)
from .data import RobinData, event_end, event_start, location_time_zone

type RobinConfigEntry = ConfigEntry[RobinCoordinator]

# After our own booking or calendar edit, refresh at once but not more than every 2 s.
REFRESH_COOLDOWN = 2.0
WINDOW_INTERVAL = timedelta(minutes=15)
NEAR_WINDOW = timedelta(hours=25)
HTTP_METHOD_NOT_ALLOWED = 405
# A room or location Robin stops listing is kept (available, with its last data) until it
# has been missing from this many discoveries in a row, or Robin answers 404 for it: one
# empty answer (Robin's `{}` for an empty list, or a glitch) must not delete anything.
MISSED_DISCOVERIES_BEFORE_REMOVAL = 3

type Identifier = tuple[str, str]


def room_identifier(space_id: int) -> Identifier:
    """Return the device identifier of a room."""
    return (DOMAIN, f"space_{space_id}")


def location_identifier(location_id: int) -> Identifier:
    """Return the device identifier of a location."""
    return (DOMAIN, f"location_{location_id}")


class RobinCoordinator(DataUpdateCoordinator[RobinData]):
    """Keeps one snapshot of the rooms, presence and bookings of a Robin organization.

    Rooms are discovered at setup and again every DISCOVERY_INTERVAL. Each poll costs two
    requests per location (presence and the event window for all its rooms), plus extra pages.
    """

    config_entry: RobinConfigEntry

    def __init__(self, hass: HomeAssistant, entry: RobinConfigEntry, client: RobinClient) -> None:
        """Create the coordinator of one config entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=timedelta(
                seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
            always_update=False,
            request_refresh_debouncer=Debouncer(
                hass, LOGGER, cooldown=REFRESH_COOLDOWN, immediate=True
            ),
        )
        self.client = client
        self.token_info: TokenInfo | None = None
        self._locations: dict[int, Location] = {}
        self._spaces: dict[int, Space] = {}
        self._levels: dict[int, Level] = {}
        self._discovered_at: datetime | None = None
        # What the last discovery heard Robin list, and how often each other known room or
        # location has been missing in a row.
        self._listed: set[Identifier] = set()
        self._misses: dict[Identifier, int] = {}
        self._empty_answer_logged = False
        # GET /locations/{id}/events is only observed, not documented: if Robin stops
        # answering it, fall back to the documented free/busy call.
        self.location_events_supported = True
        self._event_details: dict[str, Event] = {}
        # The whole calendar window is read every WINDOW_INTERVAL; polls in between read
        # only the next day, so a poll costs two requests per location, not many pages.
        self._window_read_at: datetime | None = None
        self._window: tuple[datetime, datetime] = (datetime.min.replace(tzinfo=UTC),) * 2
        self._events_by_location: dict[int, list[Event]] = {}

    @property
    def calendar_days(self) -> int:
        """Return how many days ahead the cached event window reaches."""
        return int(self.config_entry.options.get(CONF_CALENDAR_DAYS, DEFAULT_CALENDAR_DAYS))

    @property
    def can_write(self) -> bool:
        """Tell whether the token may book (it has Robin's write scope)."""
        return self.token_info is not None and self.token_info.can_write

    async def _async_setup(self) -> None:
        """Check the token and discover the rooms once, before the first poll."""
        try:
            self.token_info = await self.client.get_token_info()
            self._update_write_scope_issue()
            await self._discover(dt_util.utcnow())
        except RobinError as err:
            raise self._translate_error(err) from err

    def _update_write_scope_issue(self) -> None:
        issue_id = f"{ISSUE_READ_ONLY_TOKEN}_{self.config_entry.entry_id}"
        if self.can_write:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_READ_ONLY_TOKEN,
            translation_placeholders={"organization": self.config_entry.title},
        )

    async def _discover(self, now: datetime) -> None:
        """Read the selected locations and their rooms; forget those Robin no longer has.

        Rooms and locations missing from Robin's answer are kept until they have been missing
        MISSED_DISCOVERIES_BEFORE_REMOVAL times in a row, or Robin answers 404 for them.
        """
        selected = set(self.config_entry.data[CONF_LOCATIONS])
        include_unbookable = self.config_entry.options.get(
            CONF_INCLUDE_UNBOOKABLE, DEFAULT_INCLUDE_UNBOOKABLE
        )
        listed_locations = {
            location.id: location
            for location in await self.client.get_locations(
                self.config_entry.data[CONF_ORGANIZATION_ID]
            )
            if location.id in selected
        }
        # Locations missing from this answer are still read until they are removed.
        locations = {
            location_id: location
            for location_id, location in {**self._locations, **listed_locations}.items()
            if location_id in selected
        }
        space_lists = await _run_all(self._spaces_or_none(location_id) for location_id in locations)
        levels = await self._read_levels(locations)

        known = self._known_identifiers()
        listed = {location_identifier(location_id) for location_id in listed_locations}
        gone: set[Identifier] = set()
        spaces: dict[int, Space] = {}
        empty_answer = not listed_locations and any(
            identifier[1].startswith("location_") for identifier in known
        )
        for location_id, space_list in zip(locations, space_lists, strict=True):
            if space_list is None:  # Robin answered 404: the location is gone
                gone.add(location_identifier(location_id))
                gone.update(
                    room_identifier(space.id)
                    for space in self._spaces.values()
                    if space.location_id == location_id
                )
                continue
            if space_list:  # rooms listed: the location exists, whatever its list said
                listed.add(location_identifier(location_id))
            elif self._had_rooms(location_id, known):
                empty_answer = True
            for space in space_list:
                if include_unbookable or space.is_bookable:
                    spaces[space.id] = space
                    listed.add(room_identifier(space.id))
                else:
                    gone.add(room_identifier(space.id))  # Robin has it, the user doesn't want it

        gone |= await self._confirm_gone(known - listed - gone, selected, trusted=not empty_answer)

        removed = set(gone)
        for identifier in known | listed:
            if identifier in listed:
                self._misses.pop(identifier, None)
                continue
            misses = self._misses[identifier] = self._misses.get(identifier, 0) + 1
            if misses >= MISSED_DISCOVERIES_BEFORE_REMOVAL:
                removed.add(identifier)
        for identifier in removed:
            self._misses.pop(identifier, None)

        self._locations = {
            location_id: location
            for location_id, location in locations.items()
            if location_identifier(location_id) not in removed
        }
        kept_spaces = {
            space_id: space
            for space_id, space in self._spaces.items()
            if room_identifier(space_id) not in removed and space.location_id in self._locations
        }
        self._spaces = {**kept_spaces, **spaces}
        self._levels = levels
        self._listed = listed
        self._discovered_at = now
        self._remove_devices(removed)

    async def _read_levels(self, locations: Iterable[int]) -> dict[int, Level]:
        """Return the floors of the locations, one request each, keyed by level id.

        Only names are read from levels, so nothing is ever forgotten for an answer: a level
        Robin stops listing keeps its last name, and where Robin does not answer the call
        (it is observed, not documented) rooms show no floor name rather than failing the poll.
        """
        location_ids = list(locations)
        answers = await _run_all(self._levels_or_none(location_id) for location_id in location_ids)
        levels = {
            level_id: level
            for level_id, level in self._levels.items()
            if level.location_id in location_ids
        }
        for answer in answers:
            levels.update((level.id, level) for level in answer or ())
        return levels

    async def _levels_or_none(self, location_id: int) -> list[Level] | None:
        try:
            return await self.client.get_levels(location_id)
        except RobinAuthenticationError, RobinRateLimitError:
            raise
        except RobinError as err:
            LOGGER.debug("Robin did not list the levels of location %s: %s", location_id, err)
            return None

    async def _confirm_gone(
        self, missing: set[Identifier], selected: set[int], *, trusted: bool
    ) -> set[Identifier]:
        """Return which of the rooms and locations Robin stopped listing are really gone.

        After an empty answer nothing is asked (that would cost a request per room): the
        missing ones just count a miss, and the answer is logged once until a full one comes.
        """
        if not trusted:
            if not self._empty_answer_logged:
                LOGGER.warning(
                    "Robin answered an empty list where there were rooms or locations; keeping "
                    "them unless they stay missing for %s discoveries",
                    MISSED_DISCOVERIES_BEFORE_REMOVAL,
                )
                self._empty_answer_logged = True
            return set()
        self._empty_answer_logged = False
        ordered = sorted(missing)
        answers = await _run_all(self._is_gone(identifier, selected) for identifier in ordered)
        return {identifier for identifier, is_gone in zip(ordered, answers, strict=True) if is_gone}

    async def _spaces_or_none(self, location_id: int) -> list[Space] | None:
        """Return a location's rooms, or None if Robin says the location does not exist."""
        try:
            return await self.client.get_spaces(location_id)
        except RobinNotFoundError:
            return None

    async def _is_gone(self, identifier: Identifier, selected: set[int]) -> bool:
        """Tell whether a room or location Robin stopped listing is really gone (or unselected)."""
        kind, _, raw_id = identifier[1].partition("_")
        if not raw_id.isdigit():
            return False
        try:
            if kind == "location":
                if int(raw_id) not in selected:
                    return True
                await self.client.get_location(int(raw_id))
                return False
            space = await self.client.get_space(int(raw_id))
        except RobinNotFoundError:
            return True
        return space.location_id not in selected

    def _had_rooms(self, location_id: int, known: set[Identifier]) -> bool:
        """Tell whether a location had rooms (any room, before the first discovery)."""
        if self._spaces:
            return any(space.location_id == location_id for space in self._spaces.values())
        return any(identifier[1].startswith("space_") for identifier in known)

    def _known_identifiers(self) -> set[Identifier]:
        """Return the rooms and locations known from the last discovery or as devices."""
        registry = dr.async_get(self.hass)
        known = {room_identifier(space_id) for space_id in self._spaces} | {
            location_identifier(location_id) for location_id in self._locations
        }
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            known.update(identifier for identifier in device.identifiers if identifier[0] == DOMAIN)
        return known

    def _remove_devices(self, removed: set[Identifier]) -> None:
        """Remove the devices of rooms and locations that are gone from Robin."""
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if device.identifiers & removed:
                LOGGER.debug("Removing device %s: gone from Robin", device.name)
                registry.async_remove_device(device.id)

    def async_forget_device(self, identifiers: set[Identifier]) -> bool:
        """Let the user delete a device Robin no longer lists; refuse one it still lists."""
        if identifiers & self._listed:
            return False
        for identifier in identifiers:
            self._misses.pop(identifier, None)
            kind, _, raw_id = identifier[1].partition("_")
            if raw_id.isdigit() and kind == "space":
                self._spaces.pop(int(raw_id), None)
            elif raw_id.isdigit() and kind == "location":
                self._locations.pop(int(raw_id), None)
        return True

    async def async_refresh_bookings(self) -> None:
        """Refresh at once after our own change, re-reading the whole calendar window.

        Inside Robin's Retry-After the refresh waits for the next scheduled poll.
        """
        self._window_read_at = None
        if self.client.rate_limited_for:
            return
        await self.async_request_refresh()

    async def _async_update_data(self) -> RobinData:
        now = dt_util.utcnow()
        # Windows move by whole hours so that consecutive snapshots compare equal.
        hour = now.replace(minute=0, second=0, microsecond=0)
        read_window = self._window_read_at is None or now - self._window_read_at >= WINDOW_INTERVAL
        if read_window:
            window = (hour - EVENTS_LOOKBEHIND, hour + timedelta(days=self.calendar_days, hours=1))
        else:  # only the next day, the part sensors and automations act on
            window = (hour, hour + NEAR_WINDOW)
        # Events that ended before the cached window are forgotten.
        keep_after = window[0] if read_window else self._window[0]
        try:
            if self._discovered_at is None or now - self._discovered_at >= DISCOVERY_INTERVAL:
                await self._discover(now)
            results = await _run_all(
                self._poll_location(location, *window, keep_after)
                for location in self._locations.values()
            )
        except RobinError as err:
            raise self._translate_error(err) from err
        if read_window:
            self._window = window
            self._window_read_at = now

        people: dict[int, int] = defaultdict(int)
        events: dict[int, dict[str, Event]] = defaultdict(dict)
        for sessions, location_events in results:
            for space_id in sessions:
                if space_id in self._spaces:
                    people[space_id] += 1
            for event in location_events:
                if event.space_id in self._spaces:
                    events[event.space_id][event.id] = event
        return RobinData(
            locations=dict(self._locations),
            spaces=dict(self._spaces),
            people_present={space_id: people.get(space_id, 0) for space_id in self._spaces},
            events={
                space_id: tuple(sorted(events[space_id].values(), key=_sort_key))
                for space_id in self._spaces
            },
            window_start=self._window[0],
            window_end=self._window[1],
            levels=dict(self._levels),
        )

    async def _poll_location(
        self, location: Location, start: datetime, end: datetime, keep_after: datetime
    ) -> tuple[list[int], list[Event]]:
        """Return the space ids of active presence sessions and the events of one location.

        The events read for start..end replace the cached ones in that range; cached events
        that ended by keep_after are dropped.
        """
        async with asyncio.TaskGroup() as group:
            presence_task = group.create_task(self.client.get_location_presence(location.id))
            events_task = group.create_task(self._location_events(location, start, end))
        presence, read = presence_task.result(), events_task.result()
        sessions = [
            session.space_id
            for session in presence
            if session.session_active and session.space_id is not None
        ]
        zone = location_time_zone(location) or UTC
        kept = [
            event
            for event in self._events_by_location.get(location.id, [])
            if (event_end(event, zone) <= start or event_start(event, zone) >= end)
            and event_end(event, zone) > keep_after
        ]
        self._events_by_location[location.id] = events = kept + read
        return sessions, events

    async def _location_events(
        self, location: Location, start: datetime, end: datetime
    ) -> list[Event]:
        if self.location_events_supported:
            try:
                return await self.client.get_location_events(location.id, start, end)
            except RobinResponseError as err:
                if (
                    not isinstance(err, RobinNotFoundError)
                    and err.status != HTTP_METHOD_NOT_ALLOWED
                ):
                    raise
                LOGGER.info(
                    "Robin does not list events by location (HTTP %s); using free/busy instead",
                    err.status,
                )
                self.location_events_supported = False
        return await self._events_from_free_busy(location, start, end)

    async def _events_from_free_busy(
        self, location: Location, start: datetime, end: datetime
    ) -> list[Event]:
        """Read busy blocks in one call, then the details of each event not seen before."""
        spaces = [space for space in self._spaces.values() if space.location_id == location.id]
        busy_spaces = await self.client.get_free_busy(
            start=start,
            end=end,
            time_zone=str(location_time_zone(location) or dt_util.get_default_time_zone()),
            location_ids=[location.id],
            types=sorted({space.type for space in spaces if space.type}),
            include_unbookable=True,
        )
        event_ids = [
            event_id
            for busy_space in busy_spaces
            for busy in busy_space.busy
            for event_id in busy.event_ids
        ]
        # Forget the details of events that are over; the snapshot keeps what it shows.
        self._event_details = {
            event_id: event
            for event_id, event in self._event_details.items()
            if event_end(event, UTC) > start
        }
        missing = [
            event_id for event_id in dict.fromkeys(event_ids) if event_id not in self._event_details
        ]
        for event in await _run_all(self._event_or_none(event_id) for event_id in missing):
            if event is not None:
                self._event_details[event.id] = event
        return [
            self._event_details[event_id]
            for event_id in event_ids
            if event_id in self._event_details
        ]

    async def _event_or_none(self, event_id: str) -> Event | None:
        try:
            return await self.client.get_event(event_id)
        except RobinNotFoundError:
            return None  # cancelled between the two calls

    def _translate_error(self, err: RobinError) -> Exception:
        """Map a client error to what Home Assistant expects from a coordinator.

        While Robin's Retry-After lasts (from this poll or any other request), the failure is
        a rate limit and the next poll waits for it, but never less than the interval:
        Home Assistant schedules the next poll exactly `retry_after` seconds ahead.
        """
        wait = self.client.rate_limited_for
        if wait or isinstance(err, RobinRateLimitError):
            interval = self.update_interval.total_seconds() if self.update_interval else 0.0
            # +1: Home Assistant rounds the loop time down to the second.
            return UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=max(interval, math.ceil(wait) + 1) if wait else None,
            )
        if isinstance(err, RobinAuthenticationError):
            return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="invalid_auth")
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="update_failed",
            translation_placeholders={"error": str(err)},
        )

    def forget_event(self, event_id: str) -> None:
        """Drop cached details of an event we changed, so the next poll reads it anew."""
        self._event_details.pop(event_id, None)

    async def async_get_space_events(
        self, space: Space, start: datetime, end: datetime
    ) -> tuple[Event, ...]:
        """Return a room's events in any range: from the cache when it covers the range."""
        data = self.data
        if data.covers(start, end):
            return data.events.get(space.id, ())
        events = await self.client.get_space_events(space.id, start, end)
        return tuple(sorted(events, key=_sort_key))


def _sort_key(event: Event) -> tuple[datetime, str]:
    start = event.start
    if not isinstance(start, datetime):  # an all-day date: close enough to its local midnight
        start = datetime.combine(start, time.min, UTC)
    return (start.astimezone(UTC), event.id)


async def _run_all[T](coros: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Await requests together; if one fails the others are cancelled before this returns.

    Of several failures, a rate limit is raised first: it decides when to ask again.
    """
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coro) for coro in coros]
    except ExceptionGroup as failures:
        errors = _leaves(failures)
        if not all(isinstance(error, RobinError) for error in errors):
            raise
        rate_limits = [error for error in errors if isinstance(error, RobinRateLimitError)]
        raise (rate_limits or errors)[0] from None
    return [task.result() for task in tasks]


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in group.exceptions:
        leaves.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return leaves


def spaces_of_location(data: RobinData, location_id: int) -> Iterable[Space]:
    """Return the rooms of one location."""
    return (space for space in data.spaces.values() if space.location_id == location_id)
