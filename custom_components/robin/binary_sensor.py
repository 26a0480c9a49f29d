"""Occupancy of each room, from Robin's presence sessions; no-shows and unbooked use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Space
from .coordinator import RobinConfigEntry, RobinCoordinator, RoomChange
from .entity import RobinRoomEntity, add_entities_for_new_rooms
from .office_actions import OfficeActor, RoomOffice, office_actor

# Read-only and fed by the coordinator: no limit needed.
PARALLEL_UPDATES = 0

OCCUPANCY = BinarySensorEntityDescription(
    key="occupancy",
    translation_key="occupancy",
    device_class=BinarySensorDeviceClass.OCCUPANCY,
)


@dataclass(frozen=True, kw_only=True)
class RobinOfficeSensorDescription(BinarySensorEntityDescription):
    """A room's office state: what it shows of the room's bookings and presence."""

    is_on_fn: Callable[[RoomOffice], bool | None]


OFFICE_SENSORS = (
    RobinOfficeSensorDescription(
        key="no_show",
        translation_key="no_show",
        is_on_fn=lambda office: office.no_show,
    ),
    RobinOfficeSensorDescription(
        key="checked_in",
        translation_key="checked_in",
        # No booking now: nothing to check in. A booking whose check-in is not read yet: unknown.
        is_on_fn=lambda office: office.checked_in if office.booking else False,
    ),
    RobinOfficeSensorDescription(
        key="unbooked_use",
        translation_key="unbooked_use",
        is_on_fn=lambda office: office.unbooked_use,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add every room's occupancy sensor, and bookable rooms' office sensors, as rooms appear."""
    coordinator = entry.runtime_data
    actor = office_actor(hass, entry)

    def entities_for_room(space: Space) -> list[BinarySensorEntity]:
        entities: list[BinarySensorEntity] = [RobinOccupancySensor(coordinator, space, OCCUPANCY)]
        if space.is_bookable:  # without bookings there is no no-show nor unbooked use
            entities.extend(
                RobinOfficeSensor(coordinator, actor, space, description)
                for description in OFFICE_SENSORS
            )
        return entities

    add_entities_for_new_rooms(entry, async_add_entities, entities_for_room)


class RobinOccupancySensor(RobinRoomEntity, BinarySensorEntity):
    """On while anyone (a person or a sensor) is present in the room."""

    _shows = RoomChange.PRESENCE

    @property
    def is_on(self) -> bool:
        """Return whether the room is occupied."""
        return self.coordinator.data.people_present.get(self.space_id, 0) > 0


class RobinOfficeSensor(RobinRoomEntity, BinarySensorEntity):
    """A room's no-show, check-in or unbooked use, as the office actor sees it."""

    entity_description: RobinOfficeSensorDescription
    # It follows the actor, which runs after every poll and at its own moments, not the room
    # (but it turns unavailable with the room while Robin refuses the room's location).
    _shows = RoomChange.REFUSAL
    _shown_is_on: bool | None = None

    def __init__(
        self,
        coordinator: RobinCoordinator,
        actor: OfficeActor,
        space: Space,
        description: RobinOfficeSensorDescription,
    ) -> None:
        """Attach the sensor to its room and to the entry's office actor."""
        super().__init__(coordinator, space, description)
        self._actor = actor

    async def async_added_to_hass(self) -> None:
        """Follow the actor too: it changes these with the clock and after its requests."""
        await super().async_added_to_hass()
        self._shown_is_on = self.is_on
        self.async_on_remove(
            self._actor.async_add_room_listener(self.space_id, self._handle_actor_update)
        )

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing to move when the user renames the entity: the actor calls back by room."""

    @callback
    def _handle_actor_update(self) -> None:
        """The actor may have changed this: write only if the state shown did change."""
        if self.is_on != self._shown_is_on or self.available != self._shown_available:
            self._handle_room_update()

    @callback
    def _handle_room_update(self) -> None:
        if self.available and not self._shown_available and self.coordinator.poll_listeners_due:
            # Turning available before the actor took in the poll, this would show the
            # room's office as it was before the outage: written once the actor has.
            self._actor.async_tell_after_poll(self.space_id)
            return
        self._shown_is_on = self.is_on
        super()._handle_room_update()

    @property
    def available(self) -> bool:
        """Tell whether the room can still be booked: the actor follows bookable rooms only.

        A room disabled in Robin, or without its calendar, has no booking to miss or check
        in to; its sensors would otherwise keep what they showed last.
        """
        space = self.space
        return super().available and space is not None and space.is_bookable

    @property
    def is_on(self) -> bool | None:
        """Return the room's state now."""
        space = self.space
        if space is None or not space.is_bookable:
            return None
        return self.entity_description.is_on_fn(self._actor.room(space))
