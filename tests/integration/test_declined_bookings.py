"""A meeting the room declined does not take place there: the room is not booked by it.

Robin lists the room's resource calendar among a meeting's invitees; when the room turns
the meeting down (a clash, a room that needs approval), it is shown nowhere and counts for
nothing, as on Google's and Outlook's room calendars.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    CONF_UNBOOKED_USE_AFTER,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import (
    api_calls,
    call_action,
    room_entity_id,
    room_state,
    room_target,
    setup_with_options,
)
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance
from .office import CUSTOMER_CALL_START, POLL, capture, customer_call, run_until, state, writes

ROOM = "Thames Room"  # free on Monday after its 09:30 stand-up, until Tuesday's


def _at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def _calendar_titles(
    hass: HomeAssistant, simulator: RobinSimulator, hass_client: Any, start: datetime, end: datetime
) -> list[str]:
    """Return the titles the room's calendar lists between start and end, as a view shows them."""
    entity_id = room_entity_id(hass, simulator, ROOM, "calendar", "bookings")
    client = await hass_client()
    response = await client.get(
        f"/api/calendars/{entity_id}", params={"start": start.isoformat(), "end": end.isoformat()}
    )
    assert response.status == 200
    return [event["summary"] for event in await response.json()]


def _time(hass: HomeAssistant, simulator: RobinSimulator, key: str) -> datetime | None:
    return dt_util.parse_datetime(room_state(hass, simulator, ROOM, "sensor", key).state)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_meeting_the_room_declined_leaves_it_free(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: Any,
) -> None:
    thames = simulator.find_space(ROOM)
    # Under way now, and one starting in ten minutes: the room declined both.
    simulator.add_event(thames.id, "Turned down", _at(10), _at(11), room_answer="declined")
    simulator.add_event(thames.id, "Also turned down", _at(10, 25), _at(11), room_answer="declined")
    simulator.add_event(thames.id, "Planning", _at(13), _at(14), room_answer="accepted")
    await advance(hass, freezer, POLL)

    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "available"
    assert _time(hass, simulator, "next_booking") == _at(13)
    assert _time(hass, simulator, "free_until") == _at(13)
    calendar = room_state(hass, simulator, ROOM, "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes["message"] == "Planning"
    assert await _calendar_titles(hass, simulator, hass_client, _at(9), _at(15)) == [
        "Stand-up",
        "Planning",
    ]


async def test_a_booking_the_room_declines_later_stops_booking_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: Any,
) -> None:
    thames = simulator.find_space(ROOM)
    review = simulator.add_event(thames.id, "Review", _at(10), _at(11), room_answer="not_responded")
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "booked"
    assert room_state(hass, simulator, ROOM, "calendar", "bookings").state == STATE_ON

    # The room's calendar turns it down (it needs an administrator's approval, refused).
    simulator.answer_as_room(review, "declined")
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "available"
    assert room_state(hass, simulator, ROOM, "calendar", "bookings").state == STATE_OFF
    assert await _calendar_titles(hass, simulator, hass_client, _at(10), _at(11)) == []

    # And accepts it after all: booked again.
    simulator.answer_as_room(review, "accepted")
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "booked"
    assert await _calendar_titles(hass, simulator, hass_client, _at(10), _at(11)) == ["Review"]


async def test_the_calendar_beyond_the_cached_days_leaves_out_declined_meetings(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_client: Any,
) -> None:
    """Days past the cached window are read from Robin when a view asks for them."""
    thames = simulator.find_space(ROOM)
    day = datetime(2027, 1, 5, tzinfo=UTC)
    simulator.add_event(
        thames.id, "Turned down", day.replace(hour=10), day.replace(hour=11), room_answer="declined"
    )
    simulator.add_event(
        thames.id, "Kick-off", day.replace(hour=12), day.replace(hour=13), room_answer="accepted"
    )
    titles = await _calendar_titles(hass, simulator, hass_client, day, day + timedelta(days=1))
    assert "Turned down" not in titles
    assert "Kick-off" in titles


async def test_find_free_space_offers_a_room_whose_meeting_it_declined(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Free/busy lists the declined meeting busy; the bookings read tell it is not."""
    thames = simulator.find_space(ROOM)
    simulator.add_event(thames.id, "Turned down", _at(12), _at(13), room_answer="declined")
    # Back to back with it: free/busy gives both in one busy block, 12:00 to 14:00.
    simulator.add_event(thames.id, "Planning", _at(13), _at(14), room_answer="accepted")
    await advance(hass, freezer, POLL)

    request = {
        "config_entry_id": setup_integration.entry_id,
        "start": _at(12).isoformat(),
        "end": _at(13).isoformat(),
        "location": "London HQ",
    }
    response = await call_action(hass, "find_free_space", request)
    spaces = {space["name"]: space for space in response["spaces"]}
    assert spaces[ROOM]["free_until"] == _at(13).isoformat()
    # An hour that overlaps the meeting the room does hold: not free.
    later = await call_action(hass, "find_free_space", {**request, "end": _at(13, 30).isoformat()})
    assert ROOM not in {space["name"] for space in later["spaces"]}

    # The room can be booked in the slot it was offered for.
    booked = await call_action(
        hass,
        "book_space",
        {"start": _at(12).isoformat(), "end": _at(13).isoformat(), "title": "Found it"},
        room_target(hass, simulator, ROOM),
    )
    assert booked["booking"]["title"] == "Found it"
    assert room_state(hass, simulator, ROOM, "sensor", "next_booking").state == _at(12).isoformat()


@pytest.mark.parametrize(
    ("action", "data"), [("extend_booking", {"minutes": 15}), ("check_in", {})]
)
async def test_actions_do_not_act_on_a_meeting_the_room_declined(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    action: str,
    data: dict[str, int],
) -> None:
    thames = simulator.find_space(ROOM)
    declined = simulator.add_event(
        thames.id, "Turned down", _at(10), _at(11), room_answer="declined"
    )
    await advance(hass, freezer, POLL)
    simulator.reset_requests()
    target = room_target(hass, simulator, ROOM)
    # Not the room's current booking...
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, action, data, target)
    assert err.value.translation_key == "no_current_booking"
    # ...nor one of its bookings when named.
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, action, {**data, "booking_id": declined.id}, target)
    assert err.value.translation_key == "booking_not_found"
    assert writes(simulator) == []
    assert declined.id not in simulator.events.confirmations


async def test_a_declined_meeting_nobody_comes_to_is_no_no_show_and_never_released(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The Fleet Room's Customer call (11:00 to 12:00), which nobody comes to, declined.
    call = customer_call(simulator)
    simulator.answer_as_room(call, "declined")
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    await run_until(hass, freezer, CUSTOMER_CALL_START - POLL)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    simulator.reset_requests()
    # Past the 10 minutes' grace, and a few polls more.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=14))
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert writes(simulator) == [], "a meeting the room declined was released"
    assert released == []


async def test_people_in_the_room_during_a_declined_meeting_use_it_unbooked(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space(ROOM)
    simulator.add_event(thames.id, "Turned down", _at(10, 30), _at(11, 30), room_answer="declined")
    options = {CONF_CHECK_IN_ON_ARRIVAL: True, CONF_UNBOOKED_USE_AFTER: 10}
    await setup_with_options(hass, config_entry, **options)
    simulator.reset_requests()
    # They come for the meeting anyway.
    await run_until(hass, freezer, _at(10, 30))
    simulator.start_presence(thames.id)
    await run_until(hass, freezer, _at(10, 42))

    assert state(hass, simulator, ROOM, "occupancy") == STATE_ON
    assert state(hass, simulator, ROOM, "unbooked_use") == STATE_ON
    assert state(hass, simulator, ROOM, "checked_in") == STATE_OFF
    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "available"
    assert writes(simulator) == [], "checked in to a meeting the room declined"


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_booking_moved_out_of_the_read_hours_that_the_room_declines_there_is_gone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The next hour's read no longer lists it; looked up, the room's answer is read too."""
    thames = simulator.find_space(ROOM)
    review = simulator.add_event(thames.id, "Review", _at(10, 45), _at(11, 15))
    await advance(hass, freezer, POLL)
    assert _time(hass, simulator, "next_booking") == _at(10, 45)

    # Moved to 15:00, when the room is taken by another meeting: it declines.
    review.start, review.end = _at(15), _at(16)
    simulator.answer_as_room(review, "declined")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)

    # The poll read neither today's afternoon nor another day that lists it again.
    reads = [call for call in api_calls(simulator) if call.startswith("GET /v1.0/events/")]
    assert reads == [f"GET /v1.0/events/{review.id}"]  # looked up
    # The next booking is Tuesday's stand-up, not the meeting the room declined.
    assert _time(hass, simulator, "next_booking") == _at(9, 30, day=24)
    assert room_state(hass, simulator, ROOM, "sensor", "availability").state == "available"
