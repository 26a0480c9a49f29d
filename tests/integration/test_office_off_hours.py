"""Outside working hours a no-show waits for a presence read made after its grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator

from .office import capture, run_until, state, writes

# Monday 23 November 2026; London's working hours end at 18:00 (UTC+0 in November).
EVENING_START = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


async def test_evening_booking_with_people_present_is_not_released(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fleet = simulator.find_space("Fleet Room")
    event = simulator.add_event(
        fleet.id, "Evening talk", EVENING_START, EVENING_START + timedelta(hours=1)
    )
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_RELEASE_NO_SHOWS: True})
    released = capture(hass, EVENT_BOOKING_RELEASED)
    freezer.move_to(EVENING_START - timedelta(minutes=10) + timedelta(seconds=30))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    # People arrive two minutes into the booking and stay.
    await run_until(hass, freezer, EVENING_START + timedelta(minutes=2))
    simulator.start_presence(fleet.id)
    simulator.reset_requests()
    await run_until(hass, freezer, EVENING_START + timedelta(minutes=10) - timedelta(seconds=1))
    # Eight minutes after they came, London's presence has not been read again: stale.
    london_reads = [r for r in simulator.requests if r.path == "/v1.0/locations/2117/presence"]
    assert london_reads == []
    assert state(hass, simulator, "Fleet Room", "occupancy") == "off"
    await run_until(hass, freezer, EVENING_START + timedelta(minutes=15))

    # They have been there since 18:32: the booking must not be released.
    assert writes(simulator) == [], f"released while people were present: {writes(simulator)}"
    assert released == []
    assert simulator.events.get(event.id).end == EVENING_START + timedelta(hours=1)
