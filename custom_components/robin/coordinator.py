"""Polls Robin for the rooms, presence and bookings of the selected locations."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

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


def room_identifier(space_id: int) -> tuple[str, str]:
    """Return the device identifier of a room."""
    return (DOMAIN, f"space_{space_id}")


def location_identifier(location_id: int) -> tuple[str, str]:
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
        self._discovered_at: datetime | None = None
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
            raise _translate_error(err) from err

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
        """Read the selected locations and their rooms; forget rooms Robin no longer has."""
        selected = set(self.config_entry.data[CONF_LOCATIONS])
        include_unbookable = self.config_entry.options.get(
            CONF_INCLUDE_UNBOOKABLE, DEFAULT_INCLUDE_UNBOOKABLE
        )
        locations = {
            location.id: location
            for location in await self.client.get_locations(
                self.config_entry.data[CONF_ORGANIZATION_ID]
            )
            if location.id in selected
        }
        space_lists = await asyncio.gather(
            *(self.client.get_spaces(location_id) for location_id in locations)
        )
        self._locations = locations
        self._spaces = {
            space.id: space
            for spaces in space_lists
            for space in spaces
            if include_unbookable or space.is_bookable
        }
        self._discovered_at = now
        self._remove_stale_devices()

    def _remove_stale_devices(self) -> None:
        """Remove the devices of rooms and locations that are gone from Robin."""
        current = {room_identifier(space_id) for space_id in self._spaces} | {
            location_identifier(location_id) for location_id in self._locations
        }
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if not device.identifiers & current:
                LOGGER.debug("Removing device %s: gone from Robin", device.name)
                registry.async_remove_device(device.id)

    async def async_refresh_bookings(self) -> None:
        """Refresh at once after our own change, re-reading the whole calendar window."""
        self._window_read_at = None
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
        try:
            if self._discovered_at is None or now - self._discovered_at >= DISCOVERY_INTERVAL:
                await self._discover(now)
            results = await asyncio.gather(
                *(self._poll_location(location, *window) for location in self._locations.values())
            )
        except RobinError as err:
            raise _translate_error(err) from err
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
        )

    async def _poll_location(
        self, location: Location, start: datetime, end: datetime
    ) -> tuple[list[int], list[Event]]:
        """Return the space ids of active presence sessions and the events of one location.

        The events read for start..end replace the cached ones in that range.
        """
        presence, read = await asyncio.gather(
            self.client.get_location_presence(location.id),
            self._location_events(location, start, end),
        )
        sessions = [
            session.space_id
            for session in presence
            if session.session_active and session.space_id is not None
        ]
        zone = location_time_zone(location) or UTC
        kept = [
            event
            for event in self._events_by_location.get(location.id, [])
            if event_end(event, zone) <= start or event_start(event, zone) >= end
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
        for event in await asyncio.gather(*(self._event_or_none(event_id) for event_id in missing)):
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


def _translate_error(err: RobinError) -> Exception:
    """Map a client error to what Home Assistant expects from a coordinator."""
    if isinstance(err, RobinAuthenticationError):
        return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="invalid_auth")
    if isinstance(err, RobinRateLimitError):
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            retry_after=err.retry_after,
        )
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="update_failed",
        translation_placeholders={"error": str(err)},
    )


def spaces_of_location(data: RobinData, location_id: int) -> Iterable[Space]:
    """Return the rooms of one location."""
    return (space for space in data.spaces.values() if space.location_id == location_id)
