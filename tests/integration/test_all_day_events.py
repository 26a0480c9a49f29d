"""All-day events of a location whose time zone is not Home Assistant's (London here).

A bare date is a day in the room's own time zone: the calendar is on from the room's
midnight to the next, as the availability sensor is, across daylight-saving changes too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_entity_id, room_state, setup_entry_at
from .conftest import advance

NEW_YORK = ZoneInfo("America/New_York")


async def _at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    await advance(hass, freezer, moment - dt_util.utcnow())


def _states(hass: HomeAssistant, simulator: RobinSimulator) -> tuple[str, str]:
    """Return the Hudson Room's calendar state and availability."""
    calendar = room_state(hass, simulator, "Hudson Room", "calendar", "bookings")
    availability = room_state(hass, simulator, "Hudson Room", "sensor", "availability")
    return calendar.state, availability.state


async def _events(
    hass: HomeAssistant, hass_client: Any, simulator: RobinSimulator, start: str, end: str
) -> list[tuple[str, str, str]]:
    """Return (summary, start, end) of the Hudson Room's events, as the frontend reads them."""
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    client = await hass_client()
    response = await client.get(f"/api/calendars/{entity_id}", params={"start": start, "end": end})
    assert response.status == 200
    return [
        (
            event["summary"],
            event["start"].get("dateTime", event["start"].get("date")),
            event["end"].get("dateTime", event["end"].get("date")),
        )
        for event in await response.json()
    ]


async def test_the_offsite_is_on_for_the_new_york_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    # Friday 27 November 2026 (an even ISO week): "Offsite planning" all day in New York,
    # 05:00 Friday to 05:00 Saturday in London.
    assert await _events(
        hass, hass_client, simulator, "2026-11-27T00:00:00+00:00", "2026-11-28T12:00:00+00:00"
    ) == [("Offsite planning", "2026-11-27T05:00:00+00:00", "2026-11-28T05:00:00+00:00")]
    await _at(hass, freezer, datetime(2026, 11, 27, 4, 30, tzinfo=UTC))  # Thu 23:30 in NY
    assert _states(hass, simulator) == (STATE_OFF, "available")
    await _at(hass, freezer, datetime(2026, 11, 27, 5, 0, 1, tzinfo=UTC))  # Fri 00:00 in NY
    assert _states(hass, simulator) == (STATE_ON, "booked")
    await _at(hass, freezer, datetime(2026, 11, 28, 4, 30, tzinfo=UTC))  # Fri 23:30 in NY
    assert _states(hass, simulator) == (STATE_ON, "booked")
    await _at(hass, freezer, datetime(2026, 11, 28, 5, 0, 1, tzinfo=UTC))  # Sat 00:00 in NY
    assert _states(hass, simulator) == (STATE_OFF, "available")


async def test_all_day_events_across_the_us_daylight_saving_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    # London is on GMT since 25 October; New York leaves EDT (UTC-4) for EST (UTC-5) on
    # Sunday 1 November 2026. The Friday offsite (30 October) is followed by a weekend
    # hackathon over the change.
    hudson = simulator.find_space("Hudson Room")
    simulator.add_event(
        hudson.id,
        "Weekend hackathon",
        datetime(2026, 10, 31, tzinfo=NEW_YORK),
        datetime(2026, 11, 2, tzinfo=NEW_YORK),
        all_day=True,
    )
    await setup_entry_at(hass, freezer, config_entry, datetime(2026, 10, 29, 12, 0, 30, tzinfo=UTC))
    # As an automation reads them: in the room's time zone.
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": "2026-10-29T12:00:00+00:00",
            "end_date_time": "2026-11-02T12:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    assert [(event["summary"], event["start"], event["end"]) for event in events] == [
        ("Offsite planning", "2026-10-30T00:00:00-04:00", "2026-10-31T00:00:00-04:00"),
        ("Weekend hackathon", "2026-10-31T00:00:00-04:00", "2026-11-02T00:00:00-05:00"),
    ]
    await _at(hass, freezer, datetime(2026, 10, 30, 3, 30, tzinfo=UTC))  # Thu 23:30 EDT
    assert _states(hass, simulator) == (STATE_OFF, "available")
    await _at(hass, freezer, datetime(2026, 10, 30, 4, 0, 1, tzinfo=UTC))  # Fri 00:00 EDT
    assert _states(hass, simulator) == (STATE_ON, "booked")
    await _at(hass, freezer, datetime(2026, 11, 2, 4, 30, tzinfo=UTC))  # Sun 23:30 EST
    assert _states(hass, simulator) == (STATE_ON, "booked")
    calendar = room_state(hass, simulator, "Hudson Room", "calendar", "bookings")
    assert calendar.attributes["message"] == "Weekend hackathon"
    await _at(hass, freezer, datetime(2026, 11, 2, 5, 0, 1, tzinfo=UTC))  # Mon 00:00 EST
    assert _states(hass, simulator) == (STATE_OFF, "available")


async def test_with_home_assistant_in_new_york_the_offsite_is_a_whole_day(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    hass_client: Any,
) -> None:
    await hass.config.async_set_time_zone("America/New_York")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert await _events(
        hass, hass_client, simulator, "2026-11-27T00:00:00-05:00", "2026-11-28T12:00:00-05:00"
    ) == [("Offsite planning", "2026-11-27", "2026-11-28")]
