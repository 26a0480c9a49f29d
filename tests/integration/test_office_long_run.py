"""Over days without a reload, the office keeps records of recent bookings only."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from custom_components.robin.office_actions import FORGET_AFTER, office_actor, storage_key
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .conftest import advance
from .office import CUSTOMER_CALL_START, capture, run_until, writes

DAY = timedelta(days=1)
# Thursday 26 November 2026: nobody comes to a day in the Boardroom, and Robin refuses
# its release every time (at most 3 attempts).
THURSDAY_PREP_START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
THURSDAY_PREP_END = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


async def _run_hourly(hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime) -> None:
    """Let the clock run an hour at a time (a poll each) until `until`."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(timedelta(hours=1), until - now))


async def test_records_of_bookings_long_over_are_dropped_without_a_reload(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    *,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Monday to Thursday afternoon: the Customer call is released every day at 11:10."""
    boardroom = simulator.find_space("Boardroom")
    prep = simulator.add_event(boardroom.id, "Offsite prep", THURSDAY_PREP_START, THURSDAY_PREP_END)
    simulator.faults.fail_next(409, 3, path=f"/events/{prep.id}", method="PATCH")
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    released = capture(hass, EVENT_BOOKING_RELEASED)
    for day in range(3):  # Monday to Wednesday
        await _run_hourly(hass, freezer, CUSTOMER_CALL_START + day * DAY - timedelta(minutes=10))
        await run_until(hass, freezer, CUSTOMER_CALL_START + day * DAY + timedelta(minutes=12))
    # Thursday: the Offsite prep is a no-show at 09:10; Robin refuses its release 3 times.
    await _run_hourly(hass, freezer, THURSDAY_PREP_START - timedelta(minutes=10))
    await run_until(hass, freezer, THURSDAY_PREP_START + timedelta(minutes=14))
    assert writes(simulator).count(f"PATCH /v1.0/events/{prep.id}") == 3
    await run_until(hass, freezer, CUSTOMER_CALL_START + 3 * DAY + timedelta(minutes=12))
    await _run_hourly(hass, freezer, THURSDAY_PREP_END - timedelta(minutes=50))
    # Its organiser renames it: the next poll brings the room's booking anew.
    simulator.events.save(dataclasses.replace(prep, title="Offsite preparation"))
    await run_until(hass, freezer, THURSDAY_PREP_END - timedelta(minutes=45))

    # Every day's call was released; the prep never was, and was asked 3 times in all.
    calls = {event.data["booking_id"]: event.data for event in released}
    assert len(calls) == 4, calls
    assert writes(simulator).count(f"PATCH /v1.0/events/{prep.id}") == 3
    kept_prep = simulator.events.get(prep.id)
    assert kept_prep is not None
    assert kept_prep.end == THURSDAY_PREP_END

    now = datetime.now(UTC)
    long_over = {
        booking_id
        for booking_id, data in calls.items()
        if now - dt_util.parse_datetime(data["end"]) >= FORGET_AFTER
    }
    recent = calls.keys() - long_over
    assert len(long_over) == 2, "Monday's and Tuesday's calls ended two days ago or more"
    # The record of released bookings (kept across restarts) holds recent ones only.
    stored = hass_storage[storage_key(config_entry.entry_id)]["data"]["released"]
    assert stored.keys() == recent
    # So do the attempts and check-in states read, which nothing shows.
    actor = office_actor(hass, config_entry)
    assert long_over.isdisjoint(actor._tries)
    assert long_over.isdisjoint(actor._confirmations)
    assert recent <= actor._confirmations.keys()
    assert actor._tries[prep.id].count == 3
