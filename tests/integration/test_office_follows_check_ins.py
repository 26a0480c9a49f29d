"""The office's sensors follow a check-in made from Home Assistant at once.

The office learns a booking's check-in from its own reads (once per booking, when its grace
period ends with nobody seen) and its own check-ins. A check-in made with `robin.check_in`
reaches it too, as soon as Robin accepted it (also when its lost answer was looked up, or a
resent check-in was answered "already confirmed"): the room's No-show turns off and its
Checked in on before any poll, nothing is read from Robin for it, and a booking so checked
in is never released. It is the user's check-in, not the office's: no
`robin_booking_checked_in` event. A check-in Robin refuses changes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_SCAN_INTERVAL, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator
from robin_simulator.model import Confirmation
from robin_simulator.model import Event as SimEvent

from .common import (
    call_action,
    robin_warnings,
    room_entity_id,
    room_target,
    setup_with_options,
)
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
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
# Monday 23 November 2026; London's working hours end at 18:00 (UTC+0 in November).
EVENING_START = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


def _shows(hass: HomeAssistant, simulator: RobinSimulator) -> tuple[str, str]:
    """Return what the Fleet Room's No-show and Checked in show."""
    return (
        state(hass, simulator, "Fleet Room", "no_show"),
        state(hass, simulator, "Fleet Room", "checked_in"),
    )


async def _check_in(
    hass: HomeAssistant, simulator: RobinSimulator, booking_id: str | None = None
) -> dict[str, Any]:
    """Check the Fleet Room's current booking (or this one) in with `robin.check_in`."""
    data = {} if booking_id is None else {"booking_id": booking_id}
    return await call_action(hass, "check_in", data, room_target(hass, simulator, "Fleet Room"))


def _states_taken(hass: HomeAssistant, simulator: RobinSimulator, key: str) -> list[str]:
    """Record every state the Fleet Room's office sensor takes from now on."""
    seen: list[str] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        if (new_state := event.data["new_state"]) is not None:
            seen.append(new_state.state)

    entity_id = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", key)
    async_track_state_change_event(hass, [entity_id], record)
    return seen


def _check_in_sent(booking: SimEvent) -> str:
    return f"PUT /v1.0/events/{booking.id}/confirmation"


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("answer", ["answered", "resent", "looked_up"])
async def test_checking_a_no_show_in_turns_no_show_off_and_checked_in_on_at_once(
    answer: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody came to the customer call (no-shows are not released); the user checks it in.

    Robin answers the check-in; or its answer is lost and aiohttp sends it again, which Robin
    answers "already confirmed"; or Robin fails (503) after making it, and the action looks
    the check-in up.
    """
    await setup_with_options(hass, config_entry)
    call = customer_call(simulator)
    checked_in_events = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, TEN_PAST_ELEVEN + POLL)
    assert _shows(hass, simulator) == (STATE_ON, STATE_OFF)
    simulator.reset_requests()
    confirmation = f"/events/{call.id}/confirmation"
    if answer == "resent":
        simulator.faults.drop_next(path=confirmation, method="PUT")
    elif answer == "looked_up":
        simulator.faults.fail_next(503, path=confirmation, method="PUT", after_commit=True)

    response = await _check_in(hass, simulator)

    assert response["booking"]["id"] == call.id
    assert call.id in simulator.events.confirmations
    # At once: no poll ran since.
    assert datetime.now(UTC) == TEN_PAST_ELEVEN + POLL
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    # Nothing read for the office: only the action's own look-up after a lost answer.
    assert confirmation_reads(simulator, call.id) == (0 if answer == "answered" else 1)
    sent = writes(simulator)
    assert sent == [_check_in_sent(call)] * (2 if answer == "resent" else 1)

    # The polls after it agree, and ask Robin nothing more about it.
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 6 * POLL)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    assert confirmation_reads(simulator, call.id) == (0 if answer == "answered" else 1)
    assert writes(simulator) == sent
    # The user's check-in, not one the office made for people who arrived.
    assert checked_in_events == []


@pytest.mark.usefixtures("time_zone")
async def test_an_evening_booking_checked_in_by_the_action_is_never_released(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Releasing no-shows on; nobody is in the Fleet Room for its evening talk.

    Outside working hours London's presence is read hourly (18:20:30, then 19:20:30): at
    18:40 the office reads the talk's check-in (none), and its no-show waits for a presence
    read. The user checks the talk in at 18:45; the refresh after it reads presence.
    """
    fleet = simulator.find_space("Fleet Room")
    talk = simulator.add_event(
        fleet.id, "Evening talk", EVENING_START, EVENING_START + timedelta(hours=1)
    )
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_RELEASE_NO_SHOWS: True})
    released = capture(hass, EVENT_BOOKING_RELEASED)
    freezer.move_to(EVENING_START - timedelta(minutes=10) + timedelta(seconds=30))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await run_until(hass, freezer, EVENING_START + timedelta(minutes=15))
    assert confirmation_reads(simulator, talk.id) == 1
    assert _shows(hass, simulator) == (STATE_OFF, STATE_OFF)
    simulator.reset_requests()
    no_show_states = _states_taken(hass, simulator, "no_show")

    await _check_in(hass, simulator, talk.id)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    # Not even for a moment a no-show, which would set off automations acting on one.
    assert no_show_states == []

    # Not released, neither after the refresh's presence read nor at the next slow poll.
    await run_until(hass, freezer, EVENING_START + timedelta(hours=1))
    assert writes(simulator) == [_check_in_sent(talk)]
    assert released == []
    held = simulator.events.get(talk.id)
    assert held is not None
    assert held.end == EVENING_START + timedelta(hours=1)
    assert confirmation_reads(simulator, talk.id) == 0
    assert no_show_states == []


@pytest.mark.usefixtures("time_zone")
async def test_a_booking_checked_in_before_its_grace_period_ends_is_not_read_when_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Releasing no-shows on; the user checks the customer call in at 11:02, nobody is there.

    At 11:10 its grace period ends with nobody seen, when the office would read a booking's
    check-in: this one is checked in, which Robin cannot undo, so nothing is asked of Robin.
    """
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    assert _shows(hass, simulator) == (STATE_OFF, STATE_UNKNOWN)  # not read yet
    simulator.reset_requests()
    no_show_states = _states_taken(hass, simulator, "no_show")

    await _check_in(hass, simulator)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert confirmation_reads(simulator, call.id) == 0
    assert writes(simulator) == [_check_in_sent(call)]
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    assert no_show_states == []
    assert released == []


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_made_as_the_office_reads_the_no_show_is_not_undone_by_that_read(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Releasing no-shows on; nobody came to the customer call.

    At 11:10 the office reads the call's check-in; Robin answers "none", and before that
    answer arrives the user checks the call in. The answer is older than the check-in.
    """
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    simulator.faults.hold_answer_next(path=f"/events/{call.id}", method="GET")

    freezer.tick(timedelta(seconds=1))  # 11:10:00
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    await _check_in(hass, simulator)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    assert writes(simulator) == [_check_in_sent(call)]
    assert released == []

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    assert writes(simulator) == [_check_in_sent(call)]
    assert released == []
    assert confirmation_reads(simulator, call.id) == 1  # the office's, at 11:10


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("refusal", ["too_late", "conflict"])
async def test_a_check_in_robin_refuses_changes_nothing(
    refusal: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody came to the customer call; the user's check-in at 11:11 is refused.

    Too late: its organiser ended it at 11:10:30 in Robin's app, which no poll read yet. Or
    Robin answers 409.
    """
    await setup_with_options(hass, config_entry)
    call = customer_call(simulator)
    await run_until(hass, freezer, TEN_PAST_ELEVEN + POLL)
    assert _shows(hass, simulator) == (STATE_ON, STATE_OFF)
    simulator.reset_requests()
    if refusal == "too_late":
        ended_at = TEN_PAST_ELEVEN + timedelta(seconds=30)
        simulator.events.save(dataclasses.replace(call, end=ended_at))
    else:
        simulator.faults.fail_next(409, path=f"/events/{call.id}/confirmation", method="PUT")

    with pytest.raises(HomeAssistantError) as err:
        await _check_in(hass, simulator)
    assert err.value.translation_key == "booking_refused"
    assert call.id not in simulator.events.confirmations
    assert _shows(hass, simulator) == (STATE_ON, STATE_OFF)
    assert writes(simulator) == [_check_in_sent(call)]

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 3 * POLL)
    # Too late: the next poll reads the call ended; Checked in never turned on.
    assert _shows(hass, simulator) == (
        (STATE_OFF, STATE_OFF) if refusal == "too_late" else (STATE_ON, STATE_OFF)
    )
    assert confirmation_reads(simulator, call.id) == 0
    assert writes(simulator) == [_check_in_sent(call)]


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("when", ["before_its_read_back", "during_its_read_back"])
async def test_the_users_check_in_after_the_offices_lost_one_is_not_told_as_the_offices(
    when: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Check in on arrival, polled every 30 s; people are in the Fleet Room 11:02-11:03.

    At 11:02:30 the office checks the customer call in: Robin fails (500) without making it,
    and fails the read back too, so the office reads it back at 11:03:30. The user checks
    the call in at 11:03:10, or while that read back waits for Robin's answer: Robin
    accepts it, as the office's was not made. The user's check-in is no event of the
    office's, and the office has nothing left to read back.
    """
    await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_SCAN_INTERVAL: 30}
    )
    call = customer_call(simulator)
    checked_in_events = capture(hass, EVENT_BOOKING_CHECKED_IN)
    fleet = simulator.find_space("Fleet Room").id
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(fleet)
    confirmation = f"/events/{call.id}/confirmation"
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")  # read before
    simulator.faults.fail_next(500, path=confirmation, method="PUT")
    simulator.faults.fail_next(500, path=f"/events/{call.id}", method="GET")  # read back
    await advance(hass, freezer, timedelta(seconds=30))  # 11:02:30
    assert simulator.faults.pending == 0
    assert call.id not in simulator.events.confirmations
    simulator.end_presence(fleet)
    await advance(hass, freezer, timedelta(seconds=30))  # 11:03
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_OFF
    reads = confirmation_reads(simulator, call.id)

    if when == "before_its_read_back":
        await advance(hass, freezer, timedelta(seconds=10))  # 11:03:10
        await _check_in(hass, simulator)
        assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
        await advance(hass, freezer, timedelta(seconds=20))  # 11:03:30: nothing to read
        assert confirmation_reads(simulator, call.id) == reads
    else:
        simulator.faults.hold_next(path=f"/events/{call.id}", method="GET")
        freezer.tick(timedelta(seconds=30))  # 11:03:30
        async_fire_time_changed(hass)
        await simulator.faults.wait_until_held()
        await _check_in(hass, simulator)
        assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
        simulator.faults.let_go()
        await hass.async_block_till_done(wait_background_tasks=True)
        assert confirmation_reads(simulator, call.id) == reads + 1
    assert checked_in_events == []
    assert writes(simulator) == [_check_in_sent(call)] * 2

    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert checked_in_events == []
    assert writes(simulator) == [_check_in_sent(call)] * 2
    assert confirmation_reads(simulator, call.id) == reads + (when == "during_its_read_back")


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_robin_says_was_made_already_shows_the_booking_checked_in(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The customer call is a no-show; someone checks it in at the room's display since.

    The user's `robin.check_in` is refused, "already confirmed": the action says so, and
    No-show and Checked in show what Robin's refusal says, at once and with no request more.
    """
    await setup_with_options(hass, config_entry)
    call = customer_call(simulator)
    await run_until(hass, freezer, TEN_PAST_ELEVEN + POLL)
    assert _shows(hass, simulator) == (STATE_ON, STATE_OFF)
    simulator.events.confirmations[call.id] = Confirmation(
        event_id=call.id,
        user_id=simulator.organization.users[0].id,
        confirmed_at=datetime.now(UTC),
    )
    simulator.reset_requests()

    with pytest.raises(HomeAssistantError) as err:
        await _check_in(hass, simulator)

    assert err.value.translation_key == "booking_refused"
    assert datetime.now(UTC) == TEN_PAST_ELEVEN + POLL
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)
    assert writes(simulator) == [_check_in_sent(call)]
    assert confirmation_reads(simulator, call.id) == 0
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 4 * POLL)
    assert _shows(hass, simulator) == (STATE_OFF, STATE_ON)


@pytest.mark.usefixtures("time_zone")
async def test_the_offices_check_in_robin_says_was_made_already_is_done(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """People arrive for the customer call; the organiser checks in at the display as well.

    The office read the check-in (none), then its check-in reaches Robin second: "already
    confirmed". Checked in shows it; no warning, nothing tried again, no event of the office's.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in_events = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.faults.hold_next(path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.reset_requests()
    caplog.clear()

    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await simulator.faults.wait_until_held()
    simulator.events.confirmations[call.id] = Confirmation(
        event_id=call.id,
        user_id=simulator.organization.users[0].id,
        confirmed_at=datetime.now(UTC),
    )
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
    assert robin_warnings(caplog) == []
    assert office_wakes(hass) == []
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert writes(simulator) == [_check_in_sent(call)]
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
    assert checked_in_events == []
