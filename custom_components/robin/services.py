"""Actions: book a room, cancel, extend, end or check in to a booking, find a free room."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_AREA_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID, ENTITY_MATCH_ALL
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import (
    area_registry as ar,
)
from homeassistant.helpers import (
    config_validation as cv,
)
from homeassistant.helpers import (
    device_registry as dr,
)
from homeassistant.helpers import (
    entity_registry as er,
)
from homeassistant.helpers import (
    floor_registry as fr,
)
from homeassistant.helpers import (
    label_registry as lr,
)
from homeassistant.helpers.target import TargetSelection, async_extract_referenced_entity_ids
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType

from .api import Event, RobinError, Space
from .bookings import (
    PAST_START_GRACE,
    async_book,
    async_cancel_booking,
    async_check_in,
    async_read_booking,
    async_update_booking,
    check_booking_id_given,
    check_within_reach,
    robin_failure,
    robin_read_error,
    validation_error,
    window_booking,
)
from .const import DOMAIN, MIN_BOOKING_DURATION
from .coordinator import RobinConfigEntry, RobinCoordinator, location_identifier
from .data import event_end, event_start, location_time_zone, room_status
from .free_busy import busy_times

SERVICE_BOOK_SPACE = "book_space"
SERVICE_CANCEL_BOOKING = "cancel_booking"
SERVICE_EXTEND_BOOKING = "extend_booking"
SERVICE_END_BOOKING = "end_booking"
SERVICE_CHECK_IN = "check_in"
SERVICE_FIND_FREE_SPACE = "find_free_space"

ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_START = "start"
ATTR_END = "end"
ATTR_DURATION = "duration"
ATTR_TITLE = "title"
ATTR_DESCRIPTION = "description"
ATTR_INVITEES = "invitees"
ATTR_BOOKING_ID = "booking_id"
ATTR_MINUTES = "minutes"
ATTR_MIN_CAPACITY = "min_capacity"
ATTR_TYPES = "types"
ATTR_LOCATION = "location"
ATTR_AMENITIES = "amenities"

# How far past the searched slot find_free_space looks to tell until when a room is free.
FREE_UNTIL_HORIZON = timedelta(days=1)


def _within_limits(validator: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Make a number too big for Python's dates invalid data, not a crash.

    Home Assistant's validators turn e.g. `{"days": 1e10}` or `.inf` into an OverflowError.
    """

    def validate(value: Any) -> Any:
        try:
            return validator(value)
        except OverflowError as err:
            raise vol.Invalid(f"{value!r} is too large") from err

    return validate


DURATION = _within_limits(cv.positive_time_period)

# Home Assistant's target fields: entities, devices, and the areas, floors and labels its
# target picker offers for the rooms they hold.
ROOM_TARGET = cv.ENTITY_SERVICE_FIELDS
BOOK_SPACE_SCHEMA = vol.Schema(
    {
        **ROOM_TARGET,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Exclusive(ATTR_END, "end"): cv.datetime,
        vol.Exclusive(ATTR_DURATION, "end"): DURATION,
        vol.Optional(ATTR_TITLE): cv.string,
        vol.Optional(ATTR_DESCRIPTION): cv.string,
        vol.Optional(ATTR_INVITEES, default=list): vol.All(cv.ensure_list, [vol.Email()]),
    }
)
BOOKING_SCHEMA = vol.Schema({**ROOM_TARGET, vol.Optional(ATTR_BOOKING_ID): cv.string})
EXTEND_BOOKING_SCHEMA = BOOKING_SCHEMA.extend(
    {
        vol.Required(ATTR_MINUTES): vol.All(
            _within_limits(vol.Coerce(int)), vol.Range(min=1, max=24 * 60)
        )
    }
)
FIND_FREE_SPACE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Exclusive(ATTR_END, "end"): cv.datetime,
        vol.Exclusive(ATTR_DURATION, "end"): DURATION,
        vol.Optional(ATTR_MIN_CAPACITY): vol.All(_within_limits(vol.Coerce(int)), vol.Range(min=1)),
        vol.Optional(ATTR_TYPES, default=list): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional(ATTR_LOCATION): cv.string,
        vol.Optional(ATTR_AMENITIES, default=list): vol.All(cv.ensure_list, [cv.string]),
    }
)

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    actions: list[tuple[str, Handler, vol.Schema, SupportsResponse]] = [
        (SERVICE_BOOK_SPACE, _book_space, BOOK_SPACE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_CANCEL_BOOKING, _cancel_booking, BOOKING_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_EXTEND_BOOKING, _extend_booking, EXTEND_BOOKING_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_END_BOOKING, _end_booking, BOOKING_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_CHECK_IN, _check_in, BOOKING_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_FIND_FREE_SPACE, _find_free_space, FIND_FREE_SPACE_SCHEMA, SupportsResponse.ONLY),
    ]
    for name, handler, schema, supports_response in actions:
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports_response
        )


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> RobinConfigEntry:
    entry: RobinConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise validation_error("entry_not_found")
    if entry.state is not ConfigEntryState.LOADED:
        raise validation_error("entry_not_loaded", entry=entry.title)
    return entry


def _target_room(call: ServiceCall) -> tuple[RobinCoordinator, Space]:
    """Resolve the action's target to exactly one room.

    A room is named by one of its entities or its device; an area, floor or label stands
    for the rooms it holds. Anything named that is not a room, or holds none, is refused
    rather than ignored: the action would otherwise act on a room nobody meant.
    """
    hass = call.hass
    target = TargetSelection(call.data)
    entity_registry = er.async_get(hass)
    device_registry = dr.async_get(hass)
    room_of_device = _rooms_by_device(hass, device_registry)
    rooms: set[tuple[str, int]] = set()
    device_ids = set(target.device_ids)
    if ENTITY_MATCH_ALL in target.entity_ids:
        # Home Assistant's "every entity": every room, where one is needed.
        raise validation_error("one_room_required")
    for entity_id in sorted(target.entity_ids):
        entity = entity_registry.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN or entity.device_id is None:
            raise validation_error("not_a_room", target=entity_id)
        device_ids.add(entity.device_id)
    for device_id in sorted(device_ids):
        if device_id not in room_of_device:
            device = device_registry.async_get(device_id)
            raise validation_error("not_a_room", target=(device and device.name) or device_id)
        rooms.add(room_of_device[device_id])
    for place, place_id, name in _places(hass, target):
        held = _rooms_held(hass, TargetSelection({place: place_id}), room_of_device)
        if not held:
            raise validation_error("not_a_room", target=name)
        rooms |= held
    if len(rooms) != 1:
        raise validation_error("one_room_required")
    entry_id, space_id = rooms.pop()
    coordinator = _loaded_entry(hass, entry_id).runtime_data
    space = coordinator.data.spaces.get(space_id)
    if space is None:
        raise validation_error("room_gone")
    return coordinator, space


def _rooms_by_device(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> dict[str, tuple[str, int]]:
    """Return the Robin entry and room id of each room's device."""
    # Asked per entry because the device's own config entry attribute differs between
    # Home Assistant versions.
    return {
        device.id: (entry.entry_id, space_id)
        for entry in hass.config_entries.async_entries(DOMAIN)
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        if (space_id := _space_id_of(device)) is not None
    }


def _places(hass: HomeAssistant, target: TargetSelection) -> list[tuple[str, str, str]]:
    """Return the targeted areas, floors and labels: their target field, id and name.

    One that no longer exists is named by its id.
    """
    areas = ar.async_get(hass)
    floors = fr.async_get(hass)
    labels = lr.async_get(hass)
    places: list[tuple[str, str, str]] = []
    for area_id in sorted(target.area_ids):
        area = areas.async_get_area(area_id)
        places.append((ATTR_AREA_ID, area_id, area.name if area else area_id))
    for floor_id in sorted(target.floor_ids):
        floor = floors.async_get_floor(floor_id)
        places.append((ATTR_FLOOR_ID, floor_id, floor.name if floor else floor_id))
    for label_id in sorted(target.label_ids):
        label = labels.async_get_label(label_id)
        places.append((ATTR_LABEL_ID, label_id, label.name if label else label_id))
    return places


def _rooms_held(
    hass: HomeAssistant, place: TargetSelection, room_of_device: dict[str, tuple[str, int]]
) -> set[tuple[str, int]]:
    """Return the rooms an area, floor or label holds, as Home Assistant resolves it.

    A room is held when its device is, or one of the room's entities is (an entity's own
    area overrides its device's). The other things it holds (lights, an office's device)
    are no rooms and are left out.
    """
    selected = async_extract_referenced_entity_ids(hass, place, expand_group=False)
    device_ids = set(selected.referenced_devices)
    entity_registry = er.async_get(hass)
    for entity_id in selected.indirectly_referenced:
        entity = entity_registry.async_get(entity_id)
        if entity is not None and entity.platform == DOMAIN and entity.device_id is not None:
            device_ids.add(entity.device_id)
    return {room_of_device[device_id] for device_id in device_ids if device_id in room_of_device}


def _space_id_of(device: dr.DeviceEntry) -> int | None:
    for domain, identifier in device.identifiers:
        if domain == DOMAIN and identifier.startswith("space_"):
            return int(identifier.removeprefix("space_"))
    return None


def _requested_slot(call: ServiceCall, now: datetime) -> tuple[datetime, datetime]:
    """Return the start and end asked for: start defaults to now; end or duration is needed."""
    if ATTR_END not in call.data and ATTR_DURATION not in call.data:
        raise validation_error("end_or_duration")
    try:
        # Robin works to the second (it refuses fractions), so "now" is too.
        start: datetime = dt_util.as_utc(call.data.get(ATTR_START, now.replace(microsecond=0)))
        if ATTR_END in call.data:
            end = dt_util.as_utc(call.data[ATTR_END])
        else:
            end = start + call.data[ATTR_DURATION]
    except OverflowError:  # before year 1 or after 9999 once in UTC
        raise validation_error("time_out_of_range") from None
    check_within_reach(now, start, end)
    return start, end


def _room_zone(coordinator: RobinCoordinator, space: Space) -> tzinfo:
    """Return the room's time zone, in which its times are given."""
    return coordinator.data.time_zone_of(space) or dt_util.get_default_time_zone()


def _booking_response(coordinator: RobinCoordinator, space: Space, event: Event) -> dict[str, Any]:
    zone = _room_zone(coordinator, space)
    location = coordinator.data.locations.get(space.location_id)
    return {
        "id": event.id,
        "title": event.title,
        # In the room's hours, as on its calendar: Robin gives a synced meeting in its
        # organiser's zone.
        "start": event_start(event, zone).astimezone(zone).isoformat(),
        "end": event_end(event, zone).astimezone(zone).isoformat(),
        "room": space.name,
        "room_id": space.id,
        "location": location.name if location else None,
    }


async def _book_space(call: ServiceCall) -> ServiceResponse:
    coordinator, space = _target_room(call)
    start, end = _requested_slot(call, dt_util.utcnow())
    event = await async_book(
        coordinator,
        space,
        start,
        end,
        title=call.data.get(ATTR_TITLE),
        description=call.data.get(ATTR_DESCRIPTION),
        invitees=call.data[ATTR_INVITEES],
    )
    return {"booking": _booking_response(coordinator, space, event)}


async def _booking(call: ServiceCall) -> tuple[RobinCoordinator, Space, Event]:
    """Return the booking an action means: by id, else the room's current booking."""
    coordinator, space = _target_room(call)
    booking_id: str | None = call.data.get(ATTR_BOOKING_ID)
    if booking_id is None:
        status = room_status(
            space,
            coordinator.data.events.get(space.id, ()),
            coordinator.data.people_present.get(space.id, 0),
            dt_util.utcnow(),
            _room_zone(coordinator, space),
        )
        if status.current is None:
            raise validation_error("no_current_booking", room=space.name)
        return coordinator, space, status.current
    check_booking_id_given(booking_id, space)
    # The window's copy is current; beyond it, Robin's copy (a calendar's read may be old).
    event = window_booking(coordinator, space, booking_id)
    if event is None:
        # Refuses another room's booking, and a series' own id.
        event = await async_read_booking(coordinator, space, booking_id)
    return coordinator, space, event


async def _cancel_booking(call: ServiceCall) -> ServiceResponse:
    coordinator, space, event = await _booking(call)
    await async_cancel_booking(coordinator, space, event.id)
    return {"booking": _booking_response(coordinator, space, event), "cancelled": True}


async def _extend_booking(call: ServiceCall) -> ServiceResponse:
    coordinator, space, event = await _booking(call)
    if event.is_all_day:
        raise validation_error("all_day_not_supported")
    # Read from Robin, not the poll's copy: computed from that, the change would undo what
    # was changed since (a meeting moved or extended in Robin's app, a moment-ago extension).
    event = await async_read_booking(coordinator, space, event.id)
    zone = _room_zone(coordinator, space)
    start = event_start(event, zone)
    if event_end(event, zone) <= dt_util.utcnow():  # it would be booked again after the fact
        raise validation_error("booking_already_over", room=space.name)
    # In UTC: minutes added across a change of the clocks are the minutes asked for.
    end = dt_util.as_utc(event_end(event, zone)) + timedelta(minutes=call.data[ATTR_MINUTES])
    updated = await async_update_booking(
        coordinator, space, event.id, start=start, end=end, time_zone=event.time_zone
    )
    return {"booking": _booking_response(coordinator, space, updated)}


async def _end_booking(call: ServiceCall) -> ServiceResponse:
    coordinator, space, event = await _booking(call)
    if event.is_all_day:
        raise validation_error("all_day_not_supported")
    event = await async_read_booking(coordinator, space, event.id)  # not the poll's copy
    zone = _room_zone(coordinator, space)
    now = dt_util.utcnow().replace(microsecond=0)
    start = event_start(event, zone)
    if start > now:
        raise validation_error("booking_not_started", room=space.name)
    if event_end(event, zone) <= now:  # ending it "now" would stretch it instead
        raise validation_error("booking_already_over", room=space.name)
    if now - start <= MIN_BOOKING_DURATION:
        # Robin refuses bookings of five minutes or less, so a booking that only just
        # began is released by cancelling it.
        await async_cancel_booking(coordinator, space, event.id)
        return {"booking": _booking_response(coordinator, space, event), "cancelled": True}
    updated = await async_update_booking(
        coordinator, space, event.id, start=start, end=now, time_zone=event.time_zone
    )
    return {"booking": _booking_response(coordinator, space, updated), "cancelled": False}


async def _check_in(call: ServiceCall) -> ServiceResponse:
    coordinator, space, event = await _booking(call)
    confirmation = await async_check_in(coordinator, space, event.id)
    confirmed_at = confirmation.confirmed_at
    return {
        "booking": _booking_response(coordinator, space, event),
        # In the room's hours, as the booking's times are.
        "confirmed_at": confirmed_at.astimezone(_room_zone(coordinator, space)).isoformat()
        if confirmed_at
        else None,
    }


async def _find_free_space(call: ServiceCall) -> ServiceResponse:
    coordinator = _loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID]).runtime_data
    data = coordinator.data
    now = dt_util.utcnow()
    start, end = _requested_slot(call, now)
    if end <= start:
        raise validation_error("end_before_start")
    # What was free earlier can no longer be booked: a search of the past is a mistake
    # (e.g. a time of day meant for tomorrow), told as book_space tells it.
    if start < now - PAST_START_GRACE:
        raise validation_error("start_in_past")
    location_ids = list(data.locations)
    if not location_ids:  # Robin no longer has any of the entry's locations
        raise validation_error("no_locations_followed")
    if ATTR_LOCATION in call.data:
        location_ids = [_location_id(call, coordinator)]
    # A location Robin refused at its last poll (403, or 404 once deleted) could fail the
    # whole search: the others are searched without it, and it alone is a failure.
    searched = [i for i in location_ids if not coordinator.is_refused(i)]
    if not searched:
        names = ", ".join(data.locations[i].name for i in location_ids)
        raise robin_failure("location_refused", location=names)
    location_ids = searched
    time_zone = next(
        (zone for i in location_ids if (zone := location_time_zone(data.locations[i]))),
        dt_util.get_default_time_zone(),
    )
    try:
        free_busy = await coordinator.client.get_free_busy(
            start=start,
            end=max(end, start + FREE_UNTIL_HORIZON),
            time_zone=str(time_zone),
            location_ids=location_ids,
            types=_robin_types(call.data[ATTR_TYPES], data.spaces.values()),
            min_capacity=call.data.get(ATTR_MIN_CAPACITY),
        )
    except RobinError as err:
        raise robin_read_error(coordinator, err) from err
    wanted_amenities = {name.strip().casefold() for name in call.data[ATTR_AMENITIES]}
    free: list[JsonValueType] = []
    for result in free_busy:
        # Free/busy may list a room as its id, location and name only (robin-api.md §4.10):
        # its type, capacity and amenities are the ones discovery read with the full room.
        space = data.spaces.get(result.space.id, result.space)
        if space.is_disabled or result.space.is_disabled:
            continue
        if not wanted_amenities <= _amenities_of(space):
            continue
        busy = busy_times(result, coordinator.bookings.declined_by_room(space.id))
        if any(busy_start < end and busy_end > start for busy_start, busy_end in busy):
            continue
        free_until = min((busy_start for busy_start, _ in busy if busy_start >= end), default=None)
        location = data.locations.get(space.location_id)
        # In the room's hours, as its calendar and the booking actions give them.
        room_zone = _room_zone(coordinator, space)
        free.append(
            {
                "id": space.id,
                "name": space.name,
                "location": location.name if location else None,
                "type": space.type,
                "capacity": space.capacity,
                "free_until": free_until.astimezone(room_zone).isoformat() if free_until else None,
            }
        )
    # In the location's hours when one was asked for, else in Home Assistant's.
    shown_zone = time_zone if ATTR_LOCATION in call.data else dt_util.get_default_time_zone()
    return {
        "start": start.astimezone(shown_zone).isoformat(),
        "end": end.astimezone(shown_zone).isoformat(),
        "spaces": free,
    }


def _amenities_of(space: Space) -> set[str]:
    """Return the room's amenity names, compared case-insensitively.

    Free/busy's rooms are matched to the cached rooms by id: those were read with their
    amenities (`include=space_amenities`).
    """
    return {name.strip().casefold() for name in space.amenities}


def _robin_types(wanted: list[str], spaces: Iterable[Space]) -> list[str]:
    """Spell the requested room types as Robin does (it compares them case-sensitively).

    Types no known room has are sent as typed: Robin's list of types is open.
    """
    known = {space.type.casefold(): space.type for space in spaces if space.type}
    return [known.get(name.casefold(), name) for name in map(str.strip, wanted) if name]


def _location_id(call: ServiceCall, coordinator: RobinCoordinator) -> int:
    """Resolve the location field: a location device of this entry, or a location name."""
    wanted = call.data[ATTR_LOCATION].strip()
    device = dr.async_get(call.hass).async_get(wanted)
    for location_id, location in coordinator.data.locations.items():
        if (device is not None and location_identifier(location_id) in device.identifiers) or (
            location.name.casefold() == wanted.casefold()
        ):
            return location_id
    raise validation_error("location_not_found", location=wanted)
