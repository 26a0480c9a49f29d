"""Finds the rooms of the selected locations, hourly; forgets those Robin no longer has."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.normalized_name_base_registry import normalize_name

from .api import (
    Level,
    Location,
    RobinAuthenticationError,
    RobinClient,
    RobinError,
    RobinForbiddenError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinWaitingError,
    Space,
)
from .const import (
    CONF_INCLUDE_UNBOOKABLE,
    CONF_LOCATIONS,
    CONF_ORGANIZATION_ID,
    DEFAULT_INCLUDE_UNBOOKABLE,
    DISCOVERY_INTERVAL,
    DOMAIN,
    LOGGER,
    MANUFACTURER,
)

# A room or location Robin stops listing is kept (available, with its last data) until it
# has been missing from this many discoveries in a row, or Robin answers 404 for it: one
# empty answer (Robin's `{}` for an empty list, or a glitch) must not delete anything.
MISSED_DISCOVERIES_BEFORE_REMOVAL = 3

type Identifier = tuple[str, str]


ROOM = "space"
LOCATION = "location"


def room_identifier(space_id: int) -> Identifier:
    """Return the device identifier of a room."""
    return (DOMAIN, f"{ROOM}_{space_id}")


def location_identifier(location_id: int) -> Identifier:
    """Return the device identifier of a location."""
    return (DOMAIN, f"{LOCATION}_{location_id}")


def parse_identifier(identifier: Identifier) -> tuple[str, int] | None:
    """Return what a device identifier names (ROOM or LOCATION) and its id; None if unreadable."""
    kind, _, raw_id = identifier[1].partition("_")
    return (kind, int(raw_id)) if raw_id.isdigit() else None


def room_model(space_type: str | None) -> str:
    """Return a readable room type, e.g. "Study room" for Robin's "study_room"."""
    if not space_type:
        return "Space"
    return space_type.replace("_", " ").capitalize()


def room_with_location(space: Space, location: Location) -> str:
    """Return the room's name with its office's, e.g. "Reception (London HQ)".

    Offices often have rooms of the same name, which would look alike without it.
    """
    return f"{space.name} ({location.name})"


def suggested_areas(
    spaces: Mapping[int, Space], locations: Mapping[int, Location]
) -> dict[int, str | None]:
    """Return the area to suggest for each room's device, by space id.

    Home Assistant puts a new device in the area of the suggested name, compared as its
    area registry compares names (case and spaces ignored), and creates it if none exists.
    Rooms of the same name in two offices would share one area: each room's area
    automations and presence sources would be the other's too. So a name another followed
    room shares gets its office's name. A room whose name is still shared then (two rooms
    "Reception" in one office) gets no area rather than another room's.
    """
    shared = _shared(space.name for space in spaces.values())
    named = {
        space_id: (
            room_with_location(space, location)
            if normalize_name(space.name) in shared
            and (location := locations.get(space.location_id)) is not None
            else space.name
        )
        for space_id, space in spaces.items()
    }
    still_shared = _shared(named.values())
    return {
        space_id: None if normalize_name(name) in still_shared else name
        for space_id, name in named.items()
    }


def _shared(names: Iterable[str]) -> set[str]:
    """Return the names that occur more than once, normalized as area names are."""
    counts = Counter(normalize_name(name) for name in names)
    return {name for name, count in counts.items() if count > 1}


def room_device_info(space: Space, area: str | None) -> dr.DeviceInfo:
    """Return what the room's device shows: its name, type and Robin id; its area.

    Home Assistant uses the area only for a device it creates: a device keeps the area
    it has, the one its user gave it included.
    """
    return dr.DeviceInfo(
        identifiers={room_identifier(space.id)},
        name=space.name,
        manufacturer=MANUFACTURER,
        model=room_model(space.type),
        model_id=space.type,
        suggested_area=area,
        serial_number=str(space.id),
    )


def shown(space: Space) -> Space:
    """Return the room without what changes all day long: its last presence.

    Its last presence is kept (the office actions read it) but never compared. What the
    entities show of a room is less than this (the coordinator's `ShownRoom`).
    """
    return dataclasses.replace(space, last_presence_at=None) if space.last_presence_at else space


class RoomDiscovery:
    """The selected locations and their rooms, as Robin last listed them."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], client: RobinClient) -> None:
        """Discover for one config entry."""
        self.hass = hass
        self.config_entry = entry
        self.client = client
        self.locations: dict[int, Location] = {}
        self.spaces: dict[int, Space] = {}
        self.levels: dict[int, Level] = {}  # level id -> floor, for the rooms' floor names
        self.discovered_at: datetime | None = None
        # The locations whose rooms Robin refused to list at the last discovery (403).
        self.refused: set[int] = set()
        # What the last discovery heard Robin list, and how often each other known room or
        # location has been missing in a row.
        self._listed: set[Identifier] = set()
        self._misses: dict[Identifier, int] = {}
        # When misses were last counted: at most once a discovery interval, so that the
        # early retries after an empty answer do not remove anything sooner.
        self._misses_counted_at: datetime | None = None
        self._empty_answer_logged = False
        # Known rooms (as devices) an empty answer left unread, and their locations where
        # Robin listed those: shown unavailable, not as none, until an answer lists them.
        self.rooms_unread = False
        self.unread_locations: frozenset[int] = frozenset()
        # Each room's device as last registered, with the name and type it was given.
        self._devices: dict[int, tuple[tuple[str, str | None], dr.DeviceEntry]] = {}
        # The area suggested for each room's device, should Home Assistant create it.
        self._areas: dict[int, str | None] = {}

    async def discover(self, now: datetime) -> None:
        """Read the selected locations and their rooms; forget those Robin no longer has.

        Rooms and locations missing from Robin's answer are kept until they have been missing
        MISSED_DISCOVERIES_BEFORE_REMOVAL times in a row, or Robin answers 404 for them.
        A location whose rooms Robin refuses to list (403) keeps them as they were.
        """
        selected = set(self.config_entry.data[CONF_LOCATIONS])
        include_unbookable = self.config_entry.options.get(
            CONF_INCLUDE_UNBOOKABLE, DEFAULT_INCLUDE_UNBOOKABLE
        )
        all_locations = await self.client.get_locations(
            self.config_entry.data[CONF_ORGANIZATION_ID]
        )
        listed_locations = {
            location.id: location for location in all_locations if location.id in selected
        }
        # Locations missing from this answer are still read until they are removed.
        locations = {
            location_id: location
            for location_id, location in {**self.locations, **listed_locations}.items()
            if location_id in selected
        }
        space_lists = await run_all(self._spaces_or_none(location_id) for location_id in locations)
        levels = await self._read_levels(locations)

        known = self._known_identifiers()
        # Locations out of the token's reach (403) keep their rooms as they were, listed as
        # far as Robin still lists the location (the poll tells of the refusal).
        refused = {
            location_id
            for location_id, answer in zip(locations, space_lists, strict=True)
            if isinstance(answer, RobinForbiddenError)
        }
        spaces = {
            space_id: space
            for space_id, space in self.spaces.items()
            if space.location_id in refused
        }
        listed = {location_identifier(location_id) for location_id in listed_locations} | {
            room_identifier(space_id)
            for space_id, space in spaces.items()
            if space.location_id in listed_locations
        }
        gone: set[Identifier] = set()
        emptied: set[int] = set()  # locations whose rooms Robin listed none of
        empty_answer = not listed_locations and any(
            identifier[1].startswith(f"{LOCATION}_") for identifier in known
        )
        for location_id, answer in zip(locations, space_lists, strict=True):
            if isinstance(answer, RobinForbiddenError):
                continue  # kept above
            # A 404 for the rooms of a location Robin still lists (or while it lists none:
            # its `{}` for a list) is one bad answer: read as an empty list, it deletes
            # nothing at once.
            space_list = (
                []
                if answer is None and (location_id in listed_locations or not all_locations)
                else answer
            )
            if space_list is None:  # Robin answered 404 and no longer lists it: gone
                gone.add(location_identifier(location_id))
                gone.update(
                    room_identifier(space.id)
                    for space in self.spaces.values()
                    if space.location_id == location_id
                )
                continue
            if space_list:  # rooms listed: the location exists, whatever its list said
                listed.add(location_identifier(location_id))
            elif self._had_rooms(location_id, known):
                empty_answer = True
                emptied.add(location_id)
            for space in space_list:
                if include_unbookable or space.is_bookable:
                    spaces[space.id] = space
                    listed.add(room_identifier(space.id))
                else:
                    gone.add(room_identifier(space.id))  # Robin has it, the user doesn't want it

        gone |= await self._rooms_of_deselected_locations(known, selected)
        unsure = self._known_only_as_devices(known - listed - gone) if refused else set()
        gone |= await self._confirm_gone(
            known - listed - gone - unsure, selected, trusted=not empty_answer
        )

        removed = gone | self._missed_too_often((known | listed) - unsure, listed, now)
        for identifier in removed:
            self._misses.pop(identifier, None)

        removed_rooms = self._with_offices(removed)  # named before they are forgotten
        self.locations = {
            location_id: location
            for location_id, location in locations.items()
            if location_identifier(location_id) not in removed
        }
        kept_spaces = {
            space_id: space
            for space_id, space in self.spaces.items()
            if room_identifier(space_id) not in removed and space.location_id in self.locations
        }
        self.spaces = {**kept_spaces, **spaces}
        self._note_unread(known - removed, emptied if empty_answer else None)
        self.levels = levels
        self._listed = listed
        self.discovered_at = now
        self.refused = refused
        self._update_devices(removed, removed_rooms)

    def _missed_too_often(
        self, identifiers: set[Identifier], listed: set[Identifier], now: datetime
    ) -> set[Identifier]:
        """Count a miss for each of these Robin did not list; return those missed too often.

        At most once a discovery interval: the early retries after an empty answer remove
        nothing sooner.
        """
        counted_at = self._misses_counted_at
        counts = counted_at is None or now - counted_at >= DISCOVERY_INTERVAL
        if counts:
            self._misses_counted_at = now
        missed_too_often: set[Identifier] = set()
        for identifier in identifiers:
            if identifier in listed:
                self._misses.pop(identifier, None)
            elif counts:
                misses = self._misses[identifier] = self._misses.get(identifier, 0) + 1
                if misses >= MISSED_DISCOVERIES_BEFORE_REMOVAL:
                    missed_too_often.add(identifier)
        return missed_too_often

    def _note_unread(self, kept: set[Identifier], emptied: set[int] | None) -> None:
        """Note whether an empty answer (None: none) left kept rooms without their data.

        Their devices stay, but only a room read from Robin can be shown: a restart's first
        discovery knows the rooms as devices only. `emptied`: the locations listed with no
        rooms.
        """
        shown = {room_identifier(space_id) for space_id in self.spaces}
        self.rooms_unread = emptied is not None and any(
            identifier[1].startswith(f"{ROOM}_") and identifier not in shown for identifier in kept
        )
        with_rooms = {space.location_id for space in self.spaces.values()}
        self.unread_locations = frozenset(
            emptied - with_rooms if emptied is not None and self.rooms_unread else ()
        )

    async def list_selected_locations(self) -> dict[int, Location]:
        """Return the selected locations as Robin lists them now; nothing else is read.

        One request for the organization (a page per 200 locations): what carries the
        locations' working hours, without their rooms and floors.
        """
        selected = set(self.config_entry.data[CONF_LOCATIONS])
        listed = await self.client.get_locations(self.config_entry.data[CONF_ORGANIZATION_ID])
        return {location.id: location for location in listed if location.id in selected}

    async def _read_levels(self, locations: Iterable[int]) -> dict[int, Level]:
        """Return the floors of the locations, one request each, keyed by level id.

        Only names are read from levels, so nothing is ever forgotten for an answer: a level
        Robin stops listing keeps its last name, and where Robin does not answer the call
        (it is observed, not documented) rooms show no floor name rather than failing the poll.
        """
        location_ids = list(locations)
        answers = await run_all(
            _unless_unreadable(self.client.get_levels, location_id, "levels")
            for location_id in location_ids
        )
        levels = {
            level_id: level
            for level_id, level in self.levels.items()
            if level.location_id in location_ids
        }
        for answer in answers:
            levels.update((level.id, level) for level in answer or ())
        return levels

    def floor_name(self, space: Space) -> str | None:
        """Return the name of the room's level, if Robin lists one with a name."""
        level = self.levels.get(space.level_id) if space.level_id else None
        return level.name or None if level else None

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
        answers = await run_all(self._is_gone(identifier, selected) for identifier in ordered)
        return {identifier for identifier, is_gone in zip(ordered, answers, strict=True) if is_gone}

    async def _rooms_of_deselected_locations(
        self, known: set[Identifier], selected: set[int]
    ) -> set[Identifier]:
        """Return the known locations the user took out, and the rooms Robin lists in them.

        One read of each such location's rooms, where asking about each of its rooms would
        cost a request per room. Those Robin does not list here are asked about one by one.
        """
        deselected = [
            named[1]
            for named in map(parse_identifier, known)
            if named is not None and named[0] == LOCATION and named[1] not in selected
        ]
        answers = await run_all(
            _unless_unreadable(self.client.get_spaces, location_id, "rooms")
            for location_id in deselected
        )
        gone = {location_identifier(location_id) for location_id in deselected}
        for answer in answers:
            gone.update(room_identifier(space.id) for space in answer or ())
        return gone & known

    async def _spaces_or_none(self, location_id: int) -> list[Space] | RobinForbiddenError | None:
        """Return a location's rooms, or None if Robin says the location does not exist.

        Robin's refusal to list them (403: the token has no access to it) is returned too.
        """
        try:
            return await self.client.get_spaces(location_id)
        except RobinNotFoundError:
            return None
        except RobinForbiddenError as err:
            return err

    async def _is_gone(self, identifier: Identifier, selected: set[int]) -> bool:
        """Tell whether a room or location Robin stopped listing is really gone (or unselected)."""
        if (named := parse_identifier(identifier)) is None:
            return False
        kind, robin_id = named
        try:
            if kind == LOCATION:
                # A location taken out of the selection is never asked about: it is gone
                # already (_rooms_of_deselected_locations).
                await self.client.get_location(robin_id)
                return False
            space = await self.client.get_space(robin_id)
        except RobinNotFoundError:
            return True
        except RobinForbiddenError:
            return False  # out of the token's reach is not gone: it counts a miss
        return space.location_id not in selected

    def _known_only_as_devices(self, missing: set[Identifier]) -> set[Identifier]:
        """Return the missing rooms known only as devices (after a restart).

        While Robin refuses a location's rooms these may be its own: they are neither looked
        up nor counted missing.
        """
        rooms = {identifier for identifier in missing if identifier[1].startswith(f"{ROOM}_")}
        return rooms - {room_identifier(space_id) for space_id in self.spaces}

    def _had_rooms(self, location_id: int, known: set[Identifier]) -> bool:
        """Tell whether a location had rooms; or may have: any room known only as a device.

        A room known only as its device (a restart's first discovery did not list it) may
        be any location's.
        """
        if any(space.location_id == location_id for space in self.spaces.values()):
            return True
        return any(
            identifier[1].startswith(f"{ROOM}_")
            and int(identifier[1].removeprefix(f"{ROOM}_")) not in self.spaces
            for identifier in known
        )

    def _known_identifiers(self) -> set[Identifier]:
        """Return the rooms and locations known from the last discovery or as devices."""
        registry = dr.async_get(self.hass)
        known = {room_identifier(space_id) for space_id in self.spaces} | {
            location_identifier(location_id) for location_id in self.locations
        }
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            known.update(identifier for identifier in device.identifiers if identifier[0] == DOMAIN)
        return known

    def _update_devices(self, removed: set[Identifier], named: Mapping[Identifier, str]) -> None:
        """Bring the devices in line with what this discovery found."""
        self._areas = suggested_areas(self.spaces, self.locations)
        self._remove_devices(removed, named)
        self._follow_renames()

    def _with_offices(self, identifiers: set[Identifier]) -> dict[Identifier, str]:
        """Return these rooms' names with their offices', as far as they are known."""
        return {
            identifier: room_with_location(space, location)
            for space_id, space in self.spaces.items()
            if (identifier := room_identifier(space_id)) in identifiers
            and (location := self.locations.get(space.location_id)) is not None
        }

    def _remove_devices(self, removed: set[Identifier], named: Mapping[Identifier, str]) -> None:
        """Remove the devices of rooms and locations that are gone from Robin.

        `named`: rooms' names with their offices' (rooms of one name are common).
        """
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if gone := device.identifiers & removed:
                robin_name = next((named[i] for i in gone if i in named), device.name)
                # Told: the user's automations and dashboards may name it, as they named it.
                LOGGER.info(
                    "Removed the device %s: Robin no longer has it, or it is no longer followed",
                    f"{device.name_by_user}, Robin's {robin_name}"
                    if device.name_by_user
                    else robin_name,
                )
                registry.async_remove_device(device.id)

    def _follow_renames(self) -> None:
        """Give the devices of rooms and locations renamed in Robin their new names and types.

        The entities' names are their device's: without this they would keep the old
        name until Home Assistant restarts. A name the user gave a device still wins.
        """
        for space_id, (shown_as, _) in list(self._devices.items()):
            space = self.spaces.get(space_id)
            if space is not None and (space.name, space.type) != shown_as:
                self.room_device(space)
        names = {
            location_identifier(location_id): location.name
            for location_id, location in self.locations.items()
        }
        registry = dr.async_get(self.hass)
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            for identifier in device.identifiers & names.keys():
                if device.name != names[identifier]:
                    registry.async_update_device(device.id, name=names[identifier])

    def room_device(self, space: Space) -> dr.DeviceEntry:
        """Return the room's device, registered once for all the room's entities.

        With a `device_info`, Home Assistant would register the device again for each of
        the room's entities: about a tenth of the setup's CPU.
        """
        registry = dr.async_get(self.hass)
        shown_as = (space.name, space.type)
        known = self._devices.get(space.id)
        # The registry replaces an entry on any change: while it holds the same one, it is current.
        if (
            known is not None
            and known[0] == shown_as
            and registry.async_get(known[1].id) is known[1]
        ):
            return known[1]
        device = registry.async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            **room_device_info(space, self._areas.get(space.id, space.name)),
        )
        self._devices[space.id] = (shown_as, device)
        return device

    def forget_device(self, identifiers: set[Identifier]) -> bool:
        """Let the user delete a device Robin no longer lists; refuse one it still lists."""
        if identifiers & self._listed:
            return False
        for identifier in identifiers:
            self._misses.pop(identifier, None)
            kind, _, raw_id = identifier[1].partition("_")
            if raw_id.isdigit() and kind == "space":
                self.spaces.pop(int(raw_id), None)
            elif raw_id.isdigit() and kind == "location":
                self.locations.pop(int(raw_id), None)
        return True


async def _unless_unreadable[T](
    read: Callable[[int], Awaitable[T]], location_id: int, what: str
) -> T | None:
    """Return what a location's read gave, or None if Robin does not list it now.

    An authentication failure or a rate limit still stops the discovery.
    """
    try:
        return await read(location_id)
    except (RobinAuthenticationError, RobinRateLimitError):
        raise
    except RobinError as err:
        LOGGER.debug("Robin did not list the %s of location %s: %s", what, location_id, err)
        return None


async def run_all[T](coros: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Await requests together; if one fails the others are cancelled before this returns.

    Of several failures, the one `first_of` picks is raised.
    """
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coro) for coro in coros]
    except ExceptionGroup as failures:
        errors = _leaves(failures)
        robin_errors = [error for error in errors if isinstance(error, RobinError)]
        if len(robin_errors) < len(errors):
            raise
        raise first_of(robin_errors) from None
    return [task.result() for task in tasks]


def first_of(errors: list[RobinError]) -> RobinError:
    """Return the failure to tell of several: a 429 Robin answered first, then any other.

    A 429 decides when to ask again. A request held back by a wait (nothing was sent)
    comes last: a poll is moved to the wait's end only when nothing failed but what the
    wait held back; one Robin refused or failed itself fails.
    """
    return min(
        errors,
        key=lambda error: (
            isinstance(error, RobinWaitingError),
            not isinstance(error, RobinRateLimitError),
        ),
    )


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in group.exceptions:
        leaves.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return leaves
