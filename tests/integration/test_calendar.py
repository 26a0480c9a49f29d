"""The rooms' calendars: reading them through Home Assistant's API and editing bookings."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.calendar import CalendarEntityFeature
from homeassistant.const import ATTR_SUPPORTED_FEATURES, CONF_ACCESS_TOKEN, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceNotSupported,
    ServiceValidationError,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import DEFAULT_TOKEN, READ_ONLY_TOKEN, RobinSimulator

from .common import (
    api_calls,
    meeting,
    room_entity_id,
    setup_entry_at,
    setup_with_options,
    writes,
    ws_command,
)
from .conftest import advance

STANDUP_SERIES = "23481829"
POLL = timedelta(seconds=60)
# Monday 09:50:30: the Fleet Room's design review (10:00-11:00) is next. Polls fall at :30
# past the minute, away from the meetings' whole-minute boundaries.
BEFORE_THE_DESIGN_REVIEW = datetime(2026, 11, 23, 9, 50, 30, tzinfo=UTC)
CONFLICT_MESSAGE = "The space is already booked during the requested time."


async def _get(
    hass: HomeAssistant, hass_client: Any, entity_id: str, start: str, end: str
) -> tuple[int, Any]:
    """Read a calendar as the frontend does: GET /api/calendars/<entity_id>."""
    client = await hass_client()
    response = await client.get(f"/api/calendars/{entity_id}", params={"start": start, "end": end})
    return response.status, await response.json()


async def _events(
    hass: HomeAssistant, hass_client: Any, entity_id: str, start: str, end: str
) -> list[dict[str, Any]]:
    status, body = await _get(hass, hass_client, entity_id, start, end)
    assert status == 200, body
    return body


def _summary(events: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Return (summary, start, end) of each event as the API gives them."""
    return [
        (
            event["summary"],
            event["start"].get("dateTime", event["start"].get("date")),
            event["end"].get("dateTime", event["end"].get("date")),
        )
        for event in events
    ]


async def _edit(
    hass: HomeAssistant, hass_ws_client: Any, command: str, entity_id: str, **fields: Any
) -> dict[str, Any]:
    """Send a calendar/event/<command> for the calendar, as the calendar dialog does."""
    message = {"type": f"calendar/event/{command}", "entity_id": entity_id, **fields}
    return await ws_command(hass, hass_ws_client, message)


async def test_today_in_london_with_the_recurring_stand_up(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    events = await _events(
        hass, hass_client, thames, "2026-11-23T00:00:00+00:00", "2026-11-24T00:00:00+00:00"
    )
    assert _summary(events) == [
        ("Stand-up", "2026-11-23T09:30:00+00:00", "2026-11-23T09:45:00+00:00")
    ]
    assert events[0]["uid"] == f"{STANDUP_SERIES}_20261123T093000Z"
    assert events[0]["description"] == "Daily stand-up. Keep it short."
    assert events[0]["location"] == "Thames Room"


async def test_this_week_in_london_each_occurrence_its_own_uid_and_html_as_text(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    events = await _events(
        hass, hass_client, thames, "2026-11-23T00:00:00+00:00", "2026-11-30T00:00:00+00:00"
    )
    standups = [event for event in events if event["summary"] == "Stand-up"]
    assert [event["uid"] for event in standups] == [
        f"{STANDUP_SERIES}_202611{day}T093000Z" for day in (23, 24, 25, 26, 27)
    ]
    assert [event["start"]["dateTime"] for event in standups] == [
        f"2026-11-{day}T09:30:00+00:00" for day in (23, 24, 25, 26, 27)
    ]
    reviews = [event for event in events if event["summary"] == "Metrics review"]
    assert _summary(reviews) == [
        ("Metrics review", "2026-11-24T14:00:00+00:00", "2026-11-24T15:00:00+00:00"),
        ("Metrics review", "2026-11-26T14:00:00+00:00", "2026-11-26T15:00:00+00:00"),
    ]
    # Google's HTML agenda reads as text, its line breaks kept.
    assert reviews[0]["description"] == "Agenda:\nQ3 numbers\nHiring plan"
    assert len(events) == len(standups) + len(reviews)


async def test_this_week_in_new_york_with_an_all_day_event(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    hudson = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    events = await _events(
        hass, hass_client, hudson, "2026-11-23T05:00:00+00:00", "2026-11-30T05:00:00+00:00"
    )
    # The workshop is at 13:00 in New York; the frontend gets it in Home Assistant's
    # time zone (London), where it is 18:00.
    assert _summary(events) == [
        ("Client workshop", "2026-11-23T18:00:00+00:00", "2026-11-23T19:00:00+00:00"),
        ("Client workshop", "2026-11-25T18:00:00+00:00", "2026-11-25T19:00:00+00:00"),
        # Friday of an even ISO week (48): the offsite takes the whole New York day,
        # 05:00 to 05:00 in London (test_all_day_events.py has more).
        ("Offsite planning", "2026-11-27T05:00:00+00:00", "2026-11-28T05:00:00+00:00"),
    ]
    assert events[2]["uid"] != events[0]["uid"]


async def _get_events_action(
    hass: HomeAssistant, entity_id: str, **window: Any
) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": entity_id, **window},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return events


async def test_get_events_action_returns_the_bookings(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    fleet = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    events = await _get_events_action(hass, fleet, duration={"hours": 2})
    assert [(event["summary"], event["start"], event["end"]) for event in events] == [
        ("Design review", "2026-11-23T10:00:00+00:00", "2026-11-23T11:00:00+00:00"),
        ("Customer call", "2026-11-23T11:00:00+00:00", "2026-11-23T12:00:00+00:00"),
    ]
    assert events[0]["location"] == "Fleet Room"


async def test_get_events_action_gives_times_in_the_rooms_time_zone(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    # An automation printing the hour reads the room's local hour.
    hudson = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    events = await _get_events_action(
        hass,
        hudson,
        start_date_time="2026-11-23T00:00:00+00:00",
        end_date_time="2026-11-24T00:00:00+00:00",
    )
    assert [(event["start"], event["end"]) for event in events] == [
        ("2026-11-23T13:00:00-05:00", "2026-11-23T14:00:00-05:00")
    ]
    # London in summer (British Summer Time), read from Robin as it is beyond the window.
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    events = await _get_events_action(
        hass,
        thames,
        start_date_time="2027-07-05T00:00:00+01:00",
        end_date_time="2027-07-06T00:00:00+01:00",
    )
    assert [(event["summary"], event["start"]) for event in events] == [
        ("Stand-up", "2027-07-05T09:30:00+01:00")
    ]


async def test_a_meeting_held_in_another_time_zone_is_given_in_the_rooms(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A meeting synced from a New York organiser's calendar, in the London Thames Room."""
    thames = simulator.find_space("Thames Room")
    call = simulator.add_event(
        thames.id,
        "Call with New York",
        datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 15, 30, tzinfo=UTC),
    )
    simulator.events.save(dataclasses.replace(call, time_zone="America/New_York"))
    await setup_entry_at(hass, freezer, config_entry, BEFORE_THE_DESIGN_REVIEW)

    entity_id = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    events = await _get_events_action(
        hass,
        entity_id,
        start_date_time="2026-11-23T14:00:00+00:00",
        end_date_time="2026-11-23T16:00:00+00:00",
    )
    # As every other booking of the room: London's 15:00, not New York's 10:00.
    assert [(event["summary"], event["start"], event["end"]) for event in events] == [
        ("Call with New York", "2026-11-23T15:00:00+00:00", "2026-11-23T15:30:00+00:00")
    ]


async def test_a_range_beyond_the_cached_window_is_read_from_robin(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    space_id = simulator.find_space("Thames Room").id

    simulator.reset_requests()
    events = await _events(
        hass, hass_client, thames, "2026-11-30T00:00:00+00:00", "2026-12-01T00:00:00+00:00"
    )
    assert _summary(events) == [
        ("Stand-up", "2026-11-30T09:30:00+00:00", "2026-11-30T09:45:00+00:00")
    ]
    assert simulator.requests == []  # inside the window: from the cache

    events = await _events(
        hass, hass_client, thames, "2027-01-04T00:00:00+00:00", "2027-01-05T00:00:00+00:00"
    )
    assert _summary(events) == [
        ("Stand-up", "2027-01-04T09:30:00+00:00", "2027-01-04T09:45:00+00:00")
    ]
    assert events[0]["uid"] == f"{STANDUP_SERIES}_20270104T093000Z"
    assert api_calls(simulator) == [f"GET /v1.0/spaces/{space_id}/events"]


async def test_robin_failing_for_a_range_beyond_the_window_is_an_error(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    simulator.faults.fail_next(status=500, path="/spaces/")
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "calendar",
            "get_events",
            {
                "entity_id": thames,
                "start_date_time": "2027-01-04T00:00:00+00:00",
                "end_date_time": "2027-01-05T00:00:00+00:00",
            },
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == "robin_failed"  # a 500: Robin failed, it was reached

    simulator.faults.fail_next(status=503, path="/spaces/")
    status, body = await _get(
        hass, hass_client, thames, "2027-01-04T00:00:00+00:00", "2027-01-05T00:00:00+00:00"
    )
    assert status == 500
    assert body["message"].startswith("Error reading events")


async def test_create_from_the_calendar_dialog_books_the_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
    hass_client,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    space_id = simulator.find_space("Thames Room").id
    answer = await _edit(
        hass,
        hass_ws_client,
        "create",
        thames,
        event={
            "summary": "Focus session",
            "description": "Heads down",
            "dtstart": "2026-11-23T13:00:00+00:00",
            "dtend": "2026-11-23T13:30:00+00:00",
        },
    )
    assert answer["success"], answer

    booked = [event for event in simulator.events_in(space_id) if event.title == "Focus session"]
    assert [(event.start, event.end, event.description) for event in booked] == [
        (
            datetime(2026, 11, 23, 13, 0, tzinfo=UTC),
            datetime(2026, 11, 23, 13, 30, tzinfo=UTC),
            "Heads down",
        )
    ]
    events = await _events(
        hass, hass_client, thames, "2026-11-23T12:00:00+00:00", "2026-11-23T18:00:00+00:00"
    )
    assert _summary(events) == [
        ("Focus session", "2026-11-23T13:00:00+00:00", "2026-11-23T13:30:00+00:00")
    ]
    assert events[0]["uid"] == booked[0].id
    # The room's next booking is the new one, at once.
    state = hass.states.get(thames)
    assert state.attributes["message"] == "Focus session"


async def test_a_read_only_token_offers_no_edits_until_a_token_that_can_write_is_entered(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    hass_ws_client,
) -> None:
    # Robin lets a read-only token show the calendars, not change them: the calendar does
    # not offer Add, Edit and Delete that would each fail once the dialog is filled in.
    await setup_with_options(hass, config_entry, READ_ONLY_TOKEN)
    fleet = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    space_id = simulator.find_space("Fleet Room").id
    review = meeting(simulator, "Fleet Room", "Design review")
    assert hass.states.get(fleet).attributes[ATTR_SUPPORTED_FEATURES] == 0
    half_hour = {"dtstart": "2026-11-23T13:00:00+00:00", "dtend": "2026-11-23T13:30:00+00:00"}
    edits = {
        "create": {"event": {"summary": "Focus session", **half_hour}},
        "update": {"uid": review.id, "event": {"summary": "Design review", **half_hour}},
        "delete": {"uid": review.id},
    }
    before = simulator.events_in(space_id)
    simulator.reset_requests()
    for command, fields in edits.items():
        answer = await _edit(hass, hass_ws_client, command, fleet, **fields)
        # Home Assistant refuses them itself, as for any calendar that cannot be edited.
        assert not answer["success"], command
        assert answer["error"]["code"] == "not_supported", command
    # And Home Assistant's action, as an automation would call it.
    with pytest.raises(ServiceNotSupported):
        await hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": fleet,
                "summary": "Focus session",
                "start_date_time": half_hour["dtstart"],
                "end_date_time": half_hour["dtend"],
            },
            blocking=True,
        )
    assert writes(simulator) == []
    assert simulator.events_in(space_id) == before

    # A token that can write, entered when Home Assistant asks for one: the entry reloads
    # and the calendar can be edited.
    flow = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_ACCESS_TOKEN: DEFAULT_TOKEN}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert hass.states.get(fleet).attributes[ATTR_SUPPORTED_FEATURES] == (
        CalendarEntityFeature.CREATE_EVENT
        | CalendarEntityFeature.UPDATE_EVENT
        | CalendarEntityFeature.DELETE_EVENT
    )
    answer = await _edit(hass, hass_ws_client, "create", fleet, **edits["create"])
    assert answer["success"], answer
    booked = [e for e in simulator.events_in(space_id) if e.title == "Focus session"]
    assert [(event.start, event.end) for event in booked] == [
        (datetime(2026, 11, 23, 13, 0, tzinfo=UTC), datetime(2026, 11, 23, 13, 30, tzinfo=UTC))
    ]


BOARD_VISIT_AGENDA = "Costs < budget?\nRevenue > plan?"


async def test_create_event_action_books_next_week(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, hass_client
) -> None:
    hudson = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    space_id = simulator.find_space("Hudson Room").id
    await hass.services.async_call(
        "calendar",
        "create_event",
        {
            "entity_id": hudson,
            "summary": "Board visit",
            "description": BOARD_VISIT_AGENDA,
            "start_date_time": "2026-11-30T09:00:00-05:00",
            "end_date_time": "2026-11-30T10:30:00-05:00",
        },
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    booked = [event for event in simulator.events_in(space_id) if event.title == "Board visit"]
    assert [(event.start, event.end) for event in booked] == [
        (datetime(2026, 11, 30, 14, 0, tzinfo=UTC), datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    ]
    events = await _events(
        hass, hass_client, hudson, "2026-11-30T05:00:00+00:00", "2026-12-01T05:00:00+00:00"
    )
    assert _summary(events) == [
        ("Board visit", "2026-11-30T14:00:00+00:00", "2026-11-30T15:30:00+00:00"),
        ("Client workshop", "2026-11-30T18:00:00+00:00", "2026-11-30T19:00:00+00:00"),
    ]
    # Plain text comparing with < and > is no HTML: its lines are shown as written.
    assert events[0]["description"] == BOARD_VISIT_AGENDA


async def test_update_moves_and_renames_one_occurrence_of_the_series(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
    hass_client,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    space_id = simulator.find_space("Thames Room").id
    uid = f"{STANDUP_SERIES}_20261124T093000Z"  # tomorrow's
    answer = await _edit(
        hass,
        hass_ws_client,
        "update",
        thames,
        uid=uid,
        event={
            "summary": "Long stand-up",
            "dtstart": "2026-11-24T10:00:00+00:00",
            "dtend": "2026-11-24T10:30:00+00:00",
        },
    )
    assert answer["success"], answer

    in_robin = [
        (event.title, event.start)
        for event in simulator.events_in(space_id)
        if datetime(2026, 11, 23, tzinfo=UTC) <= event.start < datetime(2026, 11, 26, tzinfo=UTC)
        and "review" not in event.title
    ]
    assert in_robin == [
        ("Stand-up", datetime(2026, 11, 23, 9, 30, tzinfo=UTC)),
        ("Long stand-up", datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
        ("Stand-up", datetime(2026, 11, 25, 9, 30, tzinfo=UTC)),
    ]
    events = await _events(
        hass, hass_client, thames, "2026-11-23T00:00:00+00:00", "2026-11-26T00:00:00+00:00"
    )
    assert [item for item in _summary(events) if "review" not in item[0]] == [
        ("Stand-up", "2026-11-23T09:30:00+00:00", "2026-11-23T09:45:00+00:00"),
        ("Long stand-up", "2026-11-24T10:00:00+00:00", "2026-11-24T10:30:00+00:00"),
        ("Stand-up", "2026-11-25T09:30:00+00:00", "2026-11-25T09:45:00+00:00"),
    ]


async def test_the_calendar_shows_a_booking_renamed_in_robin_and_a_renamed_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, BEFORE_THE_DESIGN_REVIEW)
    fleet = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    state = hass.states.get(fleet)
    assert (state.attributes["message"], state.attributes["location"]) == (
        "Design review",
        "Fleet Room",
    )

    # Renamed in Robin's app, same times: the next poll shows the new title and agenda.
    review = meeting(simulator, "Fleet Room", "Design review")
    review.title = "Design review: v2"
    review.description = "Bring the new mock-ups."
    await advance(hass, freezer, POLL)
    state = hass.states.get(fleet)
    assert (state.attributes["message"], state.attributes["description"]) == (
        "Design review: v2",
        "Bring the new mock-ups.",
    )

    # Facilities rename the room: the hourly rediscovery (10:50) shows the same booking in
    # the room of the new name.
    simulator.find_space("Fleet Room").name = "Fleet Suite"
    for _ in range(60):
        await advance(hass, freezer, POLL)
    state = hass.states.get(fleet)
    assert (state.state, state.attributes["message"], state.attributes["location"]) == (
        STATE_ON,
        "Design review: v2",
        "Fleet Suite",
    )


async def test_delete_cancels_one_occurrence_of_the_series(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
    hass_client,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    space_id = simulator.find_space("Thames Room").id
    answer = await _edit(
        hass,
        hass_ws_client,
        "delete",
        thames,
        uid=f"{STANDUP_SERIES}_20261124T093000Z",
    )
    assert answer["success"], answer

    standups = [
        event.start.day
        for event in simulator.events_in(space_id)
        if event.title == "Stand-up" and event.start.month == 11 and 23 <= event.start.day <= 26
    ]
    assert standups == [23, 25, 26]
    events = await _events(
        hass, hass_client, thames, "2026-11-23T00:00:00+00:00", "2026-11-27T00:00:00+00:00"
    )
    assert [event["uid"] for event in events if event["summary"] == "Stand-up"] == [
        f"{STANDUP_SERIES}_202611{day}T093000Z" for day in (23, 25, 26)
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            {
                "type": "calendar/event/create",
                "event": {"summary": "Offsite", "dtstart": "2026-11-24", "dtend": "2026-11-25"},
            },
            "all-day bookings are not supported",
            id="create-all-day",
        ),
        pytest.param(
            {
                "type": "calendar/event/create",
                "event": {
                    "summary": "Weekly",
                    "dtstart": "2026-11-24T13:00:00+00:00",
                    "dtend": "2026-11-24T13:30:00+00:00",
                    "rrule": "FREQ=WEEKLY",
                },
            },
            "Recurring bookings cannot be made or changed",
            id="create-recurring",
        ),
        pytest.param(
            {
                "type": "calendar/event/update",
                "uid": f"{STANDUP_SERIES}_20261124T093000Z",
                "recurrence_range": "THISANDFUTURE",
                "event": {
                    "summary": "Stand-up",
                    "dtstart": "2026-11-24T10:00:00+00:00",
                    "dtend": "2026-11-24T10:15:00+00:00",
                },
            },
            "Recurring bookings cannot be made or changed",
            id="update-this-and-future",
        ),
        pytest.param(
            {
                "type": "calendar/event/delete",
                "uid": f"{STANDUP_SERIES}_20261124T093000Z",
                "recurrence_range": "THISANDFUTURE",
            },
            "Recurring bookings cannot be made or changed",
            id="delete-this-and-future",
        ),
    ],
)
@pytest.mark.usefixtures("setup_integration")
async def test_calendar_edits_robin_cannot_make_are_refused(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    hass_ws_client,
    message: dict[str, Any],
    expected: str,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    space_id = simulator.find_space("Thames Room").id
    before = simulator.events_in(space_id)
    simulator.reset_requests()

    answer = await ws_command(hass, hass_ws_client, {**message, "entity_id": thames})

    assert not answer["success"]
    assert expected in answer["error"]["message"]
    assert simulator.events_in(space_id) == before
    assert not [call for call in api_calls(simulator) if not call.startswith("GET ")]


@pytest.mark.parametrize(
    "command",
    [
        {"type": "calendar/event/delete", "uid": ""},
        {
            "type": "calendar/event/update",
            "uid": "",
            "event": {
                "summary": "Design review",
                "dtstart": "2026-11-23T10:00:00+00:00",
                "dtend": "2026-11-23T11:30:00+00:00",
            },
        },
    ],
    ids=["delete", "update"],
)
@pytest.mark.usefixtures("setup_integration")
async def test_a_calendar_edit_of_an_empty_uid_is_refused_without_asking_robin(
    hass: HomeAssistant, simulator: RobinSimulator, hass_ws_client, command: dict[str, Any]
) -> None:
    # Home Assistant's calendar API takes any string as the uid; a card or script that
    # sends an empty one names no booking, not the Fleet Room's current one.
    fleet = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    space_id = simulator.find_space("Fleet Room").id
    before = simulator.events_in(space_id)
    simulator.reset_requests()

    answer = await ws_command(hass, hass_ws_client, {**command, "entity_id": fleet})

    assert not answer["success"]
    assert answer["error"]["message"] == (
        "The booking id is empty: no booking of Fleet Room was changed"
    )
    assert simulator.events_in(space_id) == before
    assert api_calls(simulator) == []


async def test_all_day_create_event_action_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": thames,
                "summary": "Offsite",
                "start_date": "2026-11-24",
                "end_date": "2026-11-25",
            },
            blocking=True,
        )
    assert raised.value.translation_key == "all_day_not_supported"


async def test_a_conflicting_booking_carries_robins_message(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
) -> None:
    fleet = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    space_id = simulator.find_space("Fleet Room").id
    before = simulator.events_in(space_id)

    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": fleet,
                "summary": "Squeeze in",
                "start_date_time": "2026-11-23T10:30:00+00:00",
                "end_date_time": "2026-11-23T10:45:00+00:00",
            },
            blocking=True,
        )
    assert raised.value.translation_key == "booking_refused"
    assert raised.value.translation_placeholders == {
        "room": "Fleet Room",
        "message": CONFLICT_MESSAGE,
    }

    # The same through the calendar dialog: the user reads Robin's reason.
    answer = await _edit(
        hass,
        hass_ws_client,
        "create",
        fleet,
        event={
            "summary": "Squeeze in",
            "dtstart": "2026-11-23T10:30:00+00:00",
            "dtend": "2026-11-23T10:45:00+00:00",
        },
    )
    assert not answer["success"]
    assert CONFLICT_MESSAGE in answer["error"]["message"]
    assert simulator.events_in(space_id) == before


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            {"status": 401},
            (
                "Robin no longer accepts the access token. Re-authentication has started: "
                "open Settings → Devices & services and enter a new token"
            ),
        ),
        (
            {"status": 429},
            "Robin is limiting requests from Home Assistant; try again in a few minutes",
        ),
        ({"status": 500}, "Robin did not change the booking of Hudson Room"),
    ],
    ids=["401", "429", "500"],
)
@pytest.mark.usefixtures("setup_integration")
async def test_calendar_edits_say_precisely_why_robin_failed(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    hass_ws_client,
    fault: dict[str, int],
    message: str,
) -> None:
    hudson = simulator.find_space("Hudson Room")
    workshop = simulator.add_event(
        hudson.id,
        "Budget review",
        datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
    )
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    simulator.faults.fail_next(fault["status"], path=f"/events/{workshop.id}", method="DELETE")
    answer = await _edit(hass, hass_ws_client, "delete", entity_id, uid=workshop.id)
    assert not answer["success"]
    assert answer["error"]["message"].startswith(message)
    assert simulator.events.get(workshop.id) is not None
    reauth = [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["handler"] == "robin" and flow["context"]["source"] == "reauth"
    ]
    assert len(reauth) == (1 if fault["status"] == 401 else 0)


async def test_renaming_a_booking_beyond_the_cached_window_reads_it_from_robin(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
) -> None:
    """Not in the polled bookings: Robin's copy tells what the dialog's fields change."""
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    uid = f"{STANDUP_SERIES}_20270104T093000Z"  # six weeks ahead, not polled
    simulator.reset_requests()
    answer = await _edit(
        hass,
        hass_ws_client,
        "update",
        thames,
        uid=uid,
        event={
            "summary": "New year stand-up",
            "dtstart": "2027-01-04T09:30:00+00:00",
            "dtend": "2027-01-04T09:45:00+00:00",
        },
    )
    assert answer["success"], answer
    assert f"GET /v1.0/events/{uid}" in api_calls(simulator)
    renamed = simulator.events.get(uid)
    assert renamed is not None
    assert (renamed.title, renamed.start, renamed.end) == (
        "New year stand-up",
        datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
        datetime(2027, 1, 4, 9, 45, tzinfo=UTC),
    )


async def test_a_booking_robin_gives_impossible_times_is_left_out_of_the_calendar(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One booking ending before it starts must not cost the calendar its other bookings."""
    fleet = simulator.find_space("Fleet Room")
    entity_id = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    broken = simulator.add_event(
        fleet.id,
        "Backwards",
        datetime(2027, 1, 5, 15, tzinfo=UTC),
        datetime(2027, 1, 5, 14, tzinfo=UTC),
    )
    simulator.add_event(
        fleet.id, "Sane", datetime(2027, 1, 5, 10, tzinfo=UTC), datetime(2027, 1, 5, 11, tzinfo=UTC)
    )
    caplog.set_level(logging.DEBUG, logger="custom_components.robin")
    events = await _events(
        hass, hass_client, entity_id, "2027-01-05T00:00:00+00:00", "2027-01-06T00:00:00+00:00"
    )
    summaries = [event["summary"] for event in events]
    assert "Sane" in summaries
    assert "Backwards" not in summaries
    assert f"Skipping Robin event {broken.id}: its times are not valid" in caplog.text


@pytest.mark.parametrize(
    ("command", "fields"),
    [
        ("delete", {}),
        (
            "update",
            {
                "event": {
                    "summary": "Renamed from another room",
                    "dtstart": "2026-11-23T10:00:00+00:00",
                    "dtend": "2026-11-23T11:00:00+00:00",
                }
            },
        ),
    ],
)
@pytest.mark.parametrize("which", ["another_rooms_booking", "the_series_itself"])
async def test_a_room_calendar_changes_only_its_own_bookings_one_at_a_time(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client,
    *,
    command: str,
    fields: dict[str, Any],
    which: str,
) -> None:
    """Neither the Fleet Room's booking nor the stand-up series' own id, from Thames' calendar.

    Robin would cancel or rename the other room's meeting, or every stand-up of the series.
    """
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    uid = meeting(simulator, "Fleet Room", "Design review").id
    if which == "the_series_itself":
        uid = STANDUP_SERIES
    rooms = [simulator.find_space(room).id for room in ("Thames Room", "Fleet Room")]

    def held() -> list[tuple[str, str, datetime]]:
        return sorted(
            (event.id, event.title, event.end)
            for room in rooms
            for event in simulator.events_in(room)
        )

    before = held()

    answer = await _edit(hass, hass_ws_client, command, thames, uid=uid, **fields)

    assert not answer["success"]
    expected = "Recurring bookings cannot" if which == "the_series_itself" else "was not found"
    assert expected in answer["error"]["message"]
    assert held() == before
