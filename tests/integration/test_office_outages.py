"""The office sensors coming back from an outage show what the recovering poll read, at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL, CONF_UNBOOKED_USE_AFTER
from robin_simulator import RobinSimulator

from .common import room_entity_id, setup_with_options
from .conftest import advance
from .office import POLL, run_until, state

# The Brooklyn Room (New York) has no booking on Mondays.
ROOM = "Brooklyn Room"


def _record_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Record every state the entity takes from now on."""
    seen: list[str] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        if (new_state := event.data["new_state"]) is not None:
            seen.append(new_state.state)

    async_track_state_change_event(hass, [entity_id], record)
    return seen


@pytest.mark.parametrize("outage", ["robin_fails", "new_york_refused"])
@pytest.mark.parametrize("meanwhile", ["people_leave", "room_booked"])
async def test_an_unbooked_use_ended_in_an_outage_comes_back_off_at_once(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    outage: str,
    meanwhile: str,
) -> None:
    """No automation sees the unbooked use on again as Robin comes back."""
    # New York is outside its working hours: read it every minute all the same.
    options = {CONF_UNBOOKED_USE_AFTER: 15, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    room = simulator.find_space(ROOM)
    new_york = f"locations/{simulator.find_location('New York Studio').id}"
    unbooked_use, no_show, checked_in = (
        room_entity_id(hass, simulator, ROOM, "binary_sensor", key)
        for key in ("unbooked_use", "no_show", "checked_in")
    )
    simulator.start_presence(room.id)
    await run_until(hass, freezer, datetime.now(UTC) + timedelta(minutes=16))
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON

    if outage == "robin_fails":
        simulator.faults.fail_next(status=500, count=4)
    else:
        simulator.faults.refuse(403, new_york)
    await advance(hass, freezer, POLL)
    assert hass.states.get(unbooked_use).state == STATE_UNAVAILABLE

    if meanwhile == "people_leave":
        simulator.end_presence(room.id)
    else:  # booked in Robin for the people there
        now = datetime.now(UTC)
        simulator.add_event(
            room.id, "Walk-in", now - timedelta(minutes=1), now + timedelta(hours=1)
        )
    simulator.faults.allow(new_york)
    seen = _record_states(hass, unbooked_use)
    seen_by_others = [_record_states(hass, entity_id) for entity_id in (no_show, checked_in)]
    await advance(hass, freezer, POLL)

    assert seen == [STATE_OFF]
    # The room's other office sensors come back too: no no-show, nothing (or not yet
    # known to be) checked in.
    checked_in_now = STATE_OFF if meanwhile == "people_leave" else STATE_UNKNOWN
    assert seen_by_others == [[STATE_OFF], [checked_in_now]]
