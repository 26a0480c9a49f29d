"""The actions: book, cancel, extend, end and check in to bookings, find a free room."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import voluptuous as vol
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import READ_ONLY_TOKEN, RobinSimulator
from robin_simulator.scenarios.demo import STANDUP_SERIES_ID

from .common import (
    DOMAIN,
    api_calls,
    call_action,
    delete_in_robin,
    device_with_identifier,
    location_entity_id,
    meeting,
    room_entity_id,
    room_target,
    setup_with_options,
)
from .common import room_state as state_of
from .conftest import MONDAY_MORNING, POLL_EVERY_LOCATION_EVERY_MINUTE, advance

CONFLICT_MESSAGE = "The space is already booked during the requested time."
RESTRICTED_MESSAGE = "Booking this space is restricted to admins"
ALREADY_CONFIRMED = "The event has already been confirmed."
# Past the Debouncer's cooldown: the refresh after a second action in a row runs then.
COOLDOWN = timedelta(seconds=3)
REQUEST_TIMEOUT = timedelta(seconds=31)
HALF_AN_HOUR = timedelta(minutes=30)
ELEVEN = "2026-11-23T11:00:00+00:00"
HALF_HOUR: dict[str, Any] = {"duration": "00:30:00"}
# The actions that change one booking, with what each needs besides the booking.
CHANGES_TO_A_BOOKING: list[tuple[str, dict[str, Any]]] = [
    ("cancel_booking", {}),
    ("extend_booking", {"minutes": 15}),
    ("end_booking", {}),
    ("check_in", {}),
]


def _room_device(
    hass: HomeAssistant, simulator: RobinSimulator, entry: MockConfigEntry, room: str
) -> dict[str, Any]:
    device = device_with_identifier(hass, entry.entry_id, f"space_{simulator.find_space(room).id}")
    assert device is not None
    return {"device_id": device.id}


def _posted(simulator: RobinSimulator) -> list[str]:
    """Return the booking requests Robin received."""
    return [call for call in api_calls(simulator) if call.startswith("POST /v1.0/spaces/")]


def _assert_fleet_room_free_until_the_customer_call(
    hass: HomeAssistant, simulator: RobinSimulator
) -> None:
    assert state_of(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    assert state_of(hass, simulator, "Fleet Room", "sensor", "free_until").state == (
        "2026-11-23T11:00:00+00:00"
    )


# --- book_space ------------------------------------------------------------------------------


async def test_book_space_by_entity_starts_now_and_shows_at_once(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    thames = simulator.find_space("Thames Room")
    assert state_of(hass, simulator, "Thames Room", "sensor", "availability").state == "available"
    assert state_of(hass, simulator, "Thames Room", "calendar", "bookings").state == STATE_OFF

    response = await call_action(
        hass,
        "book_space",
        {"duration": {"minutes": 30}, "title": "Focus session"},
        room_target(hass, simulator, "Thames Room"),
    )

    # The response's fields: test_snapshots.py.
    [made] = [event for event in simulator.events_in(thames.id) if event.title == "Focus session"]
    assert response["booking"]["id"] == made.id
    assert (made.start, made.end) == (MONDAY_MORNING, MONDAY_MORNING + timedelta(minutes=30))
    # The integration refreshed right after: the room is booked now, nobody is there yet.
    calendar = state_of(hass, simulator, "Thames Room", "calendar", "bookings")
    assert calendar.state == STATE_ON
    assert calendar.attributes["message"] == "Focus session"
    assert state_of(hass, simulator, "Thames Room", "sensor", "availability").state == "booked"


async def test_book_space_by_device_with_end_description_and_invitees(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    hudson = simulator.find_space("Hudson Room")
    response = await call_action(
        hass,
        "book_space",
        {
            "start": "2026-11-25T09:00:00-05:00",
            "end": "2026-11-25T10:30:00-05:00",
            "title": "Roadmap",
            "description": "Plans for next year",
            "invitees": ["grace@acme-robotics.example", "claude@acme-robotics.example"],
        },
        _room_device(hass, simulator, setup_integration, "Hudson Room"),
    )

    booking = response["booking"]
    # Times come back in the room's time zone.
    assert booking["start"] == "2026-11-25T09:00:00-05:00"
    assert booking["end"] == "2026-11-25T10:30:00-05:00"
    assert (booking["room"], booking["location"]) == ("Hudson Room", "New York Studio")
    [made] = [event for event in simulator.events_in(hudson.id) if event.id == booking["id"]]
    assert made.title == "Roadmap"
    assert made.description == "Plans for next year"
    emails = {invitee.email for invitee in made.invitees}
    assert {"grace@acme-robotics.example", "claude@acme-robotics.example"} <= emails


async def test_booking_days_ahead_is_in_the_calendar_right_after(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """The refresh after a booking re-reads the whole calendar window, not just today."""
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    await call_action(
        hass,
        "book_space",
        {"start": "2026-11-30T12:00:00+00:00", "duration": "01:00:00", "title": "Next week"},
        {"entity_id": calendar},
    )
    simulator.reset_requests()
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": calendar,
            "start_date_time": "2026-11-30T00:00:00+00:00",
            "end_date_time": "2026-12-01T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: Any = response[calendar]
    assert [(e["summary"], e["start"], e["end"]) for e in events["events"]] == [
        ("Stand-up", "2026-11-30T09:30:00+00:00", "2026-11-30T09:45:00+00:00"),
        ("Next week", "2026-11-30T12:00:00+00:00", "2026-11-30T13:00:00+00:00"),
    ]
    assert api_calls(simulator) == []  # from the refreshed cache


async def test_book_space_accepts_a_start_a_few_seconds_ago(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """A start computed by an automation a moment ago is "now", not the past."""
    response = await call_action(
        hass,
        "book_space",
        {"start": "2026-11-23T10:14:30+00:00", "end": "2026-11-23T10:45:00+00:00"},
        room_target(hass, simulator, "Thames Room"),
    )
    assert response["booking"]["start"] == "2026-11-23T10:14:30+00:00"
    assert len(_posted(simulator)) == 1


@pytest.mark.parametrize(
    ("window", "key"),
    [
        ({"start": ELEVEN, "end": "2026-11-23T10:30:00+00:00"}, "end_before_start"),
        ({"start": ELEVEN, "end": ELEVEN}, "end_before_start"),
        ({"duration": {"minutes": 5}}, "booking_too_short"),
        ({"start": ELEVEN, "end": "2026-11-23T11:05:00+00:00"}, "booking_too_short"),
        # Times go to Robin to the second: it would get 5 minutes.
        ({"start": ELEVEN, "end": "2026-11-23T11:05:00.500+00:00"}, "booking_too_short"),
        ({"start": "2026-11-23T10:00:00+00:00", "duration": {"hours": 1}}, "start_in_past"),
        ({"title": "No end"}, "end_or_duration"),
    ],
)
async def test_book_space_refuses_impossible_times_before_asking_robin(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    window: dict[str, Any],
    key: str,
) -> None:
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", window, room_target(hass, simulator, "Thames Room"))
    assert err.value.translation_key == key
    assert _posted(simulator) == []


async def test_book_space_messages_say_what_is_wrong(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "book_space",
            {"duration": "00:05:00"},
            room_target(hass, simulator, "Thames Room"),
        )
    assert str(err.value) == "Robin only books rooms for more than 5 minutes"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass, "book_space", {"title": "x"}, room_target(hass, simulator, "Thames Room")
        )
    assert str(err.value) == "Give either an end or a duration"


@pytest.mark.parametrize(
    "data",
    [
        {"end": "2026-11-23T11:00:00+00:00", "duration": {"minutes": 30}},
        {"duration": {"minutes": 30}, "invitees": ["ada@acme-robotics.example", "not an email"]},
        {"duration": {"minutes": 30}, "start": "tomorrow"},
    ],
)
async def test_book_space_schema_refuses_malformed_fields(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    data: dict[str, Any],
) -> None:
    simulator.reset_requests()
    with pytest.raises(vol.Invalid):
        await call_action(hass, "book_space", data, room_target(hass, simulator, "Thames Room"))
    assert _posted(simulator) == []


async def test_book_space_refuses_a_room_without_calendar(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    lounge = room_entity_id(hass, simulator, "Quiet Lounge", "sensor", "availability")
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", HALF_HOUR, {"entity_id": lounge})
    assert err.value.translation_key == "room_not_bookable"
    assert str(err.value) == "Quiet Lounge cannot be booked in Robin (it has no calendar)"
    assert _posted(simulator) == []


async def test_book_space_refuses_a_room_disabled_in_robin_saying_so(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.find_space("Thames Room").is_disabled = True  # it keeps its calendar
    await advance(hass, freezer, timedelta(hours=1))  # seen at the hourly rediscovery
    thames = room_entity_id(hass, simulator, "Thames Room", "sensor", "availability")
    assert hass.states.get(thames).state == "disabled"
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", HALF_HOUR, {"entity_id": thames})
    assert str(err.value) == "Thames Room is disabled in Robin and cannot be booked"
    assert _posted(simulator) == []


@pytest.mark.parametrize("gone_before", ["read", "booking"])
async def test_booking_a_room_deleted_in_robin_says_the_room_is_gone(
    gone_before: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    """The Thames Room is deleted in Robin before the hourly look at the rooms sees it: Robin
    answers 404 to the read of its bookings, or (deleted in between) to the booking itself.

    The user is told the room is gone, not that a booking they never had is.
    """
    thames = simulator.find_space("Thames Room")
    target = room_target(hass, simulator, "Thames Room")
    if gone_before == "read":
        simulator.remove_space(thames.id)
    else:
        simulator.faults.fail_next(404, path=f"/spaces/{thames.id}/events", method="POST")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "book_space", HALF_HOUR, target)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "room_deleted_in_robin"
    assert str(err.value) == "Robin no longer has Thames Room: it was deleted there"
    posted = [] if gone_before == "read" else [f"POST /v1.0/spaces/{thames.id}/events"]
    assert _posted(simulator) == posted


async def test_book_space_refuses_a_conflict_with_robins_message(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    fleet = simulator.find_space("Fleet Room")
    before = simulator.events_in(fleet.id)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass,
            "book_space",
            {"start": "2026-11-23T10:30:00+00:00", "duration": "01:00:00"},
            room_target(hass, simulator, "Fleet Room"),
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_refused"
    assert err.value.translation_placeholders == {"room": "Fleet Room", "message": CONFLICT_MESSAGE}
    assert str(err.value) == f"Robin refused the request for Fleet Room: {CONFLICT_MESSAGE}"
    assert simulator.events_in(fleet.id) == before


async def test_book_space_in_a_restricted_room_is_forbidden(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "book_space", HALF_HOUR, room_target(hass, simulator, "Boardroom"))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_forbidden"
    assert str(err.value) == (
        f"Robin does not allow this token to book Boardroom: {RESTRICTED_MESSAGE}"
    )


@pytest.mark.parametrize("committed", [False, True], ids=["nothing-made", "made-then-500"])
async def test_book_space_when_robin_fails(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    committed: bool,
) -> None:
    """A 500 may come before or after Robin made the booking: the user is told which."""
    thames = simulator.find_space("Thames Room")
    path = f"/spaces/{thames.id}/events"
    if committed:
        simulator.faults.fail_next(500, path=path, method="POST", after_commit=True)
    else:
        simulator.faults.fail_next(500, path=path, method="POST")
    simulator.reset_requests()
    call = call_action(hass, "book_space", HALF_HOUR, room_target(hass, simulator, "Thames Room"))
    if committed:
        response = await call
        [made] = [e for e in simulator.events_in(thames.id) if e.start == MONDAY_MORNING]
        assert response["booking"]["id"] == made.id
    else:
        with pytest.raises(HomeAssistantError) as err:
            await call
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == "booking_not_made"
        assert str(err.value) == (
            "Robin did not book Thames Room (Simulated failure (500)). "
            "Nothing was booked; you can try again"
        )
        assert [e for e in simulator.events_in(thames.id) if e.start == MONDAY_MORNING] == []
    assert _posted(simulator) == [f"POST /v1.0/spaces/{thames.id}/events"]  # never twice


async def test_book_space_lost_answer_books_exactly_once(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Robin made the booking but its answer never arrived: it is found, not made again."""
    thames = simulator.find_space("Thames Room")
    simulator.reset_requests()
    simulator.faults.drop_next(path="/events")
    response = await call_action(
        hass,
        "book_space",
        {"duration": "00:45:00", "title": "Lost answer"},
        room_target(hass, simulator, "Thames Room"),
    )
    [made] = [event for event in simulator.events_in(thames.id) if event.title == "Lost answer"]
    assert response["booking"]["id"] == made.id
    assert response["booking"]["end"] == "2026-11-23T11:00:00+00:00"
    assert _posted(simulator) == [f"POST /v1.0/spaces/{thames.id}/events"]
    assert state_of(hass, simulator, "Thames Room", "calendar", "bookings").state == STATE_ON


async def test_book_space_lost_request_books_nothing_and_says_so(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin never answered and made nothing: the action fails, and does not book twice."""
    thames = simulator.find_space("Thames Room")
    before = simulator.events_in(thames.id)
    simulator.reset_requests()
    simulator.faults.hang_next(path=f"/spaces/{thames.id}/events", method="POST")
    call = hass.async_create_task(
        call_action(hass, "book_space", HALF_HOUR, room_target(hass, simulator, "Thames Room"))
    )
    await simulator.faults.wait_until_hanging()
    assert _posted(simulator)
    # Meanwhile someone else books part of that half hour: not to be taken for ours.
    walk_in = simulator.add_event(
        thames.id, "Walk-in", MONDAY_MORNING + timedelta(minutes=10), MONDAY_MORNING + HALF_AN_HOUR
    )
    freezer.tick(REQUEST_TIMEOUT)  # the client gives up waiting
    with pytest.raises(HomeAssistantError) as err:
        await call
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_not_made"
    assert "did not answer POST" in str(err.value)
    assert "Nothing was booked" in str(err.value)
    assert _posted(simulator) == [f"POST /v1.0/spaces/{thames.id}/events"]  # not asked again
    assert f"GET /v1.0/spaces/{thames.id}/events" in api_calls(simulator)  # looked for it
    assert simulator.events_in(thames.id) == sorted([*before, walk_in], key=lambda e: e.start)


async def test_booking_actions_refuse_with_a_read_only_token(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    await setup_with_options(hass, config_entry, READ_ONLY_TOKEN)
    fleet = room_target(hass, simulator, "Fleet Room")
    thames = room_target(hass, simulator, "Thames Room")
    attempts: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("book_space", HALF_HOUR, thames),
        ("cancel_booking", {}, fleet),
        ("extend_booking", {"minutes": 15}, fleet),
        ("end_booking", {}, fleet),
        ("check_in", {}, fleet),
    ]
    simulator.reset_requests()
    for action, data, target in attempts:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, action, data, target)
        assert err.value.translation_key == "read_only_token", action
    writes = [call for call in api_calls(simulator) if not call.startswith("GET ")]
    assert writes == []


# --- targets -----------------------------------------------------------------------------------


async def test_an_entity_and_the_device_of_the_same_room_are_one_room(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = {
        "entity_id": [
            room_entity_id(hass, simulator, "Thames Room", "sensor", "availability"),
            room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy"),
        ],
        **_room_device(hass, simulator, setup_integration, "Thames Room"),
    }
    response = await call_action(hass, "book_space", HALF_HOUR, target)
    assert response["booking"]["room"] == "Thames Room"


async def test_two_rooms_are_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = {
        "entity_id": [
            room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings"),
            room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings"),
        ]
    }
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", HALF_HOUR, target)
    assert err.value.translation_key == "one_room_required"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", HALF_HOUR, {})
    assert err.value.translation_key == "one_room_required"
    assert _posted(simulator) == []


async def test_targets_that_are_not_rooms_are_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    other = er.async_get(hass).async_get_or_create("light", "demo", "ceiling")
    london = device_with_identifier(
        hass, setup_integration.entry_id, f"location_{simulator.find_location('London HQ').id}"
    )
    assert london is not None
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    refused = [
        ({"entity_id": other.entity_id}, other.entity_id),
        ({"entity_id": "light.not_registered"}, "light.not_registered"),
        ({"device_id": london.id}, "London HQ"),
        ({"entity_id": occupied_rooms}, "London HQ"),
        ({"device_id": "no-such-device"}, "no-such-device"),
    ]
    for target, named in refused:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, "check_in", {}, target)
        assert err.value.translation_key == "not_a_room", target
        assert str(err.value) == f"{named} is not a Robin room"


async def test_actions_refuse_rooms_of_an_unloaded_entry(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = room_target(hass, simulator, "Thames Room")
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "book_space", HALF_HOUR, target)
    assert err.value.translation_key == "entry_not_loaded"
    assert str(err.value) == "Robin (Acme Robotics) is not loaded"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "find_free_space",
            {"config_entry_id": setup_integration.entry_id, "duration": "00:30:00"},
        )
    assert err.value.translation_key == "entry_not_loaded"
    assert api_calls(simulator) == []


# --- cancel_booking ----------------------------------------------------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cancel_the_current_booking(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    fleet = simulator.find_space("Fleet Room")
    review = meeting(simulator, "Fleet Room", "Design review")
    assert state_of(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_ON

    response = await call_action(
        hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room")
    )

    assert (response["booking"]["id"], response["cancelled"]) == (review.id, True)
    assert review.id not in {event.id for event in simulator.events_in(fleet.id)}
    # The Customer call at 11:00 is what is left.
    _assert_fleet_room_free_until_the_customer_call(hass, simulator)


async def test_cancel_a_booking_by_id(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    hudson = simulator.find_space("Hudson Room")
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    next_booking = state_of(hass, simulator, "Hudson Room", "sensor", "next_booking")
    assert next_booking.state == "2026-11-23T18:00:00+00:00"
    response = await call_action(
        hass,
        "cancel_booking",
        {"booking_id": workshop.id},
        _room_device(hass, simulator, setup_integration, "Hudson Room"),
    )
    assert response["cancelled"] is True
    assert response["booking"]["start"] == "2026-11-23T13:00:00-05:00"
    assert workshop.id not in {event.id for event in simulator.events_in(hudson.id)}
    # The next booking is now Wednesday's workshop.
    assert state_of(hass, simulator, "Hudson Room", "sensor", "next_booking").state == (
        "2026-11-25T18:00:00+00:00"
    )


async def test_no_current_booking(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    simulator.reset_requests()
    for action, data in CHANGES_TO_A_BOOKING:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, action, data, room_target(hass, simulator, "Thames Room"))
        assert err.value.translation_key == "no_current_booking", action
        assert str(err.value) == "Thames Room has no booking right now. Give a booking id"
    assert api_calls(simulator) == []


async def test_unknown_booking_and_booking_of_another_room(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    fleet_before = simulator.events_in(simulator.find_space("Fleet Room").id)
    for action, data in CHANGES_TO_A_BOOKING:
        for booking_id in ("99999999", review.id):
            with pytest.raises(ServiceValidationError) as err:
                await call_action(
                    hass,
                    action,
                    {**data, "booking_id": booking_id},
                    room_target(hass, simulator, "Thames Room"),
                )
            assert err.value.translation_key == "booking_not_found", (action, booking_id)
            assert str(err.value) == f"Booking {booking_id} was not found in Thames Room"
    # Nothing happened to the Fleet Room's meeting.
    assert simulator.events_in(simulator.find_space("Fleet Room").id) == fleet_before
    assert simulator.events.confirmations.get(review.id) is None


async def test_a_series_own_id_is_refused_not_applied_to_every_occurrence(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """The stand-up series' own id (not one occurrence's): Robin would change them all."""
    thames = simulator.find_space("Thames Room")
    thames_before = simulator.events_in(thames.id)
    for action, data in CHANGES_TO_A_BOOKING:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(
                hass,
                action,
                {**data, "booking_id": STANDUP_SERIES_ID},
                room_target(hass, simulator, "Thames Room"),
            )
        assert err.value.translation_key == "recurrence_not_supported", action
    assert simulator.events_in(thames.id) == thames_before
    assert simulator.events.confirmations.get(STANDUP_SERIES_ID) is None


@pytest.mark.parametrize("booking_id", ["", " "], ids=["empty", "blank"])
async def test_an_empty_booking_id_is_refused_not_taken_for_the_current_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    booking_id: str,
) -> None:
    # An automation's template that rendered nothing: the Fleet Room's current booking,
    # the design review, is not the booking it meant.
    fleet = simulator.find_space("Fleet Room")
    review = meeting(simulator, "Fleet Room", "Design review")
    fleet_before = simulator.events_in(fleet.id)
    simulator.reset_requests()
    for action, data in CHANGES_TO_A_BOOKING:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(
                hass,
                action,
                {**data, "booking_id": booking_id},
                room_target(hass, simulator, "Fleet Room"),
            )
        assert err.value.translation_key == "empty_booking_id", action
        assert str(err.value) == "The booking id is empty: no booking of Fleet Room was changed"
    assert api_calls(simulator) == []
    assert simulator.events_in(fleet.id) == fleet_before
    assert simulator.events.confirmations.get(review.id) is None


@pytest.mark.parametrize("booking_id", ["..", "."])
async def test_a_booking_id_that_cannot_be_a_path_segment_is_not_found_without_asking_robin(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    booking_id: str,
) -> None:
    # In a URL, `/events/..` is `/` and `/events/../confirmation` is `/confirmation`: sent,
    # the request would reach another path than the booking's.
    simulator.reset_requests()
    for action, data in CHANGES_TO_A_BOOKING:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(
                hass,
                action,
                {**data, "booking_id": booking_id},
                room_target(hass, simulator, "Thames Room"),
            )
        assert err.value.translation_key == "booking_not_found", action
        assert str(err.value) == f"Booking {booking_id} was not found in Thames Room"
    assert api_calls(simulator) == []


@pytest.mark.parametrize(
    ("fault", "key", "message"),
    [
        (
            {"status": 503},
            "robin_failed",
            "Robin failed to handle the request: Simulated failure (503)",
        ),
        (
            {"status": 401},
            "reauth_required",
            (
                "Robin no longer accepts the access token. Re-authentication has started: "
                "open Settings → Devices & services and enter a new token"
            ),
        ),
    ],
    ids=["5xx", "401"],
)
@pytest.mark.usefixtures("setup_integration")
async def test_looking_up_a_booking_when_robin_fails(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    fault: dict[str, int],
    key: str,
    message: str,
) -> None:
    simulator.faults.fail_next(fault["status"], path="/events/12345")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass,
            "cancel_booking",
            {"booking_id": "12345"},
            room_target(hass, simulator, "Thames Room"),
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == key
    assert str(err.value) == message


def _reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["handler"] == DOMAIN and flow["context"]["source"] == "reauth"
    ]


@pytest.mark.parametrize(
    ("action", "data", "request_"),
    [
        ("book_space", HALF_HOUR, ("POST", "/spaces/")),
        ("cancel_booking", {}, ("DELETE", "/events/")),
        ("extend_booking", {"minutes": 15}, ("PATCH", "/events/")),
        ("check_in", {}, ("PUT", "/confirmation")),
    ],
)
@pytest.mark.usefixtures("setup_integration")
async def test_robin_refusing_the_token_starts_reauthentication(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    action: str,
    data: dict[str, Any],
    request_: tuple[str, str],
) -> None:
    method, path = request_
    room = "Thames Room" if action == "book_space" else "Fleet Room"
    before = simulator.events_in(simulator.find_space(room).id)
    simulator.faults.fail_next(401, path=path, method=method)
    assert _reauth_flows(hass) == []
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, action, data, room_target(hass, simulator, room))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "reauth_required"
    assert "Re-authentication has started" in str(err.value)
    await hass.async_block_till_done()
    [entry] = hass.config_entries.async_entries(DOMAIN)
    assert [flow["context"]["entry_id"] for flow in _reauth_flows(hass)] == [entry.entry_id]
    assert simulator.events_in(simulator.find_space(room).id) == before


@pytest.mark.parametrize(
    ("retry_after", "message"),
    [
        (90, "Robin is limiting requests from Home Assistant; try again in 90 seconds"),
        (None, "Robin is limiting requests from Home Assistant; try again in a few minutes"),
    ],
)
async def test_robin_limiting_requests_says_when_to_try_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    retry_after: int | None,
    message: str,
) -> None:
    thames = simulator.find_space("Thames Room")
    if retry_after is None:
        simulator.faults.fail_next(429, path=f"/spaces/{thames.id}/events", method="POST")
    else:
        simulator.faults.rate_limit_next(retry_after)  # the booking's first request
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass, "book_space", HALF_HOUR, room_target(hass, simulator, "Thames Room")
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key in {"rate_limited_action", "rate_limited_action_for"}
    assert str(err.value) == message
    assert [e for e in simulator.events_in(thames.id) if e.start == MONDAY_MORNING] == []
    # Refused, so nothing was made and nothing is asked again: the 429 without Retry-After
    # answers the booking itself, the one with it the read before.
    assert len(_posted(simulator)) == (1 if retry_after is None else 0)


async def test_robin_down_for_maintenance_says_when_to_try_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    thames = simulator.find_space("Thames Room")
    simulator.faults.rate_limit_next(120, status=503)  # the booking's first request
    simulator.reset_requests()
    target = room_target(hass, simulator, "Thames Room")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "book_space", HALF_HOUR, target)
    assert not isinstance(err.value, ServiceValidationError)
    assert str(err.value) == "Robin is unavailable for a while; try again in 120 seconds"
    # Asked again at once, Robin is not even sent the request.
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "book_space", HALF_HOUR, target)
    # Told as Robin down, not as a limit on our requests.
    assert str(err.value) == "Robin is unavailable for a while; try again in 120 seconds"
    assert api_calls(simulator) == []
    assert [e for e in simulator.events_in(thames.id) if e.start == MONDAY_MORNING] == []


@pytest.mark.parametrize(
    ("action", "method"), [("book_space", "POST"), ("cancel_booking", "DELETE")]
)
async def test_a_change_met_by_robin_going_down_for_maintenance_says_so(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    action: str,
    method: str,
) -> None:
    """A 503 with Retry-After to the change itself: it may have been made, and cannot be
    looked up until the pause ends. Told so, with the seconds, not as an answer lost."""
    thames = simulator.find_space("Thames Room")
    stand_up = meeting(simulator, "Thames Room", "Stand-up")
    path = f"/spaces/{thames.id}/events" if method == "POST" else f"/events/{stand_up.id}"
    simulator.faults.rate_limit_next(8, status=503, path=path, method=method)
    simulator.reset_requests()
    data = HALF_HOUR if action == "book_space" else {"booking_id": stand_up.id}
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, action, data, room_target(hass, simulator, "Thames Room"))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "outcome_unknown_unavailable"
    assert str(err.value) == (
        "Robin went unavailable for a while as it was asked to make the change to Thames Room,"
        " so whether it was made cannot be checked yet. The room's calendar shows it once"
        " Robin answers again, in 8 seconds; check it before trying again"
    )
    # Nothing is sent inside the pause: the change went once, and no look-up followed it.
    assert [call for call in api_calls(simulator) if not call.startswith("GET")] == [
        f"{method} /v1.0{path}"
    ]
    assert api_calls(simulator)[-1] == f"{method} /v1.0{path}"


async def test_only_a_connection_failure_says_robin_could_not_be_reached(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin never answers the booking's first read: nothing was sent, nothing is made."""
    thames = simulator.find_space("Thames Room")
    simulator.faults.hang_next(path=f"/spaces/{thames.id}/events", method="GET")
    call = hass.async_create_task(
        call_action(hass, "book_space", HALF_HOUR, room_target(hass, simulator, "Thames Room"))
    )
    await simulator.faults.wait_until_hanging()
    assert f"GET /v1.0/spaces/{thames.id}/events" in api_calls(simulator)
    freezer.tick(REQUEST_TIMEOUT)
    with pytest.raises(HomeAssistantError) as err:
        await call
    assert err.value.translation_key == "communication_error"
    assert str(err.value).startswith("Robin could not be reached: ")
    assert _posted(simulator) == []


async def test_cancel_a_booking_robin_no_longer_has(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Cancelled elsewhere since the last poll: the cache still shows it, Robin says 404."""
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.events.cancel(review.id)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room"))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_gone"
    assert str(err.value) == "Robin no longer has this booking of Fleet Room"
    # The refresh after the attempt shows the room as Robin has it.
    assert state_of(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF


# --- extend_booking ----------------------------------------------------------------------------


async def test_extend_a_booking_by_id(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    response = await call_action(
        hass,
        "extend_booking",
        {"booking_id": workshop.id, "minutes": 30},
        room_target(hass, simulator, "Hudson Room"),
    )
    assert response["booking"]["id"] == workshop.id
    extended = meeting(simulator, "Hudson Room", "Client workshop")
    assert extended.end == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    assert extended.start == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


async def test_extend_the_current_booking(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = room_target(hass, simulator, "Thames Room")
    booked = await call_action(
        hass, "book_space", {"duration": "00:30:00", "title": "Sprint"}, target
    )
    response = await call_action(hass, "extend_booking", {"minutes": 45}, target)
    assert response["booking"]["id"] == booked["booking"]["id"]
    assert response["booking"]["end"] == "2026-11-23T11:30:00+00:00"
    thames = simulator.find_space("Thames Room")
    [sprint] = [event for event in simulator.events_in(thames.id) if event.title == "Sprint"]
    assert sprint.end == datetime(2026, 11, 23, 11, 30, tzinfo=UTC)


async def test_extend_into_the_next_meeting_is_refused_by_robin(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass, "extend_booking", {"minutes": 15}, room_target(hass, simulator, "Fleet Room")
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_refused"
    assert CONFLICT_MESSAGE in str(err.value)
    assert meeting(simulator, "Fleet Room", "Design review").end == review.end


async def test_extend_a_very_short_synced_meeting_still_too_short(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Calendars synced into Robin may hold 3-minute meetings; Robin books over 5 minutes."""
    thames = simulator.find_space("Thames Room")
    quick = simulator.add_event(
        thames.id, "Quick sync", MONDAY_MORNING, MONDAY_MORNING + timedelta(minutes=3)
    )
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "extend_booking",
            {"booking_id": quick.id, "minutes": 1},
            room_target(hass, simulator, "Thames Room"),
        )
    assert err.value.translation_key == "booking_too_short"
    assert [call for call in api_calls(simulator) if call.startswith("PATCH")] == []


async def test_extend_minutes_must_be_positive(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(vol.Invalid):
        await call_action(
            hass, "extend_booking", {"minutes": 0}, room_target(hass, simulator, "Fleet Room")
        )
    with pytest.raises(vol.Invalid):
        await call_action(hass, "extend_booking", {}, room_target(hass, simulator, "Fleet Room"))


# --- end_booking -------------------------------------------------------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("by_id", [False, True], ids=["current", "by_id"])
async def test_end_a_booking_now(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    by_id: bool,
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    data = {"booking_id": review.id} if by_id else {}
    response = await call_action(
        hass, "end_booking", data, room_target(hass, simulator, "Fleet Room")
    )
    assert response["cancelled"] is False
    assert response["booking"]["id"] == review.id
    assert meeting(simulator, "Fleet Room", "Design review").end == MONDAY_MORNING
    # Free now, until the Customer call at 11:00.
    _assert_fleet_room_free_until_the_customer_call(hass, simulator)


async def test_end_a_booking_that_just_began_cancels_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    target = room_target(hass, simulator, "Thames Room")
    booked = await call_action(
        hass, "book_space", {"duration": "01:00:00", "title": "Short"}, target
    )
    await advance(hass, freezer, timedelta(minutes=3))
    response = await call_action(hass, "end_booking", {}, target)
    assert response["cancelled"] is True
    assert response["booking"]["id"] == booked["booking"]["id"]
    assert [e for e in simulator.events_in(thames.id) if e.title == "Short"] == []
    assert state_of(hass, simulator, "Thames Room", "calendar", "bookings").state == STATE_OFF


async def test_end_a_booking_that_began_over_five_minutes_ago_keeps_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    target = room_target(hass, simulator, "Thames Room")
    await call_action(hass, "book_space", {"duration": "01:00:00", "title": "Long enough"}, target)
    await advance(hass, freezer, timedelta(minutes=6))
    response = await call_action(hass, "end_booking", {}, target)
    assert response["cancelled"] is False
    assert response["booking"]["end"] == "2026-11-23T10:21:00+00:00"
    [kept] = [e for e in simulator.events_in(thames.id) if e.title == "Long enough"]
    assert kept.end == MONDAY_MORNING + timedelta(minutes=6)


async def test_end_a_booking_not_yet_started(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    call = meeting(simulator, "Fleet Room", "Customer call")
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass, "end_booking", {"booking_id": call.id}, room_target(hass, simulator, "Fleet Room")
        )
    assert err.value.translation_key == "booking_not_started"
    assert str(err.value) == "This booking of Fleet Room has not started yet; cancel it instead"
    assert meeting(simulator, "Fleet Room", "Customer call").end == call.end


async def test_end_a_booking_that_is_already_over(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    standup = meeting(simulator, "Thames Room", "Stand-up")  # today 09:30-09:45, now 10:15
    assert standup.end < MONDAY_MORNING
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "end_booking",
            {"booking_id": standup.id},
            room_target(hass, simulator, "Thames Room"),
        )
    assert err.value.translation_key == "booking_already_over"
    assert str(err.value) == "This booking of Thames Room is already over"
    # Robin's booking is untouched: not stretched to end now.
    assert meeting(simulator, "Thames Room", "Stand-up").end == standup.end
    assert [call for call in api_calls(simulator) if call.startswith("PATCH")] == []


# --- all-day bookings --------------------------------------------------------------------------


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_all_day_bookings_cannot_be_extended_or_ended(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    offsite = meeting(simulator, "Hudson Room", "Offsite planning")
    target = room_target(hass, simulator, "Hudson Room")
    for action, data in [("extend_booking", {"minutes": 30}), ("end_booking", {})]:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, action, {**data, "booking_id": offsite.id}, target)
        assert err.value.translation_key == "all_day_not_supported", action

    # An all-day booking under way today: the room's current booking.
    brooklyn = simulator.find_space("Brooklyn Room")
    simulator.add_event(
        brooklyn.id,
        "Move-in day",
        datetime(2026, 11, 23, 5, 0, tzinfo=UTC),  # midnight in New York
        datetime(2026, 11, 24, 5, 0, tzinfo=UTC),
        all_day=True,
    )
    await advance(hass, freezer, timedelta(minutes=15))
    target = room_target(hass, simulator, "Brooklyn Room")
    assert state_of(hass, simulator, "Brooklyn Room", "calendar", "bookings").state == STATE_ON
    for action, data in [("extend_booking", {"minutes": 30}), ("end_booking", {})]:
        with pytest.raises(ServiceValidationError) as err:
            await call_action(hass, action, data, target)
        assert err.value.translation_key == "all_day_not_supported", action
    # An all-day booking can still be checked in to.
    response = await call_action(hass, "check_in", {}, target)
    assert response["booking"]["title"] == "Move-in day"
    assert response["booking"]["start"] == "2026-11-23T00:00:00-05:00"


# --- check_in ----------------------------------------------------------------------------------


async def test_check_in_to_the_current_booking_then_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    target = room_target(hass, simulator, "Fleet Room")
    response = await call_action(hass, "check_in", {}, target)
    assert response["booking"]["id"] == review.id
    assert simulator.events.confirmations[review.id].confirmed_at == MONDAY_MORNING

    await advance(hass, freezer, COOLDOWN)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {"booking_id": review.id}, target)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_refused"
    assert str(err.value) == f"Robin refused the request for Fleet Room: {ALREADY_CONFIRMED}"


async def test_check_in_to_a_booking_by_id_fetched_from_robin(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """A booking outside the cached window is read from Robin by its id."""
    hudson = simulator.find_space("Hudson Room")
    later = simulator.add_event(
        hudson.id,
        "Far ahead",
        datetime(2027, 1, 4, 15, 0, tzinfo=UTC),
        datetime(2027, 1, 4, 16, 0, tzinfo=UTC),
    )
    simulator.reset_requests()
    response = await call_action(
        hass, "check_in", {"booking_id": later.id}, room_target(hass, simulator, "Hudson Room")
    )
    assert f"GET /v1.0/events/{later.id}" in api_calls(simulator)
    assert response["booking"]["title"] == "Far ahead"
    assert response["booking"]["start"] == "2027-01-04T10:00:00-05:00"
    assert later.id in simulator.events.confirmations
    # In the room's hours too, as the booking's times: Monday 10:15 in London.
    assert response["confirmed_at"] == "2026-11-23T05:15:00-05:00"


# --- find_free_space ---------------------------------------------------------------------------


def _names(response: dict[str, Any]) -> list[str]:
    return [space["name"] for space in response["spaces"]]


async def test_find_free_space_now(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    response = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": setup_integration.entry_id, "duration": "00:30:00"},
    )
    # Each room's fields and free_until: test_snapshots.py.
    spaces = {space["name"]: space for space in response["spaces"]}
    # Busy (Fleet Room), disabled (Old Library) and unbookable rooms are left out.
    assert "Fleet Room" not in spaces
    assert "Old Library" not in spaces
    assert "Quiet Lounge" not in spaces
    # Best fit first: the smallest room that fits.
    capacities = [space["capacity"] for space in response["spaces"]]
    assert capacities == sorted(capacities)


async def test_find_free_space_later_includes_the_fleet_room(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    response = await call_action(
        hass,
        "find_free_space",
        {
            "config_entry_id": setup_integration.entry_id,
            "start": "2026-11-23T12:00:00+00:00",
            "end": "2026-11-23T13:00:00+00:00",
            "location": "London HQ",
        },
    )
    spaces = {space["name"]: space for space in response["spaces"]}
    # Free after the Customer call, until tomorrow's Design review.
    assert spaces["Fleet Room"]["free_until"] == "2026-11-24T10:00:00+00:00"
    assert set(spaces) == {"Phone Booth 1", "Fleet Room", "Thames Room", "Boardroom"}


async def test_find_free_space_filters(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry_id = setup_integration.entry_id
    big = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "min_capacity": 8},
    )
    assert _names(big) == ["Hudson Room", "Thames Room", "Boardroom"]
    conference = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "types": ["call", "study_room"]},
    )
    assert _names(conference) == ["Phone Booth 1", "Focus Room"]
    # Robin compares types case-sensitively: typed as a person would, they still match.
    typed_loosely = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "types": [" Call", "STUDY_ROOM"]},
    )
    assert _names(typed_loosely) == ["Phone Booth 1", "Focus Room"]


async def test_find_free_space_by_location_device_or_name(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry_id = setup_integration.entry_id
    new_york = device_with_identifier(
        hass, entry_id, f"location_{simulator.find_location('New York Studio').id}"
    )
    assert new_york is not None
    by_device = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "location": new_york.id},
    )
    assert _names(by_device) == ["Focus Room", "Brooklyn Room", "Hudson Room"]
    assert {space["location"] for space in by_device["spaces"]} == {"New York Studio"}
    # In New York's hours, as the rooms' calendars show them.
    new_york_times = [by_device["start"], by_device["end"]] + [
        space["free_until"] for space in by_device["spaces"] if space["free_until"]
    ]
    assert new_york_times[2:], by_device
    assert all(time.endswith("-05:00") for time in new_york_times), new_york_times
    by_name = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "location": " london hq "},
    )
    assert _names(by_name) == ["Phone Booth 1", "Thames Room", "Boardroom"]


async def test_find_free_space_errors(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry_id = setup_integration.entry_id
    thames_device = _room_device(hass, simulator, setup_integration, "Thames Room")["device_id"]
    for location in ("Paris Office", thames_device):
        with pytest.raises(ServiceValidationError) as err:
            await call_action(
                hass,
                "find_free_space",
                {"config_entry_id": entry_id, "duration": "00:30:00", "location": location},
            )
        assert err.value.translation_key == "location_not_found"
        assert str(err.value) == (
            f"{location} is not one of this organization's selected locations"
        )

    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass, "find_free_space", {"config_entry_id": "nope", "duration": "00:30:00"}
        )
    assert err.value.translation_key == "entry_not_found"
    other = MockConfigEntry(domain="demo", title="Demo")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass, "find_free_space", {"config_entry_id": other.entry_id, "duration": "00:30:00"}
        )
    assert err.value.translation_key == "entry_not_found"

    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, "find_free_space", {"config_entry_id": entry_id})
    assert err.value.translation_key == "end_or_duration"
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "find_free_space",
            {
                "config_entry_id": entry_id,
                "start": "2026-11-23T12:00:00+00:00",
                "end": "2026-11-23T11:00:00+00:00",
            },
        )
    assert err.value.translation_key == "end_before_start"
    searches = sum(1 for record in simulator.requests if record.path.endswith("/free-busy/spaces"))
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            "find_free_space",
            {
                "config_entry_id": entry_id,
                "start": "2026-11-23T09:00:00+00:00",  # 10:15 now: meant for tomorrow
                "duration": "01:00:00",
            },
        )
    assert err.value.translation_key == "start_in_past"
    assert str(err.value) == "The start is in the past"
    assert sum(1 for record in simulator.requests if record.path.endswith("/free-busy/spaces")) == (
        searches
    )
    with pytest.raises(vol.Invalid):
        await call_action(hass, "find_free_space", HALF_HOUR)

    simulator.faults.fail_next(500, path="/free-busy")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass, "find_free_space", {"config_entry_id": entry_id, "duration": "00:30:00"}
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "robin_failed"  # reached, and failed
    assert "Simulated failure (500)" in str(err.value)

    simulator.faults.rate_limit_next(retry_after=90)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass, "find_free_space", {"config_entry_id": entry_id, "duration": "00:30:00"}
        )
    assert err.value.translation_key == "rate_limited_action_for"
    assert str(err.value).endswith("try again in 90 seconds")


async def test_find_free_space_only_returns_a_response(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "find_free_space",
            {"config_entry_id": setup_integration.entry_id, "duration": "00:30:00"},
            blocking=True,
        )


async def test_find_free_space_with_rooms_reduced_to_id_and_name(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    # robin-api.md §4.10: free/busy may list a room as {id, location_id, name} only; its type
    # and capacity are then the ones discovery read.
    request = {"config_entry_id": setup_integration.entry_id, "duration": "00:30:00"}
    full = await call_action(hass, "find_free_space", request)
    simulator.faults.reduced_free_busy_spaces = True
    reduced = await call_action(hass, "find_free_space", request)
    assert reduced["spaces"], reduced
    assert any(space["capacity"] for space in reduced["spaces"]), reduced
    assert reduced == full


@pytest.mark.parametrize("how", ["deleted", "cancelled"])
@pytest.mark.parametrize(
    ("action", "data"),
    [("extend_booking", {"minutes": 15}), ("end_booking", {})],
)
async def test_changing_a_booking_deleted_in_robin_says_so_and_it_leaves_the_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    action: str,
    data: dict[str, Any],
    how: str,
) -> None:
    """The design review under way is deleted in Robin's app; the room still shows it."""
    review = meeting(simulator, "Fleet Room", "Design review")
    calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert hass.states.get(calendar).attributes["message"] == "Design review"
    delete_in_robin(simulator, review.id, how)
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass,
            action,
            {"booking_id": review.id, **data},
            room_target(hass, simulator, "Fleet Room"),
        )
    assert not isinstance(err.value, ServiceValidationError)  # Robin's doing, not a typo
    assert str(err.value) == "Robin no longer has this booking of Fleet Room"
    assert hass.states.get(calendar).state == "off"
    assert [call for call in api_calls(simulator) if not call.startswith("GET ")] == []
