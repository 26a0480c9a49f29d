"""The rooms' details: the floor by its name, which extras start disabled, plain counts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNKNOWN, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import DOMAIN, api_calls, location_entity_id, room_entity_id, room_state
from .conftest import advance

HOUR = timedelta(hours=1)
RELOAD_AFTER_ENABLING = timedelta(seconds=31)


# Shipped disabled: fixed facts Home Assistant can model itself (the floor, the capacity),
# a count the occupancy sensor sums up, and "free until", which is the next booking's start
# while the room is free. Ten enabled entities a room would pass Home Assistant's cap of
# 10,000 enabled entities per config entry at 1,000 rooms.
SHIPPED_DISABLED = ("floor", "capacity", "people_present", "free_until")


async def _enable_room_sensors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    keys: tuple[str, ...] = ("floor",),
) -> None:
    """Do what a user does in the entity settings: enable these sensors of every room.

    Home Assistant reloads the entry 30 seconds later to add them.
    """
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.unique_id.endswith(tuple(f"_{key}" for key in keys)):
            registry.async_update_entity(entity.entity_id, disabled_by=None)
    await advance(hass, freezer, RELOAD_AFTER_ENABLING)


async def test_room_details_start_disabled_and_show_once_enabled(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    registry = er.async_get(hass)
    for key in SHIPPED_DISABLED:
        entity_id = room_entity_id(hass, simulator, "Fleet Room", "sensor", key)
        entity = registry.async_get(entity_id)
        assert entity is not None
        assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION, key
        assert hass.states.get(entity_id) is None
    for key in ("floor", "capacity"):
        entity = registry.async_get(room_entity_id(hass, simulator, "Fleet Room", "sensor", key))
        assert entity is not None
        assert entity.entity_category is EntityCategory.DIAGNOSTIC
    # What a room shows from the start: occupancy, availability, next booking, its calendar,
    # and the office's no-show, check-in and unbooked use: 7,005 entities at 1,000 rooms.
    enabled_per_device = Counter(
        entity.device_id
        for entity in er.async_entries_for_config_entry(registry, setup_integration.entry_id)
        if entity.disabled_by is None
    )
    assert max(enabled_per_device.values()) == 7

    # Enabled in the entity settings, they show the room's facts after Home Assistant's reload.
    await _enable_room_sensors(hass, setup_integration, freezer, SHIPPED_DISABLED)
    assert room_state(hass, simulator, "Fleet Room", "sensor", "capacity").state == "4"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "people_present").state == "3"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "floor").state == "Ground floor"
    # The Design review is under way: the room is not free, so no "free until".
    assert room_state(hass, simulator, "Fleet Room", "sensor", "free_until").state == STATE_UNKNOWN


async def test_floor_shows_the_level_name(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _enable_room_sensors(hass, setup_integration, freezer)
    assert room_state(hass, simulator, "Thames Room", "sensor", "floor").state == "Ground floor"
    assert room_state(hass, simulator, "Boardroom", "sensor", "floor").state == "First floor"
    assert room_state(hass, simulator, "Hudson Room", "sensor", "floor").state == "Floor 11"

    # Facilities rename a floor: the next hourly discovery shows the new name, at the cost
    # of one request per location; polls in between do not ask.
    london = simulator.find_location("London HQ")
    london.levels[0].name = "Lobby"
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(minutes=5))
    assert not [call for call in api_calls(simulator) if call.endswith("/levels")]
    await advance(hass, freezer, HOUR)
    assert room_state(hass, simulator, "Thames Room", "sensor", "floor").state == "Lobby"
    level_calls = [call for call in api_calls(simulator) if call.endswith("/levels")]
    assert sorted(level_calls) == [
        "GET /v1.0/locations/2117/levels",
        "GET /v1.0/locations/2118/levels",
    ]


async def test_floor_without_levels_from_robin_is_unknown_and_rooms_stay(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Robin might not answer the (undocumented) levels call: the rooms still work, and the
    # floor is unknown rather than Robin's internal number.
    simulator.faults.fail_next(status=404, path="/levels", count=10)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _enable_room_sensors(hass, config_entry, freezer)
    assert room_state(hass, simulator, "Thames Room", "sensor", "floor").state == STATE_UNKNOWN
    assert room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy").state == "on"

    # Once Robin answers, the next discovery names the floors.
    simulator.faults.clear()
    await advance(hass, freezer, HOUR)
    assert room_state(hass, simulator, "Thames Room", "sensor", "floor").state == "Ground floor"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("room", "key"),
    [
        ("Phone Booth 1", "people_present"),
        ("Phone Booth 1", "capacity"),
        ("Fleet Room", "people_present"),
    ],
)
async def test_room_counts_are_plain_numbers(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    room: str,
    key: str,
) -> None:
    # No "1 people": a count with no unit; the entity's name says what is counted.
    state = room_state(hass, simulator, room, "sensor", key)
    assert state.state.isdigit()
    assert ATTR_UNIT_OF_MEASUREMENT not in state.attributes


async def test_occupied_rooms_is_a_plain_number(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    state = hass.states.get(
        location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    )
    assert state is not None
    assert state.state == "2"
    assert ATTR_UNIT_OF_MEASUREMENT not in state.attributes


async def test_robin_refusing_the_token_for_levels_asks_for_a_new_token(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Only a missing or forbidden levels list is shrugged off; a refused token is not.
    simulator.faults.fail_next(status=401, path="/levels")
    await advance(hass, freezer, HOUR)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
