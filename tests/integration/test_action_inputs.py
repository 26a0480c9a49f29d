"""What a user can type into the actions: every input is either done or refused clearly."""

from __future__ import annotations

from typing import Any

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import DOMAIN, api_calls, room_entity_id, writes

FAR_END = "9999-12-31T23:59:59-12:00"
HUGE_DURATION = {"days": 999_999_999}


async def _call(hass: HomeAssistant, action: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(DOMAIN, action, data, blocking=True, return_response=True)


@pytest.mark.parametrize(
    "window",
    [
        {"end": FAR_END},
        {"duration": HUGE_DURATION},
        {"start": "9999-12-31T23:00:00+00:00", "duration": {"hours": 2}},
        {"start": "0001-01-01T00:00:00+14:00", "duration": {"hours": 2}},
        {"start": "2026-11-23T12:00:00+00:00", "end": "3026-11-23T12:00:00+00:00"},
    ],
)
async def test_far_times_are_refused_before_asking_robin(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    window: dict[str, Any],
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "book_space", {"entity_id": thames, **window})
    assert err.value.translation_key == "time_out_of_range"
    assert str(err.value) == "Times must be within 100 years of now"
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "find_free_space", {"config_entry_id": setup_integration.entry_id, **window}
        )
    assert err.value.translation_key == "time_out_of_range"
    assert api_calls(simulator) == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("book_space", {"duration": {"days": 1e10}}),
        ("book_space", {"duration": "99999999999:00:00"}),
        ("book_space", {"duration": 1e20}),
        ("extend_booking", {"minutes": float("inf")}),
        ("find_free_space", {"duration": {"days": float("inf")}}),
        ("find_free_space", {"duration": "00:30:00", "min_capacity": float("inf")}),
    ],
)
async def test_numbers_too_big_for_a_duration_are_invalid_data(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    action: str,
    data: dict[str, Any],
) -> None:
    if action == "find_free_space":
        data = {"config_entry_id": setup_integration.entry_id, **data}
    else:
        thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
        data = {"entity_id": thames, **data}
    simulator.reset_requests()
    with pytest.raises(vol.Invalid):
        await _call(hass, action, data)
    assert writes(simulator) == []


async def test_the_calendar_refuses_far_bookings_and_moves_too(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    thames = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    simulator.reset_requests()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "calendar",
            "create_event",
            {
                "entity_id": thames,
                "summary": "Time capsule",
                "start_date_time": "9999-12-31T22:00:00",
                "end_date_time": "9999-12-31T23:00:00",
            },
            blocking=True,
        )
    assert err.value.translation_key == "time_out_of_range"
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "calendar/event/update",
            "entity_id": thames,
            "uid": "23481829_20261124T093000Z",  # tomorrow's stand-up
            "event": {
                "summary": "Stand-up",
                "dtstart": "2526-11-24T10:00:00+00:00",
                "dtend": "2526-11-24T10:30:00+00:00",
            },
        }
    )
    answer = await client.receive_json()
    assert not answer["success"]
    assert answer["error"]["message"] == "Times must be within 100 years of now"
    assert writes(simulator) == []
