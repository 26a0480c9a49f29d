"""What a user can type into the actions: every input is either done or refused clearly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import DOMAIN, api_calls, room_entity_id, writes, ws_command

FAR_END = "9999-12-31T23:59:59-12:00"
HUGE_DURATION = {"days": 999_999_999}


async def _call(hass: HomeAssistant, action: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(DOMAIN, action, data, blocking=True, return_response=True)


@pytest.mark.parametrize(
    "window",
    [
        {"end": FAR_END},
        {"duration": HUGE_DURATION},
        {"start": "9999-12-31T23:00:00+00:00", "duration": {"hours": 2}},
        {"start": "0001-01-01T00:00:00+14:00", "duration": {"hours": 2}},
        {"start": "2026-11-23T12:00:00+00:00", "end": "3026-11-23T12:00:00+00:00"},
    ],
)
async def test_far_times_are_refused_before_asking_robin(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    window: dict[str, Any],
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "book_space", {"entity_id": thames, **window})
    assert err.value.translation_key == "time_out_of_range"
    assert str(err.value) == "Times must be within 100 years of now"
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "find_free_space", {"config_entry_id": setup_integration.entry_id, **window}
        )
    assert err.value.translation_key == "time_out_of_range"
    assert api_calls(simulator) == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("book_space", {"duration": {"days": 1e10}}),
        ("book_space", {"duration": "99999999999:00:00"}),
        ("book_space", {"duration": 1e20}),
        ("extend_booking", {"minutes": float("inf")}),
        ("find_free_space", {"duration": {"days": float("inf")}}),
        ("find_free_space", {"duration": "00:30:00", "min_capacity": float("inf")}),
    ],
)
async def test_numbers_too_big_for_a_duration_are_invalid_data(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    action: str,
    data: dict[str, Any],
) -> None:
    if action == "find_free_space":
        data = {"config_entry_id": setup_integration.entry_id, **data}
    else:
        thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
        data = {"entity_id": thames, **data}
    simulator.reset_requests()
    with pytest.raises(vol.Invalid):
        await _call(hass, action, data)
    assert writes(simulator) == []


async def test_the_calendar_refuses_far_bookings_and_moves_too(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": thames,
                "summary": "Time capsule",
                "start_date_time": "9999-12-31T22:00:00",
                "end_date_time": "9999-12-31T23:00:00",
            },
            blocking=True,
        )
    assert err.value.translation_key == "time_out_of_range"
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": thames,
            "uid": "23481829_20261124T093000Z",  # tomorrow's stand-up
            "event": {
                "summary": "Stand-up",
                "dtstart": "2526-11-24T10:00:00+00:00",
                "dtend": "2526-11-24T10:30:00+00:00",
            },
        }
    )
    answer = await client.receive_json()
    assert not answer["success"]
    assert answer["error"]["message"] == "Times must be within 100 years of now"
    assert writes(simulator) == []


@pytest.mark.parametrize(
    ("room", "title", "day", "times", "error"),
    [
        # Tomorrow's stand-up moved to this morning, before now (10:15).
        (
            "Thames Room",
            "Stand-up",
            date(2026, 11, 24),
            ("2026-11-23T08:00:00+00:00", "2026-11-23T08:15:00+00:00"),
            "The start is in the past",
        ),
        # The design review under way (10:00-11:00) cut to end before now: over already.
        (
            "Fleet Room",
            "Design review",
            date(2026, 11, 23),
            ("2026-11-23T10:00:00+00:00", "2026-11-23T10:10:00+00:00"),
            "The end is in the past: the booking would be over already",
        ),
        # The design review under way cut to end later than now: its start, past but
        # unchanged, is kept.
        (
            "Fleet Room",
            "Design review",
            date(2026, 11, 23),
            ("2026-11-23T10:00:00+00:00", "2026-11-23T10:45:00+00:00"),
            None,
        ),
    ],
    ids=["start_in_past", "end_in_past", "under_way_cut_short"],
)
async def test_the_calendar_moves_no_booking_into_the_past(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
    room: str,
    title: str,
    day: date,
    times: tuple[str, str],
    error: str | None,
) -> None:
    calendar = room_entity_id(hass, simulator, room, "calendar", "bookings")
    space_id = simulator.find_space(room).id
    [booking] = [
        event
        for event in simulator.events_in(space_id)
        if event.title == title and event.start.date() == day
    ]
    before = (booking.start, booking.end)
    simulator.reset_requests()
    answer = await ws_command(
        hass,
        hass_ws_client,
        {
            "type": "calendar/event/update",
            "entity_id": calendar,
            "uid": booking.id,
            "event": {"summary": title, "dtstart": times[0], "dtend": times[1]},
        },
    )
    [after] = [event for event in simulator.events_in(space_id) if event.id == booking.id]
    if error is None:
        assert answer["success"], answer
        assert (after.start, after.end) == tuple(map(datetime.fromisoformat, times))
        return
    assert not answer["success"]
    assert answer["error"]["message"] == error
    assert (after.start, after.end) == before
    assert writes(simulator) == []


async def test_extending_a_booking_that_is_already_over_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    [standup] = [
        event
        for event in simulator.events_in(simulator.find_space("Thames Room").id)
        if event.title == "Stand-up" and event.start.date() == date(2026, 11, 23)
    ]  # today 09:30-09:45; now 10:15
    end = standup.end
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "extend_booking", {"entity_id": thames, "booking_id": standup.id, "minutes": 30}
        )
    assert err.value.translation_key == "booking_already_over"
    assert str(err.value) == "This booking of Thames Room is already over"
    assert standup.end == end
    assert writes(simulator) == []
