"""All-day bookings cannot be edited from Home Assistant (README), in any room's time zone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_entity_id, titled, writes, ws_command


async def test_moving_a_new_york_all_day_booking_from_the_calendar_is_refused(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    [offsite, *_] = titled(simulator, "Hudson Room", "Offsite planning")
    before = (offsite.start, offsite.end, offsite.is_all_day)
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    simulator.reset_requests()
    # The calendar shows it as 05:00 to 05:00 London; the user drags it one hour later.
    start = offsite.start + timedelta(hours=1)
    answer = await ws_command(
        hass,
        hass_ws_client,
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": offsite.id,
            "event": {
                "summary": "Offsite planning",
                "dtstart": start.isoformat(),
                "dtend": (start + timedelta(days=1)).isoformat(),
            },
        },
    )
    [after] = [
        e for e in titled(simulator, "Hudson Room", "Offsite planning") if e.id == offsite.id
    ]
    assert not answer["success"]
    assert writes(simulator) == []
    assert (after.start, after.end, after.is_all_day) == before
