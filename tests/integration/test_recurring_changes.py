"""Extend and end one occurrence of a series."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, room_target, setup_entry_at, titled


async def test_extend_tomorrows_standup_only(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    standups = {e.start: e for e in titled(simulator, "Thames Room", "Stand-up")}
    tomorrow = standups[datetime(2026, 11, 24, 9, 30, tzinfo=UTC)]
    response = await call_action(
        hass,
        "extend_booking",
        {"booking_id": tomorrow.id, "minutes": 10},
        room_target(hass, simulator, "Thames Room"),
    )
    assert response["booking"]["end"] == "2026-11-24T09:55:00+00:00"
    after = {e.start: e for e in titled(simulator, "Thames Room", "Stand-up")}
    assert after[datetime(2026, 11, 24, 9, 30, tzinfo=UTC)].end == datetime(
        2026, 11, 24, 9, 55, tzinfo=UTC
    )
    assert after[datetime(2026, 11, 25, 9, 30, tzinfo=UTC)].end == datetime(
        2026, 11, 25, 9, 45, tzinfo=UTC
    )


async def test_end_the_current_standup_occurrence(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, datetime(2026, 11, 23, 9, 40, tzinfo=UTC))
    response = await call_action(
        hass, "end_booking", {}, room_target(hass, simulator, "Thames Room")
    )
    assert response["cancelled"] is False
    after = {e.start: e for e in titled(simulator, "Thames Room", "Stand-up")}
    assert after[datetime(2026, 11, 23, 9, 30, tzinfo=UTC)].end == datetime(
        2026, 11, 23, 9, 40, tzinfo=UTC
    )
    assert after[datetime(2026, 11, 24, 9, 30, tzinfo=UTC)].end == datetime(
        2026, 11, 24, 9, 45, tzinfo=UTC
    )
    state = hass.states.get(room_target(hass, simulator, "Thames Room")["entity_id"])
    assert state is not None
    assert state.state == "off"
