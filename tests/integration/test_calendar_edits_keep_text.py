"""Moving a booking in the calendar keeps its title and description unless the user edited them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import room_entity_id
from .conftest import advance


async def test_moving_an_untitled_booking_keeps_it_untitled(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    thames = simulator.find_space("Thames Room")
    untitled = simulator.add_event(
        thames.id,
        "",
        datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 14, 30, tzinfo=UTC),
    )
    await advance(hass, freezer, timedelta(seconds=60))
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    ws = await hass_ws_client(hass)
    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}",
        params={"start": "2026-11-23T14:00:00+00:00", "end": "2026-11-23T15:00:00+00:00"},
    )
    [shown] = [e for e in await response.json() if e["uid"] == untitled.id]
    # The user drags it half an hour later; the frontend sends back what it showed.
    await ws.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": untitled.id,
            "event": {
                "summary": shown["summary"],
                "dtstart": "2026-11-23T14:30:00+00:00",
                "dtend": "2026-11-23T15:00:00+00:00",
            },
        }
    )
    answer = await ws.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert answer["success"], answer
    moved = simulator.events.get(untitled.id)
    assert moved is not None
    assert moved.start == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert moved.title == "", moved.title


async def test_moving_a_synced_meeting_keeps_the_link_in_its_description(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    thames = simulator.find_space("Thames Room")
    html = '<p>Join: <a href="https://meet.example.com/abc-defg-hij">video call</a></p>'
    synced = simulator.add_event(
        thames.id,
        "Vendor call",
        datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 14, 30, tzinfo=UTC),
        description=html,
    )
    await advance(hass, freezer, timedelta(seconds=60))
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    ws = await hass_ws_client(hass)
    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}",
        params={"start": "2026-11-23T14:00:00+00:00", "end": "2026-11-23T15:00:00+00:00"},
    )
    [shown] = [e for e in await response.json() if e["uid"] == synced.id]
    # The frontend's edit dialog sends back the summary and description it showed.
    await ws.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": synced.id,
            "event": {
                "summary": shown["summary"],
                "description": shown["description"],
                "dtstart": "2026-11-23T14:30:00+00:00",
                "dtend": "2026-11-23T15:00:00+00:00",
            },
        }
    )
    answer = await ws.receive_json()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert answer["success"], answer
    moved = simulator.events.get(synced.id)
    assert moved is not None
    assert moved.start == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert "https://meet.example.com/abc-defg-hij" in moved.description, moved.description
