"""A release retried after a refusal reads the check-in first: a booking checked in stays."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.const import (
    CONF_NO_SHOW_GRACE,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator
from robin_simulator.model import Confirmation

from .common import robin_warnings, room_state, setup_with_options
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    capture,
    customer_call,
    office_wakes,
    run_until,
    state,
    writes,
)

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)


async def _about_to_release(hass, simulator, config_entry, freezer):
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    return call, released


@pytest.mark.parametrize("fault", ["refused_409", "rate_limited_429"])
async def test_refused_release_not_retried_after_a_check_in(
    fault: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    call, released = await _about_to_release(hass, simulator, config_entry, freezer)
    if fault == "refused_409":
        simulator.faults.fail_next(409, path=f"/events/{call.id}", method="PATCH")
    else:
        simulator.faults.fail_next(429, path=f"/events/{call.id}", method="PATCH")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: refused
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert released == []

    # 11:10:30: the organiser checks in from Robin's app (or the room display).
    await advance(hass, freezer, timedelta(seconds=30))
    simulator.events.confirmations[call.id] = Confirmation(
        event_id=call.id,
        user_id=simulator.organization.users[0].id,
        confirmed_at=datetime.now(UTC),
    )
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 3 * POLL)
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert released == [], "a checked-in booking was released"
    assert ended.end == CUSTOMER_CALL_END, f"checked-in booking ended at {ended.end}"


async def test_a_no_show_moved_in_robin_since_the_last_poll_is_not_moved_back(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The organiser moves the call to 11:05 a second before its grace period ends."""
    call, released = await _about_to_release(hass, simulator, config_entry, freezer)
    moved_start = CUSTOMER_CALL_START + timedelta(minutes=5)
    simulator.events.save(
        dataclasses.replace(call, start=moved_start, end=CUSTOMER_CALL_END + timedelta(minutes=5))
    )
    await run_until(hass, freezer, TEN_PAST_ELEVEN + timedelta(minutes=2))
    assert writes(simulator) == []
    assert released == []
    after = customer_call(simulator)
    assert after.start == moved_start
    # Its own grace period over, nobody there: released from its new start.
    await run_until(hass, freezer, moved_start + timedelta(minutes=11))
    after = customer_call(simulator)
    assert after.start == moved_start
    assert after.end == moved_start + timedelta(minutes=10)


async def test_a_release_is_not_given_up_while_robin_fails_to_show_the_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin answers the check-in read, then fails to show the booking for three minutes."""
    call, released = await _about_to_release(hass, simulator, config_entry, freezer)
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.fail_next(500, 3, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    # Nothing was asked of Robin while it failed: the release is made once it answers.
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end < CUSTOMER_CALL_END
    assert len(released) == 1


async def test_a_release_given_up_after_its_last_refusal_leaves_nothing_to_wake_for(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses the release 3 times (409), a minute apart: it is given up then."""
    call, released = await _about_to_release(hass, simulator, config_entry, freezer)
    simulator.faults.fail_next(409, 3, path=f"/events/{call.id}", method="PATCH")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: refused
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    # The office wakes for its retry a minute later.
    assert office_wakes(hass) == [TEN_PAST_ELEVEN + POLL]

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 2 * POLL)  # refused at 11:11 and 11:12
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"] * 3
    # Given up: nothing is left to wake for.
    assert office_wakes(hass) == []
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 10 * POLL)
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"] * 3
    assert released == []
    kept = simulator.events.get(call.id)
    assert kept is not None
    assert kept.end == CUSTOMER_CALL_END


async def test_a_release_refused_a_minute_before_the_booking_ends_leaves_nothing_to_wake_for(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A grace period of 59 minutes: the call is a no-show at 11:59, a minute before its end.

    Robin refuses the release (409); its retry would come at 12:00, as the call ends.
    """
    await setup_with_options(
        hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True, CONF_NO_SHOW_GRACE: 59}
    )
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    simulator.faults.fail_next(409, path=f"/events/{call.id}", method="PATCH")
    await run_until(hass, freezer, CUSTOMER_CALL_END - POLL)  # 11:59: refused
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert office_wakes(hass) == []
    await run_until(hass, freezer, CUSTOMER_CALL_END + 5 * POLL)
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert released == []


async def test_a_no_show_deleted_in_robin_as_it_is_released_is_not_tried_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The organiser deletes the no-show in Robin just as it is released: Robin answers 404.

    Nothing is left to release: no warning, no retry waited for, nothing sent again.
    """
    call, released = await _about_to_release(hass, simulator, config_entry, freezer)
    simulator.faults.hold_next(path=f"/events/{call.id}", method="PATCH")
    caplog.clear()
    freezer.tick(timedelta(seconds=1))  # 11:10:00: the release
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    simulator.events.cancel(call.id)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert released == []
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == "off"
    assert state(hass, simulator, "Fleet Room", "no_show") == "off"
    assert robin_warnings(caplog) == []
    assert office_wakes(hass) == []
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
