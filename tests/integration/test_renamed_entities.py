"""Entity ids the user renames: the entities keep following their room and office."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL, CONF_UNBOOKED_USE_AFTER
from robin_simulator import RobinSimulator

from .common import location_entity_id, room_entity_id, setup_with_options
from .conftest import advance
from .office import POLL, run_until

# The Brooklyn Room (New York Studio) has no booking on Mondays.
ROOM = "Brooklyn Room"
OFFICE = "New York Studio"
RENAMED = {
    ("binary_sensor", "occupancy"): "binary_sensor.brooklyn_in_use",
    ("binary_sensor", "unbooked_use"): "binary_sensor.brooklyn_used_unbooked",
    ("calendar", "bookings"): "calendar.brooklyn",
}
RENAMED_OCCUPIED_ROOMS = "sensor.new_york_rooms_in_use"


def _shown(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} has no state"
    return state.state


async def test_renamed_entities_keep_following_their_room_and_office(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A user gives a room's entities and its office's count entity ids of their own."""
    # New York is outside its working hours: read it every minute all the same.
    options = {CONF_UNBOOKED_USE_AFTER: 15, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    registry = er.async_get(hass)
    old_ids = [room_entity_id(hass, simulator, ROOM, platform, key) for platform, key in RENAMED]
    old_ids.append(location_entity_id(hass, simulator, OFFICE, "sensor", "occupied_rooms"))
    occupied_before = int(_shown(hass, old_ids[-1]))
    for old_id, new_id in zip(old_ids, [*RENAMED.values(), RENAMED_OCCUPIED_ROOMS], strict=True):
        registry.async_update_entity(old_id, new_entity_id=new_id)
    await hass.async_block_till_done()

    assert [hass.states.get(old_id) for old_id in old_ids] == [None] * len(old_ids)
    occupancy, unbooked_use, calendar = RENAMED.values()
    assert _shown(hass, occupancy) == STATE_OFF
    assert _shown(hass, unbooked_use) == STATE_OFF
    assert _shown(hass, calendar) == STATE_OFF
    assert _shown(hass, RENAMED_OCCUPIED_ROOMS) == str(occupied_before)

    # People come in without a booking: each renamed entity shows it, under its new id.
    room = simulator.find_space(ROOM)
    simulator.start_presence(room.id)
    await advance(hass, freezer, POLL)
    seen_at = datetime.now(UTC)
    assert _shown(hass, occupancy) == STATE_ON
    assert _shown(hass, RENAMED_OCCUPIED_ROOMS) == str(occupied_before + 1)
    await run_until(hass, freezer, seen_at + timedelta(minutes=15))
    assert _shown(hass, unbooked_use) == STATE_ON

    # Someone books the room for now in Robin: the renamed calendar shows the meeting.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    simulator.add_event(room.id, "Walk-in", now, now + timedelta(hours=1))
    await advance(hass, freezer, POLL)
    assert _shown(hass, calendar) == STATE_ON
    assert hass.states.get(calendar).attributes["message"] == "Walk-in"
    assert _shown(hass, unbooked_use) == STATE_OFF
    assert [hass.states.get(old_id) for old_id in old_ids] == [None] * len(old_ids)
