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


def _every_office_in_auckland(simulator: RobinSimulator) -> None:
    """Move every office to Auckland, where 10:15 UTC is 23:15: all closed, none polled often."""
    for location in simulator.organization.locations:
        location.time_zone = "Pacific/Auckland"


def _reads_of(simulator: RobinSimulator, location_id: int) -> int:
    """Return how many requests read the location's presence or bookings."""
    return sum(1 for record in simulator.requests if f"/locations/{location_id}/" in record.path)


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


async def test_unbooked_use_ends_when_an_all_day_booking_begins_not_at_the_next_poll(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At 23:15 in Auckland a room is used unbooked; it is booked all day from midnight.

    Every office is closed: their presence and bookings are read once an hour (the
    default), next at 00:15. The room's unbooked use ends at midnight all the same.
    """
    _every_office_in_auckland(simulator)
    room = simulator.find_space("Brooklyn Room")
    tomorrow = MIDNIGHT_IN_AUCKLAND + timedelta(days=1)
    simulator.add_event(
        room.id, "Hackathon (all day)", MIDNIGHT_IN_AUCKLAND, tomorrow, all_day=True
    )
    simulator.start_presence(room.id)
    await setup_with_options(hass, config_entry, **{CONF_UNBOOKED_USE_AFTER: 10})
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND - timedelta(minutes=1))
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "on"
    reads = _reads_of(simulator, room.location_id)
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND + timedelta(minutes=1))
    assert _reads_of(simulator, room.location_id) == reads  # its office not polled since
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "off"


async def test_unbooked_use_after_an_all_day_booking_is_told_on_time_between_polls(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People stay past midnight in a room booked all day; every office is closed.

    Presence was read at 23:15 and is read next at 00:15: ten minutes past midnight the
    unbooked use is told, from midnight, without waiting for that read.
    """
    _every_office_in_auckland(simulator)
    room = simulator.find_space("Brooklyn Room")
    today = MIDNIGHT_IN_AUCKLAND - timedelta(days=1)
    simulator.add_event(room.id, "Hackathon (all day)", today, MIDNIGHT_IN_AUCKLAND, all_day=True)
    simulator.start_presence(room.id)
    await setup_with_options(hass, config_entry, **{CONF_UNBOOKED_USE_AFTER: 10})
    started = capture(hass, EVENT_UNBOOKED_USE_STARTED)
    reads = _reads_of(simulator, room.location_id)
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND + timedelta(minutes=9))
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "off"
    await run_until(hass, freezer, MIDNIGHT_IN_AUCKLAND + timedelta(minutes=10))
    assert _reads_of(simulator, room.location_id) == reads  # its office not polled since
    assert state(hass, simulator, "Brooklyn Room", "unbooked_use") == "on"
    assert [event.data["since"] for event in started] == [MIDNIGHT_IN_AUCKLAND.isoformat()]
