"""Actions without booking_id act on the room's current booking: never on a cancelled one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, meeting, room_target, writes
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


async def test_a_failed_cancel_robin_made_and_keeps_marked_cancelled_counts_as_done(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """Robin answers 500 to the cancel, yet holds the booking as cancelled: it is done."""
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.faults.fail_next(500, path=f"/events/{review.id}", method="DELETE")
    review.status = "cancelled"  # what a Robin that keeps cancelled occurrences reads back
    response = await call_action(
        hass,
        "cancel_booking",
        {"booking_id": review.id},
        room_target(hass, simulator, "Fleet Room"),
    )
    assert response["cancelled"] is True


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("extend_booking", {"minutes": 15}),
        ("end_booking", {}),
        ("check_in", {}),
        ("cancel_booking", {}),
    ],
)
async def test_actions_by_id_do_not_act_on_a_booking_robin_marks_cancelled(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    action: str,
    data: dict[str, int],
) -> None:
    """Given its id, a cancelled booking is not found: nothing is extended, ended or confirmed."""
    thames = simulator.find_space("Thames Room")
    called_off = simulator.add_event(
        thames.id,
        "Called off",
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 10, 45, tzinfo=UTC),
    )
    called_off.status = "cancelled"  # Robin keeps the occurrence readable, marked so
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await call_action(
            hass,
            action,
            {**data, "booking_id": called_off.id},
            room_target(hass, simulator, "Thames Room"),
        )
    assert err.value.translation_key == "booking_not_found"
    assert str(err.value) == f"Booking {called_off.id} was not found in Thames Room"
    assert writes(simulator) == []
    assert called_off.id not in simulator.events.confirmations
