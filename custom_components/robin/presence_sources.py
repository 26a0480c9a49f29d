"""Which Home Assistant binary sensors tell that someone is in each Robin room.

A room's sources are the occupancy, motion and presence binary sensors in the room device's
area (an entity's own area overrides its device's), plus those chosen for the room in a
"presence sources" subentry. This integration's own entities never count: reporting Robin's
occupancy back to Robin would keep a room occupied for ever. A chosen sensor whose entity id
is renamed stays chosen under its new id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON, Platform
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .const import CONF_SOURCES, CONF_SPACE_ID, DOMAIN
from .discovery import room_identifier

SOURCE_DEVICE_CLASSES = frozenset(
    {
        BinarySensorDeviceClass.OCCUPANCY,
        BinarySensorDeviceClass.MOTION,
        BinarySensorDeviceClass.PRESENCE,
    }
)


@callback
def is_own_entity(hass: HomeAssistant, entity_id: str) -> bool:
    """Tell whether the entity belongs to this integration (never a source)."""
    entry = er.async_get(hass).async_get(entity_id)
    return entry is not None and entry.platform == DOMAIN


@callback
def chosen_sources(entry: ConfigEntry) -> dict[int, set[str]]:
    """Return the binary sensors chosen per room in the entry's subentries, by space id.

    Presence sources are the only subentries a Robin entry has (config_flow.py), each made
    by presence_sources_flow.py with the room's space id as an int.
    """
    chosen: dict[int, set[str]] = {}
    for subentry in entry.subentries.values():
        chosen.setdefault(subentry.data[CONF_SPACE_ID], set()).update(
            subentry.data.get(CONF_SOURCES, ())
        )
    return chosen


@callback
def async_follow_renamed_sources(hass: HomeAssistant, entry: ConfigEntry) -> CALLBACK_TYPE:
    """Keep the entry's chosen sensors chosen when their entity ids are renamed.

    A subentry stores entity ids; without this a renamed sensor silently stops counting.
    """

    @callback
    def _renamed(event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        data = event.data
        if data["action"] != "update" or "old_entity_id" not in data:
            return
        old, new = data["old_entity_id"], data["entity_id"]
        for subentry in list(entry.subentries.values()):
            sources = subentry.data.get(CONF_SOURCES, [])
            if old not in sources:
                continue  # another room's choice
            hass.config_entries.async_update_subentry(
                entry,
                subentry,
                data={
                    **subentry.data,
                    CONF_SOURCES: [new if source == old else source for source in sources],
                },
            )

    return hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, _renamed)


@callback
def room_devices(
    hass: HomeAssistant, entry: ConfigEntry, space_ids: Iterable[int]
) -> dict[int, str]:
    """Return the device id of each of these rooms that has its device, by space id."""
    spaces = {room_identifier(space_id): space_id for space_id in space_ids}
    devices: dict[int, str] = {}
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id):
        for identifier in device.identifiers & spaces.keys():
            devices[spaces[identifier]] = device.id
    return devices


@callback
def room_sources(
    hass: HomeAssistant, entry: ConfigEntry, devices: Mapping[int, str]
) -> dict[int, frozenset[str]]:
    """Return each room's sources; `devices` maps space ids to the rooms' device ids."""
    entity_registry = er.async_get(hass)
    device_registry = dr.async_get(hass)
    chosen = chosen_sources(entry)
    sources: dict[int, frozenset[str]] = {}
    for space_id, device_id in devices.items():
        device = device_registry.async_get(device_id)
        found = set(chosen.get(space_id, ()))
        if device is not None and device.area_id is not None:
            found.update(_area_sensors(entity_registry, device_registry, device.area_id))
        sources[space_id] = frozenset(
            entity_id for entity_id in found if not is_own_entity(hass, entity_id)
        )
    return sources


@callback
def seen_by_home_assistant(hass: HomeAssistant, entry: ConfigEntry, space_id: int) -> bool:
    """Tell whether any of the room's sources sees someone now (is on).

    Robin learns of it at the sensor's report and the next poll; this is now. For a
    decision now and then: it looks among the entry's devices for the room's.
    """
    sources = room_sources(hass, entry, room_devices(hass, entry, [space_id])).get(space_id, ())
    return any(
        (state := hass.states.get(source)) is not None and state.state == STATE_ON
        for source in sources
    )


def _area_sensors(
    entity_registry: er.EntityRegistry, device_registry: dr.DeviceRegistry, area_id: str
) -> Iterable[str]:
    """Return the presence-like binary sensors in the area, directly or by their device."""
    candidates = list(er.async_entries_for_area(entity_registry, area_id))
    for device in dr.async_entries_for_area(device_registry, area_id):
        candidates.extend(
            entity
            for entity in er.async_entries_for_device(entity_registry, device.id)
            if entity.area_id is None  # an entity's own area overrides its device's
        )
    return (
        entity.entity_id
        for entity in candidates
        if entity.domain == Platform.BINARY_SENSOR
        and entity.platform != DOMAIN
        and not entity.disabled
        and (entity.device_class or entity.original_device_class) in SOURCE_DEVICE_CLASSES
    )
