"""A room booked all day is booked: people using it are no unbooked use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_OFF_HOURS_INTERVAL,
    CONF_UNBOOKED_USE_AFTER,
    EVENT_UNBOOKED_USE_STARTED,
)
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


AUCKLAND = ZoneInfo("Pacific/Auckland")
MIDNIGHT_IN_AUCKLAND = datetime(2026, 11, 24, tzinfo=AUCKLAND)


async def test_unbooked_use_counts_from_the_end_of_an_all_day_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At 23:15 in Auckland people use a room booked all day today; they stay past midnight."""
    simulator.find_location("New York Studio").time_zone = "Pacific/Auckland"
    room = simulator.find_space("Brooklyn Room")
    today = MIDNIGHT_IN_AUCKLAND - timedelta(days=1)
    simulator.add_event(room.id, "Hackathon (all day)", today, MIDNIGHT_IN_AUCKLAND, all_day=True)
    # Outside working hours there: read it every minute all the same.
    options = {CONF_UNBOOKED_USE_AFTER: 10, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    started = capture(hass, EVENT_UNBOOKED_USE_STARTED)
    simulator.start_presence(room.id)
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND + timedelta(minutes=5))
    # Booked until midnight: the unbooked use begins then, and counts its minutes from then.
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "off"
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND + timedelta(minutes=10))
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "on"
    assert [event.data["since"] for event in started] == [MIDNIGHT_IN_AUCKLAND.isoformat()]
