"""Calendar days beyond the cached window: read from Robin, each booking once, in order.

The window holds 14 days from Monday 23 November 2026 10:00 (UTC) and one hour more, to
Monday 7 December 11:00; a calendar range reaching further is read from Robin when asked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator
from robin_simulator.model import Event

from .common import api_calls, room_entity_id, ws_command

HALF_HOUR = timedelta(minutes=30)
LONDON = ZoneInfo("Europe/London")
MEET_LINK = "https://meet.example.com/abc-defg-hij"
AGENDA = f'<p>Agenda: pricing. Join: <a href="{MEET_LINK}">video call</a></p>'
# Tuesday 5 January 2027, six weeks ahead: far beyond the window.
VENDOR_CALL = datetime(2027, 1, 5, 16, 0, tzinfo=UTC)
# The window's end (see above) falls during this meeting.
ON_THE_EDGE = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


async def _get_events(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Read a room's calendar as an automation does, with calendar.get_events."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": entity_id, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return events


async def _edit_from_the_dialog(
    hass: HomeAssistant, hass_ws_client: Any, entity_id: str, uid: str, **fields: Any
) -> None:
    """Save a booking from the calendar's dialog, which sends every field it shows."""
    answer = await ws_command(
        hass,
        hass_ws_client,
        {"type": "calendar/event/update", "entity_id": entity_id, "uid": uid, "event": fields},
    )
    assert answer["success"], answer


def _vendor_call(simulator: RobinSimulator) -> Event:
    thames = simulator.find_space("Thames Room")
    return simulator.add_event(
        thames.id, "Vendor call", VENDOR_CALL, VENDOR_CALL + HALF_HOUR, description=AGENDA
    )


async def test_a_booking_robins_pages_list_twice_is_shown_once(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Robin pages by offset: a booking added while the pages are read shifts the next one."""
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    path = f"/v1.0/spaces/{simulator.find_space('Thames Room').id}/events"
    # Half a year of daily stand-ups and twice-weekly reviews: more than one page of 200.
    start, end = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 8, 2, tzinfo=UTC)
    simulator.reset_requests()
    as_robin_pages_them = await _get_events(hass, entity_id, start, end)
    assert api_calls(simulator) == [f"GET {path}", f"GET {path}"]

    simulator.faults.overlap_next_page(path=path)
    shifted = await _get_events(hass, entity_id, start, end)

    assert simulator.faults.pending == 0  # the second page did start with the first's last
    shown = [(event["summary"], event["start"]) for event in shifted]
    assert len(shown) == len(set(shown))
    assert shifted == as_robin_pages_them


async def test_meetings_beyond_the_window_come_in_the_order_they_start(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Synced from New York the night its clocks go back: 01:45 EDT comes before 01:30 EST."""
    thames = simulator.find_space("Thames Room")
    first = datetime(2027, 11, 7, 5, 45, tzinfo=UTC)  # 01:45 in New York, summer time
    second = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)  # 01:30 in New York, an hour later
    for title, start in (("Night shift handover", first), ("Overnight deploy", second)):
        synced = simulator.add_event(thames.id, title, start, start + HALF_HOUR)
        synced.time_zone = "America/New_York"
    simulator.add_event(
        thames.id,
        "Move-out day",
        datetime(2027, 11, 7, tzinfo=LONDON),
        datetime(2027, 11, 8, tzinfo=LONDON),
        all_day=True,
    )
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")

    events = await _get_events(
        hass, entity_id, datetime(2027, 11, 7, tzinfo=UTC), datetime(2027, 11, 8, tzinfo=UTC)
    )

    assert [(event["summary"], event["start"]) for event in events] == [
        ("Move-out day", "2027-11-07"),  # a London day: from London's midnight
        ("Night shift handover", "2027-11-07T05:45:00+00:00"),
        ("Overnight deploy", "2027-11-07T06:30:00+00:00"),
    ]


async def test_renaming_keeps_the_time_its_organiser_moved_it_to_after_the_calendar_read_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    call = _vendor_call(simulator)
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    [shown] = await _get_events(hass, entity_id, VENDOR_CALL, VENDOR_CALL + HALF_HOUR)
    # Moved an hour later in the organiser's calendar, after the calendar read it.
    moved_to = VENDOR_CALL + 2 * HALF_HOUR
    call.start, call.end = moved_to, moved_to + HALF_HOUR

    await _edit_from_the_dialog(  # the dialog sends the times it showed
        hass,
        hass_ws_client,
        entity_id,
        call.id,
        summary="Vendor call (Acme)",
        description=shown["description"],
        dtstart=shown["start"],
        dtend=shown["end"],
    )

    renamed = simulator.events.get(call.id)
    assert renamed is not None
    assert (renamed.title, renamed.start, renamed.description) == (
        "Vendor call (Acme)",
        moved_to,
        AGENDA,
    )


async def test_moving_keeps_the_title_and_agenda_its_organiser_gave_it_after_the_read(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    call = _vendor_call(simulator)
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    [shown] = await _get_events(hass, entity_id, VENDOR_CALL, VENDOR_CALL + HALF_HOUR)
    # Renamed with a new agenda in the organiser's calendar, after the calendar read it.
    new_agenda = f'<p>Agenda: contract. Join: <a href="{MEET_LINK}">video call</a></p>'
    call.title, call.description = "Vendor call: contract", new_agenda

    later = VENDOR_CALL + 4 * HALF_HOUR
    await _edit_from_the_dialog(
        hass,
        hass_ws_client,
        entity_id,
        call.id,
        summary=shown["summary"],
        description=shown["description"],
        dtstart=later.isoformat(),
        dtend=(later + HALF_HOUR).isoformat(),
    )

    moved = simulator.events.get(call.id)
    assert moved is not None
    assert (moved.start, moved.title, moved.description) == (
        later,
        "Vendor call: contract",
        new_agenda,
    )


async def test_a_range_across_the_windows_end_shows_its_bookings_as_the_window_does(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    """A meeting the window holds is shown, and edited, as the window's own views show it."""
    thames = simulator.find_space("Thames Room")
    review = simulator.add_event(
        thames.id, "Pricing review", ON_THE_EDGE, ON_THE_EDGE + 2 * HALF_HOUR, description=AGENDA
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    # Its organiser gives it a new agenda before the window's next read of that day.
    new_agenda = f'<p>Agenda: discounts. Join: <a href="{MEET_LINK}">video call</a></p>'
    review.description = new_agenda

    day = datetime(2026, 12, 7, tzinfo=UTC)
    inside = await _get_events(hass, entity_id, day, ON_THE_EDGE + HALF_HOUR)
    across = await _get_events(hass, entity_id, day, day + timedelta(days=1))
    [shown] = [event for event in across if event["summary"] == "Pricing review"]
    assert [event for event in inside if event["summary"] == "Pricing review"] == [shown]

    await _edit_from_the_dialog(
        hass,
        hass_ws_client,
        entity_id,
        review.id,
        summary="Pricing review (final)",
        description=shown["description"],
        dtstart=shown["start"],
        dtend=shown["end"],
    )

    renamed = simulator.events.get(review.id)
    assert renamed is not None
    assert (renamed.title, renamed.description) == ("Pricing review (final)", new_agenda)
