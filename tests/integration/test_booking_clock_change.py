"""Bookings across the night the clocks go back: lengths are real time, not clock time."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_entity_id, setup_entry_at, titled


async def test_a_booking_over_the_repeated_hour_is_as_long_as_it_really_is(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Saturday 24 October 2026, 23:00 in London; at 02:00 BST tonight the clocks go back.
    await setup_entry_at(hass, freezer, config_entry, datetime(2026, 10, 24, 22, 0, tzinfo=UTC))
    # 01:00 BST to 01:04 GMT: four minutes on the clock, an hour and four minutes in fact.
    await hass.services.async_call(
        "calendar",
        "create_event",
        {
            "entity_id": room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings"),
            "summary": "Night deploy",
            "start_date_time": "2026-10-25T00:00:00+00:00",
            "end_date_time": "2026-10-25T01:04:00+00:00",
        },
        blocking=True,
    )
    [made] = titled(simulator, "Thames Room", "Night deploy")
    assert (made.start, made.end) == (
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 4, tzinfo=UTC),
    )
