"""A meeting synced from another zone's calendar keeps its zone when changed from here."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS
from robin_simulator import RobinSimulator

from .common import call_action, meeting, room_target, setup_with_options
from .office import CUSTOMER_CALL_START, customer_call, run_until


async def test_extending_a_meeting_organised_in_london_keeps_londons_zone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    """A London organiser's meeting in New York: Outlook still shows it in London's time."""
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    simulator.events.save(dataclasses.replace(workshop, time_zone="Europe/London"))

    response = await call_action(
        hass,
        "extend_booking",
        {"booking_id": workshop.id, "minutes": 30},
        room_target(hass, simulator, "Hudson Room"),
    )

    extended = meeting(simulator, "Hudson Room", "Client workshop")
    assert extended.end == workshop.end + timedelta(minutes=30)
    assert extended.end == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    assert extended.time_zone == "Europe/London"
    # The action answers in the room's hours, as its calendar does, whatever Robin's zone.
    assert response["booking"]["end"] == "2026-11-23T14:30:00-05:00"


async def test_releasing_a_no_show_organised_in_new_york_keeps_new_yorks_zone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody comes to the Fleet Room's Customer call, synced from New York: it is ended."""
    call = customer_call(simulator)
    simulator.events.save(dataclasses.replace(call, time_zone="America/New_York"))
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=10))

    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end == CUSTOMER_CALL_START + timedelta(minutes=10)
    assert ended.time_zone == "America/New_York"
