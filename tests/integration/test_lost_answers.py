"""Writes whose answer is lost: the user is told the truth and nothing is applied twice.

Each write is tried with Robin committing the change and then: dropping the connection
(`drop`), answering 5xx (`5xx`), or answering only after the client gave up (`timeout`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator
from robin_simulator.model import Event

from .common import (
    api_calls,
    call_action,
    meeting,
    room_entity_id,
    room_target,
    titled,
    writes,
    ws_command,
)
from .conftest import MONDAY_MORNING

# Past the client's 30 s timeout: the frozen clock drives asyncio's timeouts too.
REQUEST_TIMEOUT = timedelta(seconds=31)
FAULTS = ["drop", "5xx", "timeout"]
UNKNOWN_HINT = "Check the room's calendar"


class LoseAnswer:
    """Runs a write while Robin commits one request (method, path) and its answer is lost."""

    def __init__(
        self, simulator: RobinSimulator, freezer: FrozenDateTimeFactory, fault: str
    ) -> None:
        self.simulator = simulator
        self.freezer = freezer
        self.fault = fault

    async def __call__[T](
        self,
        request: tuple[str, str],
        write: Callable[[], Awaitable[T]],
        committed: Callable[[], bool],
    ) -> T:
        method, path = request
        faults = self.simulator.faults
        if self.fault == "drop":
            faults.drop_next(path=path, method=method)
        elif self.fault == "5xx":
            faults.fail_next(503, path=path, method=method, after_commit=True)
        else:
            faults.hang_next(path=path, method=method, after_commit=True)
            task = asyncio.get_running_loop().create_task(write())
            await faults.wait_until_hanging()
            assert committed()
            self.freezer.tick(REQUEST_TIMEOUT)  # Robin made the change; the client stops waiting
            return await task
        result = await write()
        assert committed()
        return result


@pytest.fixture(params=FAULTS)
def lose_answer(
    request: pytest.FixtureRequest,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    setup_integration: MockConfigEntry,
) -> LoseAnswer:
    """Each write is tried with every way of losing its answer, in a set-up integration."""
    return LoseAnswer(simulator, freezer, request.param)


# --- every write, with its answer lost after Robin committed -----------------------------------


@pytest.mark.parametrize("look_up_answer", ["listed", "empty_once"])
async def test_book_space(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer, look_up_answer: str
) -> None:
    """Found by the look-up; also when its first read is empty (Robin's `{}` for a list):
    one empty answer is not taken for "nothing was booked"."""
    thames = simulator.find_space("Thames Room")
    if look_up_answer == "empty_once":
        # The slot's read before the booking is `{}` anyway (empty): the look-up meets it.
        simulator.faults.empty_list_next(path=f"/spaces/{thames.id}/events")
    simulator.reset_requests()
    response = await lose_answer(
        ("POST", f"/spaces/{thames.id}/events"),
        write=lambda: call_action(
            hass,
            "book_space",
            {"duration": "00:30:00", "title": "Lost answer"},
            room_target(hass, simulator, "Thames Room"),
        ),
        committed=lambda: bool(titled(simulator, "Thames Room", "Lost answer")),
    )
    [made] = titled(simulator, "Thames Room", "Lost answer")
    assert response["booking"]["id"] == made.id
    assert response["booking"]["start"] == "2026-11-23T10:15:00+00:00"
    assert writes(simulator) == [f"POST /v1.0/spaces/{thames.id}/events"]
    assert simulator.faults.empty_lists_queued == 0


async def test_book_space_with_an_empty_title(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    """Robin makes up a title for an empty one: the booking is still found as ours."""
    thames = simulator.find_space("Thames Room")
    before = {event.id for event in simulator.events_in(thames.id)}

    def made() -> list[Event]:
        return [event for event in simulator.events_in(thames.id) if event.id not in before]

    simulator.reset_requests()
    response = await lose_answer(
        ("POST", f"/spaces/{thames.id}/events"),
        write=lambda: call_action(
            hass,
            "book_space",
            {"duration": "00:30:00", "title": ""},
            room_target(hass, simulator, "Thames Room"),
        ),
        committed=lambda: bool(made()),
    )
    [booking] = made()
    assert booking.title  # Robin's own
    assert response["booking"]["id"] == booking.id
    assert writes(simulator) == [f"POST /v1.0/spaces/{thames.id}/events"]


async def test_calendar_create(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    hudson = simulator.find_space("Hudson Room")
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    await lose_answer(
        ("POST", f"/spaces/{hudson.id}/events"),
        write=lambda: hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": entity_id,
                "summary": "Board visit",
                "start_date_time": "2026-11-30T09:00:00-05:00",
                "end_date_time": "2026-11-30T10:30:00-05:00",
            },
            blocking=True,
        ),
        committed=lambda: bool(titled(simulator, "Hudson Room", "Board visit")),
    )
    [made] = titled(simulator, "Hudson Room", "Board visit")
    assert made.start == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


async def test_calendar_update(
    hass: HomeAssistant, simulator: RobinSimulator, hass_ws_client: Any, lose_answer: LoseAnswer
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    moved = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    answer = await lose_answer(
        ("PATCH", f"/events/{workshop.id}"),
        write=lambda: ws_command(
            hass,
            hass_ws_client,
            {
                "type": "calendar/event/update",
                "entity_id": entity_id,
                "uid": workshop.id,
                "event": {
                    "summary": "Client workshop (moved)",
                    "dtstart": "2026-11-23T20:00:00+00:00",
                    "dtend": "2026-11-23T21:00:00+00:00",
                },
            },
        ),
        committed=lambda: bool(titled(simulator, "Hudson Room", "Client workshop (moved)")),
    )
    assert answer["success"], answer
    [changed] = titled(simulator, "Hudson Room", "Client workshop (moved)")
    assert (changed.id, changed.start, changed.end) == (
        workshop.id,
        moved,
        moved + timedelta(hours=1),
    )


async def test_calendar_delete(
    hass: HomeAssistant, simulator: RobinSimulator, hass_ws_client: Any, lose_answer: LoseAnswer
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    others = [e for e in simulator.events_in(workshop.space_id) if e.id != workshop.id]
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    answer = await lose_answer(
        ("DELETE", f"/events/{workshop.id}"),
        write=lambda: ws_command(
            hass,
            hass_ws_client,
            {"type": "calendar/event/delete", "entity_id": entity_id, "uid": workshop.id},
        ),
        committed=lambda: simulator.events.get(workshop.id) is None,
    )
    assert answer["success"], answer
    assert simulator.events_in(workshop.space_id) == others


async def test_cancel_booking(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    others = [e for e in simulator.events_in(review.space_id) if e.id != review.id]
    response = await lose_answer(
        ("DELETE", f"/events/{review.id}"),
        write=lambda: call_action(
            hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room")
        ),
        committed=lambda: simulator.events.get(review.id) is None,
    )
    assert response["cancelled"] is True
    assert response["booking"]["id"] == review.id
    assert simulator.events_in(review.space_id) == others


async def test_extend_booking(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    simulator.reset_requests()
    response = await lose_answer(
        ("PATCH", f"/events/{workshop.id}"),
        write=lambda: call_action(
            hass,
            "extend_booking",
            {"booking_id": workshop.id, "minutes": 15},
            room_target(hass, simulator, "Hudson Room"),
        ),
        committed=lambda: meeting(simulator, "Hudson Room", "Client workshop").end != workshop.end,
    )
    assert response["booking"]["end"] == "2026-11-23T14:15:00-05:00"
    # Extended once, by the 15 minutes asked.
    assert meeting(simulator, "Hudson Room", "Client workshop").end == workshop.end + timedelta(
        minutes=15
    )
    assert writes(simulator) == [f"PATCH /v1.0/events/{workshop.id}"]


async def test_end_booking(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    response = await lose_answer(
        ("PATCH", f"/events/{review.id}"),
        write=lambda: call_action(
            hass, "end_booking", {}, room_target(hass, simulator, "Fleet Room")
        ),
        committed=lambda: meeting(simulator, "Fleet Room", "Design review").end == MONDAY_MORNING,
    )
    assert response["cancelled"] is False
    assert response["booking"]["end"] == "2026-11-23T10:15:00+00:00"


async def test_check_in(
    hass: HomeAssistant, simulator: RobinSimulator, lose_answer: LoseAnswer
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    response = await lose_answer(
        ("PUT", f"/events/{review.id}/confirmation"),
        write=lambda: call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room")),
        committed=lambda: review.id in simulator.events.confirmations,
    )
    assert response["booking"]["id"] == review.id
    assert response["confirmed_at"] == "2026-11-23T10:15:00+00:00"


# --- nothing made, a stranger's booking, and an outcome nobody can tell --------------------------


@pytest.mark.parametrize("when", ["before", "during"])
async def test_a_strangers_identical_booking_is_never_taken_for_ours(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    when: str,
) -> None:
    """Our request never reached Robin; someone else holds exactly those times."""
    thames = simulator.find_space("Thames Room")
    stranger = simulator.organization.users[1].email

    def their_booking() -> Event:
        return simulator.add_event(
            thames.id,
            "Their meeting",
            MONDAY_MORNING,
            MONDAY_MORNING + timedelta(minutes=30),
            organizer_email=stranger,
        )

    theirs = their_booking() if when == "before" else None
    simulator.faults.hang_next(path=f"/spaces/{thames.id}/events", method="POST")
    call = asyncio.get_running_loop().create_task(
        call_action(
            hass,
            "book_space",
            {"duration": "00:30:00"},
            room_target(hass, simulator, "Thames Room"),
        )
    )
    await simulator.faults.wait_until_hanging()
    assert f"POST /v1.0/spaces/{thames.id}/events" in api_calls(simulator)
    if theirs is None:
        theirs = their_booking()  # booked while our request was lost on the way
    freezer.tick(REQUEST_TIMEOUT)
    with pytest.raises(HomeAssistantError) as err:
        await call
    assert err.value.translation_key == "booking_not_made"
    assert [e.id for e in simulator.events_in(thames.id) if e.start == MONDAY_MORNING] == [
        theirs.id
    ]
    assert simulator.events.get(theirs.id) == theirs  # theirs untouched


async def test_booking_whose_outcome_cannot_be_told(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    simulator.faults.hang_next(path=f"/spaces/{thames.id}/events", method="POST", after_commit=True)
    call = asyncio.get_running_loop().create_task(
        call_action(
            hass,
            "book_space",
            {"duration": "00:30:00", "title": "Unknown"},
            room_target(hass, simulator, "Thames Room"),
        )
    )
    await simulator.faults.wait_until_hanging()
    assert bool(titled(simulator, "Thames Room", "Unknown"))
    # The look-up after the timeout fails too.
    simulator.faults.fail_next(503, path=f"/spaces/{thames.id}/events", method="GET")
    freezer.tick(REQUEST_TIMEOUT)
    with pytest.raises(HomeAssistantError) as err:
        await call
    assert err.value.translation_key == "outcome_unknown"
    assert UNKNOWN_HINT in str(err.value)
    assert "Thames Room" in str(err.value)
    assert len(titled(simulator, "Thames Room", "Unknown")) == 1  # made once, not again


async def test_change_whose_outcome_cannot_be_told(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    simulator.faults.fail_next(
        500, path=f"/events/{workshop.id}", method="PATCH", after_commit=True
    )
    # The extension reads the booking as Robin holds it, then the read-back fails.
    simulator.faults.serve_next(path=f"/events/{workshop.id}", method="GET")
    simulator.faults.fail_next(503, path=f"/events/{workshop.id}", method="GET")
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass,
            "extend_booking",
            {"booking_id": workshop.id, "minutes": 15},
            room_target(hass, simulator, "Hudson Room"),
        )
    assert err.value.translation_key == "outcome_unknown"
    assert UNKNOWN_HINT in str(err.value)
    assert meeting(simulator, "Hudson Room", "Client workshop").end == workshop.end + timedelta(
        minutes=15
    )


@pytest.mark.parametrize(
    ("action", "data", "request_"),
    [
        ("cancel_booking", {}, ("DELETE", "/events/{id}")),
        ("extend_booking", {"minutes": 15}, ("PATCH", "/events/{id}")),
        ("check_in", {}, ("PUT", "/events/{id}/confirmation")),
    ],
)
@pytest.mark.usefixtures("setup_integration")
async def test_a_change_robin_failed_to_make_says_nothing_changed(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    action: str,
    data: dict[str, Any],
    request_: tuple[str, str],
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    method, path = request_
    simulator.faults.fail_next(500, path=path.format(id=review.id), method=method)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, action, data, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "change_not_made"
    assert "Nothing changed" in str(err.value)
    assert meeting(simulator, "Fleet Room", "Design review") == review
    assert review.id not in simulator.events.confirmations
