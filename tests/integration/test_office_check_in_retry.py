"""A check-in retried after a refusal reads the check-in first: one made meanwhile shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_CHECK_IN_ON_ARRIVAL, EVENT_BOOKING_CHECKED_IN
from custom_components.robin.office_actions import office_actor
from robin_simulator import RobinSimulator
from robin_simulator.model import Confirmation
from robin_simulator.model import Event as SimEvent

from .common import robin_warnings, setup_with_options
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    capture,
    confirmation_reads,
    customer_call,
    office_wakes,
    run_until,
    state,
    writes,
)


async def _people_arrive_for_the_call(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> tuple[SimEvent, list[Event]]:
    """Check in on arrival; people come into the Fleet Room 2 minutes into its Customer call.

    Returns the call and the check-in events fired from the setup on.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    return call, checked_in


async def test_check_in_made_elsewhere_during_retry_is_shown(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    call, _ = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    # Robin is briefly rate limiting the check-in.
    simulator.faults.fail_next(429, path=f"/events/{call.id}/confirmation", method="PUT")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    # Meanwhile the organiser taps "check in" on the room display.
    simulator.events.confirmations[call.id] = Confirmation(
        event_id=call.id,
        user_id=simulator.organization.users[0].id,
        confirmed_at=datetime.now(UTC),
    )
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"


async def test_a_check_in_is_not_given_up_while_robin_fails_to_show_the_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    call, checked_in = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    # The check-in is read, then rate limited; the retry's reads fail twice.
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.fail_next(429, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.faults.fail_next(500, 2, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=9))
    # Checked in once Robin answers, well before the check-in window closes.
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2
    assert call.id in simulator.events.confirmations
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_whose_answer_was_lost_is_told_once_robin_shows_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    call, checked_in = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    # The check-in is read; Robin checks the booking in, but its answer is lost (twice:
    # the client sends the PUT again) and reading it back fails too.
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.drop_next(2, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.faults.fail_next(500, 2, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=12))
    assert simulator.faults.pending == 0
    # Checked in once, and told once, when Robin shows the check-in.
    assert call.id in simulator.events.confirmations
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"
    # The lost answer is one warning in the log, naming the booking.
    [warned] = robin_warnings(caplog)
    assert warned.startswith(f"Could not check in booking {call.id} in Fleet Room: ")


@pytest.mark.usefixtures("time_zone")
async def test_a_lost_check_in_robin_does_not_show_in_its_window_is_forgotten_as_it_closes(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin checks the call in but the answer is lost, and Robin cannot be read until 11:10.

    Its check-in window closes at 11:10 (the grace period's end): the check-in is told only
    while it is open, so nothing is kept of it from then on.
    """
    call, checked_in = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.drop_next(2, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.faults.fail_next(500, 1000, path=f"/events/{call.id}", method="GET")
    window_closes = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, window_closes - timedelta(seconds=1))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2
    actor = office_actor(hass, config_entry)
    assert call.id in actor._check_ins_unsure  # looked up while the window is open

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert call.id not in actor._check_ins_unsure
    # Robin shows it from 11:15: too late to be told, as before.
    await run_until(hass, freezer, window_closes + timedelta(minutes=5))
    simulator.faults.clear()
    await run_until(hass, freezer, window_closes + timedelta(minutes=10))
    assert checked_in == []
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2


@pytest.mark.usefixtures("time_zone")
async def test_a_lost_check_in_of_a_booking_moved_later_is_told_in_its_new_window(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin checks the call in but the answer is lost; its organiser moves it to 11:30.

    Robin cannot be read until 11:12, past the first window's close; the people stay. The
    check-in is still followed, and told once Robin shows it in the new window.
    """
    call, checked_in = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.drop_next(2, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.faults.fail_next(500, 1000, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    moved_start = CUSTOMER_CALL_START + timedelta(minutes=30)
    simulator.events.save(replace(call, start=moved_start, end=moved_start + timedelta(hours=1)))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=12))
    simulator.faults.clear()
    await run_until(hass, freezer, moved_start + timedelta(minutes=5))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert [event.data["start"] for event in checked_in] == [moved_start.isoformat()]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"


@pytest.mark.usefixtures("time_zone")
async def test_the_last_check_in_whose_answer_was_lost_is_read_back_and_told(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses the check-in twice (409); it makes the third but fails its answer (500).

    Reading it back at once fails too. The third is the last attempt: the check-in is read
    back a minute later (11:06, its window open until 11:10), never sent a fourth time.
    """
    call, checked_in = await _people_arrive_for_the_call(hass, simulator, config_entry, freezer)
    confirmation = f"/events/{call.id}/confirmation"
    simulator.faults.fail_next(409, 2, path=confirmation, method="PUT")
    simulator.faults.fail_next(500, path=confirmation, method="PUT", after_commit=True)
    # The check-in is read before each attempt; the read-back right after the third fails.
    simulator.faults.serve_next(3, path=f"/events/{call.id}", method="GET")
    simulator.faults.fail_next(500, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    assert simulator.faults.pending == 0
    assert writes(simulator) == [f"PUT /v1.0{confirmation}"] * 3
    assert call.id in simulator.events.confirmations  # Robin made the last one
    assert checked_in == []
    assert state(hass, simulator, "Fleet Room", "checked_in") == "off"

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=6))
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"
    # Told once, and nothing more is sent, until the call's end.
    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert writes(simulator) == [f"PUT /v1.0{confirmation}"] * 3
    assert len(checked_in) == 1


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_refused_as_its_window_closes_leaves_nothing_to_wake_for(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People arrive at 11:08:30; Robin refuses the check-in at 11:09 (409).

    Its retry would come at 11:10, as the check-in window closes: too late to check in.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    window_closes = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, window_closes - timedelta(seconds=90))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.faults.fail_next(409, path=f"/events/{call.id}/confirmation", method="PUT")
    await run_until(hass, freezer, window_closes - timedelta(minutes=1))  # 11:09: refused
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert office_wakes(hass) == []
    await run_until(hass, freezer, window_closes + timedelta(minutes=5))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "off"


async def _check_in_lost_then_people_leave(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    made: bool,
) -> tuple[SimEvent, list[Event]]:
    """Polls every 30 s; people come into the Fleet Room at 11:02 and leave at 11:02:30.

    The 11:02:30 poll sees them and checks the Customer call in: Robin makes the check-in
    or not (`made`), its answer is lost and reading it back fails, so it is read back at
    11:03:30. The 11:03 poll sees the room empty: nobody is there for the call by then.
    Returns the call and the check-in events fired from the setup on.
    """
    await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_SCAN_INTERVAL: 30}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    fleet = simulator.find_space("Fleet Room").id
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(fleet)
    confirmation = f"/events/{call.id}/confirmation"
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")  # read before
    if made:  # the answer is lost twice: the client sends the PUT again
        simulator.faults.drop_next(2, path=confirmation, method="PUT")
    else:
        simulator.faults.fail_next(500, path=confirmation, method="PUT")
    read_back = f"/events/{call.id}"  # the client reads it back after a lost answer
    simulator.faults.fail_next(500, 2 if made else 1, path=read_back, method="GET")
    await advance(hass, freezer, timedelta(seconds=30))  # 11:02:30
    assert simulator.faults.pending == 0
    assert writes(simulator) == [f"PUT /v1.0{confirmation}"] * (2 if made else 1)
    assert (call.id in simulator.events.confirmations) is made
    assert checked_in == []
    assert state(hass, simulator, "Fleet Room", "checked_in") == "off"

    simulator.end_presence(fleet)
    await advance(hass, freezer, timedelta(seconds=30))  # 11:03
    assert state(hass, simulator, "Fleet Room", "occupancy") == "off"
    return call, checked_in


@pytest.mark.usefixtures("time_zone")
async def test_a_lost_check_in_is_read_back_and_told_after_the_people_left(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin made the check-in whose answer was lost; its read-back comes due at 11:03:30.

    Nobody is in the room by then: it is read back all the same, and told.
    """
    call, checked_in = await _check_in_lost_then_people_leave(
        hass, simulator, config_entry, freezer, made=True
    )
    reads = confirmation_reads(simulator, call.id)
    await advance(hass, freezer, timedelta(seconds=30))  # 11:03:30
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"
    assert confirmation_reads(simulator, call.id) == reads + 1

    # Told once; nothing more is read or sent, until the call's end.
    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert len(checked_in) == 1
    assert confirmation_reads(simulator, call.id) == reads + 1
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2


@pytest.mark.usefixtures("time_zone")
async def test_a_lost_check_in_robin_did_not_make_is_not_sent_once_the_people_left(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin did not make the check-in whose answer was lost; nobody is there at 11:03:30.

    It is read back once, and not sent again for the empty room. People coming back while
    the check-in window is open (until 11:10) are checked in, as after a refusal.
    """
    call, checked_in = await _check_in_lost_then_people_leave(
        hass, simulator, config_entry, freezer, made=False
    )
    reads = confirmation_reads(simulator, call.id)
    await advance(hass, freezer, timedelta(seconds=30))  # 11:03:30
    assert confirmation_reads(simulator, call.id) == reads + 1
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=6))
    assert confirmation_reads(simulator, call.id) == reads + 1
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert checked_in == []
    assert state(hass, simulator, "Fleet Room", "checked_in") == "off"

    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await advance(hass, freezer, timedelta(seconds=30))  # 11:06:30
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_lost_in_its_windows_last_minute_is_read_back_before_it_closes(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People arrive late: the 11:09 check-in is made, its answer lost, reading it back fails.

    A minute later the window (until 11:10) has closed: it is read back just before, and
    told, so Checked in shows what Robin has.
    """
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    window_closes = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, window_closes - timedelta(seconds=90))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    confirmation = f"/events/{call.id}/confirmation"
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")  # read before
    simulator.faults.drop_next(2, path=confirmation, method="PUT")  # sent again once
    simulator.faults.fail_next(500, 2, path=f"/events/{call.id}", method="GET")
    await run_until(hass, freezer, window_closes - timedelta(minutes=1))  # 11:09: lost
    assert simulator.faults.pending == 0
    assert call.id in simulator.events.confirmations
    assert checked_in == []
    assert state(hass, simulator, "Fleet Room", "checked_in") == "off"
    reads = confirmation_reads(simulator, call.id)

    await advance(hass, freezer, timedelta(seconds=55))  # 11:09:55
    assert confirmation_reads(simulator, call.id) == reads + 1
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == "on"
    assert writes(simulator) == [f"PUT /v1.0{confirmation}"] * 2
    await run_until(hass, freezer, window_closes + timedelta(minutes=5))
    assert confirmation_reads(simulator, call.id) == reads + 1
    assert len(checked_in) == 1
