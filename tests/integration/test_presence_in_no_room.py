"""Presence sessions Robin lists that put no one in a room: ended ones, and location-level ones.

Robin's location presence may list a session that has ended (`session_active: false`) and
presence in the building that is in none of its rooms (`space_id: null`, robin-api.md §3.5).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import location_entity_id, room_state
from .conftest import advance

# People present starts disabled: these tests follow it as a user who enabled it would.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

POLL = timedelta(seconds=60)


def _london_rooms(hass: HomeAssistant, simulator: RobinSimulator) -> dict[str, tuple[str, str]]:
    """Return each London room's occupancy and people present."""
    return {
        space.name: (
            room_state(hass, simulator, space.name, "binary_sensor", "occupancy").state,
            room_state(hass, simulator, space.name, "sensor", "people_present").state,
        )
        for space in simulator.find_location("London HQ").spaces
    }


async def test_an_ended_session_robin_still_lists_puts_no_one_in_the_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    occupied_before = int(hass.states.get(occupied_rooms).state)
    ada, charles = simulator.organization.users[:2]

    simulator.start_presence(thames.id, user_id=ada.id, active=False)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == (
        STATE_OFF
    )
    assert room_state(hass, simulator, "Thames Room", "sensor", "people_present").state == "0"
    assert hass.states.get(occupied_rooms).state == str(occupied_before)

    # Someone comes in while Robin still lists the ended session: one person, not two.
    simulator.start_presence(thames.id, user_id=charles.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == (
        STATE_ON
    )
    assert room_state(hass, simulator, "Thames Room", "sensor", "people_present").state == "1"
    assert hass.states.get(occupied_rooms).state == str(occupied_before + 1)


async def test_presence_in_the_office_but_in_no_room_occupies_no_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    london = simulator.find_location("London HQ")
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    await advance(hass, freezer, POLL)
    occupied_before = hass.states.get(occupied_rooms).state
    rooms_before = _london_rooms(hass, simulator)
    assert rooms_before["Fleet Room"][0] == STATE_ON  # the design review

    # Someone checked in at the office in Robin's app, and a sensor in its hall.
    simulator.start_location_presence(london.id, user_id=simulator.organization.users[0].id)
    simulator.start_location_presence(london.id, device_id=9921)
    await advance(hass, freezer, POLL)
    assert hass.states.get(occupied_rooms).state == occupied_before
    assert _london_rooms(hass, simulator) == rooms_before

    # The poll read them: a person entering a room meanwhile still shows.
    thames = simulator.find_space("Thames Room")
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "sensor", "people_present").state == "1"
    assert hass.states.get(occupied_rooms).state == str(int(occupied_before) + 1)
