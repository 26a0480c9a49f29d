"""Actions without booking_id act on the room's current booking: never on a cancelled one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, room_target, writes
from .conftest import advance


async def test_extend_without_id_does_not_act_on_a_cancelled_booking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    called_off = simulator.add_event(
        thames.id,
        "Called off",
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 10, 45, tzinfo=UTC),
    )
    called_off.status = "cancelled"
    await advance(hass, freezer, timedelta(seconds=60))
    # The calendar shows no meeting now (a cancelled booking is never shown)...
    calendar = hass.states.get(room_target(hass, simulator, "Thames Room")["entity_id"])
    assert calendar is not None
    assert calendar.state == "off", calendar
    simulator.reset_requests()
    # ...so "extend the current booking" has nothing to extend.
    with pytest.raises(ServiceValidationError):
        await call_action(
            hass, "extend_booking", {"minutes": 15}, room_target(hass, simulator, "Thames Room")
        )
    assert writes(simulator) == []
