"""A room booked all day is booked: people using it are no unbooked use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import EVENT_UNBOOKED_USE_STARTED
from robin_simulator import RobinSimulator

from .common import room_state, setup_with_options
from .office import capture, run_until, state

LONDON = ZoneInfo("Europe/London")


async def test_all_day_booked_room_in_use_is_not_unbooked_use(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    simulator.add_event(
        thames.id,
        "Offsite workshop (all day)",
        datetime(2026, 11, 23, tzinfo=LONDON),
        datetime(2026, 11, 24, tzinfo=LONDON),
        all_day=True,
    )
    await setup_with_options(hass, config_entry)
    started = capture(hass, EVENT_UNBOOKED_USE_STARTED)
    simulator.start_presence(thames.id)
    now = datetime.now(UTC)
    await run_until(hass, freezer, now + timedelta(minutes=15))
    calendar = room_state(hass, simulator, "Thames Room", "calendar", "bookings")
    assert calendar.state == "on"  # the room's calendar shows the all-day booking under way
    assert state(hass, simulator, "Thames Room", "unbooked_use") == "off"
    assert started == []
