"""Sensors of rooms (people, availability, next booking, free until) and of locations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Location, Space
from .coordinator import RobinConfigEntry, RobinCoordinator, RoomChange
from .data import Availability, RoomStatus, event_start
from .entity import (
    RobinLocationEntity,
    RobinRoomEntity,
    add_entities_for_new_locations,
    add_entities_for_new_rooms,
)

PARALLEL_UPDATES = 0

# The room's amenities (display, video conferencing), on its availability sensor.
ATTR_AMENITIES = "amenities"


@dataclass(frozen=True, kw_only=True)
class RobinRoomSensorDescription(SensorEntityDescription):
    """A room sensor whose value follows from the room and its status at this instant."""

    value_fn: Callable[[Space, RoomStatus, RobinRoomEntity], datetime | int | str | None]
    shows: RoomChange  # what of the room the value (and its attributes) follows
    attributes_fn: Callable[[Space], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class RobinLocationSensorDescription(SensorEntityDescription):
    """A location sensor computed from the snapshot."""

    value_fn: Callable[[RobinCoordinator, int], int]


def _next_booking(_space: Space, status: RoomStatus, entity: RobinRoomEntity) -> datetime | None:
    return event_start(status.upcoming, entity.time_zone) if status.upcoming else None


def _floor_name(space: Space, _status: RoomStatus, entity: RobinRoomEntity) -> str | None:
    """Return the name of the room's level; unknown rather than Robin's internal id."""
    level = entity.coordinator.data.levels.get(space.level_id) if space.level_id else None
    return level.name or None if level else None


# People present, free until, capacity and floor start disabled: occupancy says what most
# automations need of the count, free until is the next booking's start while free, capacity
# and floor never change. 7 entities a bookable room keep 1,000 rooms under Home Assistant's
# 10,000 enabled entities per config entry.
ROOM_SENSORS: tuple[RobinRoomSensorDescription, ...] = (
    RobinRoomSensorDescription(
        key="people_present",
        entity_registry_enabled_default=False,
        shows=RoomChange.PRESENCE,
        translation_key="people_present",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda space, _status, entity: entity.coordinator.data.people_present.get(
            space.id, 0
        ),
    ),
    RobinRoomSensorDescription(
        key="availability",
        shows=RoomChange.STATUS | RoomChange.ROOM,  # its amenities are the room's
        translation_key="availability",
        device_class=SensorDeviceClass.ENUM,
        options=[availability.value for availability in Availability],
        value_fn=lambda _space, status, _entity: status.availability.value,
        attributes_fn=lambda space: {ATTR_AMENITIES: sorted(space.amenities, key=str.casefold)},
    ),
    RobinRoomSensorDescription(
        key="next_booking",
        shows=RoomChange.STATUS,
        translation_key="next_booking",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_next_booking,
    ),
    RobinRoomSensorDescription(
        key="free_until",
        entity_registry_enabled_default=False,
        shows=RoomChange.STATUS,
        translation_key="free_until",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda _space, status, _entity: status.free_until,
    ),
    RobinRoomSensorDescription(
        key="capacity",
        entity_registry_enabled_default=False,
        shows=RoomChange.ROOM,
        translation_key="capacity",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda space, _status, _entity: space.capacity,
    ),
    RobinRoomSensorDescription(
        key="floor",
        shows=RoomChange.ROOM | RoomChange.FLOOR,
        translation_key="floor",
        entity_category=EntityCategory.DIAGNOSTIC,
        # A fixed fact Home Assistant can model itself (the room's area on a floor).
        entity_registry_enabled_default=False,
        value_fn=_floor_name,
    ),
)

LOCATION_SENSORS: tuple[RobinLocationSensorDescription, ...] = (
    RobinLocationSensorDescription(
        key="occupied_rooms",
        translation_key="occupied_rooms",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, location_id: coordinator.occupied_rooms(location_id),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every room and location."""
    coordinator = entry.runtime_data

    def entities_for_location(location: Location) -> list[RobinLocationSensor]:
        return [
            RobinLocationSensor(coordinator, location, description)
            for description in LOCATION_SENSORS
        ]

    add_entities_for_new_locations(entry, async_add_entities, entities_for_location)

    def entities_for_room(space: Space) -> list[RobinRoomSensor]:
        return [RobinRoomSensor(coordinator, space, description) for description in ROOM_SENSORS]

    add_entities_for_new_rooms(entry, async_add_entities, entities_for_room)


class RobinRoomSensor(RobinRoomEntity, SensorEntity):
    """A sensor of one room."""

    entity_description: RobinRoomSensorDescription

    def __init__(
        self, coordinator: RobinCoordinator, space: Space, description: RobinRoomSensorDescription
    ) -> None:
        """Attach the sensor to its room; it is written when what it shows changes."""
        super().__init__(coordinator, space, description)
        self._shows = description.shows

    @property
    def native_value(self) -> datetime | int | str | None:
        """Return the value for this instant."""
        space, status = self.space, self.status()
        if space is None or status is None:
            return None
        return self.entity_description.value_fn(space, status, self)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return what the description adds about the room (its amenities)."""
        space, attributes_fn = self.space, self.entity_description.attributes_fn
        if space is None or attributes_fn is None:
            return None
        return attributes_fn(space)


class RobinLocationSensor(RobinLocationEntity, SensorEntity):
    """A sensor of one location."""

    entity_description: RobinLocationSensorDescription

    @property
    def native_value(self) -> int:
        """Return the value from the latest poll."""
        return self.entity_description.value_fn(self.coordinator, self.location_id)
