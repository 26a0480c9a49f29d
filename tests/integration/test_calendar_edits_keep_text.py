"""Editing a booking in the calendar keeps its title, description, zone and times unless edited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator
from robin_simulator.model import Event

from .common import room_entity_id
from .conftest import advance

TWO_PM = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)
MEET_LINK = "https://meet.example.com/abc-defg-hij"


async def _drag_half_an_hour_later(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    calendar_clients: tuple[Any, Any],
    event: Event,
) -> Event:
    """Move a Thames Room booking as the calendar's dialog does: it sends what it showed."""
    await advance(hass, freezer, timedelta(seconds=60))  # a poll sees the booking
    hass_ws_client, hass_client = calendar_clients
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    ws = await hass_ws_client(hass)  # before the HTTP client, which starts the server
    response = await (await hass_client()).get(
        f"/api/calendars/{entity_id}",
        params={"start": TWO_PM.isoformat(), "end": (TWO_PM + 2 * HALF_HOUR).isoformat()},
    )
    [shown] = [e for e in await response.json() if e["uid"] == event.id]
    await ws.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": event.id,
            "event": {
                "summary": shown["summary"],
                "dtstart": (TWO_PM + HALF_HOUR).isoformat(),
                "dtend": (TWO_PM + 2 * HALF_HOUR).isoformat(),
            }
            | ({"description": shown["description"]} if shown["description"] else {}),
        }
    )
    answer = await ws.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert answer["success"], answer
    moved = simulator.events.get(event.id)
    assert moved is not None
    assert moved.start == TWO_PM + HALF_HOUR
    return moved


async def test_moving_an_untitled_booking_keeps_it_untitled(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    """The calendar shows it under the room's name; that name is not written to Robin."""
    thames = simulator.find_space("Thames Room")
    untitled = simulator.add_event(thames.id, "", TWO_PM, TWO_PM + HALF_HOUR)
    clients = (hass_ws_client, hass_client)
    moved = await _drag_half_an_hour_later(hass, simulator, freezer, clients, untitled)
    assert moved.title == ""


async def test_moving_a_synced_meeting_keeps_the_link_in_its_description(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    """The calendar shows the description as text; Robin's HTML, link included, stays."""
    thames = simulator.find_space("Thames Room")
    html = f'<p>Join: <a href="{MEET_LINK}">video call</a></p>'
    synced = simulator.add_event(
        thames.id, "Vendor call", TWO_PM, TWO_PM + HALF_HOUR, description=html
    )
    clients = (hass_ws_client, hass_client)
    moved = await _drag_half_an_hour_later(hass, simulator, freezer, clients, synced)
    assert MEET_LINK in moved.description


async def test_moving_a_meeting_organised_in_new_york_keeps_new_yorks_zone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    """Synced from a New York organiser's calendar, it stays in their zone there."""
    thames = simulator.find_space("Thames Room")
    synced = simulator.add_event(thames.id, "Quarterly review", TWO_PM, TWO_PM + HALF_HOUR)
    synced.time_zone = "America/New_York"
    clients = (hass_ws_client, hass_client)
    moved = await _drag_half_an_hour_later(hass, simulator, freezer, clients, synced)
    assert moved.time_zone == "America/New_York"


async def test_renaming_a_meeting_keeps_the_time_its_organiser_just_moved_it_to(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    *,
    hass_ws_client: Any,
) -> None:
    """Only the title is edited: the times the dialog sends back are not written to Robin.

    The window's later days are reread once a pass, so the calendar may still show a
    meeting at the time it had before its organiser moved it.
    """
    four_pm_tomorrow = TWO_PM + timedelta(days=1, hours=2)
    thames = simulator.find_space("Thames Room")
    synced = simulator.add_event(
        thames.id, "Vendor call", four_pm_tomorrow, four_pm_tomorrow + HALF_HOUR
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    # Moved an hour later in the organiser's calendar, after the calendar read it.
    moved_to = four_pm_tomorrow + 2 * HALF_HOUR
    synced.start, synced.end = moved_to, moved_to + HALF_HOUR
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    ws = await hass_ws_client(hass)
    await ws.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": synced.id,
            "event": {  # as the calendar shows it: at the time it had
                "summary": "Vendor call (Acme)",
                "dtstart": four_pm_tomorrow.isoformat(),
                "dtend": (four_pm_tomorrow + HALF_HOUR).isoformat(),
            },
        }
    )
    answer = await ws.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert answer["success"], answer

    renamed = simulator.events.get(synced.id)
    assert renamed is not None
    assert (renamed.title, renamed.start) == ("Vendor call (Acme)", moved_to)
