"""Base entities: one device per room and one service device per location."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo

from homeassistant.core import callback
from homeassistant.helpers import entity_platform
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from .api import Location, Space
from .const import DOMAIN, MANUFACTURER
from .coordinator import (
    RobinConfigEntry,
    RobinCoordinator,
    RoomChange,
    location_identifier,
)
from .data import RobinData, RoomStatus


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
        # The room's device, registered once for all its entities (not by each `device_info`).
        self.device_entry = coordinator.discovery.room_device(space)

    _shown_available: bool | None = None
    # What this entity shows of its room: it is written only when that changes.
    _shows: RoomChange = RoomChange.ALL

    async def async_added_to_hass(self) -> None:
        """Listen to this room's changes (the coordinator's own only for availability)."""
        await super().async_added_to_hass()
        self._shown_available = self.available
        self.async_on_remove(
            self.coordinator.async_add_room_listener(
                self.space_id, self._handle_room_update, self._shows
            )
        )

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing to move when the user renames the entity: it follows its room by Robin's id.

        Defining this lets Home Assistant (2026.11+) rename the entity in place rather
        than remove it and add it again.
        """

    @callback
    def _handle_coordinator_update(self) -> None:
        """Polls failed or recovered, or rooms came or went: write only if that matters here."""
        if self.available != self._shown_available:
            self._handle_room_update()

    @callback
    def _handle_room_update(self) -> None:
        """What this room shows changed (a poll, or a meeting started or ended)."""
        self._shown_available = self.available
        self.async_write_ha_state()

    @property
    def space(self) -> Space | None:
        """Return the room as last read from Robin, or None once it is gone."""
        return self.coordinator.data.spaces.get(self.space_id)

    @property
    def available(self) -> bool:
        """Tell whether the room's data is current: the poll worked and the room still exists.

        Not while Robin refuses the room's location (its other locations may still answer).
        """
        space = self.space
        return (
            super().available
            and space is not None
            and not self.coordinator.is_refused(space.location_id)
        )

    @property
    def time_zone(self) -> tzinfo:
        """Return the room's local time zone (the location's, else Home Assistant's)."""
        space = self.space
        zone = self.coordinator.time_zone(space.location_id) if space else None
        return zone or dt_util.get_default_time_zone()

    def status(self, now: datetime | None = None) -> RoomStatus | None:
        """Return the room's status now (computed once per change by the coordinator)."""
        return self.coordinator.room_status(self.space_id, now)


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

    _shown_available: bool | None = None

    async def async_added_to_hass(self) -> None:
        """Listen to this location's changes (the coordinator's own only for availability)."""
        await super().async_added_to_hass()
        self._shown_available = self.available
        self.async_on_remove(
            self.coordinator.async_add_location_listener(
                self.location_id, self._handle_location_update
            )
        )

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing to move when the user renames the entity: it follows its location's id."""

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.available != self._shown_available:
            self._handle_location_update()

    @callback
    def _handle_location_update(self) -> None:
        self._shown_available = self.available
        self.async_write_ha_state()

    @property
    def available(self) -> bool:
        """Tell whether the poll worked and the location is still selected and answering.

        Not while an empty answer left its rooms unread: it would count none of them.
        """
        return (
            super().available
            and self.location_id in self.coordinator.data.locations
            and not self.coordinator.is_refused(self.location_id)
            and self.location_id not in self.coordinator.discovery.unread_locations
        )


def add_entities_for_new_rooms(
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for_room: Callable[[Space], Iterable[Entity]],
) -> None:
    """Add a room's entities now and whenever Robin gains a room, until the entry unloads.

    A room that turns bookable (enabled again, given a calendar) gets the entities only
    bookable rooms have at the rediscovery that sees it, not at the next restart.
    """
    _add_entities_for_new(
        entry,
        async_add_entities,
        lambda data: data.spaces,
        entities_for_room,
        kind_of=lambda space: space.is_bookable,
    )


def add_entities_for_new_locations(
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    entities_for_location: Callable[[Location], Iterable[Entity]],
) -> None:
    """Add a location's entities now and whenever one appears, until the entry unloads."""
    _add_entities_for_new(
        entry, async_add_entities, lambda data: data.locations, entities_for_location
    )


def _add_entities_for_new[T](
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    items_of: Callable[[RobinData], Mapping[int, T]],
    entities_for: Callable[[T], Iterable[Entity]],
    kind_of: Callable[[T], object] = lambda _item: None,
) -> None:
    """Add the entities of new items, and of items whose kind changed those not added yet."""
    coordinator = entry.runtime_data
    platform = entity_platform.async_get_current_platform()
    registry = er.async_get(coordinator.hass)
    known: dict[int, object] = {}  # item id -> its kind when its entities were last made

    def not_added(entity: Entity) -> bool:
        """Tell whether the platform has no entity of this unique id yet (in this run)."""
        unique_id = entity.unique_id or ""
        entity_id = registry.async_get_entity_id(platform.domain, DOMAIN, unique_id)
        return entity_id is None or entity_id not in platform.entities

    @callback
    def add_new() -> None:
        items = items_of(coordinator.data)
        for gone in known.keys() - items.keys():
            del known[gone]
        entities: list[Entity] = []
        for item_id, item in items.items():
            kind = kind_of(item)
            if item_id in known and known[item_id] == kind:
                continue
            # A kind change asks for the entities that kind has; some exist already.
            made = entities_for(item)
            entities.extend(made if item_id not in known else filter(not_added, made))
            known[item_id] = kind
        if entities:
            async_add_entities(entities)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
