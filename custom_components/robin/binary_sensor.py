"""Occupancy of each room, from Robin's presence sessions."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Space
from .coordinator import RobinConfigEntry, RoomChange
from .entity import RobinRoomEntity, add_entities_for_new_rooms

# Read-only and fed by the coordinator: no limit needed.
PARALLEL_UPDATES = 0

OCCUPANCY = BinarySensorEntityDescription(
    key="occupancy",
    translation_key="occupancy",
    device_class=BinarySensorDeviceClass.OCCUPANCY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an occupancy sensor for every room, now and as rooms appear."""
    coordinator = entry.runtime_data

    def entities_for_room(space: Space) -> list[RobinOccupancySensor]:
        return [RobinOccupancySensor(coordinator, space, OCCUPANCY)]

    entry.async_on_unload(
        add_entities_for_new_rooms(coordinator, async_add_entities, entities_for_room)
    )


class RobinOccupancySensor(RobinRoomEntity, BinarySensorEntity):
    """On while anyone (a person or a sensor) is present in the room."""

    _shows = RoomChange.PRESENCE

    @property
    def is_on(self) -> bool:
        """Return whether the room is occupied."""
        return self.coordinator.data.people_present.get(self.space_id, 0) > 0
