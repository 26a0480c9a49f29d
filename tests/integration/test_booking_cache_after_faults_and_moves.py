"""The bookings cache after a failed poll, a room moved office, a booking moved day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_LOCATIONS, CONF_OFF_HOURS_INTERVAL
from custom_components.robin.coordinator import RobinCoordinator, _slices
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .conftest import MONDAY_MORNING, advance, entry_for

POLL = timedelta(seconds=60)
HOUR = timedelta(hours=1)
# New York is outside its working hours on Monday morning: read it every minute all the same.
EVERY_MINUTE = {CONF_OFF_HOURS_INTERVAL: 0}


def _titles(coordinator: RobinCoordinator, space_id: int) -> list[str]:
    return [event.title for event in coordinator.bookings.events(space_id)]


@pytest.mark.parametrize("robin_fails", [False, True], ids=["control", "one_500"])
async def test_a_booking_read_by_a_poll_that_failed_shows_once_robin_recovers(
    robin_fails: bool,
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    simulator_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A range read by a poll that then failed is read again: its booking shows."""
    london = simulator.find_location("London HQ")
    entry = entry_for(simulator, simulator_url, {CONF_OFF_HOURS_INTERVAL: 0})
    entry = MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        options=dict(entry.options),
        data={**entry.data, CONF_LOCATIONS: [london.id]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator: RobinCoordinator = entry.runtime_data

    thames = simulator.find_space("Thames Room")
    start = MONDAY_MORNING.replace(hour=14, minute=0) + timedelta(days=3)
    simulator.add_event(thames.id, "Booked meanwhile", start, start + HOUR)

    # Our own change asks for a whole-window read; Robin answers every day but the last 500.
    days = _slices(*coordinator._calendar_window(MONDAY_MORNING))
    path = f"/locations/{london.id}/events"
    if robin_fails:
        simulator.faults.serve_next(len(days) - 1, path=path)
        simulator.faults.fail_next(500, path=path)
    coordinator.async_refresh_bookings()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.last_update_success is not robin_fails

    # Then Robin is fine again, for many polls (a whole sweep of the window and more).
    for _ in range(40):
        await advance(hass, freezer, POLL)
    assert coordinator.last_update_success
    assert coordinator.data.covers(start, start + HOUR)
    assert "Booked meanwhile" in _titles(coordinator, thames.id)


async def test_room_moved_to_an_earlier_location_keeps_its_bookings(
    hass: HomeAssistant,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A room Robin moves from New York to London still shows its bookings."""
    entry = await setup_with_options(hass, config_entry, **EVERY_MINUTE)
    coordinator: RobinCoordinator = entry.runtime_data

    london = simulator.find_location("London HQ")
    new_york = simulator.find_location("New York Studio")
    hudson = simulator.find_space("Hudson Room")
    start = MONDAY_MORNING + timedelta(minutes=45)  # within the next polls' near read
    simulator.add_event(hudson.id, "After the move", start, start + HOUR)
    await advance(hass, freezer, POLL)
    assert "After the move" in _titles(coordinator, hudson.id)

    # Robin moves the room to London (same id).
    new_york.spaces.remove(hudson)
    hudson.location_id = london.id
    london.spaces.append(hudson)

    await advance(hass, freezer, HOUR - POLL)  # the hourly rediscovery
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert coordinator.discovery.spaces[hudson.id].location_id == london.id
    assert coordinator.last_update_success
    assert "After the move" in _titles(coordinator, hudson.id)


async def test_a_booking_moved_into_the_next_hour_is_shown_once(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Moved from Thursday to this morning in Robin, it is not also left on Thursday."""
    thames = simulator.find_space("Thames Room")
    start = MONDAY_MORNING.replace(hour=14, minute=0) + timedelta(days=3)
    event = simulator.add_event(thames.id, "Moved", start, start + HOUR)
    entry = await setup_with_options(hass, config_entry, **EVERY_MINUTE)
    coordinator: RobinCoordinator = entry.runtime_data
    assert [e.id for e in coordinator.bookings.events(thames.id)].count(event.id) == 1

    # The organizer moves it to this morning, 10:45-11:00 (in Robin: same event id).
    event.start = MONDAY_MORNING + timedelta(minutes=30)
    event.end = MONDAY_MORNING + timedelta(minutes=45)
    await advance(hass, freezer, POLL)
    ids = [e.id for e in coordinator.bookings.events(thames.id)]
    assert ids.count(event.id) == 1, [
        (e.title, e.start) for e in coordinator.bookings.events(thames.id) if e.id == event.id
    ]
