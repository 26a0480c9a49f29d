"""A booking Robin marks cancelled is no no-show and is never released."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator

from .common import setup_with_options
from .office import capture, run_until, state, writes

START = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


async def test_cancelled_booking_is_not_a_no_show_nor_released(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    called_off = simulator.add_event(thames.id, "Called off", START, START + timedelta(hours=1))
    called_off.status = "cancelled"
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    await run_until(hass, freezer, START - timedelta(minutes=1))
    released = capture(hass, EVENT_BOOKING_RELEASED)
    simulator.reset_requests()
    await run_until(hass, freezer, START + timedelta(minutes=12))
    assert state(hass, simulator, "Thames Room", "no_show") == "off"
    assert writes(simulator) == [], "a cancelled booking was released"
    assert released == []
