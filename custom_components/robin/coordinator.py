"""Polls Robin for the presence and bookings of the selected locations' rooms.

Two rhythms: discovery (locations and rooms, hourly, in `discovery.py`) and live state
(presence and the near-term bookings every poll, the rest of the calendar window a slice
at a time). After a poll only the rooms whose shown data changed are told, and one timer
covers the next meeting boundary of all rooms.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from enum import Flag, auto
from functools import partial
from http import HTTPStatus
from typing import NamedTuple

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Answer,
    Event,
    Location,
    Presence,
    RobinAuthenticationError,
    RobinClient,
    RobinError,
    RobinForbiddenError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinWaitingError,
    Space,
    TokenInfo,
)
from .booking_cache import BookingCache, in_start_order
from .check_in import entry_identity
from .const import (
    CONF_CALENDAR_DAYS,
    CONF_OFF_HOURS_INTERVAL,
    DEFAULT_CALENDAR_DAYS,
    DEFAULT_OFF_HOURS_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DISCOVERY_INTERVAL,
    DOMAIN,
    EVENTS_LOOKBEHIND,
    ISSUE_LOCATION_REFUSED,
    LOGGER,
    REFUSED_POLLS_BEFORE_ISSUE,
)
from .data import (
    RobinData,
    RoomStatus,
    event_end,
    event_start,
    location_time_zone,
    room_status,
)
from .discovery import (
    Identifier,
    RoomDiscovery,
    first_of,
    location_identifier,
    room_identifier,
    run_all,
    shown,
)
from .event_status import holds_room, is_cancelled
from .issues import (
    async_entry_issue_subjects,
    async_set_entry_issue,
    async_set_write_scope_issues,
)
from .read_copies import ReadCopies
from .room_moments import RoomMoments
from .vanished_bookings import look_up
from .working_hours import WorkingHours, end_of_local_day

# The device identifiers are used from here by the platforms and actions.
__all__ = [
    "RobinConfigEntry",
    "RobinCoordinator",
    "RoomChange",
    "location_identifier",
    "room_identifier",
]

type RobinConfigEntry = ConfigEntry[RobinCoordinator]

# After our own booking or calendar edit, refresh at once but not more than every 2 s.
REFRESH_COOLDOWN = 2.0
# Every poll reads the bookings of the next hour: all that decides a room's availability
# (a meeting under way, or one starting within 15 minutes) and its next booking soon.
NEAR_WINDOW = timedelta(hours=1)
# The near read's bounds move by quarter hours, not every poll: the same read, answered
# the same, is not parsed again (see `RobinClient.get_location_events_if_changed`).
NEAR_STEP = timedelta(minutes=15)
# The rest of the calendar window is reread one day (UTC) of one location per poll.
WINDOW_SLICE = timedelta(days=1)
# A poll may fire a little before the instant it was planned for (Home Assistant rounds
# the loop's time down to the second): what falls due within this slack is due.
SCHEDULE_SLACK = timedelta(seconds=5)
# Failed slow polls are retried after 1, 2, 4, ... regular intervals (until the slow one).
MAX_BACKOFF_DOUBLINGS = 10
# A poll that comes due inside a Retry-After another request met (an action, the office's
# release, a presence report) waits for its end, the last poll's data shown meanwhile, if
# that makes it at most this late: a per-minute limit's pause (a minute or two, even
# extended by a second 429) is bridged without every entity turning unavailable and back;
# after a longer one (an hourly limit, maintenance) data that old is not shown as current.
POLL_LATE_AT_MOST = timedelta(minutes=5)
# While every location is outside its working hours there is no hourly rediscovery, so
# their working hours are reread this often on their own: an edit in Robin (opening earlier,
# closing later) takes effect within about an hour, not at the old schedule's next opening.
WORKING_HOURS_REREAD = timedelta(hours=1)
# The reread waits this long at most for a slow poll to come with (when they come at least
# hourly): a poll of its own would come on top of each of them, all night, once out of step.
WORKING_HOURS_WAIT = timedelta(minutes=15)

type Read = tuple[Location, datetime, datetime]
# A location's presence and its event reads' answers, or how Robin refused the location.
type LocationAnswer = (
    tuple[list[Presence], list[tuple[Read, list[Event] | None]]] | RobinResponseError
)


class RoomChange(Flag):
    """What about a room changed, so that only the entities showing it are written."""

    NONE = 0
    ROOM = auto()  # what its entities show of the room itself (`ShownRoom`)
    FLOOR = auto()  # the name of its floor (a level renamed in Robin)
    PRESENCE = auto()  # how many people are in it
    STATUS = auto()  # its booking under way and next one, its availability
    ALL = ROOM | FLOOR | PRESENCE | STATUS
    # Robin refused its location, or answers for it again: every entity of the room is
    # told (those following only the office actor too), as it turns (un)available.
    REFUSAL = auto()
    # Any of its bookings, on any day: no state shows them all, the calendar's open views
    # do. Not in ALL: an entity written on every booking change would be written in vain.
    BOOKINGS = auto()


class ShownRoom(NamedTuple):
    """What the room's entities show of the room itself: a change of it is a ROOM change.

    Nothing else of Robin's room is: its description, access or calendar's kind show
    nowhere; its type is its device's model, which the rediscovery updates and no state
    shows; its floor is compared by name (FLOOR); being disabled changes its status.
    """

    location_id: int  # the time zone the calendar shows all-day bookings in
    name: str  # the calendar's location and untitled bookings' title
    capacity: int | None
    amenities: frozenset[str]  # listed sorted by the availability sensor
    resource_email: str | None  # finds the room's answer: the calendar's booking status

    @classmethod
    def of(cls, space: Space) -> ShownRoom:
        """Return what the entities show of this room."""
        calendar = space.calendar
        return cls(
            space.location_id,
            space.name,
            space.capacity,
            frozenset(space.amenities),
            calendar.space_resource_email if calendar is not None else None,
        )


type Listeners = dict[int, list[tuple[CALLBACK_TYPE, RoomChange]]]
# A room as listed (without its last presence) and its floor's name.
type RoomFacts = tuple[Space, str | None]


class RobinCoordinator(DataUpdateCoordinator[RobinData]):
    """Keeps the rooms, presence and bookings of a Robin organization, room by room.

    A regular poll costs two requests per location (presence, and the next hour's events of
    all its rooms), plus one day of one location's calendar window.
    """

    config_entry: RobinConfigEntry

    # Set by `async_refresh` and `async_request_refresh`: the next poll is asked for.
    _refresh_asked = False
    # Set while a poll is moved to a Retry-After's end: the interval it puts back after.
    _interval_before_wait: timedelta | None = None
    # The whole window asked for since the poll under way decided what to read: what that
    # poll reads may predate the ask.
    _full_read_asked_again = False
    # While a poll reads Robin: our changes shown meanwhile, by booking id, which its reads
    # may predate (see `_keep_changes_shown_during_poll`).
    _shown_during_poll: dict[str, tuple[Space, Event | None]] | None = None

    def __init__(self, hass: HomeAssistant, entry: RobinConfigEntry, client: RobinClient) -> None:
        """Create the coordinator of one config entry."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=timedelta(
                seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),  # then set after each poll: see `_next_poll_in`
            always_update=False,
            request_refresh_debouncer=Debouncer(
                hass, LOGGER, cooldown=REFRESH_COOLDOWN, immediate=True
            ),
        )
        self.client = client
        self.token_info: TokenInfo | None = None
        # Whose the token is and the Robin device for Home Assistant: learnt once, when first
        # needed, and kept over reloads while the token stays (check_in.py).
        self.check_in_identity = entry_identity(hass, entry, client)
        self.discovery = RoomDiscovery(hass, entry, client)
        # GET /locations/{id}/events is only observed, not documented: if Robin stops
        # answering it, fall back to the documented free/busy call.
        self.location_events_supported = True
        self._event_details: dict[str, Event] = {}
        # The times free/busy listed each of those events with when its details were read.
        self._listed_times: dict[str, tuple[datetime | None, datetime | None]] = {}
        self.bookings = BookingCache()
        self._events_view = self.bookings.by_room
        # The bookings calendars showed from Robin beyond the window, as they showed them.
        self.read_copies = ReadCopies()
        self._people: dict[int, int] = {}
        # Occupied rooms -> when the first of the people now there arrived, as Robin says.
        self._arrived: dict[int, datetime] = {}
        # The range the cache holds every event of; the whole of it is read at setup and
        # after our own changes, then day by day (`_rolling`), the next hour every poll.
        self._window: tuple[datetime, datetime] = (datetime.min.replace(tzinfo=UTC),) * 2
        self._full_read_due = True
        # Per location: the days of the window still to reread, the end of the window they
        # reach, and how far its window is known (the cache's window ends at the earliest).
        self._rolling: dict[int, deque[tuple[datetime, datetime]]] = {}
        self._rolling_end: dict[int, datetime] = {}
        self._covered_until: dict[int, datetime] = {}
        self._rolling_turn = 0
        self._zones: dict[int, tzinfo] = {}
        # How Robin last answered each event read (location, start, end).
        self._answers: dict[tuple[int, datetime, datetime], Answer] = {}
        # The answers of the poll under way, remembered once its events are applied.
        self._answers_read: dict[tuple[int, datetime, datetime], Answer] = {}
        # Outside its working hours a location is polled every `off_hours_interval`.
        self._hours: dict[int, WorkingHours] = {}
        # When the working hours were last read (or tried): by a discovery, or on their own.
        self._hours_read_at: datetime | None = None
        self._last_polled: dict[int, datetime] = {}
        self._in_hours: dict[int, bool] = {}
        self._failed_polls = 0  # in a row
        # When the poll waiting for a Retry-After to end first came due.
        self._poll_due_since: datetime | None = None
        self._poll_everything = True
        # Per-room notification: what each room last showed, who listens to it.
        self._pending_rooms: set[int] = set()
        # Those of them whose bookings changed (RoomChange.BOOKINGS).
        self._rebooked_rooms: set[int] = set()
        # The rooms whose presence, bookings or facts the last poll changed (for the office
        # actor, which follows the rooms' bookings further than their shown status).
        self.rooms_changed_by_poll: set[int] = set()
        # The ids of the bookings the last poll dropped as gone: cancelled, or looked up
        # deleted (for the office actor, which follows nothing more of them).
        self.bookings_gone_by_poll: list[str] = []
        # From a poll's start until its poll listeners are called: what they work out of it
        # (the office actor's rooms) is not known yet, though entities may turn available.
        self.poll_listeners_due = False
        self._shown: dict[int, tuple[ShownRoom, str | None, int, RoomStatus]] = {}
        self._poll_listeners: list[CALLBACK_TYPE] = []
        self._shown_change_listeners: list[Callable[[int, str, Event | None], None]] = []
        self._check_in_listeners: list[Callable[[int, str], None]] = []
        self._occupied: dict[int, int] = {}
        # Location id -> its rooms: a location's presence and count look at its rooms only.
        self._rooms_of: dict[int, list[int]] = {}
        self._room_listeners: Listeners = defaultdict(list)
        self._location_listeners: Listeners = defaultdict(list)
        # One timer for the earliest meeting boundary of all rooms.
        self._boundaries = RoomMoments(hass, self._boundary_passed)
        # Locations Robin refuses (403, or 404 once deleted) while others answer: how many
        # polls in a row; those with a repair issue; those whose entities are to be told.
        self._refused: dict[int, int] = {}
        self._refusal_issues: set[int] = set()
        self._refusals_changed: set[int] = set()
        self._rediscover = False  # at the next poll: a location whose rooms were refused answers
        # After an empty answer left known rooms unread: when to rediscover, and how often
        # it has been tried.
        self._unread_retry_at: datetime | None = None
        self._unread_retries = 0

    @property
    def calendar_days(self) -> int:
        """Return how many days ahead the cached event window reaches."""
        return int(self.config_entry.options.get(CONF_CALENDAR_DAYS, DEFAULT_CALENDAR_DAYS))

    @property
    def off_hours_interval(self) -> timedelta | None:
        """Return how often a location is polled outside its working hours; None: as inside."""
        minutes = int(
            self.config_entry.options.get(CONF_OFF_HOURS_INTERVAL, DEFAULT_OFF_HOURS_INTERVAL)
        )
        if not minutes:
            return None
        return max(timedelta(minutes=minutes), self._regular_interval)

    @property
    def _regular_interval(self) -> timedelta:
        return timedelta(
            seconds=self.config_entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
        )

    @property
    def can_write(self) -> bool:
        """Tell whether the token may book (it has Robin's write scope)."""
        return self.token_info is not None and self.token_info.can_write

    async def _async_setup(self) -> None:
        """Check the token and discover the rooms once, before the first poll."""
        try:
            self.token_info = await self.client.get_token_info()
            self._update_write_scope_issue()
            # Issues of a run before a reload: the first poll keeps or withdraws them.
            self._refusal_issues = {
                int(location_id)
                for location_id in async_entry_issue_subjects(
                    self.hass, self.config_entry.entry_id, ISSUE_LOCATION_REFUSED
                )
                if location_id.isdigit()
            }
            await self._discover(dt_util.utcnow())
        except RobinError as err:
            raise self._translate_error(err) from err
        self.config_entry.async_on_unload(self._boundaries.cancel)

    def _update_write_scope_issue(self) -> None:
        async_set_write_scope_issues(self.hass, self.config_entry, can_write=self.can_write)

    async def _discover(self, now: datetime) -> None:
        """Rediscover; the rooms that appeared, changed or went are told after the poll."""
        discovery = self.discovery
        facts_before = {space_id: self._facts(space_id) for space_id in discovery.spaces}
        await discovery.discover(now)
        spaces = discovery.spaces
        for space_id in facts_before.keys() | spaces.keys():
            if facts_before.get(space_id) != self._facts(space_id):
                self._pending_rooms.add(space_id)
                # Rooms came, went or moved: every range is parsed anew once.
                self._answers.clear()
                if space_id not in spaces:
                    self._forget_room(space_id)
        # A location whose zone Robin gives no valid name for lives in Home Assistant's, as
        # its entities and actions do: an all-day booking lasts that zone's day.
        self._zones = {
            location_id: location_time_zone(location) or dt_util.get_default_time_zone()
            for location_id, location in discovery.locations.items()
        }
        self._hours = {
            location_id: WorkingHours.of_location(location, self._zones[location_id])
            for location_id, location in discovery.locations.items()
        }
        self._hours_read_at = now
        self._index_rooms()
        if discovery.rooms_unread:
            # Known rooms an empty answer left unread stay unavailable until an answer lists
            # them: asked again soon (1, 2, 4… polls' intervals, up to the hourly rhythm),
            # also at night, not in an hour or the next working day.
            retry_in = min(self._regular_interval * 2**self._unread_retries, DISCOVERY_INTERVAL)
            self._unread_retries += 1
            self._unread_retry_at = now + retry_in
        else:
            self._unread_retries = 0
            self._unread_retry_at = None

    def _forget_room(self, space_id: int) -> None:
        """Drop what was read of a room that is gone (its shown data goes as it is told)."""
        self.bookings.forget_room(space_id)
        self._people.pop(space_id, None)
        self._arrived.pop(space_id, None)

    def _index_rooms(self) -> None:
        """Group the rooms by location anew: rooms came, went or moved to another location."""
        rooms_of: dict[int, list[int]] = defaultdict(list)
        for space_id, space in self.discovery.spaces.items():
            rooms_of[space.location_id].append(space_id)
        self._rooms_of = dict(rooms_of)

    def _facts(self, space_id: int) -> RoomFacts | None:
        """Return the room as listed, its last presence aside, and its floor's name.

        A change of these is looked at after the poll; the room's entities are told only
        of what they show (`ShownRoom`).
        """
        space = self.discovery.spaces.get(space_id)
        return (shown(space), self.discovery.floor_name(space)) if space is not None else None

    def presence_read_at(self, location_id: int) -> datetime | None:
        """Return when the location's presence was last read (slowly outside its hours).

        None while Robin refuses the location: its people counts are not current.
        """
        if location_id in self._refused:
            return None
        return self._last_polled.get(location_id)

    def is_refused(self, location_id: int) -> bool:
        """Tell whether Robin refused the location at its last poll (its data is not current)."""
        return location_id in self._refused

    @property
    def regular_interval(self) -> timedelta:
        """Return the interval of polls in working hours."""
        return self._regular_interval

    def arrived_at(self, space_id: int) -> datetime | None:
        """Return when the first of the people now in the room arrived (Robin's sessions)."""
        return self._arrived.get(space_id)

    def last_presence_at(self, space_id: int) -> datetime | None:
        """Return when Robin last saw someone in the room, as of the last discovery."""
        space = self.discovery.spaces.get(space_id)
        return space.last_presence_at if space is not None else None

    def async_forget_device(self, identifiers: set[Identifier]) -> bool:
        """Let the user delete a device Robin no longer lists; refuse one it still lists."""
        rooms_before = set(self.discovery.spaces)
        if not self.discovery.forget_device(identifiers):
            return False
        for space_id in rooms_before - self.discovery.spaces.keys():
            self._forget_room(space_id)
            self._pending_rooms.add(space_id)
        self._index_rooms()
        self.async_set_updated_data(self._snapshot())
        # Told now, as a rediscovery tells a room gone: its location's count of occupied
        # rooms drops at once, not when another of its rooms next changes.
        self._publish(dt_util.utcnow())
        return True

    @callback
    def async_refresh_bookings(self) -> None:
        """Start a refresh after our own change, re-reading the whole calendar window.

        Not waited for: the change already shows (`async_show_own_change`), and the window
        is a request per location and day, seconds that an action or the calendar's editor
        would otherwise wait for. Inside Robin's Retry-After the poll is moved to the wait's
        end when it may be (see `_retry_after_wait`); otherwise the next scheduled poll
        reads the window.
        """
        self._full_read_due = True
        # A poll reading Robin now may have read it before our change: the next one, a
        # cooldown after it ends, reads the window again (see `_ask_again_for_a_full_read`).
        self._full_read_asked_again = True
        if self.client.rate_limited_for and self._retry_after_wait() is None:
            # Sent now, the refresh would fail without a request: the next poll reads the
            # window when it comes.
            return
        # Debounced: a burst of changes (the office actor releasing several no-shows) reads
        # once or twice, not once per change. In the background: an unload cancels it.
        self._start_reread()

    @callback
    def _start_reread(self) -> None:
        """Start the window's reread asked for after a change, unless the entry is going."""
        if self.config_entry.state is ConfigEntryState.LOADED and not self.hass.is_stopping:
            self.config_entry.async_create_background_task(
                self.hass,
                self.async_request_refresh(),
                f"{DOMAIN} reread after a change",
                eager_start=True,
            )

    async def async_request_refresh(self) -> None:
        """Ask for a poll (debounced) that reads every location, in working hours or not."""
        self._refresh_asked = True
        await super().async_request_refresh()

    async def async_refresh(self) -> None:
        """Poll now, every location (the `async_request_refresh` without the debounce)."""
        self._refresh_asked = True
        await super().async_refresh()

    @callback
    def async_show_own_change(self, space: Space, event_id: str, event: Event | None) -> None:
        """Show a booking as our own change left it (None: cancelled), without waiting.

        The window read asked for after a change waits while an earlier one's cooldown or
        Robin's Retry-After lasts: until then the calendar and the room's state would show
        the booking as it was. That read confirms it later. None also drops a booking Robin
        answered 404 to a request about it (deleted in Robin), for which no read is asked.
        The room's entities and the shown-change listeners are told at once.
        """
        if event is not None and event.space_id is None:  # an answer that leaves it out
            event = dataclasses.replace(event, space_id=space.id)
        if self._shown_during_poll is not None:
            self._shown_during_poll[event_id] = (space, event)
        changed = self._put_shown_change(space, event_id, event)
        # Even when the window's bookings stay the same: a change beyond it shows in the
        # calendar's open views of its day, which read it from Robin.
        self._rebooked({space.id})
        self._publish(dt_util.utcnow())
        if changed:
            for update in list(self._shown_change_listeners):
                update(space.id, event_id, event)

    def _put_shown_change(self, space: Space, event_id: str, event: Event | None) -> bool:
        """Put a shown change in the cache; return whether the room's bookings changed."""
        zone = self._zone(space.location_id)
        window_start, window_end = self._window
        self.read_copies.forget(event_id)
        if (
            event is not None
            and event.space_id == space.id
            and holds_room(event, space)
            and event_end(event, zone) > window_start
            and event_start(event, zone) < window_end
        ):
            changed = self.bookings.put(space.location_id, event, zone)
        else:
            if event is not None and event.space_id == space.id and holds_room(event, space):
                # Beyond the window: the calendar's next read of its day shows it so.
                self.read_copies.remember(event)
            changed = self.bookings.drop(space.id, event_id)
        if changed:
            # The cache no longer holds what Robin last answered for the location: the same
            # answer again is applied, not skipped as unchanged (the booking deleted in
            # Robin meanwhile would stay shown until a later answer differed).
            self._answers = {
                key: answer for key, answer in self._answers.items() if key[0] != space.location_id
            }
        return changed

    def _keep_changes_shown_during_poll(self) -> None:
        """Put back the changes of ours shown while this poll read Robin.

        Its reads may predate them (a change made during a window reread of seconds):
        applied as they are, they would show the booking as it was until the reread asked
        for after the change. Read after them, they hold the same; a change made elsewhere
        meanwhile shows at that reread.
        """
        for event_id, (space, event) in (self._shown_during_poll or {}).items():
            if self._put_shown_change(space, event_id, event):
                self._rebooked({space.id})

    @callback
    def async_show_check_in(self, space: Space, event_id: str) -> None:
        """Tell the check-in listeners that Robin accepted a check-in made from Home Assistant.

        Nothing the coordinator shows depends on a booking's check-in; the office's No-show
        and Checked in do, and no poll reads it.
        """
        for checked_in in list(self._check_in_listeners):
            checked_in(space.id, event_id)

    def _calendar_window(self, now: datetime) -> tuple[datetime, datetime]:
        hour = now.replace(minute=0, second=0, microsecond=0)
        return hour - EVENTS_LOOKBEHIND, hour + timedelta(days=self.calendar_days, hours=1)

    def _reads(
        self, now: datetime, polled: list[Location], starting: set[int]
    ) -> tuple[list[Read], list[Read], bool]:
        """Return this poll's event reads, the window's days among them, whether all of it.

        A location whose working day starts reads the rest of its local day, so that
        bookings made overnight are right from the first poll of the day.
        """
        if self._full_read_due:
            window = self._calendar_window(now)
            return (
                [(location, start, end) for location in polled for start, end in _slices(*window)],
                [],
                True,
            )
        near_start = _floor(now, NEAR_STEP)
        near_end = near_start + NEAR_STEP + NEAR_WINDOW
        reads: list[Read] = []
        for location in polled:
            end = near_end
            if location.id in starting:
                end = max(end, end_of_local_day(now, self._hours[location.id].zone))
            reads.append((location, near_start, end))
        slices = self._window_slices(now, polled)
        return reads + slices, slices, False

    def _window_slices(self, now: datetime, polled: list[Location]) -> list[Read]:
        """Return the days of the window reread now, each location's in its turn.

        Each poll is one location's turn: in its working hours, it reads a day (so each of
        them once every `locations` polls, as when every location is in its working hours).
        Outside them its window waits: a slow poll reads only the next hour, and the first
        poll of the working day reads the rest of that day.
        """
        for location_id in self._rolling.keys() - self.discovery.locations.keys():
            del self._rolling[location_id]
        locations = list(self.discovery.locations)
        turn = locations[self._rolling_turn % len(locations)] if locations else None
        readers = [
            location
            for location in polled
            if location.id == turn and self._in_hours_now(location, now)
        ]
        slices: list[Read] = []
        for location in readers:
            days = self._rolling.get(location.id)
            if not days:
                # A new sweep: the answers of reads that lie in the past are not asked again.
                self._answers = {
                    key: answer for key, answer in self._answers.items() if key[2] > now
                }
                window_end = self._calendar_window(now)[1]
                hour = window_end - timedelta(days=self.calendar_days, hours=1)
                days = self._rolling[location.id] = deque(_slices(hour, window_end))
                self._rolling_end[location.id] = window_end
            slices.append((location, *days[0]))
        return slices

    # --- working hours -----------------------------------------------------------------------

    def _in_hours_now(self, location: Location, now: datetime) -> bool:
        """Tell whether the location is polled at the regular interval now."""
        hours = self._hours.get(location.id)
        return (
            self.off_hours_interval is None or hours is None or hours.is_open(now + SCHEDULE_SLACK)
        )

    def _rediscovery_due(self, now: datetime) -> bool:
        """Rediscover hourly while any location is in its working hours, or at its start.

        At night and at weekends nobody sees a new room: it appears with the day. The
        working hours alone are reread meanwhile (`_reread_working_hours`).
        """
        locations = self.discovery.locations.values()
        return not locations or any(self._in_hours_now(location, now) for location in locations)

    def _unread_retry_due(self, now: datetime) -> bool:
        """Tell whether to rediscover for known rooms an empty answer left unread."""
        retry_at = self._unread_retry_at
        return retry_at is not None and now + SCHEDULE_SLACK >= retry_at

    def _working_hours_reread_due(self, now: datetime) -> bool:
        """Tell whether to reread the working hours alone: hourly while no location works."""
        read_at = self._hours_read_at
        return (
            read_at is not None
            and now + SCHEDULE_SLACK >= read_at + WORKING_HOURS_REREAD
            and not self._rediscovery_due(now)
        )

    async def _reread_working_hours(self, now: datetime) -> None:
        """Read the locations' working hours anew, without their rooms (those wait for the day).

        A failure other than the token's or a rate limit keeps the hours known: the poll
        goes on, and the hours are tried again an hour later, not at every poll.
        """
        self._hours_read_at = now
        try:
            listed = await self.discovery.list_selected_locations()
        except (RobinAuthenticationError, RobinRateLimitError):
            raise
        except RobinError as err:
            LOGGER.debug("Robin did not list the locations to reread their working hours: %s", err)
            return
        for location_id, location in listed.items():
            if location_id not in self._hours:
                continue  # not discovered yet: it comes with the rediscovery
            # In the zone discovered: the rest of the location follows with the rediscovery.
            hours = WorkingHours.of_location(location, self._zone(location_id))
            if hours != self._hours[location_id]:
                LOGGER.debug("The working hours of location %s changed in Robin", location.name)
                self._hours[location_id] = hours

    def _next_working_hours_reread(self, slow: timedelta) -> datetime | None:
        """Return when to poll for the working hours alone, unless a slow poll comes first.

        Slow polls that come at least hourly carry the reread: it waits a little for one,
        which brings the two in step. Rarer ones leave it a poll of its own, hourly.
        """
        if self._hours_read_at is None:
            return None
        due = self._hours_read_at + WORKING_HOURS_REREAD
        return due + WORKING_HOURS_WAIT if slow <= WORKING_HOURS_REREAD else due

    def _due(self, now: datetime) -> tuple[list[Location], set[int]]:
        """Return the locations polled now, and those among them whose working day starts.

        Outside its working hours a location is polled when its slow interval has passed;
        a refresh asked for (not scheduled) and a whole-window read poll every location.
        """
        slow = self.off_hours_interval
        due: list[Location] = []
        starting: set[int] = set()
        for location in self.discovery.locations.values():
            last = self._last_polled.get(location.id)
            if self._in_hours_now(location, now):
                due.append(location)
                if self._in_hours.get(location.id) is False:
                    starting.add(location.id)
            elif (
                self._poll_everything
                or self._full_read_due
                or last is None
                or slow is None
                or now + SCHEDULE_SLACK >= last + slow
            ):
                due.append(location)
        return due, starting

    def _next_poll_in(self, now: datetime, polled: list[Location]) -> timedelta:
        """Return the wait until the next location falls due (or starts its working day).

        The regular interval while any location is in its working hours; otherwise the
        earliest slow poll or working-day start, so polling resumes as the day starts, or
        the working hours' hourly reread if no slow poll comes with it.
        """
        regular = self._regular_interval
        slow = self.off_hours_interval
        if slow is None:
            return regular
        polled_ids = {location.id for location in polled}
        next_poll = now + slow
        for location in self.discovery.locations.values():
            hours = self._hours.get(location.id)
            if hours is None or hours.is_open(now + SCHEDULE_SLACK):
                return regular
            last = now if location.id in polled_ids else self._last_polled.get(location.id, now)
            next_poll = min(next_poll, last + slow, hours.next_start(now))
        if (reread := self._next_working_hours_reread(slow)) is not None:
            next_poll = min(next_poll, reread)
        if self._unread_retry_at is not None:  # known rooms still unread (no location, say)
            next_poll = min(next_poll, self._unread_retry_at)
        # Firing up to a second early (Home Assistant rounds the loop's time down to the
        # second) is within SCHEDULE_SLACK: the location is due all the same.
        return timedelta(seconds=max(1, math.ceil((next_poll - now).total_seconds())))

    async def _async_update_data(self) -> RobinData:
        """Poll Robin, or move a poll due inside Robin's Retry-After to the wait's end.

        A poll asked for (`homeassistant.update_entity`, the refresh after an action) reads
        every location; moved, it stays asked for, and the last poll's data stays shown.
        """
        asked, self._refresh_asked = self._refresh_asked, False
        self._poll_everything = self._poll_everything or asked
        due_since = self._poll_due_since or dt_util.utcnow()
        if self.data is not None and (moved_by := self._retry_after_wait()):
            return self._move_to_wait_end(moved_by, due_since)
        self._poll_due_since = None
        self.poll_listeners_due = True
        self.bookings_gone_by_poll = []  # set by a poll that works
        try:
            return await self._poll()
        except RobinWaitingError as err:
            # Held back by a wait another request earned while this poll ran (an action's
            # 429, say): moved to the wait's end as a poll due inside it is, the rooms kept.
            self._poll_due_since = due_since  # how late it would be counts from then
            if (moved_by := self._retry_after_wait()) is None:
                self._poll_due_since = None
                self._retry_soon()
                raise self._translate_error(err) from err
            self.poll_listeners_due = False
            return self._move_to_wait_end(moved_by, due_since)
        except asyncio.CancelledError:
            # Home Assistant passes a cancellation on without finishing the refresh (e.g.
            # Home Assistant stopping).
            self.poll_listeners_due = False
            self._ask_again_for_a_full_read()
            raise
        finally:
            self._shown_during_poll = None

    def _move_to_wait_end(self, moved_by: timedelta, due_since: datetime) -> RobinData:
        """Keep the data shown, and poll (every location asked for) as the wait ends."""
        self._poll_due_since = due_since
        # Home Assistant schedules the next refresh by this once this one returns;
        # `_async_refresh_finished` puts the usual interval back.
        self._interval_before_wait, self.update_interval = self.update_interval, moved_by
        return self.data

    async def _poll(self) -> RobinData:
        now = dt_util.utcnow()
        try:
            discovered_at = self.discovery.discovered_at
            if (
                discovered_at is None
                or self._rediscover
                or (now - discovered_at >= DISCOVERY_INTERVAL and self._rediscovery_due(now))
                or self._unread_retry_due(now)
            ):
                # Due only while a location works (or none is known): should it fail, the
                # poll is retried at the regular interval, not the night's slow one.
                self.update_interval = self._regular_interval
                await self._discover(now)
                self._rediscover = False
            elif self._working_hours_reread_due(now):
                # Before deciding which locations are due: hours edited to open earlier may
                # open a location now (its working day starts at this poll).
                await self._reread_working_hours(now)
            locations, starting = self._due(now)
            reads, slices, whole_window = self._reads(now, locations, starting)
            self._full_read_asked_again = False
            self._shown_during_poll = {}
            self._answers_read = {}
            # A failed poll is retried at the rhythm a worked one would have had.
            self.update_interval = self._next_poll_in(now, locations)
            reads_of: dict[int, list[Read]] = defaultdict(list)
            for location_read in reads:
                reads_of[location_read[0].id].append(location_read)
            answers = await run_all(
                self._read_location(location, reads_of[location.id]) for location in locations
            )
            refused = {
                location.id: answer
                for location, answer in zip(locations, answers, strict=True)
                if isinstance(answer, RobinResponseError)
            }
            polled_ids = {location.id for location in locations}
            if refused and all(
                location_id in refused
                or (location_id not in polled_ids and location_id in self._refused)
                for location_id in self.discovery.locations
            ):
                # Every location refused: Robin as a whole, as any other failure.
                raise next(iter(refused.values()))
        # `run_all` raises one error of several (see `first_of`).
        except RobinWaitingError:
            raise  # nothing was refused: see `_async_update_data`
        except RobinError as err:
            self._retry_soon()
            raise self._translate_error(err) from err
        self._failed_polls = 0

        self._note_refusals(locations, refused)
        events: list[tuple[Read, list[Event] | None]] = []
        for location, answer in zip(locations, answers, strict=True):
            if not isinstance(answer, RobinResponseError):
                self._apply_presence(location, answer[0])
                events.extend(answer[1])
        # Only now are this poll's answers remembered: had it failed, an answer remembered
        # but never applied would make the same answer look "unchanged" forever after.
        self._answers.update(
            (key, answer) for key, answer in self._answers_read.items() if key[0] not in refused
        )
        cancelled: set[str] = set()
        for (location, start, end), read in events:
            if read is None:  # the same answer as the last time: nothing changed there
                continue
            zone = self._zone(location.id)
            kept, declined = _split_by_room_held(read, self.discovery.spaces, cancelled)
            self._rebooked(
                self.bookings.replace(location.id, start, end, kept, zone, declined=declined)
            )
        for location in locations:
            self._last_polled[location.id] = now
            self._in_hours[location.id] = self._in_hours_now(location, now)
        self._poll_everything = False
        self._window = self._window_after(
            now,
            [location for location in locations if location.id not in refused],
            [read for read in slices if read[0].id not in refused],
            whole_window=whole_window,
        )
        # Before the bookings the reads stopped listing are settled: one of ours made
        # meanwhile is no booking gone.
        self._keep_changes_shown_during_poll()
        self.bookings_gone_by_poll = await self._settle_vanished(
            cancelled, whole_window=whole_window
        )
        self._keep_changes_shown_during_poll()  # also over the look-ups' answers
        return self._snapshot()

    async def _settle_vanished(self, cancelled: set[str], *, whole_window: bool) -> list[str]:
        """Look up the bookings this poll's reads stopped listing; return the ids of those gone.

        Gone: listed cancelled, or looked up deleted, cancelled or declined by the room.
        """
        vanished: list[tuple[int, Event]] = []
        gone: list[str] = []
        for space_id, event in self.bookings.take_vanished():
            if event.id in cancelled:
                gone.append(event.id)
            else:
                vanished.append((space_id, event))
        # What the whole window no longer lists is gone from it: nothing to look for.
        if vanished and not whole_window:
            gone.extend(await self._look_up_vanished(vanished))
        return gone

    def _retry_soon(self) -> None:
        """Retry a failed slow poll sooner: at the regular interval, doubling up to the slow one.

        At night a single failure would otherwise leave every entity unavailable until
        the next slow poll (an hour by default); Robin down for longer is asked less and less.
        """
        self._failed_polls += 1
        backoff = self._regular_interval * 2 ** min(self._failed_polls - 1, MAX_BACKOFF_DOUBLINGS)
        if self.update_interval is None or backoff < self.update_interval:
            self.update_interval = backoff

    def _note_refusals(self, polled: list[Location], refused: Mapping[int, RobinError]) -> None:
        """Count each polled location's refusals in a row; raise or withdraw its repair issue.

        The entities of a location refused or answering again are told after the poll; one
        that answers again has its whole calendar window read anew at the next poll.
        """
        for location in polled:
            location_id = location.id
            if (error := refused.get(location_id)) is not None:
                polls = self._refused[location_id] = self._refused.get(location_id, 0) + 1
                if polls == 1:
                    self._refusals_changed.add(location_id)
                    LOGGER.warning(
                        "Robin refuses location %s (%s); its rooms are unavailable, and get no "
                        "presence reports, releases or check-ins, until it answers again",
                        location.name,
                        error,
                    )
                if polls >= REFUSED_POLLS_BEFORE_ISSUE and location_id not in self._refusal_issues:
                    self._refusal_issues.add(location_id)
                    self._show_refusal_issue(location_id, location)
            elif self._refused.pop(location_id, None) is not None:
                self._refusals_changed.add(location_id)
                self._full_read_due = True
                # Its rooms unread since (e.g. refused since a restart) are read at once.
                self._rediscover |= location_id in self.discovery.refused
                LOGGER.info("Robin answers for location %s again", location.name)
        for location_id in self._refused.keys() - self.discovery.locations.keys():
            del self._refused[location_id]  # no longer followed: taken out or gone from Robin
        for location_id in self._refusal_issues - self._refused.keys():
            self._refusal_issues.discard(location_id)
            self._show_refusal_issue(location_id, None)

    def _show_refusal_issue(self, location_id: int, refused: Location | None) -> None:
        """Raise the repair issue of the location Robin refuses, or withdraw it (None)."""
        async_set_entry_issue(
            self.hass,
            self.config_entry,
            ISSUE_LOCATION_REFUSED,
            active=refused is not None,
            subject=str(location_id),
            placeholders={"location": refused.name} if refused else None,
        )

    async def _look_up_vanished(self, vanished: list[tuple[int, Event]]) -> list[str]:
        """Put a booking moved out of the ranges read at its new time; leave a deleted one out.

        Return the ids of those Robin shows gone (deleted, cancelled, declined by the room).
        """
        found = await look_up(self.client, vanished, self.discovery.spaces)
        window_start, window_end = self._window
        for event in found.found:
            space = self.discovery.spaces.get(event.space_id) if event.space_id else None
            if space is None:
                continue  # moved to a room not followed here
            zone = self._zone(space.location_id)
            starts, ends = event_start(event, zone), event_end(event, zone)
            in_window = ends > window_start and starts < window_end
            if in_window and self.bookings.put(space.location_id, event, zone):
                self._rebooked({space.id})
        for space_id, event in found.unknown:
            space = self.discovery.spaces.get(space_id)
            if space is not None:
                self.bookings.put(space.location_id, event, self._zone(space.location_id))
        if found.unknown:
            # Read this poll's ranges anew next time, even if Robin answers them the same:
            # the bookings kept meanwhile are looked for again if still not listed.
            for key in self._answers_read:
                self._answers.pop(key, None)
        return found.gone

    def _window_after(
        self, now: datetime, polled: list[Location], slices: list[Read], *, whole_window: bool
    ) -> tuple[datetime, datetime]:
        """Return the range the cache holds every event of, after this poll's reads."""
        window_start, window_end = self._window
        if whole_window:
            window_start, window_end = self._calendar_window(now)
            # Unless asked for again while this read ran: what it read may predate the ask.
            self._full_read_due = self._full_read_asked_again
            self._rolling.clear()
            self._covered_until = {location.id: window_end for location in polled}
        else:
            self._rolling_turn += 1
            for location, _, _ in slices:
                days = self._rolling[location.id]
                days.popleft()
                if not days:
                    self._covered_until[location.id] = max(
                        self._covered_until.get(location.id, window_end),
                        self._rolling_end[location.id],
                    )
            # The window is known as far as every location's is.
            window_end = max(
                window_end,
                min(
                    (
                        self._covered_until.get(location_id, window_end)
                        for location_id in self.discovery.locations
                    ),
                    default=window_end,
                ),
            )
        # Events that ended before the window are forgotten.
        keep_after = self._calendar_window(now)[0]
        if keep_after > window_start:
            self.bookings.evict(keep_after)
            window_start = keep_after
        return window_start, window_end

    def _apply_presence(self, location: Location, sessions: list[Presence]) -> None:
        counts: dict[int, int] = defaultdict(int)
        arrived: dict[int, datetime] = {}
        for session in sessions:
            if session.session_active and (space_id := session.space_id) is not None:
                counts[space_id] += 1
                if (at := session.arrived_at) is not None:
                    earliest = arrived.get(space_id)
                    arrived[space_id] = at if earliest is None else min(at, earliest)
        for space_id in self._rooms_of.get(location.id, ()):
            if (at := arrived.get(space_id)) is not None:
                self._arrived[space_id] = at
            else:
                self._arrived.pop(space_id, None)
            count = counts.get(space_id, 0)
            if self._people.get(space_id, 0) != count or space_id not in self._people:
                self._people[space_id] = count
                self._pending_rooms.add(space_id)

    def _snapshot(self) -> RobinData:
        """Return the current data: the same object as before unless rooms or window changed.

        Entities are told of changes room by room; the coordinator's own listeners (new
        rooms, availability) only run when this object changes. A room's last presence alone
        changes nothing here: read it with `last_presence_at`.
        """
        discovery = self.discovery
        data: RobinData | None = self.data
        if (
            data is not None
            and data.locations == discovery.locations
            and _same_shown_spaces(data.spaces, discovery.spaces)
            and data.levels == discovery.levels
            and (data.window_start, data.window_end) == self._window
        ):
            return data
        return RobinData(
            locations=dict(discovery.locations),
            spaces=dict(discovery.spaces),
            people_present=self._people,
            events=self._events_view,
            window_start=self._window[0],
            window_end=self._window[1],
            levels=dict(discovery.levels),
        )

    @callback
    def _async_refresh_finished(self) -> None:
        """Tell the rooms whose shown data changed, then the poll listeners.

        Home Assistant calls this after every refresh, worked or failed, before it tells the
        coordinator's own listeners. A poll moved to a Retry-After's end read nothing, so
        nothing is told, and the poll listeners (the office actor) see no new read.
        """
        if self._interval_before_wait is not None:
            # The moved poll is scheduled by now: later ones keep the usual rhythm.
            self.update_interval, self._interval_before_wait = self._interval_before_wait, None
            return
        self._ask_again_for_a_full_read()
        try:
            self.rooms_changed_by_poll = (
                self._publish(dt_util.utcnow()) if self.last_update_success else set()
            )
        except Exception:  # noqa: BLE001 - logged with its traceback
            # Home Assistant tells the coordinator's own listeners next, whatever happens
            # here: entities turning available again, new rooms' entities.
            LOGGER.exception("Unexpected error telling the rooms what the poll changed")
            self.rooms_changed_by_poll = set()
        finally:
            self.poll_listeners_due = False
        for update in list(self._poll_listeners):
            try:
                update()
            except Exception:  # noqa: BLE001 - logged with its traceback, as Home Assistant does
                LOGGER.exception("Unexpected error in %s after a poll", update)

    @callback
    def _ask_again_for_a_full_read(self) -> None:
        """Ask for the window's reread again if a change of ours came during this refresh.

        The refresh it asked for is dropped by Home Assistant's debouncer if this one outlasts
        the cooldown: asked again as it ends (worked, failed or cancelled, polling on or
        off), the window is reread a cooldown later, the debouncer's lock being still held.
        Inside a Retry-After the next poll reads it: moved to the wait's end, or, polling
        off, whenever one is asked for.
        """
        if self._full_read_asked_again and not self.client.rate_limited_for:
            self._full_read_asked_again = False
            self._start_reread()

    def _retry_after_wait(self) -> timedelta | None:
        """Return how long to move a poll due now inside Robin's Retry-After; None: not moved.

        Only after a poll that worked: the first refresh (setup), or a poll refused itself
        (429) or failed, leaves nothing current to show, and fails as before (the next one
        comes after the wait). Not if that makes the poll more than `POLL_LATE_AT_MOST` late.
        """
        wait = self.client.rate_limited_for
        if (
            not wait
            or self.data is None
            or not self.last_update_success
            or self.hass.is_stopping
            # Polling turned off (the entry's system options): no poll to move the refresh to.
            or self.config_entry.pref_disable_polling
        ):
            return None
        # +1: Home Assistant rounds the loop time down to the second.
        moved_by = timedelta(seconds=math.ceil(wait) + 1)
        now = dt_util.utcnow()
        if now + moved_by - (self._poll_due_since or now) > POLL_LATE_AT_MOST:
            return None
        return moved_by

    @callback
    def async_add_poll_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` after every poll, worked or failed; return the unsubscriber.

        For what follows the clock and the polls as a whole (the office actions); entities
        listen room by room instead.
        """
        self._poll_listeners.append(update)
        return lambda: self._poll_listeners.remove(update)

    @callback
    def async_add_shown_change_listener(
        self, update: Callable[[int, str, Event | None], None]
    ) -> CALLBACK_TYPE:
        """Call `update(room, booking id, booking)` when a shown change changed room's bookings.

        See `async_show_own_change`, whose booking (None: cancelled, or answered 404) this
        is. For the office actor, which learns of the polls' changes from
        `rooms_changed_by_poll` and `bookings_gone_by_poll`: such a change shows before any
        poll reads it, or none does (Robin answered 404: the booking is gone, and nothing
        asks for a reread).
        """
        self._shown_change_listeners.append(update)
        return lambda: self._shown_change_listeners.remove(update)

    @callback
    def async_add_check_in_listener(self, checked_in: Callable[[int, str], None]) -> CALLBACK_TYPE:
        """Call `checked_in(room, booking id)` when Robin accepted a check-in made here.

        See `async_show_check_in`. For the office actor, which otherwise learns a booking's
        check-in only from its own reads and check-ins.
        """
        self._check_in_listeners.append(checked_in)
        return lambda: self._check_in_listeners.remove(checked_in)

    # --- per-room notification -------------------------------------------------------------

    @callback
    def async_add_room_listener(
        self, space_id: int, update: CALLBACK_TYPE, changes: RoomChange = RoomChange.ALL
    ) -> CALLBACK_TYPE:
        """Call `update` whenever these `changes` happen to the room; return the unsubscriber."""
        return _add(self._room_listeners, space_id, (update, changes))

    @callback
    def async_add_location_listener(self, location_id: int, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update` whenever a location's count of occupied rooms changes."""
        return _add(self._location_listeners, location_id, (update, RoomChange.ALL))

    def room_status(self, space_id: int, now: datetime | None = None) -> RoomStatus | None:
        """Return the room's status now: computed once per change, valid until its next one."""
        now = now or dt_util.utcnow()
        shown = self._shown.get(space_id)
        # A room changed but not told yet is computed anew: its entities may be written
        # first (turning available again after a failed poll), and would show the old status.
        if shown is not None and space_id not in self._pending_rooms:
            status = shown[3]
            if status.next_change is None or now < status.next_change:
                return status
        space = self.discovery.spaces.get(space_id)
        return self._status(space, now) if space is not None else None

    def occupied_rooms(self, location_id: int) -> int:
        """Return how many of a location's rooms have someone in them, as last polled.

        Counted anew rather than the count last told: the location's entity may be written
        before it (turning available again after a failed poll).
        """
        people = self._people
        return sum(1 for space_id in self._rooms_of.get(location_id, ()) if people.get(space_id))

    def _zone(self, location_id: int) -> tzinfo:
        """Return the zone a location's bookings are cached in (Home Assistant's if unknown)."""
        return self._zones.get(location_id) or dt_util.get_default_time_zone()

    def time_zone(self, location_id: int) -> tzinfo | None:
        """Return a location's time zone, if Robin told a valid one."""
        location = self.discovery.locations.get(location_id)
        return location_time_zone(location) if location else None

    def _status(self, space: Space, now: datetime) -> RoomStatus:
        zone = self.time_zone(space.location_id) or dt_util.get_default_time_zone()
        return room_status(
            space,
            self.bookings.current_and_next(space.id, now),
            self._people.get(space.id, 0),
            now,
            zone,
        )

    @callback
    def _publish(self, now: datetime) -> set[int]:
        """Tell each room whose shown data changed; then the locations whose count did.

        Return the rooms that were looked at: those whose data changed since the last time.
        """
        # Told while the rooms' changes are still pending, so that they show them.
        if self._refusals_changed:
            self._tell_refusals_changed()
        rooms, self._pending_rooms = self._pending_rooms, set()
        rebooked, self._rebooked_rooms = self._rebooked_rooms, set()
        changed_locations: set[int] = set()
        for space_id in rooms:
            # A room gone or moved leaves the count of the location it was shown in.
            if (before := self._shown.get(space_id)) is not None:
                changed_locations.add(before[0].location_id)
            changes = self._refresh_room(space_id, now)
            if space_id in rebooked:
                changes |= RoomChange.BOOKINGS
            if changes:
                self._notify(self._room_listeners, space_id, changes)
            if (space := self.discovery.spaces.get(space_id)) is not None:
                changed_locations.add(space.location_id)
        for location_id in list(self._occupied):
            if location_id not in self.discovery.locations:
                del self._occupied[location_id]
                self._notify(self._location_listeners, location_id)
        for location_id in changed_locations:
            count = self.occupied_rooms(location_id)
            if self._occupied.get(location_id) != count:
                self._occupied[location_id] = count
                self._notify(self._location_listeners, location_id)
        self._boundaries.schedule()
        return rooms

    def _tell_refusals_changed(self) -> None:
        """Tell the entities of the locations refused or answering again (their availability)."""
        changed, self._refusals_changed = self._refusals_changed, set()
        for space in self.discovery.spaces.values():
            if space.location_id in changed:
                self._notify(self._room_listeners, space.id, RoomChange.ALL | RoomChange.REFUSAL)
        for location_id in changed:
            self._notify(self._location_listeners, location_id)

    def _refresh_room(self, space_id: int, now: datetime) -> RoomChange:
        """Recompute a room's shown data; tell what of it changed."""
        space = self.discovery.spaces.get(space_id)
        before = self._shown.get(space_id)
        if space is None:
            self._shown.pop(space_id, None)
            self._boundaries.set_next(space_id, None)
            gone = before is not None or space_id in self._room_listeners
            return RoomChange.ALL if gone else RoomChange.NONE
        shown_now = (
            ShownRoom.of(space),
            self.discovery.floor_name(space),
            self._people.get(space_id, 0),
            self._status(space, now),
        )
        if before == shown_now:
            return RoomChange.NONE
        self._shown[space_id] = shown_now
        if before is None:
            changes = RoomChange.ALL
        else:
            changes = RoomChange.NONE
            for change, old, new in zip(
                (RoomChange.ROOM, RoomChange.FLOOR, RoomChange.PRESENCE, RoomChange.STATUS),
                before,
                shown_now,
                strict=True,
            ):
                if old != new:
                    changes |= change
        self._boundaries.set_next(space_id, shown_now[3].next_change)
        return changes

    def _rebooked(self, rooms: set[int]) -> None:
        """Mark rooms whose bookings changed, to be told at the next publish."""
        self._pending_rooms |= rooms
        self._rebooked_rooms |= rooms

    @staticmethod
    def _notify(listeners: Listeners, key: int, changes: RoomChange = RoomChange.ALL) -> None:
        for update, wanted in list(listeners.get(key, ())):
            if wanted & changes:
                try:
                    update()
                except Exception:  # noqa: BLE001 - logged with its traceback, as Home Assistant does
                    # The room's other entities, and the other rooms, are still told.
                    LOGGER.exception("Unexpected error in %s", update)

    @callback
    def _boundary_passed(self, due: set[int]) -> None:
        """Update exactly the rooms whose meeting boundary has passed."""
        self._pending_rooms |= due
        self._publish(dt_util.utcnow())

    # --- reading events --------------------------------------------------------------------

    async def _read_location(self, location: Location, reads: list[Read]) -> LocationAnswer:
        """Read a location's presence and, meanwhile, its event ranges one after another.

        Return how Robin refused the location (403; 404 for its presence) rather than fail
        the poll. Once its presence answered the location exists: a 404 for its events then
        says Robin does not list events by location, and free/busy reads the rest. One range
        after another keeps few answers in memory when the whole window is read.
        """
        try:
            async with asyncio.TaskGroup() as group:
                presence = group.create_task(self._presence_unless_refused(location))
                ranges = group.create_task(self._read_ranges(reads))
        # Plain `except` rather than `except*`: coverage 7.10 (the floor's) crashes tracing
        # `except*` on Python 3.14, turning every failed poll into an unexpected error.
        except ExceptionGroup as group:
            failures, others = group.split(RobinError)
            if others is not None or failures is None:
                raise
            raise _first_error(failures) from None
        sessions = presence.result()
        if isinstance(sessions, RobinResponseError):
            return sessions
        done, error = ranges.result()
        if isinstance(error, RobinForbiddenError):
            return error
        if error is not None:
            if self.location_events_supported:
                LOGGER.info(
                    "Robin does not list events by location (HTTP %s); using free/busy instead",
                    error.status,
                )
                self.location_events_supported = False
            rest, _ = await self._read_ranges(reads[len(done) :])
            done.extend(rest)
        return sessions, done

    async def _presence_unless_refused(
        self, location: Location
    ) -> list[Presence] | RobinResponseError:
        try:
            return await self.client.get_location_presence(location.id)
        except (RobinForbiddenError, RobinNotFoundError) as err:
            return err

    async def _read_ranges(
        self, reads: list[Read]
    ) -> tuple[list[tuple[Read, list[Event] | None]], RobinResponseError | None]:
        """Read the ranges in turn; stop at a 403, 404 or 405 for events by location."""
        done: list[tuple[Read, list[Event] | None]] = []
        for read in reads:
            by_location = self.location_events_supported
            try:
                done.append((read, await self._location_events(*read)))
            except RobinResponseError as err:
                if by_location and (
                    isinstance(err, (RobinForbiddenError, RobinNotFoundError))
                    or err.status == HTTPStatus.METHOD_NOT_ALLOWED
                ):
                    return done, err
                raise
        return done, None

    async def _location_events(
        self, location: Location, start: datetime, end: datetime
    ) -> list[Event] | None:
        """Return a location's events in the range; None when Robin answered as last time."""
        if not self.location_events_supported:
            return await self._events_from_free_busy(location, start, end)
        key = (location.id, start, end)
        # Thousands of events are kept: read only what a room's schedule needs.
        events, self._answers_read[key] = await self.client.get_location_events_if_changed(
            location.id, start, end, self._answers.get(key), schedule_only=True
        )
        return events

    async def _events_from_free_busy(
        self, location: Location, start: datetime, end: datetime
    ) -> list[Event]:
        """Read busy blocks in one call, then the details of each event not seen before."""
        spaces = [
            space for space in self.discovery.spaces.values() if space.location_id == location.id
        ]
        busy_spaces = await self.client.get_free_busy(
            start=start,
            end=end,
            time_zone=str(location_time_zone(location) or dt_util.get_default_time_zone()),
            location_ids=[location.id],
            types=_free_busy_types(spaces),
            include_unbookable=True,
        )
        # Each event listed, with the times it is listed with.
        listed = {
            event_id: (listed_start, listed_end)
            for busy_space in busy_spaces
            for busy in busy_space.busy
            for event_id, listed_start, listed_end in busy.event_times
        }
        # Forget the details of events that are over; the cache keeps what it shows.
        keep_after = self._window[0]
        self._event_details = {
            event_id: event
            for event_id, event in self._event_details.items()
            if event_end(event, UTC) > keep_after
        }
        self._listed_times = {
            event_id: times
            for event_id, times in self._listed_times.items()
            if event_id in self._event_details
        }
        # Not seen before, or listed at other times than when read: moved, extended or
        # ended early in Robin, so read again.
        missing = [
            event_id
            for event_id, times in listed.items()
            if event_id not in self._event_details or self._listed_times.get(event_id) != times
        ]
        details = await run_all(self._event_or_none(event_id) for event_id in missing)
        for event_id, event in zip(missing, details, strict=True):
            if event is not None:
                self._event_details[event.id] = event
                self._listed_times[event_id] = listed[event_id]
        return [
            self._event_details[event_id] for event_id in listed if event_id in self._event_details
        ]

    async def _event_or_none(self, event_id: str) -> Event | None:
        try:
            # Kept in the booking cache: only what a room's schedule needs.
            return await self.client.get_event(event_id, schedule_only=True)
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
        self._listed_times.pop(event_id, None)

    async def async_get_space_events(
        self, space: Space, start: datetime, end: datetime
    ) -> tuple[Event, ...]:
        """Return a room's events in any range, each once: from the cache when it covers it.

        A range reaching beyond the window is read from Robin, in one read. A booking the
        cache holds is given as cached, wherever Robin now has it: the copy the room's
        state and its views of the window's days show, and the one an edit from the
        calendar is compared with. The window's days thus agree until their next read.
        The others are kept in `read_copies`, as shown.
        """
        data = self.data
        if data.covers(start, end):
            return self.bookings.between(space.id, start, end)
        read = await self.client.get_space_events(space.id, start, end)
        data = self.data  # a poll may have moved the window during the read
        cached_ids = {event.id for event in self.bookings.events(space.id)}
        # By id: Robin pages by offset, so a booking added while its pages are read lists
        # the end of one page again at the start of the next; the copy read last stays.
        shown = {event.id: event for event in read if event.id not in cached_ids}
        for event in shown.values():
            if holds_room(event, space):
                self.read_copies.remember(event)
        overlap_start, overlap_end = max(start, data.window_start), min(end, data.window_end)
        if overlap_start < overlap_end:
            shown.update(
                (event.id, event)
                for event in self.bookings.between(space.id, overlap_start, overlap_end)
            )
        return tuple(in_start_order(shown.values(), self._zone(space.location_id)))


def _split_by_room_held(
    read: list[Event], spaces: Mapping[int, Space], cancelled: set[str]
) -> tuple[list[Event], list[Event]]:
    """Return the bookings that hold their room, and those their room declined.

    A booking Robin marks cancelled is nobody's, and one the room declined takes place
    elsewhere: no status, action or calendar shows either or acts on it. The cancelled ones'
    ids are added to `cancelled`.
    """
    held: list[Event] = []
    declined: list[Event] = []
    for event in read:
        space = spaces.get(event.space_id) if event.space_id is not None else None
        if holds_room(event, space):
            held.append(event)
        elif is_cancelled(event):
            cancelled.add(event.id)
        else:
            declined.append(event)
    return held, declined


def _free_busy_types(spaces: Iterable[Space]) -> list[str | None]:
    """Name every type of the rooms, so that free/busy drops none of them.

    Without `types` Robin leaves out specialty rooms (lounges, desks); with them it keeps
    only those named, so rooms whose type was never set (null) must be named too.
    """
    types = {space.type for space in spaces}
    if types <= {None}:
        return []  # Robin's default types include rooms without one
    return sorted(types, key=lambda kind: kind or "")


def _slices(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Cut start..end at each UTC midnight, so that later sweeps ask for the same days."""
    cuts = [start]
    while (cut := _floor(cuts[-1], WINDOW_SLICE) + WINDOW_SLICE) < end:
        cuts.append(cut)
    cuts.append(end)
    return list(itertools.pairwise(cuts))


def _floor(moment: datetime, step: timedelta) -> datetime:
    """Round a UTC moment down to a whole step since the epoch (midnight, quarter hour)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + (moment - epoch) // step * step


def _first_error(failures: BaseExceptionGroup[RobinError]) -> RobinError:
    """Of several failures, the one to tell (see `first_of`)."""
    errors: list[RobinError] = []
    stack: list[BaseException] = [failures]
    while stack:
        error = stack.pop()
        if isinstance(error, BaseExceptionGroup):
            stack.extend(reversed(error.exceptions))
        elif isinstance(error, RobinError):
            errors.append(error)
    return first_of(errors)


def _add(
    listeners: Listeners, key: int, listener: tuple[CALLBACK_TYPE, RoomChange]
) -> CALLBACK_TYPE:
    listeners[key].append(listener)
    # A partial, not a closure: one per entity, thousands of them.
    return partial(_remove, listeners, key, listener)


def _remove(listeners: Listeners, key: int, listener: tuple[CALLBACK_TYPE, RoomChange]) -> None:
    listeners[key].remove(listener)
    if not listeners[key]:
        del listeners[key]


def _same_shown_spaces(before: Mapping[int, Space], after: Mapping[int, Space]) -> bool:
    """Tell whether the rooms look the same, their last presence aside (cheap when equal)."""
    if before == after:
        return True
    return before.keys() == after.keys() and all(
        shown(space) == shown(after[space_id]) for space_id, space in before.items()
    )
