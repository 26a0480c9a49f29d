"""Base entities: one device per room and one service device per location."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .api import Location, Space
from .coordinator import RobinCoordinator, location_identifier, room_identifier
from .data import RobinData, RoomStatus, room_status

MANUFACTURER = "Robin"


def room_model(space: Space) -> str:
    """Return a readable room type, e.g. "Study room" for Robin's "study_room"."""
    if not space.type:
        return "Space"
    return space.type.replace("_", " ").capitalize()


class RobinRoomEntity(CoordinatorEntity[RobinCoordinator]):
    """An entity of one room (a Robin space), on the room's device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: RobinCoordinator, space: Space, description: EntityDescription
    ) -> None:
        """Attach the entity to its room's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.space_id = space.id
        self._attr_unique_id = f"{coordinator.config_entry.unique_id}_{space.id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={room_identifier(space.id)},
            name=space.name,
            manufacturer=MANUFACTURER,
            model=room_model(space),
            model_id=space.type,
            suggested_area=space.name,
            serial_number=str(space.id),
        )

    @property
    def space(self) -> Space | None:
        """Return the room as last read from Robin, or None once it is gone."""
        return self.coordinator.data.spaces.get(self.space_id)

    @property
    def available(self) -> bool:
        """Tell whether the room's data is current: the poll worked and the room still exists."""
        return super().available and self.space is not None

    @property
    def time_zone(self) -> tzinfo:
        """Return the room's local time zone (the location's, else Home Assistant's)."""
        space = self.space
        zone = self.coordinator.data.time_zone_of(space) if space else None
        return zone or dt_util.get_default_time_zone()

    def status(self, now: datetime | None = None) -> RoomStatus | None:
        """Return the room's status now, computed live from the cached data."""
        space = self.space
        if space is None:
            return None
        data = self.coordinator.data
        return room_status(
            space,
            data.events.get(space.id, ()),
            data.people_present.get(space.id, 0),
            now or dt_util.utcnow(),
            self.time_zone,
        )


class RobinClockedRoomEntity(RobinRoomEntity):
    """A room entity whose state also changes with the clock (meetings start and end).

    Between polls the state is recomputed exactly when the next meeting boundary passes,
    so a room turns "booked" at the meeting's start, not at the next poll.
    """

    _unsub_boundary: CALLBACK_TYPE | None = None

    async def async_added_to_hass(self) -> None:
        """Schedule the first boundary."""
        await super().async_added_to_hass()
        self._schedule_boundary()
        self.async_on_remove(self._cancel_boundary)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._schedule_boundary()
        super()._handle_coordinator_update()

    @callback
    def _schedule_boundary(self) -> None:
        self._cancel_boundary()
        status = self.status()
        if status is None or status.next_change is None:
            return
        self._unsub_boundary = async_track_point_in_utc_time(
            self.hass, self._boundary_passed, status.next_change
        )

    @callback
    def _boundary_passed(self, _now: datetime) -> None:
        self._unsub_boundary = None
        self._schedule_boundary()
        self.async_write_ha_state()

    @callback
    def _cancel_boundary(self) -> None:
        if self._unsub_boundary is not None:
            self._unsub_boundary()
            self._unsub_boundary = None


class RobinLocationEntity(CoordinatorEntity[RobinCoordinator]):
    """An entity of one location (an office), on the location's service device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: RobinCoordinator, location: Location, description: EntityDescription
    ) -> None:
        """Attach the entity to its location's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.location_id = location.id
        self._attr_unique_id = (
            f"{coordinator.config_entry.unique_id}_location_{location.id}_{description.key}"
        )
        self._attr_device_info = DeviceInfo(
            identifiers={location_identifier(location.id)},
            name=location.name,
            manufacturer=MANUFACTURER,
            model="Location",
            entry_type=DeviceEntryType.SERVICE,
            serial_number=str(location.id),
        )

    @property
    def available(self) -> bool:
        """Tell whether the poll worked and the location is still selected in Robin."""
        return super().available and self.location_id in self.coordinator.data.locations


def add_entities_for_new_rooms(
    coordinator: RobinCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for_room: Callable[[Space], Iterable[Entity]],
) -> Callable[[], None]:
    """Add a room's entities now and whenever Robin gains a room; return the unsubscriber."""
    return _add_entities_for_new(
        coordinator, async_add_entities, lambda data: data.spaces, entities_for_room
    )


def add_entities_for_new_locations(
    coordinator: RobinCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for_location: Callable[[Location], Iterable[Entity]],
) -> Callable[[], None]:
    """Add a location's entities now and whenever one appears; return the unsubscriber."""
    return _add_entities_for_new(
        coordinator, async_add_entities, lambda data: data.locations, entities_for_location
    )


def _add_entities_for_new[T](
    coordinator: RobinCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    items_of: Callable[[RobinData], Mapping[int, T]],
    entities_for: Callable[[T], Iterable[Entity]],
) -> Callable[[], None]:
    known: set[int] = set()

    @callback
    def add_new() -> None:
        items = items_of(coordinator.data)
        new_items = [item for item_id, item in items.items() if item_id not in known]
        known.update(items)
        known.intersection_update(items)
        entities = [entity for item in new_items for entity in entities_for(item)]
        if entities:
            async_add_entities(entities)

    add_new()
    return coordinator.async_add_listener(add_new)
