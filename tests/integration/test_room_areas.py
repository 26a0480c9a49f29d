"""The area each room's device is put in: rooms of one name in two offices get one each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator
from robin_simulator.model import Space

from .common import DOMAIN, device_with_identifier, set_up_reporting
from .conftest import advance

POLL = timedelta(seconds=60)


def _area(hass: HomeAssistant, entry: MockConfigEntry, space: Space) -> ar.AreaEntry:
    """Return the area Home Assistant put the room's device in."""
    device = device_with_identifier(hass, entry.entry_id, f"space_{space.id}")
    assert device is not None
    assert device.area_id is not None
    area = ar.async_get(hass).async_get_area(device.area_id)
    assert area is not None
    return area


def _occupancy(hass: HomeAssistant, simulator: RobinSimulator, space: Space) -> str:
    """Return the state of the room's Occupancy sensor (found by Robin's id: names repeat)."""
    unique_id = f"{simulator.organization.id}_{space.id}_occupancy"
    entity_id = er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, unique_id)
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def _motion_sensor(hass: HomeAssistant, name: str, area_id: str) -> str:
    """Register another integration's motion sensor in an area, off."""
    registry = er.async_get(hass)
    entity = registry.async_get_or_create(
        "binary_sensor", "pir", name, suggested_object_id=name, original_device_class="motion"
    )
    registry.async_update_entity(entity.entity_id, area_id=area_id)
    hass.states.async_set(entity.entity_id, STATE_OFF)
    return entity.entity_id


async def _turn_on(hass: HomeAssistant, entity_id: str) -> None:
    hass.states.async_set(entity_id, STATE_ON)
    await hass.async_block_till_done(wait_background_tasks=True)


def _presence_posts(simulator: RobinSimulator) -> list[str]:
    """Return the presence Robin was told of, as "POST /path"."""
    return [
        f"{record.method} {record.path}"
        for record in simulator.requests
        if record.method == "POST" and record.path.endswith("/presence")
    ]


def _add_reception(simulator: RobinSimulator, location: str, name: str = "Reception") -> Space:
    return simulator.add_space(simulator.find_location(location).id, name)


# Home Assistant compares area names without case: "RECEPTION" would join "Reception".
@pytest.mark.parametrize("new_york_name", ["Reception", "RECEPTION"])
@pytest.mark.usefixtures("time_zone")
async def test_rooms_of_one_name_in_two_offices_get_an_area_each(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    new_york_name: str,
) -> None:
    london = _add_reception(simulator, "London HQ")
    new_york = _add_reception(simulator, "New York Studio", new_york_name)
    await set_up_reporting(hass, config_entry)

    london_area = _area(hass, config_entry, london)
    new_york_area = _area(hass, config_entry, new_york)
    assert london_area.name == "Reception (London HQ)"
    assert new_york_area.name == f"{new_york_name} (New York Studio)"
    # A name no other room has stays the area's name, as before.
    assert _area(hass, config_entry, simulator.find_space("Fleet Room")).name == "Fleet Room"

    # A motion sensor in London's reception tells Robin of London's reception only.
    motion = _motion_sensor(hass, "london_reception_motion", london_area.id)
    simulator.reset_requests()
    await _turn_on(hass, motion)
    assert _presence_posts(simulator) == [f"POST /v1.0/spaces/{london.id}/presence"]
    await advance(hass, freezer, POLL)
    assert _occupancy(hass, simulator, london) == STATE_ON
    assert _occupancy(hass, simulator, new_york) == STATE_OFF


@pytest.mark.usefixtures("time_zone")
async def test_a_room_named_like_one_already_followed_gets_an_area_of_its_own(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
) -> None:
    london = _add_reception(simulator, "London HQ")
    await set_up_reporting(hass, config_entry)
    london_area = _area(hass, config_entry, london)
    assert london_area.name == "Reception"  # the only room of that name, so far
    motion = _motion_sensor(hass, "london_reception_motion", london_area.id)

    new_york = _add_reception(simulator, "New York Studio")
    await advance(hass, freezer, timedelta(hours=1))  # the hourly rediscovery finds it

    assert _area(hass, config_entry, new_york).name == "Reception (New York Studio)"
    assert _area(hass, config_entry, london) == london_area  # London's device is not moved
    simulator.reset_requests()
    await _turn_on(hass, motion)
    assert _presence_posts(simulator) == [f"POST /v1.0/spaces/{london.id}/presence"]


@pytest.mark.usefixtures("time_zone")
async def test_devices_already_sharing_an_area_stay_where_their_user_has_them(
    hass: HomeAssistant, simulator: RobinSimulator, config_entry: MockConfigEntry
) -> None:
    # An install from before: both receptions' devices were put in one area "Reception".
    london = _add_reception(simulator, "London HQ")
    new_york = _add_reception(simulator, "New York Studio")
    config_entry.add_to_hass(hass)
    shared = ar.async_get(hass).async_create("Reception")
    devices = dr.async_get(hass)
    for space in (london, new_york):
        device = devices.async_get_or_create(
            config_entry_id=config_entry.entry_id,
            identifiers={(DOMAIN, f"space_{space.id}")},
            name=space.name,
        )
        devices.async_update_device(device.id, area_id=shared.id)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    # Areas are the user's to change: the README tells how to move one of them.
    assert _area(hass, config_entry, london) == shared
    assert _area(hass, config_entry, new_york) == shared


@pytest.mark.usefixtures("time_zone")
async def test_a_room_joins_the_area_of_its_name_that_the_user_already_has(
    hass: HomeAssistant, simulator: RobinSimulator, config_entry: MockConfigEntry
) -> None:
    # Made for the room's own sensors before Robin was added: they count for the room at once.
    thames_area = ar.async_get(hass).async_create("thames room")
    motion = _motion_sensor(hass, "thames_motion", thames_area.id)
    await set_up_reporting(hass, config_entry)

    thames = simulator.find_space("Thames Room")
    assert _area(hass, config_entry, thames) == thames_area
    simulator.reset_requests()
    await _turn_on(hass, motion)
    assert _presence_posts(simulator) == [f"POST /v1.0/spaces/{thames.id}/presence"]


@pytest.mark.usefixtures("time_zone")
async def test_rooms_of_one_name_in_one_office_get_no_area_rather_than_a_shared_one(
    hass: HomeAssistant, simulator: RobinSimulator, config_entry: MockConfigEntry
) -> None:
    front = _add_reception(simulator, "London HQ")
    back = _add_reception(simulator, "London HQ")
    new_york = _add_reception(simulator, "New York Studio")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    # Their office's name would not tell them apart: the user puts each where it belongs.
    for space in (front, back):
        device = device_with_identifier(hass, config_entry.entry_id, f"space_{space.id}")
        assert device is not None
        assert device.area_id is None
    assert _area(hass, config_entry, new_york).name == "Reception (New York Studio)"
