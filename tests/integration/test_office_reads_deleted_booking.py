"""The office reads a booking deleted in Robin since the poll: Robin answers 404, and it goes.

Before checking a booking in (and before a retry), the office reads its check-in
(`GET /events/{id}?include=confirmation`); before releasing a no-show, its times
(`GET /events/{id}`). A 404 to that read says the booking was deleted: it leaves the room's
calendar, availability and office sensors at once, as after a change Robin answers 404, and
nothing more is asked of Robin for it. A 404 to another request on the way (whose token it
is, the list of devices) says nothing of the booking, which stays.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_SCAN_INTERVAL, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator

from .common import api_calls, delete_in_robin, robin_warnings, room_state, setup_with_options
from .office import (
    CUSTOMER_CALL_START,
    POLL,
    capture,
    confirmation_reads,
    customer_call,
    office_wakes,
    run_until,
    state,
    writes,
)

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)
GONE_LOGGED = "was deleted in Robin since it was read"


def _told_gone(caplog: pytest.LogCaptureFixture, event_id: str) -> list[int]:
    """Return the levels the log told the booking's deletion at."""
    return [
        record.levelno
        for record in caplog.records
        if GONE_LOGGED in record.getMessage() and event_id in record.getMessage()
    ]


def _reads_of(simulator: RobinSimulator, event_id: str) -> int:
    """Return how often the booking itself was read (with its check-in or without)."""
    return api_calls(simulator).count(f"GET /v1.0/events/{event_id}")


def _shows_the_call(hass: HomeAssistant, simulator: RobinSimulator) -> bool:
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    return calendar.state == STATE_ON and calendar.attributes.get("message") == "Customer call"


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("how", ["deleted", "cancelled"])
@pytest.mark.parametrize("read", ["before_the_check_in", "before_its_retry"])
async def test_a_check_in_read_robin_answers_404_drops_the_booking_and_asks_no_more(
    read: str,
    how: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """People arrive at 11:02 for the customer call, which is deleted in Robin as it is read.

    The poll at 11:03 sees them: the office reads the call's check-in before checking it in.
    Or Robin refuses that check-in (409), and the call is deleted as its retry at 11:04 reads
    the check-in anew. Polled every 2 minutes: no poll at 11:04 reads the call gone first.
    Robin answers the read 404, or (keeping the call readable) shows it marked cancelled.
    """
    await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_SCAN_INTERVAL: 120}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    check_in = f"PUT /v1.0/events/{call.id}/confirmation"
    if read == "before_its_retry":
        simulator.faults.fail_next(409, path=f"/events/{call.id}/confirmation", method="PUT")
        await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
        assert writes(simulator) == [check_in]
        assert office_wakes(hass) == [CUSTOMER_CALL_START + timedelta(minutes=4)]
    simulator.faults.hold_next(path=f"/events/{call.id}", method="GET")
    caplog.clear()

    freezer.tick(POLL)  # the poll at 11:03, or the retry at 11:04
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    assert _shows_the_call(hass, simulator)
    delete_in_robin(simulator, call.id, how)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    # Gone from the room before any poll read it gone; nothing is sent for it.
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state != "in_use"
    assert writes(simulator) == ([check_in] if read == "before_its_retry" else [])
    assert checked_in == []
    # Not a failure to warn about, nor a retry to wait for.
    assert robin_warnings(caplog) == []
    assert _told_gone(caplog, call.id) == [logging.INFO]
    assert office_wakes(hass) == []
    reads = confirmation_reads(simulator, call.id)

    # Nothing more is asked of Robin for it while its check-in window lasts, nor after.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == ([check_in] if read == "before_its_retry" else [])
    assert confirmation_reads(simulator, call.id) == reads
    assert _reads_of(simulator, call.id) == reads
    assert checked_in == []
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF


@pytest.mark.usefixtures("time_zone")
async def test_a_no_show_whose_read_before_its_release_robin_answers_404_goes_unreleased(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nobody came to the customer call; it is deleted in Robin as the office is to release it.

    At 11:10 the office reads its check-in (none), then the call itself, so as not to move
    back a change made since the poll: Robin answers that read 404.
    """
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")  # its check-in
    simulator.faults.hold_next(path=f"/events/{call.id}", method="GET")  # its times
    caplog.clear()

    freezer.tick(timedelta(seconds=1))  # 11:10:00
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    assert _shows_the_call(hass, simulator)
    simulator.events.cancel(call.id)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert confirmation_reads(simulator, call.id) == 1
    assert _reads_of(simulator, call.id) == 2
    assert writes(simulator) == []
    assert released == []
    assert robin_warnings(caplog) == []
    assert _told_gone(caplog, call.id) == [logging.INFO]
    assert office_wakes(hass) == []

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert _reads_of(simulator, call.id) == 2
    assert writes(simulator) == []
    assert released == []
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF


@pytest.mark.usefixtures("time_zone")
async def test_404s_to_whose_token_it_is_and_to_the_devices_keep_the_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An account token: Robin answers `/me` 404 (no user behind it), then its devices 404.

    The office reads the call's check-in, then finds no device to check in as: the call is
    not checked in, and stays on the room's calendar.
    """
    await setup_with_options(hass, config_entry, ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    devices = f"/organizations/{simulator.organization.id}/devices"
    simulator.faults.fail_next(404, path=devices, method="GET")
    simulator.reset_requests()
    caplog.clear()

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))

    assert confirmation_reads(simulator, call.id) == 1
    assert "GET /v1.0/me" in api_calls(simulator)
    assert f"GET /v1.0{devices}" in api_calls(simulator)
    assert writes(simulator) == []
    assert _shows_the_call(hass, simulator)
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "in_use"
    assert _told_gone(caplog, call.id) == []
