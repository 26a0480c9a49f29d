"""Calendar features of newer Home Assistant versions, detected rather than assumed.

`CalendarEvent.status` (2026.10) and calendar event subscriptions (2026.5) are absent on
the oldest supported version; there the calendar works as before, without them.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import calendar
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator
from robin_simulator.model import Invitee

from .common import call_action, room_entity_id
from .conftest import advance

HAS_EVENT_STATUS = hasattr(calendar, "CalendarEventStatus")
HAS_EVENT_LISTENERS = hasattr(calendar.CalendarEntity, "async_update_event_listeners")
POLL = timedelta(seconds=60)
VIEW_REFRESH_COOLDOWN = timedelta(seconds=1)
# Far beyond the cached 14 days: read from Robin, and no state changes when it is edited.
BEYOND_THE_WINDOW = ("2027-01-04T00:00:00+00:00", "2027-01-05T00:00:00+00:00")


def _afternoon(hour: int) -> tuple[datetime, datetime]:
    start = datetime(2026, 11, 23, hour, tzinfo=UTC)
    return start, start + timedelta(minutes=45)


async def test_bookings_say_whether_they_are_confirmed_or_tentative(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: Any,
) -> None:
    thames = simulator.find_space("Thames Room")
    assert thames.calendar is not None
    simulator.add_event(thames.id, "Confirmed sync", *_afternoon(13))
    waiting = simulator.add_event(thames.id, "Room not yet accepted", *_afternoon(14))
    waiting.invitees.append(
        Invitee(
            id="room",
            email=thames.calendar.resource_email,
            display_name=thames.name,
            response_status="not_responded",
            is_resource=True,
        )
    )
    simulator.add_event(thames.id, "Pencilled in", *_afternoon(15)).status = "tentative"
    simulator.add_event(thames.id, "Called off", *_afternoon(16)).status = "cancelled"
    await advance(hass, freezer, POLL)

    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}",
        params={"start": "2026-11-23T13:00:00+00:00", "end": "2026-11-23T18:00:00+00:00"},
    )
    assert response.status == 200
    events = {event["summary"]: event for event in await response.json()}
    # A cancelled booking is never shown, on any version.
    assert list(events) == ["Confirmed sync", "Room not yet accepted", "Pencilled in"]
    statuses = {summary: event.get("status") for summary, event in events.items()}
    if HAS_EVENT_STATUS:
        assert statuses == {
            "Confirmed sync": "confirmed",
            "Room not yet accepted": "tentative",
            "Pencilled in": "tentative",
        }
    else:  # Home Assistant before 2026.10 has no status field
        assert all("status" not in event for event in events.values())


@pytest.mark.usefixtures("setup_integration")
async def test_open_calendar_views_see_an_edit_beyond_the_cached_window(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_client: Any,
) -> None:
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    viewer = await _open_view(hass_ws_client(hass), entity_id, BEYOND_THE_WINDOW)
    if HAS_EVENT_LISTENERS:
        assert await _pushes(hass, freezer, viewer) == [["Stand-up"]]

    editor = await hass_ws_client(hass)
    # An edit inside the cached window writes the calendar's state, and Home Assistant
    # refreshes the open views itself: told once, not twice.
    await editor.send_json_auto_id(
        {
            "type": "calendar/event/create",
            "entity_id": entity_id,
            "event": {
                "summary": "Focus session",
                "dtstart": "2026-11-23T13:00:00+00:00",
                "dtend": "2026-11-23T13:30:00+00:00",
            },
        }
    )
    assert (await editor.receive_json())["success"]
    if HAS_EVENT_LISTENERS:
        assert await _pushes(hass, freezer, viewer) == [["Stand-up"]]

    await editor.send_json_auto_id(
        {
            "type": "calendar/event/create",
            "entity_id": entity_id,
            "event": {
                "summary": "New year planning",
                "dtstart": "2027-01-04T13:00:00+00:00",
                "dtend": "2027-01-04T14:00:00+00:00",
            },
        }
    )
    assert (await editor.receive_json())["success"]
    await hass.async_block_till_done(wait_background_tasks=True)

    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}",
        params={"start": BEYOND_THE_WINDOW[0], "end": BEYOND_THE_WINDOW[1]},
    )
    booked = [event["summary"] for event in await response.json()]
    assert booked == ["Stand-up", "New year planning"]
    if HAS_EVENT_LISTENERS:
        assert await _pushes(hass, freezer, viewer) == [["Stand-up", "New year planning"]]


async def _open_view(connecting: Awaitable[Any], entity_id: str, days: tuple[str, str]) -> Any:
    """Open a calendar view of these days, as the frontend does; return its connection.

    Home Assistant before 2026.5 cannot subscribe: it refuses the command.
    """
    viewer = await connecting
    await viewer.send_json_auto_id(
        {
            "type": "calendar/event/subscribe",
            "entity_id": entity_id,
            "start": days[0],
            "end": days[1],
        }
    )
    answer = await viewer.receive_json()
    if HAS_EVENT_LISTENERS:
        assert answer["success"], answer
    else:
        assert not answer["success"]
        assert answer["error"]["code"] == "unknown_command"
    return viewer


async def _pushes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, viewer: Any
) -> list[list[str]]:
    """Return the summaries of each subscription message sent so far.

    Home Assistant refreshes a view at most once a second: the clock moves on by that
    first. A ping answered after every pending task has run marks the end: messages on
    one connection arrive in order, so every push sent before it has arrived by its pong.
    """
    await advance(hass, freezer, VIEW_REFRESH_COOLDOWN)
    await viewer.send_json_auto_id({"type": "ping"})
    pushes = []
    while (message := await viewer.receive_json())["type"] != "pong":
        assert message["type"] == "event", message
        pushes.append([event["summary"] for event in message["event"]["events"]])
    return pushes


WEDNESDAY = ("2026-11-25T00:00:00+00:00", "2026-11-26T00:00:00+00:00")


async def test_open_calendar_views_follow_bookings_of_other_days(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
) -> None:
    """Bookings on a later day change no state, yet an open view of that day shows them.

    Made and cancelled by the actions, and made in Robin (seen when a poll reads its day).
    """
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    viewer = await _open_view(hass_ws_client(hass), entity_id, WEDNESDAY)
    if not HAS_EVENT_LISTENERS:
        return
    assert await _pushes(hass, freezer, viewer) == [["Stand-up"]]
    state_before = hass.states.get(entity_id)

    booked = await call_action(
        hass,
        "book_space",
        {"start": "2026-11-25T13:00:00+00:00", "duration": "00:30:00", "title": "Planning"},
        {"entity_id": entity_id},
    )
    assert await _pushes(hass, freezer, viewer) == [["Stand-up", "Planning"]]
    await call_action(
        hass, "cancel_booking", {"booking_id": booked["booking"]["id"]}, {"entity_id": entity_id}
    )
    assert await _pushes(hass, freezer, viewer) == [["Stand-up"]]
    # Neither wrote the calendar's state: its booking under way or next is the same.
    assert hass.states.get(entity_id) == state_before

    thames = simulator.find_space("Thames Room")
    wednesday_afternoon = datetime(2026, 11, 25, 15, tzinfo=UTC)
    simulator.add_event(
        thames.id, "Made in Robin", wednesday_afternoon, wednesday_afternoon + timedelta(hours=1)
    )
    seen: list[list[str]] = []
    for _ in range(30):  # the window's later days are read one of a location per poll
        await advance(hass, freezer, POLL)
        if seen := await _pushes(hass, freezer, viewer):
            break
    assert seen == [["Stand-up", "Made in Robin"]]
