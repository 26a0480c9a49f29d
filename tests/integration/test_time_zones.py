"""Locations' time zones: invalid names fall back to Home Assistant's zone; all-day events."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.data import known_time_zone
from robin_simulator import RobinSimulator

from .common import DOMAIN, room_entity_id, room_state
from .conftest import advance

NOWHERE = "America/Nowhere"


@pytest.fixture
def simulator() -> RobinSimulator:
    """Return the demo organization whose New York office reports an invalid time zone."""
    simulator = RobinSimulator("demo")
    simulator.find_location("New York Studio").reported_time_zone = NOWHERE
    return simulator


@pytest.fixture(autouse=True)
def forget_warned_zones() -> None:
    """Start as a fresh Home Assistant would: no time zone warned about yet."""
    known_time_zone.cache_clear()


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return what was logged while the test and its fixtures ran (setup included)."""
    return caplog.get_records("setup") + caplog.records


def _zone_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in _records(caplog)
        if record.levelno == logging.WARNING and NOWHERE in record.getMessage()
    ]


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in _records(caplog) if record.levelno >= logging.ERROR]


async def test_an_invalid_location_time_zone_books_and_searches_in_home_assistants_zone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hudson = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    response = await hass.services.async_call(
        DOMAIN,
        "book_space",
        {"entity_id": hudson, "start": "2026-11-23T15:00:00+00:00", "duration": "00:30:00"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["booking"]["start"] == "2026-11-23T15:00:00+00:00"  # type: ignore[index]
    booked = [
        event
        for event in simulator.events_in(simulator.find_space("Hudson Room").id)
        if event.id == response["booking"]["id"]  # type: ignore[index]
    ]
    assert [event.time_zone for event in booked] == ["Europe/London"]

    found = await hass.services.async_call(
        DOMAIN,
        "find_free_space",
        {
            "config_entry_id": setup_integration.entry_id,
            "location": "New York Studio",
            "duration": "00:30:00",
        },
        blocking=True,
        return_response=True,
    )
    assert found is not None
    assert "Brooklyn Room" in [space["name"] for space in found["spaces"]]  # type: ignore[union-attr]
    assert len(_zone_warnings(caplog)) == 1
    assert _errors(caplog) == []


@pytest.mark.usefixtures("time_zone")
async def test_an_invalid_location_time_zone_with_free_busy_polls_without_errors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.faults.location_events_supported = False
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(5):
        await advance(hass, freezer, timedelta(minutes=1))
    state = room_state(hass, simulator, "Hudson Room", "sensor", "availability")
    assert state.state != STATE_UNAVAILABLE
    assert _errors(caplog) == []
    assert len(_zone_warnings(caplog)) == 1


@pytest.mark.parametrize("name", [NOWHERE, "A" * 300, "../etc/passwd"])
def test_a_location_time_zone_that_is_no_zone_is_none(name: str) -> None:
    assert known_time_zone(name) is None


async def test_an_all_day_booking_in_a_location_without_a_valid_zone_lasts_home_assistants_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
) -> None:
    """Booked all Monday, Hudson Room is booked until midnight in Home Assistant's zone."""
    await hass.config.async_set_time_zone("America/New_York")
    new_york = ZoneInfo("America/New_York")
    hudson = simulator.find_space("Hudson Room")
    monday = datetime(2026, 11, 23, tzinfo=new_york)
    simulator.add_event(hudson.id, "Offsite", monday, monday + timedelta(days=1), all_day=True)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    # Monday 20:00 in New York: Tuesday 01:00 in UTC, where a day taken as UTC's has ended.
    await advance(hass, freezer, datetime(2026, 11, 23, 20, tzinfo=new_york) - dt_util.utcnow())

    calendar = hass.states.get(
        room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    )
    assert calendar is not None
    assert (calendar.state, calendar.attributes["message"]) == ("on", "Offsite")
    assert room_state(hass, simulator, "Hudson Room", "sensor", "availability").state == "booked"
