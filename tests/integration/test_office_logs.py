"""What the office's own actions log: rooms and booking ids, never titles (README, Privacy)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .conftest import advance
from .office import CUSTOMER_CALL_START, capture, customer_call, run_until, writes

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)


def _robin_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.robin")
    ]


@pytest.mark.parametrize("refused", [False, True], ids=["released", "refused"])
async def test_a_release_logs_the_room_and_booking_id_not_the_title(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    refused: bool,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.robin")
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    if refused:
        simulator.faults.fail_next(409, path=f"/events/{call.id}", method="PATCH")
    simulator.reset_requests()
    caplog.clear()

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: the no-show is released

    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert len(released) == (0 if refused else 1)
    lines = [line for line in _robin_lines(caplog) if "Fleet Room" in line]
    assert lines, _robin_lines(caplog)
    assert all(call.id in line for line in lines), lines
    assert all(call.title not in line for line in _robin_lines(caplog)), lines


async def test_a_refused_check_in_logs_the_room_and_booking_id_not_the_title(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.robin")
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.faults.fail_next(409, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    caplog.clear()

    # Someone turns up at 11:02: the next poll sees them, and Robin refuses the check-in.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))

    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    lines = [line for line in _robin_lines(caplog) if "Fleet Room" in line]
    assert lines, _robin_lines(caplog)
    assert all(call.id in line for line in lines), lines
    assert all(call.title not in line for line in _robin_lines(caplog)), lines
