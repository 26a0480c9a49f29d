"""After a restart in a booking's check-in window, the last meeting's people do not check it in."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
)
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .office import (
    CUSTOMER_CALL_START,
    capture,
    customer_call,
    run_until,
    state,
    writes,
)


async def test_reload_in_check_in_window_does_not_check_in_for_previous_meeting(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_RELEASE_NO_SHOWS: True}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    # The design review's people (10:00-11:00) are in the Fleet Room; nobody comes for the
    # 11:00 customer call. Home Assistant restarts / the entry reloads at 10:56.
    await run_until(hass, freezer, CUSTOMER_CALL_START - timedelta(minutes=4))
    assert state(hass, simulator, "Fleet Room", "occupancy") == "on"
    simulator.reset_requests()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=12))
    assert checked_in == [], "checked in for the previous meeting's people"
    assert call.id not in simulator.events.confirmations
    assert writes(simulator) != [f"PUT /v1.0/events/{call.id}/confirmation"]
