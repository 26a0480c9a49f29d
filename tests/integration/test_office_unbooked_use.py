"""Unbooked use: people in a room without a booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_OFF_HOURS_INTERVAL,
    CONF_UNBOOKED_USE_AFTER,
    EVENT_UNBOOKED_USE_STARTED,
)
from robin_simulator import RobinSimulator

from .common import DOMAIN, setup_with_options
from .conftest import advance
from .office import POLL, capture, icon_shown, run_until, state

# The Brooklyn Room has no booking on Mondays.
ROOM = "Brooklyn Room"
# Its location's zone: the times the events tell are in the room's hours.
NEW_YORK = ZoneInfo("America/New_York")


def _in_new_york(instant: datetime) -> str:
    return instant.astimezone(NEW_YORK).isoformat()


async def test_unbooked_use_is_told_once_after_the_set_minutes(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # New York is outside its working hours: read it every minute all the same.
    options = {CONF_UNBOOKED_USE_AFTER: 15, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    started = capture(hass, EVENT_UNBOOKED_USE_STARTED)
    room = simulator.find_space(ROOM)
    simulator.start_presence(room.id)
    await advance(hass, freezer, POLL)  # the poll at 10:16 sees them
    seen_at = datetime.now(UTC)
    assert state(hass, simulator, ROOM, "occupancy") == STATE_ON
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_OFF

    await run_until(hass, freezer, seen_at + timedelta(minutes=15) - timedelta(seconds=1))
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_OFF
    assert started == []
    await advance(hass, freezer, timedelta(seconds=1))  # exactly 15 minutes: by the clock
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON
    assert [event.data for event in started] == [
        {
            "config_entry_id": config_entry.entry_id,
            "device_id": started[0].data["device_id"],
            "space_id": room.id,
            "room": ROOM,
            "since": _in_new_york(seen_at),
        }
    ]

    # Still there ten minutes later: told once.
    await run_until(hass, freezer, seen_at + timedelta(minutes=25))
    assert len(started) == 1
    # They leave: over at the next poll.
    simulator.end_presence(room.id)
    await advance(hass, freezer, POLL)
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_OFF
    assert len(started) == 1
    # Rooms with a meeting under way are in booked use: the design review in the Fleet Room.
    assert state(hass, simulator, "Fleet Room", "occupancy") == STATE_ON
    assert state(hass, simulator, "Fleet Room", "unbooked_use") == STATE_OFF


async def test_the_unbooked_use_icon_tells_use_no_use_and_not_known_apart(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # New York is outside its working hours: read it every minute all the same.
    options = {CONF_UNBOOKED_USE_AFTER: 15, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_OFF
    assert await icon_shown(hass, simulator, ROOM, "unbooked_use") == "mdi:door-closed"
    simulator.start_presence(simulator.find_space(ROOM).id)
    await run_until(hass, freezer, datetime.now(UTC) + timedelta(minutes=16))
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON
    assert await icon_shown(hass, simulator, ROOM, "unbooked_use") == "mdi:account-alert"

    # Robin refuses New York: whether the room is in use is not known, and the icon does
    # not show a closed door.
    simulator.faults.refuse(403, f"locations/{simulator.find_location('New York Studio').id}")
    await advance(hass, freezer, POLL)
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_UNAVAILABLE
    assert await icon_shown(hass, simulator, ROOM, "unbooked_use") == "mdi:account-question"


async def test_a_restart_tells_an_unbooked_use_once_and_from_when_people_arrived(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    options = {CONF_UNBOOKED_USE_AFTER: 15, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    started = capture(hass, EVENT_UNBOOKED_USE_STARTED)
    room = simulator.find_space(ROOM)
    await advance(hass, freezer, timedelta(seconds=20))  # between two polls
    arrived_at = simulator.start_presence(room.id).arrived_at
    await advance(hass, freezer, POLL)
    seen_at = datetime.now(UTC)
    assert arrived_at < seen_at
    await run_until(hass, freezer, seen_at + timedelta(minutes=15))
    assert [event.data["since"] for event in started] == [_in_new_york(seen_at)]

    # Home Assistant restarts (the entry is set up anew) while the people stay.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON
    await run_until(hass, freezer, seen_at + timedelta(minutes=45))
    assert len(started) == 1

    # They leave and come back while Home Assistant is down: a new stretch, told once.
    await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.end_presence(room.id)
    await advance(hass, freezer, timedelta(minutes=5))
    back_at = simulator.start_presence(room.id).arrived_at
    await advance(hass, freezer, timedelta(minutes=20))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON
    assert [event.data["since"] for event in started] == [
        _in_new_york(seen_at),
        _in_new_york(back_at),
    ]


async def test_rooms_that_cannot_be_booked_have_no_office_sensors(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    await setup_with_options(hass, config_entry)
    lounge = simulator.find_space("Quiet Lounge")
    registry = er.async_get(hass)
    for key in ("no_show", "checked_in", "unbooked_use"):
        unique_id = f"{simulator.organization.id}_{lounge.id}_{key}"
        assert registry.async_get_entity_id("binary_sensor", DOMAIN, unique_id) is None
        assert state(hass, simulator, "Thames Room", key) is not None
