"""Edits made one right after the other (a script, a quick user) all show at once.

After each change the whole window is read again, but such reads are spaced 2 s apart:
the calendar must not wait for the next one to show what was just done.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_entity_id, titled, ws_command

# Monday 23 November 2026 in London; the fixtures' clock stands at 10:15.
AFTERNOON = {
    "start_date_time": "2026-11-23T12:00:00+00:00",
    "end_date_time": "2026-11-23T18:00:00+00:00",
}


async def _create(hass: HomeAssistant, entity_id: str, summary: str, start: str, end: str) -> None:
    await hass.services.async_call(
        "calendar",
        "create_event",
        {
            "entity_id": entity_id,
            "summary": summary,
            "start_date_time": start,
            "end_date_time": end,
        },
        blocking=True,
    )


async def _events(hass: HomeAssistant, entity_id: str) -> list[tuple[str, str]]:
    """Return (summary, start) of the room's bookings this afternoon, as a script reads them."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": entity_id, **AFTERNOON},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return [(event["summary"], event["start"]) for event in events]


async def test_a_script_booking_twice_in_a_row_finds_both_bookings(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    await _create(hass, thames, "Prep", "2026-11-23T12:00:00+00:00", "2026-11-23T12:30:00+00:00")
    await _create(hass, thames, "Debrief", "2026-11-23T16:00:00+00:00", "2026-11-23T16:30:00+00:00")

    assert await _events(hass, thames) == [
        ("Prep", "2026-11-23T12:00:00+00:00"),
        ("Debrief", "2026-11-23T16:00:00+00:00"),
    ]
    # The room's next booking is the first of them, as soon as it is made.
    assert hass.states.get(thames).attributes["message"] == "Prep"


async def test_a_booking_moved_and_then_cancelled_from_the_calendar_shows_each_change_at_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    await _create(hass, thames, "Prep", "2026-11-23T12:00:00+00:00", "2026-11-23T12:30:00+00:00")
    [prep] = titled(simulator, "Thames Room", "Prep")

    moved = await ws_command(
        hass,
        hass_ws_client,
        {
            "type": "calendar/event/update",
            "entity_id": thames,
            "uid": prep.id,
            "event": {
                "summary": "Prep",
                "dtstart": "2026-11-23T17:00:00+00:00",
                "dtend": "2026-11-23T17:30:00+00:00",
            },
        },
    )
    assert moved["success"], moved
    assert await _events(hass, thames) == [("Prep", "2026-11-23T17:00:00+00:00")]

    cancelled = await ws_command(
        hass,
        hass_ws_client,
        {"type": "calendar/event/delete", "entity_id": thames, "uid": prep.id},
    )
    assert cancelled["success"], cancelled
    assert await _events(hass, thames) == []
    # Not the cancelled booking: the room's next one is tomorrow's stand-up.
    assert hass.states.get(thames).attributes["message"] == "Stand-up"
