"""A change whose answer is lost, to a booking deleted in Robin before its outcome is known.

Robin makes (or fails to make) the change, its answer is lost, and the booking is deleted in
Robin's app before the read back that finds out what became of the change: Robin answers that
read 404, or (a Robin that keeps cancelled occurrences readable) shows the booking marked
cancelled. The booking is gone, not a change Robin did not make ("Nothing changed: try
again") nor one it made: the user is told so, the booking leaves the room at once, without a
read of the calendar window, and the office gives its release up without a warning or a
retry. A cancellation read back gone is the cancellation made, as it always was.

aiohttp never sends a PATCH again after a dropped connection (only GET, PUT, DELETE and the
like), so a lost change of times or text is always read back, and sent once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from robin_simulator import RobinSimulator

from .common import (
    api_calls,
    call_action,
    delete_in_robin,
    meeting,
    robin_warnings,
    room_entity_id,
    room_state,
    room_target,
    writes,
    ws_command,
)
from .conftest import MONDAY_MORNING
from .office import CUSTOMER_CALL_START, POLL, about_to_release, office_wakes, run_until
from .office import state as office_state

GONE = "Robin no longer has this booking of {room}"
# The Hudson Room's Client workshop (13:00-14:00 in New York) moved to the evening.
MOVED_START = "2026-11-23T20:00:00+00:00"
MOVED_END = "2026-11-23T21:00:00+00:00"


def _lose_answer(simulator: RobinSimulator, lost: str, method: str, path: str) -> None:
    """Have Robin lose its answer to the next `method` of `path`.

    `drop`: the change is made and the connection closed unanswered; `5xx`: the change is
    made and Robin answers 503; `500_before`: Robin fails before making it.
    """
    if lost == "drop":
        simulator.faults.drop_next(path=path, method=method)
    elif lost == "5xx":
        simulator.faults.fail_next(503, path=path, method=method, after_commit=True)
    else:
        simulator.faults.fail_next(500, path=path, method=method)


def _bookings_read(simulator: RobinSimulator) -> list[str]:
    """Return the reads of bookings Robin served (a poll's, the window's, a room's)."""
    return [
        call
        for call in api_calls(simulator)
        if call.startswith("GET ") and call.endswith("/events")
    ]


def _one_booking_reads(simulator: RobinSimulator, event_id: str) -> int:
    """Return how often the booking itself was read (its times, or its check-in)."""
    return api_calls(simulator).count(f"GET /v1.0/events/{event_id}")


async def _titles_today(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Return the titles `calendar.get_events` lists for the tests' Monday."""
    day = MONDAY_MORNING.replace(hour=0, minute=0)
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": day.isoformat(),
            "end_date_time": (day + timedelta(days=1)).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return [event["summary"] for event in events]


# --- robin.end_booking, robin.extend_booking, and moving a booking in the calendar -------------

CHANGES = {
    # change: (room, booking, whether the action reads the booking from Robin first)
    "end_booking": ("Fleet Room", "Design review", True),
    "extend_booking": ("Hudson Room", "Client workshop", True),
    "calendar_move": ("Hudson Room", "Client workshop", False),
}


async def _change(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    hass_ws_client: Any,
    change: str,
    *,
    room: str,
    booking_id: str,
) -> None:
    """Make the change as a user would: raise what the action raised, or the dialog's error."""
    target = room_target(hass, simulator, room)
    if change == "end_booking":
        await call_action(hass, "end_booking", {}, target)
    elif change == "extend_booking":
        await call_action(hass, "extend_booking", {"booking_id": booking_id, "minutes": 15}, target)
    else:
        answer = await ws_command(
            hass,
            hass_ws_client,
            {
                "type": "calendar/event/update",
                "entity_id": target["entity_id"],
                "uid": booking_id,
                "event": {
                    "summary": "Client workshop",
                    "dtstart": MOVED_START,
                    "dtend": MOVED_END,
                },
            },
        )
        if not answer["success"]:
            raise HomeAssistantError(answer["error"]["message"])


@pytest.mark.parametrize("gone", ["deleted", "cancelled"])
@pytest.mark.parametrize("lost", ["drop", "5xx"])
@pytest.mark.parametrize("change", list(CHANGES))
async def test_a_lost_change_of_a_booking_deleted_meanwhile_says_it_is_gone(  # noqa: PLR0917 - fixtures
    change: str,
    lost: str,
    gone: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user ends the current design review (extends the client workshop, or moves it in
    the calendar). Robin makes the change, and its answer is lost: the connection closes
    unanswered, or Robin answers 503. Before the change is read back, the booking is deleted
    in Robin's app, and Robin answers the read back 404, or shows it marked cancelled, with
    the times the change gave it.

    The user is told Robin no longer has the booking, not that nothing changed and to try
    again, nor that the change was made; the booking leaves the room's calendar at once, and
    the calendar window is not read again for it.
    """
    room, title, read_first = CHANGES[change]
    booking = meeting(simulator, room, title)
    calendar_id = room_entity_id(hass, simulator, room, "calendar", "bookings")
    assert title in await _titles_today(hass, calendar_id)
    if room == "Hudson Room":
        next_booking = room_state(hass, simulator, room, "sensor", "next_booking")
        assert next_booking.state == booking.start.isoformat()
    path = f"/events/{booking.id}"
    if read_first:
        simulator.faults.serve_next(path=path, method="GET")  # the booking as Robin holds it
    _lose_answer(simulator, lost, "PATCH", path)
    simulator.faults.hold_next(path=path, method="GET")  # the read back
    simulator.reset_requests()

    action = hass.async_create_task(
        _change(hass, simulator, hass_ws_client, change, room=room, booking_id=booking.id)
    )
    await simulator.faults.wait_until_held()
    delete_in_robin(simulator, booking.id, gone)
    simulator.faults.let_go()
    with pytest.raises(HomeAssistantError) as err:
        await action
    await hass.async_block_till_done(wait_background_tasks=True)

    assert str(err.value) == GONE.format(room=room)
    if change != "calendar_move":  # the dialog shows the message only
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == "booking_gone"
    assert writes(simulator) == [f"PATCH /v1.0{path}"]  # sent once, never again
    assert _one_booking_reads(simulator, booking.id) == (2 if read_first else 1)
    # Gone from the room at once: no poll, no read of the window.
    assert _bookings_read(simulator) == []
    assert title not in await _titles_today(hass, calendar_id)
    if room == "Fleet Room":  # under way until then
        calendar = room_state(hass, simulator, room, "calendar", "bookings")
        assert calendar.state == STATE_OFF
        assert calendar.attributes.get("message") == "Customer call"  # the next one, at 11:00
        assert room_state(hass, simulator, room, "sensor", "availability").state != "in_use"
    else:  # its next booking until then
        next_booking = room_state(hass, simulator, room, "sensor", "next_booking")
        assert next_booking.state not in {booking.start.isoformat(), MOVED_START}
    assert robin_warnings(caplog) == []


async def test_a_lost_cancel_of_a_booking_deleted_meanwhile_is_the_cancel_made(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user cancels the current design review; Robin fails (500), and the review is
    deleted in Robin's app before the cancellation is read back, which Robin answers 404.

    What the user asked for is done: the action answers it cancelled, and the review leaves
    the room at once.
    """
    review = meeting(simulator, "Fleet Room", "Design review")
    path = f"/events/{review.id}"
    _lose_answer(simulator, "500_before", "DELETE", path)
    simulator.faults.hold_next(path=path, method="GET")  # the read back
    simulator.reset_requests()

    action = hass.async_create_task(
        call_action(hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room"))
    )
    await simulator.faults.wait_until_held()
    assert simulator.events.cancel(review.id)
    simulator.faults.let_go()
    response = await action

    assert response["cancelled"] is True
    assert response["booking"]["id"] == review.id
    assert writes(simulator) == [f"DELETE /v1.0{path}"]
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes.get("message") == "Customer call"  # the next one, at 11:00
    assert robin_warnings(caplog) == []


# --- the office's release of a no-show ---------------------------------------------------------


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize(
    ("grace_minutes", "request_sent", "lost", "told", "gone"),
    [
        (10, "PATCH", "drop", False, "deleted"),
        (10, "PATCH", "5xx", False, "deleted"),
        (4, "DELETE", "500_before", True, "deleted"),
        (10, "PATCH", "drop", False, "cancelled"),
    ],
    ids=["ended-drop", "ended-5xx", "cancelled", "ended-drop-marked-cancelled"],
)
async def test_the_offices_lost_release_of_a_booking_deleted_meanwhile_leaves_no_retry(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    grace_minutes: int,
    request_sent: str,
    lost: str,
    told: bool,
    gone: str,
) -> None:
    """Nobody came to the 11:00 customer call: the office releases it as its grace period
    ends, ending it (or, 5 minutes or less after its start, cancelling it). Robin's answer is
    lost, and the call is deleted in Robin's app before the release is read back, which
    Robin answers 404 (or shows the call marked cancelled, ended as the release asked).

    The call leaves the room's calendar, availability and No-show at once (polled every 3
    minutes, at 11:03, 11:06 and so on: no poll reads it gone first). An end is neither
    warned of nor tried again: nothing is left to release. A cancellation read back gone is
    ours, told as released, as always.
    """
    call, released = await about_to_release(
        hass, simulator, config_entry, freezer, grace_minutes=grace_minutes, scan_interval=180
    )
    grace_ends = CUSTOMER_CALL_START + timedelta(minutes=grace_minutes)
    path = f"/events/{call.id}"
    _lose_answer(simulator, lost, request_sent, path)
    simulator.faults.hold_next(path=path, method="GET")  # the read back
    caplog.clear()
    caplog.set_level(logging.INFO, logger="custom_components.robin")

    freezer.tick(timedelta(seconds=1))  # the grace period ends
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    assert office_state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    delete_in_robin(simulator, call.id, gone)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert datetime.now(UTC) == grace_ends
    release = [f"GET /v1.0{path}"] * 2 + [f"{request_sent} /v1.0{path}", f"GET /v1.0{path}"]
    if told:
        # Made after a lost answer, the cancellation asks for the window's reread, as always.
        assert [call for call in api_calls(simulator) if call.endswith(path)] == release
    else:
        # Gone from the room with the read back's answer: no poll, no read of the window.
        assert api_calls(simulator) == release
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes.get("message") != "Customer call"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "available"
    assert office_state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert [event.data["cancelled"] for event in released] == ([True] if told else [])
    if not told:
        assert f"Did not release booking {call.id} in Fleet Room: Robin no longer has it" in (
            caplog.text
        )
    assert robin_warnings(caplog) == []
    assert office_wakes(hass) == []

    # Nothing more is asked of Robin for it.
    simulator.reset_requests()
    await run_until(hass, freezer, grace_ends + 10 * POLL)
    assert writes(simulator) == []
    assert _one_booking_reads(simulator, call.id) == 0
    assert len(released) == (1 if told else 0)
    assert robin_warnings(caplog) == []
