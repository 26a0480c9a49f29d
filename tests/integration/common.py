"""Helpers of the integration tests."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ACCESS_TOKEN, STATE_OFF
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_REPORT_PRESENCE
from robin_simulator import RobinSimulator
from robin_simulator.model import Event

from .conftest import MONDAY_MORNING

DOMAIN = "robin"


def room_entity_id(
    hass: HomeAssistant, simulator: RobinSimulator, room: str, platform: str, key: str
) -> str:
    """Return the entity id of a room's entity, found by its stable unique id.

    Entity ids differ between Home Assistant versions (newer ones prefix the area), so
    tests look them up instead of spelling them out.
    """
    space = simulator.find_space(room)
    unique_id = f"{simulator.organization.id}_{space.id}_{key}"
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, f"no {platform} {key} for {room}"
    return entity_id


def room_state(
    hass: HomeAssistant, simulator: RobinSimulator, room: str, platform: str, key: str
) -> State:
    """Return the current state of a room's entity."""
    state = hass.states.get(room_entity_id(hass, simulator, room, platform, key))
    assert state is not None
    return state


def registry_counts(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[int, int]:
    """Return how many devices and entities the entry has in the registries."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return len(devices), len(entities)


def device_with_identifier(
    hass: HomeAssistant, entry_id: str, identifier: str
) -> dr.DeviceEntry | None:
    """Return the entry's device with this identifier (works on every supported HA)."""
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        if (DOMAIN, identifier) in device.identifiers:
            return device
    return None


def location_entity_id(
    hass: HomeAssistant, simulator: RobinSimulator, location: str, platform: str, key: str
) -> str:
    """Return the entity id of a location's entity, found by its stable unique id."""
    location_id = simulator.find_location(location).id
    unique_id = f"{simulator.organization.id}_location_{location_id}_{key}"
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, f"no {platform} {key} for {location}"
    return entity_id


def api_calls(simulator: RobinSimulator) -> list[str]:
    """Return the requests the simulator served, as "METHOD /path"."""
    return [f"{record.method} {record.path}" for record in simulator.requests]


async def setup_with_options(
    hass: HomeAssistant, entry: MockConfigEntry, token: str | None = None, **options: Any
) -> MockConfigEntry:
    """Set the entry up with these options, as if the user had chosen them before."""
    entry.add_to_hass(hass)
    data = {**entry.data, CONF_ACCESS_TOKEN: token} if token else entry.data
    hass.config_entries.async_update_entry(entry, data=data, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def set_up_reporting(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> MockConfigEntry:
    """Set the entry up with "Report presence from Home Assistant sensors" on.

    Its reporter starts in the background: waited for, so that sensors are followed.
    """
    await setup_with_options(hass, entry, **{CONF_REPORT_PRESENCE: True, **options})
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def setup_entry_at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entry: MockConfigEntry, when: datetime
) -> None:
    """Set the entry up at another instant than the fixtures' Monday morning.

    Polls then fall `when`'s seconds past the minute (e.g. :30), away from meeting
    boundaries, so a test can tell a change made by the clock from one made by a poll.
    """
    freezer.move_to(when)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def writes(simulator: RobinSimulator) -> list[str]:
    """Return the changes Robin was asked to make, as "METHOD /path"."""
    return [call for call in api_calls(simulator) if not call.startswith("GET ")]


async def call_action(
    hass: HomeAssistant, action: str, data: dict[str, Any], target: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run a robin action as an automation would, and return its response."""
    response = await hass.services.async_call(
        DOMAIN, action, dict(data), target=target, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    # Responses travel to scripts and the frontend as JSON.
    assert json.loads(json.dumps(response)) == response
    return response


def room_target(hass: HomeAssistant, simulator: RobinSimulator, room: str) -> dict[str, Any]:
    """Target a room by its calendar, as a user picking an entity would."""
    return {"entity_id": room_entity_id(hass, simulator, room, "calendar", "bookings")}


def titled(simulator: RobinSimulator, room: str, title: str) -> list[Event]:
    """Return the room's bookings with this title."""
    return [e for e in simulator.events_in(simulator.find_space(room).id) if e.title == title]


def meeting(simulator: RobinSimulator, room: str, title: str) -> Event:
    """Return the room's meeting with this title nearest to the tests' Monday morning."""
    found = titled(simulator, room, title)
    assert found, f"no {title} in {room}"
    return min(found, key=lambda event: abs(event.start - MONDAY_MORNING))


def delete_in_robin(simulator: RobinSimulator, event_id: str, how: str) -> None:
    """Delete a booking in Robin's app: `deleted` answers 404 for it from then on;
    `cancelled` keeps it readable and listed, marked cancelled, as some Robins keep a
    cancelled occurrence.
    """
    if how == "deleted":
        assert simulator.events.cancel(event_id)
        return
    held = simulator.events.get(event_id)
    assert held is not None
    simulator.events.save(dataclasses.replace(held, status="cancelled"))


async def ws_command(
    hass: HomeAssistant, hass_ws_client: Any, message: dict[str, Any]
) -> dict[str, Any]:
    """Send one websocket command, wait for what it set off, and return the answer."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(message)
    answer: dict[str, Any] = await client.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    return answer


async def delete_device(
    hass: HomeAssistant, client: Any, entry_id: str, device_id: str
) -> dict[str, Any]:
    """Delete a device as its page's Delete button does, on a websocket client; the answer.

    Newer Home Assistant sends config/device_registry/remove, older versions
    .../remove_config_entry (deprecated on newer ones). Needs the config component.
    """
    await client.send_json_auto_id(
        {"type": "config/device_registry/remove", "device_id": device_id}
    )
    answer: dict[str, Any] = await client.receive_json()
    if answer.get("error", {}).get("code") == "unknown_command":
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": entry_id,
                "device_id": device_id,
            }
        )
        answer = await client.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    return answer


def robin_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings and errors the integration logged (any of its modules)."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.robin") and record.levelno >= logging.WARNING
    ]


def room_area(
    hass: HomeAssistant, simulator: RobinSimulator, entry: MockConfigEntry, room: str
) -> str:
    """Return the area Home Assistant put the room's device in."""
    space = simulator.find_space(room)
    device = device_with_identifier(hass, entry.entry_id, f"space_{space.id}")
    assert device is not None
    assert device.area_id is not None
    return device.area_id


def other_sensor(
    hass: HomeAssistant, name: str, *, device_class: str = "occupancy", area_id: str | None = None
) -> str:
    """Register another integration's binary sensor (e.g. an mmWave sensor), in an area."""
    registry = er.async_get(hass)
    entity = registry.async_get_or_create(
        "binary_sensor",
        "mmwave",
        name,
        suggested_object_id=name,
        original_device_class=device_class,
    )
    if area_id is not None:
        registry.async_update_entity(entity.entity_id, area_id=area_id)
    hass.states.async_set(entity.entity_id, STATE_OFF)
    return entity.entity_id


def room_sensor(
    hass: HomeAssistant, simulator: RobinSimulator, entry: MockConfigEntry, room: str, name: str
) -> str:
    """Register another integration's occupancy sensor in the room's area."""
    return other_sensor(hass, name, area_id=room_area(hass, simulator, entry, room))
