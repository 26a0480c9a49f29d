"""The entry's locations and rooms, as Home Assistant registered them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from custom_components.robin.api import RobinClient

from .ha_client import HomeAssistantApi

# Unique ids: <org>_<space>_<key> (rooms), <org>_location_<location>_<key> (locations).
UNIQUE_ID = re.compile(r"\d+_(?:location_)?\d+_(\w+)")


@dataclass
class Room:
    """A room's entity ids, by the integration's entity key."""

    id: int
    name: str
    device_id: str
    entities: dict[str, str]


@dataclass
class Office:
    """A Robin location with its rooms."""

    id: int
    name: str
    entities: dict[str, str]
    rooms: list[Room]


async def offices(api: HomeAssistantApi, entry_id: str, base_url: str, token: str) -> list[Office]:
    """The entry's locations and rooms, from Home Assistant's registries and from Robin.

    Entity ids are looked up, not guessed: they depend on the Home Assistant version (newer
    releases prefix the area) and on renames. Devices are identified by `location_<id>` and
    `space_<id>`; which room is in which location is asked from Robin (the simulator).
    """
    devices = {
        device["id"]: device
        for device in await api.ws("config/device_registry/list")
        if entry_id in device["config_entries"]
    }
    keys_of: dict[str, dict[str, str]] = {}
    for entity in await api.ws("config/entity_registry/list"):
        if entity["config_entry_id"] == entry_id and not entity["disabled_by"]:
            match = UNIQUE_ID.fullmatch(entity["unique_id"] or "")
            if match and entity["device_id"] in devices:
                keys_of.setdefault(entity["device_id"], {})[match[1]] = entity["entity_id"]
    locations: dict[int, Office] = {}
    rooms: dict[int, Room] = {}
    for device_id, device in devices.items():
        name = device["name_by_user"] or device["name"]
        for domain, identifier in device["identifiers"]:
            kind, _, robin_id = identifier.partition("_")
            if domain != "robin" or not robin_id.isdigit():
                continue
            entities = keys_of.get(device_id, {})
            if kind == "location":
                locations[int(robin_id)] = Office(int(robin_id), name, entities, [])
            elif kind == "space":
                rooms[int(robin_id)] = Room(int(robin_id), name, device_id, entities)
    client = RobinClient(api.session, token, base_url=base_url)
    for office in locations.values():
        for space in await client.get_spaces(office.id):
            if space.id in rooms:
                office.rooms.append(rooms[space.id])
        office.rooms.sort(key=lambda room: room.name)
    return sorted(locations.values(), key=lambda office: office.name)


async def rooms_have_states(api: HomeAssistantApi, office_list: list[Office]) -> bool | None:
    """True once Robin's first poll is in and every enabled room entity has a state.

    Occupancy is then on or off; entities just enabled arrive with the entry's reload.
    """
    wanted = {
        room.entities["occupancy"]
        for office in office_list
        for room in office.rooms
        if "occupancy" in room.entities
    }
    enabled = {
        entity
        for office in office_list
        for room in office.rooms
        for entity in room.entities.values()
    }
    states = {s["entity_id"]: s["state"] for s in await api.request("GET", "/api/states")}
    if not wanted or not all(states.get(e) in {"on", "off"} for e in wanted):
        return None
    return True if all(entity in states for entity in enabled) else None
