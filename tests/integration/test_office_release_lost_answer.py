"""A release whose answer is lost, and that Robin cannot be read about at once, is told truly.

Told (the event, for automations) once Robin shows it made, never before; sent again only
when Robin shows the booking as it was; neither while Robin cannot say.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.office_actions import IN_FLIGHT_BEFORE_RELOAD
from robin_simulator import RobinSimulator

from .common import api_calls, robin_warnings, room_state
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    about_to_release,
    office_wakes,
    run_until,
    state,
)
from .office import writes as changes_asked


def _lost(booking_id: str) -> str:
    return (
        f"Robin's answer to the release of the no-show booking {booking_id} in Fleet Room "
        "was lost, and Robin could not be read to find out whether it was made; it is not "
        "sent again, and is told once Robin shows it made (looked up until the booking's end)"
    )


def _warnings_about(caplog: pytest.LogCaptureFixture, booking_id: str) -> list[str]:
    return [message for message in robin_warnings(caplog) if booking_id in message]


@pytest.mark.parametrize(
    ("grace_minutes", "request_sent", "cancelled"),
    [(10, "PATCH", False), (3, "DELETE", True)],
    ids=["ended", "cancelled"],
)
async def test_a_release_whose_answer_is_lost_is_told_once_robin_shows_it(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    grace_minutes: int,
    request_sent: str,
    cancelled: bool,
) -> None:
    """Robin releases the booking, answers 502, and fails the read that would tell.

    A booking that began 5 minutes ago or less is cancelled, a later one ended.
    """
    call, released = await about_to_release(
        hass, simulator, config_entry, freezer, grace_minutes=grace_minutes
    )
    path = f"/events/{call.id}"
    simulator.faults.fail_next(502, path=path, method=request_sent, after_commit=True)
    simulator.faults.fail_next(500, path=path, method="GET")
    released_at = CUSTOMER_CALL_START + timedelta(minutes=grace_minutes)

    await advance(hass, freezer, timedelta(seconds=1))  # the grace period ends: released
    assert changes_asked(simulator) == [f"{request_sent} /v1.0{path}"]
    assert released == []  # not claimed while it is not known
    # Said once, by the warning that names the booking and what happens next.
    warned = robin_warnings(caplog)
    assert warned == [_lost(call.id)]

    await advance(hass, freezer, POLL)  # Robin answers the look-up a minute later
    assert len(released) == 1
    assert released[0].data["booking_id"] == call.id
    assert released[0].data["released_at"] == released_at.isoformat()
    assert released[0].data["cancelled"] is cancelled
    await run_until(hass, freezer, released_at + 5 * POLL)
    assert len(released) == 1
    assert changes_asked(simulator) == [f"{request_sent} /v1.0{path}"]  # never sent again
    assert robin_warnings(caplog) == warned  # nothing more to warn of
    assert f"Released the no-show booking {call.id} in Fleet Room" in caplog.text


async def test_a_release_robin_shows_not_made_is_made_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin fails (500) before ending the booking, and fails the read that would tell."""
    call, released = await about_to_release(hass, simulator, config_entry, freezer)
    path = f"/events/{call.id}"
    simulator.faults.fail_next(500, path=path, method="PATCH")
    simulator.faults.fail_next(500, path=path, method="GET")
    ten_past_eleven = CUSTOMER_CALL_START + timedelta(minutes=10)

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert released == []

    # A minute later Robin shows the booking as it was: nothing was released, so the
    # release is made now, and told.
    await run_until(hass, freezer, ten_past_eleven + 5 * POLL)
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"] * 2
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end == ten_past_eleven + POLL
    assert [event.data["released_at"] for event in released] == [
        (ten_past_eleven + POLL).isoformat()
    ]


async def test_a_release_robin_goes_down_at_is_looked_up_after_the_pause_not_sent_again(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Robin answers the release 503 with a Retry-After: it may have ended the booking.

    Nothing is sent inside the pause; after it, Robin shows the booking as it was (the
    simulator made nothing), and only then is the release made, once.
    """
    call, released = await about_to_release(hass, simulator, config_entry, freezer)
    path = f"/events/{call.id}"
    simulator.faults.rate_limit_next(30, status=503, path=path, method="PATCH")
    ten_past_eleven = CUSTOMER_CALL_START + timedelta(minutes=10)

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert released == []
    assert robin_warnings(caplog) == [_lost(call.id)]

    await run_until(hass, freezer, ten_past_eleven + 5 * POLL)
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"] * 2
    assert len(released) == 1


@pytest.mark.usefixtures("time_zone")
async def test_a_release_robin_never_shows_is_never_told_nor_sent_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Robin ends the booking, answers 502, then fails every read of it for the hour."""
    call, released = await about_to_release(hass, simulator, config_entry, freezer)
    path = f"/events/{call.id}"
    simulator.faults.fail_next(502, path=path, method="PATCH", after_commit=True)
    simulator.faults.fail_next(500, 100, path=path, method="GET")

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    warned = robin_warnings(caplog)
    assert warned == [_lost(call.id)]
    await run_until(hass, freezer, CUSTOMER_CALL_END + 2 * POLL)
    simulator.faults.clear()
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert released == []
    # Said once more, when it is given up: nothing at every failed look-up.
    [given_up] = robin_warnings(caplog)[len(warned) :]
    assert f"never showed whether the no-show booking {call.id}" in given_up
    # Looked up at once, then a minute apart until the booking's end; not at every update.
    look_ups = [
        record.at
        for record in simulator.requests
        if record.path == f"/v1.0{path}" and record.status == 500
    ]
    assert look_ups[0] == CUSTOMER_CALL_START + timedelta(minutes=10)
    assert look_ups[-1] == CUSTOMER_CALL_END - POLL
    assert [later - earlier for earlier, later in pairwise(look_ups)] == [POLL] * 49


@pytest.mark.parametrize("meanwhile", ["moved", "deleted"])
async def test_a_release_robin_shows_changed_by_someone_else_is_neither_told_nor_made_again(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    meanwhile: str,
) -> None:
    """Robin ends the booking and answers 502; before Robin can be read, its organiser
    extends it to 12:30 (or deletes it): whether it was released first, nobody can tell.
    """
    call, released = await about_to_release(hass, simulator, config_entry, freezer)
    path = f"/events/{call.id}"
    simulator.faults.fail_next(502, path=path, method="PATCH", after_commit=True)
    simulator.faults.fail_next(500, path=path, method="GET")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert robin_warnings(caplog) == [_lost(call.id)]

    caplog.set_level(logging.INFO, logger="custom_components.robin")
    if meanwhile == "moved":
        ended = simulator.events.get(call.id)
        assert ended is not None
        simulator.events.save(replace(ended, end=CUSTOMER_CALL_END + timedelta(minutes=30)))
    else:
        assert simulator.events.cancel(call.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert released == []
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert "whether it was released first is not known" in caplog.text
    if meanwhile == "moved":
        kept = simulator.events.get(call.id)
        assert kept is not None
        assert kept.end == CUSTOMER_CALL_END + timedelta(minutes=30)


@pytest.mark.usefixtures("time_zone")
async def test_a_release_looked_up_through_an_outage_is_given_up_at_its_bookings_end(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Robin ends the booking, answers 502, fails the read back, then is down until 12:30.

    The call ends at 12:00 with Robin still down: nothing can be looked up any more, and
    nothing is kept to look up, neither meanwhile nor over a reload.
    """
    call, released = await about_to_release(hass, simulator, config_entry, freezer)
    path = f"/events/{call.id}"
    simulator.faults.fail_next(502, path=path, method="PATCH", after_commit=True)
    simulator.faults.fail_next(500, path=path, method="GET")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert robin_warnings(caplog) == [_lost(call.id)]

    await advance(hass, freezer, timedelta(seconds=30))
    simulator.faults.refuse(500, "v1.0")  # Robin is down from 11:10:30
    await run_until(hass, freezer, CUSTOMER_CALL_END + 25 * POLL)
    # Given up by the hourly look-over of ended bookings, while polls still fail; said once
    # (the polls' failures aside).
    given_up = (
        f"Robin never showed whether the no-show booking {call.id} in Fleet Room was "
        "released; no release is told for it"
    )
    assert _warnings_about(caplog, call.id) == [_lost(call.id), given_up]
    # An options change reloads the entry while Robin is down: nothing is handed over.
    assert not await hass.config_entries.async_reload(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    handed_over = hass.data[IN_FLIGHT_BEFORE_RELOAD][config_entry.entry_id]
    assert handed_over.releases_unsure == {}

    simulator.faults.allow("v1.0")  # 12:25: Robin is back, the entry sets up again
    await run_until(hass, freezer, datetime.now(UTC) + 5 * POLL)
    assert config_entry.state is ConfigEntryState.LOADED
    assert released == []
    assert changes_asked(simulator) == [f"PATCH /v1.0{path}"]
    assert _warnings_about(caplog, call.id) == [_lost(call.id), given_up]


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize(
    ("grace_minutes", "request_sent", "told"),
    [(10, "PATCH", False), (3, "DELETE", True)],
    ids=["ended", "cancelled"],
)
async def test_a_release_looked_up_as_deleted_takes_the_booking_off_the_room_at_once(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    grace_minutes: int,
    request_sent: str,
    told: bool,
) -> None:
    """Robin fails (500) the release before making it, and the read that would tell; the
    call's organiser deletes it in Robin meanwhile, and the look-up a minute later is
    answered 404.

    The call leaves the room's calendar, availability and No-show with that answer, not at
    the next read of its day. Polled every 3 minutes: no poll reads it gone before the
    look-up does. What is told stays as it was: a cancellation looked up gone is ours
    (`robin_booking_released`); a booking whose end we moved, gone, was released or not.
    """
    call, released = await about_to_release(
        hass, simulator, config_entry, freezer, grace_minutes=grace_minutes, scan_interval=180
    )
    grace_ends = CUSTOMER_CALL_START + timedelta(minutes=grace_minutes)
    path = f"/events/{call.id}"
    simulator.faults.fail_next(500, path=path, method=request_sent)
    simulator.faults.fail_next(500, path=path, method="GET")  # the read back
    await advance(hass, freezer, timedelta(seconds=1))  # the grace period ends
    assert changes_asked(simulator) == [f"{request_sent} /v1.0{path}"]
    assert robin_warnings(caplog) == [_lost(call.id)]
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON

    caplog.set_level(logging.INFO, logger="custom_components.robin")
    assert simulator.events.cancel(call.id)  # deleted in Robin's app
    simulator.reset_requests()
    await advance(hass, freezer, POLL)  # the look-up

    assert datetime.now(UTC) == grace_ends + POLL
    assert api_calls(simulator) == [f"GET /v1.0{path}"]  # no poll, no read of the day
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert calendar.state == STATE_OFF
    assert calendar.attributes.get("message") != "Customer call"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "available"
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert [event.data["cancelled"] for event in released] == ([True] if told else [])
    if not told:
        assert "whether it was released first is not known" in caplog.text
    assert robin_warnings(caplog) == [_lost(call.id)]
    assert office_wakes(hass) == []

    # Nothing more is asked of Robin for it.
    await run_until(hass, freezer, grace_ends + 10 * POLL)
    assert changes_asked(simulator) == []
    assert api_calls(simulator).count(f"GET /v1.0{path}") == 1
    assert len(released) == (1 if told else 0)
