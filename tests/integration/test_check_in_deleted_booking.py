"""Checking in to a booking deleted in Robin since the last poll: it goes at once.

Robin answers the check-in (`PUT /events/{id}/confirmation`) 404: the booking leaves the
room's calendar, availability and next booking without waiting for a read of its day, as
after a cancellation or change Robin answers 404. A 404 of another request on the way (the
look-up of the Robin device an account token checks in as) says nothing of the booking.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_SCAN_INTERVAL, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.const import CONF_CHECK_IN_ON_ARRIVAL, EVENT_BOOKING_CHECKED_IN
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.model import Event as SimEvent

from .common import (
    api_calls,
    call_action,
    delete_in_robin,
    meeting,
    robin_warnings,
    room_entity_id,
    room_state,
    room_target,
    setup_with_options,
)
from .conftest import MONDAY_MORNING, advance
from .office import (
    CUSTOMER_CALL_START,
    POLL,
    capture,
    confirmation_reads,
    customer_call,
    office_wakes,
    run_until,
    writes,
)

GONE = "Robin no longer has this booking of {room}"
# The Thames Room's next booking after Monday's: Tuesday's stand-up, 09:30 in London.
TUESDAY_STANDUP = "2026-11-24T09:30:00+00:00"


# Where a check-in whose answer is lost meets the booking's deletion (Robin's 404).
WHERE_THE_404_IS_MET = ["resent_check_in", "read_back", "read_after_already_confirmed"]


def _lose_check_in_answer(simulator: RobinSimulator, event_id: str, meets_the_404: str) -> None:
    """Have Robin make the next check-in of the booking and lose its answer; hold the request
    that follows, for the test to delete the booking before Robin answers it.

    `resent_check_in`: the connection closes unanswered and aiohttp sends the check-in again;
    `read_back`: Robin answers 503, and the check-in is read back; `read_after_already_confirmed`:
    the check-in sent again is answered "already confirmed", and the client reads the check-in
    Robin holds from the booking.
    """
    confirmation = f"/events/{event_id}/confirmation"
    if meets_the_404 == "read_back":
        simulator.faults.fail_next(503, path=confirmation, method="PUT", after_commit=True)
    else:
        simulator.faults.drop_next(path=confirmation, method="PUT")
    if meets_the_404 == "resent_check_in":
        simulator.faults.hold_next(path=confirmation, method="PUT")
    else:
        simulator.faults.hold_next(path=f"/events/{event_id}", method="GET")


def _check_ins_sent(event_id: str, meets_the_404: str) -> list[str]:
    """Return the check-ins Robin is sent: two when aiohttp sends it again."""
    sent = 1 if meets_the_404 == "read_back" else 2
    return [f"PUT /v1.0/events/{event_id}/confirmation"] * sent


def _reads_after_the_loss(meets_the_404: str, how: str) -> int:
    """Return the reads of the check-in after its answer is lost: none when the check-in
    sent again is answered 404; one when it is read back, or when the booking, kept marked
    cancelled, is answered "already confirmed".
    """
    return 0 if (meets_the_404, how) == ("resent_check_in", "deleted") else 1


def _bookings_read(simulator: RobinSimulator) -> list[str]:
    """Return the reads of bookings Robin served (a poll's, the window's, a room's)."""
    return [
        call
        for call in api_calls(simulator)
        if call.startswith("GET ") and call.endswith("/events")
    ]


async def _titles(hass: HomeAssistant, entity_id: str, start: datetime, end: datetime) -> list[str]:
    """Return the titles `calendar.get_events` lists in the range."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": start.isoformat(),
            "end_date_time": end.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return [event["summary"] for event in events]


def _assert_freed_quietly(
    hass: HomeAssistant, simulator: RobinSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The call has left the Fleet Room; nothing was warned of, and no retry is waited for."""
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state != "in_use"
    assert robin_warnings(caplog) == []
    assert office_wakes(hass) == []


# --- the robin.check_in action -----------------------------------------------------------------


async def test_checking_in_to_the_current_booking_deleted_in_robin_frees_the_room_at_once(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """The Fleet Room's design review (10:00-11:00) is deleted in Robin's app at 10:15."""
    review = meeting(simulator, "Fleet Room", "Design review")
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_ON
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "in_use"
    simulator.events.cancel(review.id)
    simulator.reset_requests()

    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "booking_gone"
    assert str(err.value) == GONE.format(room="Fleet Room")

    # Gone from the room at once: no poll, no read of the day.
    assert _bookings_read(simulator) == []
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes.get("message") == "Customer call"  # the next one, at 11:00
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state != "in_use"
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    today = (MONDAY_MORNING.replace(hour=0, minute=0), MONDAY_MORNING.replace(hour=23, minute=0))
    assert await _titles(hass, fleet_calendar, *today) == ["Customer call"]


async def test_checking_in_to_an_upcoming_booking_deleted_in_robin_drops_it_as_next_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A retro booked for 10:20 in the Thames Room, deleted in Robin after the poll saw it."""
    thames = simulator.find_space("Thames Room")
    retro_start = MONDAY_MORNING + timedelta(minutes=5)
    retro = simulator.add_event(thames.id, "Retro", retro_start, retro_start + timedelta(hours=1))
    await advance(hass, freezer, POLL)  # 10:16: the poll reads the next hour
    next_booking = room_state(hass, simulator, "Thames Room", "sensor", "next_booking")
    assert next_booking.state == retro_start.isoformat()
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "booked"
    simulator.events.cancel(retro.id)
    simulator.reset_requests()

    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass, "check_in", {"booking_id": retro.id}, room_target(hass, simulator, "Thames Room")
        )
    assert err.value.translation_key == "booking_gone"
    assert str(err.value) == GONE.format(room="Thames Room")

    assert _bookings_read(simulator) == []
    next_booking = room_state(hass, simulator, "Thames Room", "sensor", "next_booking")
    assert next_booking.state == TUESDAY_STANDUP
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "available"
    thames_calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    assert "Retro" not in await _titles(
        hass, thames_calendar, retro_start, retro_start + timedelta(hours=1)
    )


@pytest.mark.parametrize("how", ["deleted", "cancelled"])
@pytest.mark.parametrize("meets_the_404", WHERE_THE_404_IS_MET)
async def test_a_lost_check_in_of_a_booking_deleted_meanwhile_frees_the_room_at_once(  # noqa: PLR0917 - fixtures
    meets_the_404: str,
    how: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Robin checks the design review in, but its answer is lost; the review is deleted in
    Robin's app before the action learns what became of the check-in.

    Either the connection closed unanswered, and the check-in aiohttp sends again meets the
    deletion, or is answered "already confirmed" and the read of that check-in meets it; or
    Robin failed (503) after making it, and the action's read of the check-in meets it.
    Robin answers that request 404: the booking is gone, which is what the user is told,
    and it leaves the room at once, without a read of the calendar window. A Robin that
    keeps the review readable, marked cancelled, answers the check-in sent again "already
    confirmed", and the read of the check-in shows the review cancelled: gone all the same.
    """
    review = meeting(simulator, "Fleet Room", "Design review")
    _lose_check_in_answer(simulator, review.id, meets_the_404)
    simulator.reset_requests()

    action = hass.async_create_task(
        call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    )
    await simulator.faults.wait_until_held()
    delete_in_robin(simulator, review.id, how)
    simulator.faults.let_go()
    with pytest.raises(HomeAssistantError) as err:
        await action

    assert err.value.translation_key == "booking_gone"
    assert str(err.value) == GONE.format(room="Fleet Room")
    assert writes(simulator) == _check_ins_sent(review.id, meets_the_404)
    # A 404 to the resent check-in needs no read back: the booking is gone either way.
    assert confirmation_reads(simulator, review.id) == _reads_after_the_loss(meets_the_404, how)
    assert _bookings_read(simulator) == []
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes.get("message") == "Customer call"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state != "in_use"
    assert robin_warnings(caplog) == []


async def test_a_404_of_the_device_look_up_keeps_the_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    """An account token checks in as the "Home Assistant" device; Robin answers its list 404.

    That says nothing of the booking: the check-in fails for want of the device, and the
    design review stays on the room's calendar.
    """
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    devices = f"/organizations/{simulator.organization.id}/devices"
    simulator.faults.fail_next(404, path=devices, method="GET")
    simulator.reset_requests()

    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "check_in_needs_device"
    assert f"GET /v1.0{devices}" in api_calls(simulator)
    assert not any(call.endswith("/confirmation") for call in writes(simulator))

    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert (calendar.state, calendar.attributes.get("message")) == (STATE_ON, "Design review")
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "in_use"
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    review_times = (review.start, review.end)
    assert await _titles(hass, fleet_calendar, *review_times) == ["Design review"]


# --- the office's check-in on arrival ----------------------------------------------------------


@pytest.mark.usefixtures("time_zone")
async def test_the_office_checking_in_a_booking_deleted_in_robin_drops_it_and_tries_no_more(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """People arrive for the 11:00 customer call; it is deleted in Robin as they are seen.

    The poll at 11:03 reads the call, and the office reads its check-in (none yet); the call
    is deleted before the office's check-in reaches Robin, which answers 404.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.faults.hold_next(path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.reset_requests()
    caplog.clear()

    freezer.tick(POLL)  # 11:03
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_ON
    simulator.events.cancel(call.id)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert checked_in == []
    # Gone from the room before any later poll.
    assert datetime.now(UTC) == CUSTOMER_CALL_START + timedelta(minutes=3)
    _assert_freed_quietly(hass, simulator, caplog)

    # Nothing more is asked of Robin for it while its check-in window lasts, nor after.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert confirmation_reads(simulator, call.id) == 1
    assert checked_in == []


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("how", ["deleted", "cancelled"])
@pytest.mark.parametrize("meets_the_404", WHERE_THE_404_IS_MET)
async def test_the_offices_lost_check_in_of_a_booking_deleted_meanwhile_drops_it_quietly(  # noqa: PLR0917 - fixtures
    meets_the_404: str,
    how: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """People arrive for the 11:00 customer call; the office checks it in at 11:03.

    Robin makes the check-in, its answer is lost, and the call is deleted in Robin before
    the check-in is sent again (or read back, after a 503; or read from the call after the
    one sent again is answered "already confirmed"): Robin answers that request 404, or
    shows the call marked cancelled. The call leaves the room then, without a warning about
    a lost answer or a retry.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")  # read before
    _lose_check_in_answer(simulator, call.id, meets_the_404)
    simulator.reset_requests()
    caplog.clear()

    freezer.tick(POLL)  # 11:03
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_ON
    delete_in_robin(simulator, call.id, how)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    sent = _check_ins_sent(call.id, meets_the_404)
    assert writes(simulator) == sent
    assert checked_in == []
    # Gone from the room before any later poll.
    assert datetime.now(UTC) == CUSTOMER_CALL_START + timedelta(minutes=3)
    _assert_freed_quietly(hass, simulator, caplog)
    reads = confirmation_reads(simulator, call.id)
    # The office's read before it checks in, and those after the answer is lost.
    assert reads == 1 + _reads_after_the_loss(meets_the_404, how)

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == sent
    assert confirmation_reads(simulator, call.id) == reads
    assert checked_in == []


async def _check_in_refused_until_11_04(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> SimEvent:
    """People arrive for the Customer call; Robin refuses the office's check-in at 11:03.

    Polled every 2 minutes. Return the call, at 11:03, its check-in to be tried again at
    11:04 (the office's one wake).
    """
    await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_SCAN_INTERVAL: 120}
    )
    call = customer_call(simulator)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.faults.fail_next(409, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert office_wakes(hass) == [CUSTOMER_CALL_START + timedelta(minutes=4)]
    return call


@pytest.mark.usefixtures("time_zone")
async def test_a_booking_dropped_after_a_404_leaves_no_retry_of_the_office_to_wake_for(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People arrive for the customer call; Robin refuses the office's check-in at 11:03 (409).

    The office would try again at 11:04. The call is deleted in Robin's app, and the user's
    `robin.check_in` at 11:03 is answered 404: the call leaves the room, and with it the
    office's retry. Nothing is asked of Robin at 11:04 (polled every 2 minutes: nor by a
    poll), and the office keeps no timer for it.
    """
    call = await _check_in_refused_until_11_04(hass, simulator, config_entry, freezer)

    assert simulator.events.cancel(call.id)
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "booking_gone"
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    assert office_wakes(hass) == []
    simulator.reset_requests()

    await advance(hass, freezer, POLL)  # 11:04, when the retry was due
    assert api_calls(simulator) == []
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == []
    assert confirmation_reads(simulator, call.id) == 0


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("how", ["deleted", "cancelled"])
async def test_a_booking_a_poll_finds_gone_leaves_no_retry_of_the_office_to_wake_for(
    how: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People arrive for the customer call; Robin refuses the office's check-in at 11:03 (409).

    The office would try again at 11:04. The call is deleted in Robin's app, and a refresh
    asked for at 11:03:30 reads the next hour: the call is no longer listed and Robin
    answers its look-up 404 (or it is listed marked cancelled). It leaves the room, and with
    it the office's retry: nothing is asked of Robin at 11:04 (polled every 2 minutes: nor
    by a poll), and the office keeps no timer for it.
    """
    await async_setup_component(hass, "homeassistant", {})  # for update_entity
    call = await _check_in_refused_until_11_04(hass, simulator, config_entry, freezer)

    delete_in_robin(simulator, call.id, how)
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=30))
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": occupancy}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    looked_up = f"GET /v1.0/events/{call.id}" in api_calls(simulator)
    assert looked_up == (how == "deleted")
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    assert office_wakes(hass) == []
    simulator.reset_requests()

    await advance(hass, freezer, timedelta(seconds=30))  # 11:04, when the retry was due
    assert api_calls(simulator) == []
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == []
    assert confirmation_reads(simulator, call.id) == 0
