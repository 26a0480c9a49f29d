"""A booking that a read no longer lists is looked up: moved, it stays; deleted, it goes.

Each poll reads the next hour and one day of the window. A booking the organiser moves out
of the range that was read (to later today, to another day) is no longer listed there, and
its new time is not read again for up to a whole sweep of the window.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL
from custom_components.robin.vanished_bookings import MAX_LOOKUPS_PER_POLL
from robin_simulator import RobinSimulator
from robin_simulator.model import Event as SimEvent

from .common import api_calls, room_entity_id, room_state, setup_with_options
from .conftest import MONDAY_MORNING, advance

POLL = timedelta(seconds=60)
# New York is outside its working hours on Monday morning: read it every minute all the same.
EVERY_MINUTE = {CONF_OFF_HOURS_INTERVAL: 0}
SOON = MONDAY_MORNING + timedelta(minutes=30)  # 10:45, within the next hour's read
THURSDAY = MONDAY_MORNING.replace(hour=14, minute=0) + timedelta(days=3)


async def _booked(hass: HomeAssistant, calendar: str, title: str) -> list[str]:
    """Return the starts of the calendar's bookings with this title this week."""
    response: Any = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": MONDAY_MORNING, "duration": {"days": 7}},
        blocking=True,
        return_response=True,
    )
    return [event["start"] for event in response[calendar]["events"] if event["summary"] == title]


def _looked_up(simulator: RobinSimulator) -> list[str]:
    return [call for call in api_calls(simulator) if call.startswith("GET /v1.0/events/")]


async def _booked_soon(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    title: str,
    room: str = "Thames Room",
) -> tuple[SimEvent, str]:
    """Book the room at 10:45 in Robin, set up, and return the booking and calendar."""
    space = simulator.find_space(room)
    event = simulator.add_event(space.id, title, SOON, SOON + timedelta(minutes=30))
    await setup_with_options(hass, config_entry, **EVERY_MINUTE)
    calendar = room_entity_id(hass, simulator, room, "calendar", "bookings")
    assert await _booked(hass, calendar, title) == ["2026-11-23T10:45:00+00:00"]
    return event, calendar


async def test_a_booking_moved_to_another_day_stays_on_the_calendar(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Moved from 10:45 today to Thursday, it shows on Thursday from the next poll on."""
    event, calendar = await _booked_soon(hass, simulator, config_entry, "Moved later")

    event.start, event.end = THURSDAY, THURSDAY + timedelta(hours=1)
    simulator.reset_requests()
    await advance(hass, freezer, POLL)

    assert await _booked(hass, calendar, "Moved later") == ["2026-11-26T14:00:00+00:00"]
    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"]


async def test_a_booking_deleted_in_robin_goes_after_one_look(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin answers 404 for it: it leaves the calendar, and it is not asked about again."""
    event, calendar = await _booked_soon(hass, simulator, config_entry, "Deleted")

    assert simulator.events.cancel(event.id)
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)

    assert await _booked(hass, calendar, "Deleted") == []
    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"]


async def test_a_booking_moved_away_and_called_off_is_no_ones_next_booking(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Moved to Thursday, then called off: Robin reads it back cancelled, so it goes."""
    booth = "Phone Booth 1"  # booked by nobody else this week
    event, calendar = await _booked_soon(hass, simulator, config_entry, "Called off", booth)
    assert room_state(hass, simulator, booth, "sensor", "next_booking").state == (
        "2026-11-23T10:45:00+00:00"
    )

    event.start, event.end = THURSDAY, THURSDAY + timedelta(hours=1)
    event.status = "cancelled"  # Robin keeps it readable, marked so
    simulator.reset_requests()
    await advance(hass, freezer, POLL)

    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"]
    assert room_state(hass, simulator, booth, "sensor", "next_booking").state == STATE_UNKNOWN
    assert await _booked(hass, calendar, "Called off") == []


async def test_an_empty_answer_does_not_empty_the_next_hour(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One empty list for the next hour: its bookings stay, and a few are checked."""
    london = simulator.find_location("London HQ")
    rooms = [simulator.find_space(name) for name in ("Thames Room", "Boardroom", "Phone Booth 1")]
    # Four quarter hours in each room, all within the next hour's read: more than one
    # poll looks up.
    slots = [SOON - timedelta(minutes=15) + timedelta(minutes=15 * n) for n in range(4)]
    assert len(rooms) * len(slots) > MAX_LOOKUPS_PER_POLL
    for space in rooms:
        for start in slots:
            simulator.add_event(space.id, "Kept", start, start + timedelta(minutes=15))
    await setup_with_options(hass, config_entry, **EVERY_MINUTE)
    calendars = [
        room_entity_id(hass, simulator, space.name, "calendar", "bookings") for space in rooms
    ]
    kept = [start.isoformat() for start in slots]
    for calendar in calendars:
        assert await _booked(hass, calendar, "Kept") == kept

    # This poll reads London's next hour and its today: both come back empty.
    simulator.faults.empty_list_next(2, path=f"/locations/{london.id}/events")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert simulator.faults.empty_lists_queued == 0

    for calendar in calendars:
        assert await _booked(hass, calendar, "Kept") == kept
    # At most a few look-ups a poll; the rest wait for the next read, which lists them.
    assert 0 < len(_looked_up(simulator)) <= MAX_LOOKUPS_PER_POLL
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert _looked_up(simulator) == []
    for calendar in calendars:
        assert await _booked(hass, calendar, "Kept") == kept


async def test_a_look_up_robin_does_not_answer_keeps_the_booking_until_one_does(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Deleted, but the look-up meets a 500: shown as it was, then gone at the next poll."""
    event, calendar = await _booked_soon(hass, simulator, config_entry, "Deleted")

    assert simulator.events.cancel(event.id)
    simulator.faults.fail_next(500, path=f"/events/{event.id}")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert await _booked(hass, calendar, "Deleted") == ["2026-11-23T10:45:00+00:00"]
    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"]

    await advance(hass, freezer, POLL)  # Robin reads the same, and answers the look-up
    assert await _booked(hass, calendar, "Deleted") == []
    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"] * 2


async def test_a_booking_moved_past_the_window_is_left_to_robin(
    hass: HomeAssistant,
    *,
    time_zone: None,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Moved to next month: not kept here, and the calendar finds it there by asking Robin."""
    event, calendar = await _booked_soon(hass, simulator, config_entry, "Moved far")

    next_month = SOON + timedelta(days=30)
    event.start, event.end = next_month, next_month + timedelta(minutes=30)
    simulator.reset_requests()
    await advance(hass, freezer, POLL)

    assert _looked_up(simulator) == [f"GET /v1.0/events/{event.id}"]
    # The cache holds the window (14 days) only: what lies past it is Robin's to tell.
    thames = simulator.find_space("Thames Room")
    cached = config_entry.runtime_data.bookings.events(thames.id)
    assert "Moved far" not in [booking.title for booking in cached]
    response: Any = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": next_month, "duration": {"hours": 1}},
        blocking=True,
        return_response=True,
    )
    assert [e["summary"] for e in response[calendar]["events"]] == ["Moved far"]
