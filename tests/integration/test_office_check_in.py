"""Checking in when people arrive for a booking."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import api_calls, setup_with_options
from .office import (
    CUSTOMER_CALL_START,
    POLL,
    capture,
    customer_call,
    icon_shown,
    run_until,
    state,
    writes,
)


async def test_a_meeting_is_checked_in_once_when_people_arrive(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(
        hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_RELEASE_NO_SHOWS: True}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    # The design review's people are in the room from 10:00, past its check-in window,
    # and still there when the customer call's opens at 10:55: neither is checked in.
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    assert writes(simulator) == []
    assert checked_in == []
    assert state(hass, simulator, "Fleet Room", "occupancy") == STATE_OFF

    # Someone turns up for the call at 11:02: the next poll sees them and checks in.
    fleet = simulator.find_space("Fleet Room")
    simulator.start_presence(fleet.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert call.id in simulator.events.confirmations
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert checked_in[0].data["room"] == "Fleet Room"
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON

    # Once only: they stay, they leave, the grace period ends; no no-show, no release.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=6))
    simulator.end_presence(fleet.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=10) + 3 * POLL)
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert len(checked_in) == 1
    assert released == []
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON


async def test_nothing_is_checked_in_with_the_option_off(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=1))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=12))
    assert writes(simulator) == []
    assert not any(call.endswith("/confirmation") for call in api_calls(simulator))
    # People came: not a no-show, so Robin is not asked whether anyone checked in.
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_UNKNOWN
    assert not any(record.query.get("include") == "confirmation" for record in simulator.requests)


async def test_people_there_before_the_check_in_window_check_in_once_it_starts(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    # People come early, at 10:50, before the call's check-in window opens at 10:55.
    await run_until(hass, freezer, CUSTOMER_CALL_START - timedelta(minutes=10))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    # They may still be the previous meeting's until the call starts ...
    await run_until(hass, freezer, CUSTOMER_CALL_START - timedelta(seconds=1))
    assert writes(simulator) == []
    # ... and a poll after the start still sees them there: they are the call's.
    await run_until(hass, freezer, CUSTOMER_CALL_START + POLL)
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON


async def test_the_checked_in_icon_tells_checked_in_not_checked_in_and_not_known_apart(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    # The Thames Room has no booking now: nothing to check in, no question about it.
    assert state(hass, simulator, "Thames Room", "checked_in") == STATE_OFF
    assert (
        await icon_shown(hass, simulator, "Thames Room", "checked_in")
        == "mdi:calendar-blank-outline"
    )
    # The customer call at 11:00, before anyone came: Robin has not been asked.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=1))
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_UNKNOWN
    assert await icon_shown(hass, simulator, "Fleet Room", "checked_in") == "mdi:calendar-question"

    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
    assert await icon_shown(hass, simulator, "Fleet Room", "checked_in") == "mdi:calendar-account"
