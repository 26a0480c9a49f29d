"""A room's own sensors in Home Assistant keep its booking, before Robin has seen anyone.

With presence reported from Home Assistant's sensors, the office takes a sensor that is on
for people in the room: Robin shows them only from the poll after the sensor's report, which
may come after the grace period ends (a report Robin failed, or a restart, when the first
poll comes before the reports and other integrations' sensors are not even up yet).
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED, STATE_OFF, STATE_ON
from homeassistant.core import CoreState, Event, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator
from robin_simulator.model import Event as SimEvent

from .common import room_sensor, set_up_reporting
from .conftest import advance
from .office import CUSTOMER_CALL_START, capture, customer_call, run_until, state, writes

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)  # the grace period's end


class FleetRoom(NamedTuple):
    """The Fleet Room, with releasing on and presence reported from Home Assistant.

    The entry, the room's sensor (another integration's), its customer call (11:00-12:00,
    nobody comes as Robin sees it) and the releases told from then on.
    """

    entry: MockConfigEntry
    sensor: str
    call: SimEvent
    released: list[Event]


@pytest.fixture
async def fleet(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> FleetRoom:
    entry = await set_up_reporting(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    return FleetRoom(
        entry,
        room_sensor(hass, simulator, entry, "Fleet Room", "fleet_mmwave"),
        customer_call(simulator),
        capture(hass, EVENT_BOOKING_RELEASED),
    )


def _changes_to(simulator: RobinSimulator, event_id: str) -> list[str]:
    return [call for call in writes(simulator) if call.endswith(f"/events/{event_id}")]


@pytest.mark.parametrize("sensor", [STATE_ON, STATE_OFF])
async def test_a_sensor_on_as_the_grace_period_ends_keeps_the_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    fleet: FleetRoom,
    sensor: str,
) -> None:
    """Someone walks into the Fleet Room 30 s before the customer call's grace period ends.

    Robin fails the sensor's report, so no poll shows them. The call is no no-show and is
    kept while the sensor is on; with the sensor off it is released, as before.
    """
    _, fleet_sensor, call, released = fleet
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=30))
    presence = f"/spaces/{simulator.find_space('Fleet Room').id}/presence"
    simulator.faults.fail_next(500, path=presence, method="POST")
    hass.states.async_set(fleet_sensor, sensor)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()

    await advance(hass, freezer, timedelta(seconds=30))  # 11:10:00
    await hass.async_block_till_done(wait_background_tasks=True)
    if sensor == STATE_ON:
        assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
        assert _changes_to(simulator, call.id) == []
        assert released == []
        assert simulator.events.get(call.id) == call
    else:
        assert _changes_to(simulator, call.id) == [f"PATCH /v1.0/events/{call.id}"]
        assert len(released) == 1


@pytest.mark.parametrize("sensor", [STATE_ON, STATE_OFF])
async def test_after_a_restart_the_office_acts_once_home_assistant_has_started(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    fleet: FleetRoom,
    sensor: str,
) -> None:
    """Home Assistant starts again at 11:12, the customer call's grace period over.

    Nobody was seen in the Fleet Room by Robin, but its sensor (another integration's, set
    up after Robin's) is on: the office waits for Home Assistant to have started, then
    keeps the call. With the sensor off the call is released then, not before.
    """
    entry, fleet_sensor, call, released = fleet
    await run_until(hass, freezer, CUSTOMER_CALL_START - timedelta(minutes=5))
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.states.async_remove(fleet_sensor)  # not up yet at the next start

    hass.set_state(CoreState.not_running)
    freezer.move_to(TEN_PAST_ELEVEN + timedelta(minutes=2))
    simulator.reset_requests()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state(hass, simulator, "Fleet Room", "occupancy") == STATE_OFF  # as Robin sees it
    assert _changes_to(simulator, call.id) == []

    hass.states.async_set(fleet_sensor, sensor)  # its integration is set up
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done(wait_background_tasks=True)
    if sensor == STATE_ON:
        assert _changes_to(simulator, call.id) == []
        assert released == []
    else:
        assert _changes_to(simulator, call.id) == [f"PATCH /v1.0/events/{call.id}"]
        assert len(released) == 1
