"""The office's events give their times in the room's hours, like the bookings' own."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_OFF_HOURS_INTERVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .office import capture, run_until

NEW_YORK = ZoneInfo("America/New_York")
# 05:30 in New York, in a room nobody comes to.
EARLY_CALL_START = datetime(2026, 11, 23, 5, 30, tzinfo=NEW_YORK)


async def test_a_release_in_new_york_tells_its_times_in_new_york_hours(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    room = simulator.find_space("Brooklyn Room")
    call = simulator.add_event(
        room.id, "Early call", EARLY_CALL_START, EARLY_CALL_START + timedelta(hours=1)
    )
    # Outside New York's working hours: read it every minute all the same.
    options = {CONF_RELEASE_NO_SHOWS: True, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, EARLY_CALL_START + timedelta(minutes=11))

    assert [event.data["booking_id"] for event in released] == [call.id]
    data = released[0].data
    assert data["start"] == "2026-11-23T05:30:00-05:00"
    assert data["end"] == "2026-11-23T06:30:00-05:00"
    # Released when the grace period ended, told in the same hours as the booking.
    assert data["released_at"] == "2026-11-23T05:40:00-05:00"
