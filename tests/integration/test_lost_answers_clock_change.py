"""A lost answer for a booking in the hour that repeats when clocks go back."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, room_target, setup_entry_at, titled


async def test_lost_answer_for_a_booking_in_the_repeated_hour_is_found(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Sunday 25 October 2026, 01:10 BST in London: the hour 01:00-02:00 comes twice tonight.
    await setup_entry_at(hass, freezer, config_entry, datetime(2026, 10, 25, 0, 10, tzinfo=UTC))
    thames = simulator.find_space("Thames Room")
    simulator.faults.drop_next(path=f"/spaces/{thames.id}/events", method="POST")
    error: HomeAssistantError | None = None
    try:
        response = await call_action(
            hass,
            "book_space",
            {"duration": "00:30:00", "title": "Night deploy"},
            room_target(hass, simulator, "Thames Room"),
        )
    except HomeAssistantError as err:
        error = err
    [made] = titled(simulator, "Thames Room", "Night deploy")  # Robin booked it
    assert error is None, str(error)
    assert response["booking"]["id"] == made.id
