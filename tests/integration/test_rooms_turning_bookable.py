"""A room that turns bookable in Robin (re-enabled, given a calendar) gets what bookable rooms have.

Its calendar and its no-show, checked-in and unbooked-use sensors appear with the hourly
rediscovery that sees the change, without a restart.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_state
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance

BOOKABLE_ONLY = (
    ("calendar", "bookings"),
    ("binary_sensor", "no_show"),
    ("binary_sensor", "checked_in"),
    ("binary_sensor", "unbooked_use"),
)


def _registered(hass: HomeAssistant, simulator: RobinSimulator, room: str) -> set[str]:
    space = simulator.find_space(room)
    prefix = f"{simulator.organization.id}_{space.id}_"
    return {
        entry.unique_id.removeprefix(prefix)
        for entry in er.async_get(hass).entities.values()
        if entry.platform == "robin" and entry.unique_id.startswith(prefix)
    }


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what was logged as an error (Home Assistant's "ID ... already exists" among them)."""
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_room_enabled_again_in_robin_gets_its_calendar_and_office_sensors(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The Old Library is disabled in Robin: no bookings, so none of the bookable rooms' entities.
    assert room_state(hass, simulator, "Old Library", "sensor", "availability").state == (
        "disabled"
    )
    assert not {key for _, key in BOOKABLE_ONLY} & _registered(hass, simulator, "Old Library")

    simulator.find_space("Old Library").is_disabled = False
    await advance(hass, freezer, timedelta(hours=1))  # the hourly rediscovery sees it

    assert room_state(hass, simulator, "Old Library", "sensor", "availability").state == (
        "available"
    )
    assert {key for _, key in BOOKABLE_ONLY} <= _registered(hass, simulator, "Old Library")
    for platform, key in BOOKABLE_ONLY:
        state = room_state(hass, simulator, "Old Library", platform, key)
        assert state.state == STATE_OFF, (platform, key)
    # Its occupancy and availability, there all along, are not added a second time.
    assert _errors(caplog) == []


# New York (the Brooklyn Room's) is outside its working hours: read it every minute all the same.
@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_room_disabled_in_robin_leaves_no_office_sensor_stuck(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The Brooklyn Room has no booking on Mondays; people use it for 10 minutes: unbooked use.
    room = simulator.find_space("Brooklyn Room")
    simulator.start_presence(room.id)
    for _ in range(12):
        await advance(hass, freezer, timedelta(minutes=1))
    assert room_state(hass, simulator, "Brooklyn Room", "binary_sensor", "unbooked_use").state == (
        STATE_ON
    )

    # Disabled in Robin (seen at the hourly rediscovery), then everybody leaves.
    room.is_disabled = True
    await advance(hass, freezer, timedelta(hours=1))
    simulator.end_presence(room.id)
    await advance(hass, freezer, timedelta(hours=1))
    assert room_state(hass, simulator, "Brooklyn Room", "binary_sensor", "occupancy").state == (
        STATE_OFF
    )
    # A room that cannot be booked has no no-show, check-in or unbooked use to show.
    for key in ("unbooked_use", "no_show", "checked_in"):
        state = room_state(hass, simulator, "Brooklyn Room", "binary_sensor", key)
        assert state.state == STATE_UNAVAILABLE, key

    # Enabled again: the same sensors come back, none of the room's entities added twice.
    room.is_disabled = False
    await advance(hass, freezer, timedelta(hours=1))
    for key in ("unbooked_use", "no_show", "checked_in"):
        state = room_state(hass, simulator, "Brooklyn Room", "binary_sensor", key)
        assert state.state == STATE_OFF, key
    assert _errors(caplog) == []
