"""Robin refusing one booking's check-in read does not stop the office actions in other rooms."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .office import (
    CUSTOMER_CALL_START,
    capture,
    customer_call,
    run_until,
)


async def test_a_room_whose_check_in_cannot_be_read_does_not_block_others(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Thames Room (space 6351, sorted before the Fleet Room, 6352): a private no-show
    # booking whose details the token may not read.
    thames = simulator.find_space("Thames Room")
    private = simulator.add_event(
        thames.id, "Private 1:1", CUSTOMER_CALL_START, CUSTOMER_CALL_START + timedelta(hours=1)
    )
    simulator.faults.fail_next(403, count=1000, path=f"/events/{private.id}", method="GET")
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)  # the Fleet Room's no-show
    released = capture(hass, EVENT_BOOKING_RELEASED)
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert [e.data["booking_id"] for e in released] == [call.id]
