"""Rooms without a type: Robin's default, and among the rooms free/busy returns by default."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_state
from .conftest import MONDAY_MORNING


async def test_a_room_without_a_type_shows_its_booking_when_read_through_free_busy(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    # Robin lists no events by location here, so bookings come from free/busy, which
    # filters by type; a room whose type was never set has none (null).
    simulator.faults.location_events_supported = False
    annex = simulator.add_space(simulator.find_location("London HQ").id, "Annex", type=None)
    simulator.add_event(
        annex.id,
        "Interview",
        MONDAY_MORNING - timedelta(minutes=15),
        MONDAY_MORNING + timedelta(hours=1),
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    bookings = room_state(hass, simulator, "Annex", "calendar", "bookings")
    assert bookings.state == STATE_ON
    assert bookings.attributes["message"] == "Interview"
