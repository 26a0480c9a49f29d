"""A reload (an options change, say) while a release or check-in is under way goes on with it."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator

from .common import DOMAIN, setup_with_options
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    capture,
    customer_call,
    run_until,
    state,
    writes,
)

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)
HOME_ASSISTANT_DEVICE = 9930


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_reload_does_not_give_a_refused_release_its_attempts_back(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses to end the no-show (409) every time; the entry reloads in between."""
    entry = await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    simulator.faults.fail_next(409, 10, path=f"/events/{call.id}", method="PATCH")
    patch = f"PATCH /v1.0/events/{call.id}"

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: refused
    await advance(hass, freezer, POLL)  # 11:11:00: refused again
    assert writes(simulator) == [patch] * 2
    await advance(hass, freezer, timedelta(seconds=30))
    await _reload(hass, entry)
    # The reload sends nothing at once: the third and last attempt waits for its minute.
    assert writes(simulator) == [patch] * 2
    await advance(hass, freezer, timedelta(seconds=30))  # 11:12:00
    assert writes(simulator) == [patch] * 3

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 10 * POLL)
    assert writes(simulator) == [patch] * 3  # 3 attempts in all, not 3 more after the reload
    assert released == []
    kept = simulator.events.get(call.id)
    assert kept is not None
    assert kept.end == CUSTOMER_CALL_END


async def test_a_check_in_whose_answer_was_lost_before_a_reload_is_told_once_robin_shows_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await setup_with_options(hass, config_entry, **{CONF_CHECK_IN_ON_ARRIVAL: True})
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    # At the next poll people are seen and the check-in is read; Robin checks the booking
    # in, but its answer is lost (twice: the client sends the PUT again) and reading it
    # back fails (twice: the client's read of the check-in, then the look-up).
    simulator.faults.serve_next(path=f"/events/{call.id}", method="GET")
    simulator.faults.drop_next(2, path=f"/events/{call.id}/confirmation", method="PUT")
    simulator.faults.fail_next(500, 2, path=f"/events/{call.id}", method="GET")
    await advance(hass, freezer, POLL)
    assert simulator.faults.pending == 0
    assert call.id in simulator.events.confirmations
    assert checked_in == []

    # An options change reloads the entry before Robin is read again.
    await _reload(hass, entry)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=12))
    # Asked once (the client's own resend aside), and told once Robin shows it.
    assert writes(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"] * 2
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON


async def test_a_check_in_waiting_for_the_robin_device_is_made_after_a_reload_finds_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The repair says to register the device; the reload that follows looks for it again."""
    organization = simulator.organization
    ours = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices.remove(ours)
    entry = await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=4))
    issue_id = f"no_check_in_device_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    assert call.id not in simulator.events.confirmations

    organization.devices.append(ours)
    await _reload(hass, entry)
    await advance(hass, freezer, POLL)
    confirmation = simulator.events.confirmations[call.id]
    assert confirmation.device_id == HOME_ASSISTANT_DEVICE
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
