"""A check-in retried after a refusal reads the check-in first: one made meanwhile shows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_CHECK_IN_ON_ARRIVAL, EVENT_BOOKING_CHECKED_IN
from robin_simulator import RobinSimulator
from robin_simulator.model import Confirmation
from robin_simulator.model import Event as SimEvent

from .common import setup_with_options
from .office import CUSTOMER_CALL_START, capture, customer_call, run_until, state, writes


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
    [warned] = [
        record.getMessage()
        for record in caplog.records
        if record.name == "custom_components.robin" and record.levelno >= logging.WARNING
    ]
    assert warned.startswith(f"Could not check in booking {call.id} in Fleet Room: ")
