"""A calendar edit whose answer is lost is recognised on read-back, whatever its description."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import meeting, room_entity_id, ws_command


async def test_lost_answer_on_an_edit_with_a_multi_line_description(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    simulator.faults.drop_next(path=f"/events/{workshop.id}", method="PATCH")
    description = "Agenda:\n- demo\n- questions\n"
    answer = await ws_command(
        hass,
        hass_ws_client,
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": workshop.id,
            "event": {
                "summary": "Client workshop",
                "description": description,
                "dtstart": "2026-11-23T20:00:00+00:00",
                "dtend": "2026-11-23T21:00:00+00:00",
            },
        },
    )
    changed = meeting(simulator, "Hudson Room", "Client workshop")
    assert changed.description == description  # Robin made the change
    assert answer["success"], answer["error"]["message"]


async def test_lost_answer_on_an_edit_with_angle_brackets_in_the_description(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_ws_client: Any,
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    simulator.faults.fail_next(
        503, path=f"/events/{workshop.id}", method="PATCH", after_commit=True
    )
    description = "Bring <laptop> & charger"
    answer = await ws_command(
        hass,
        hass_ws_client,
        {
            "type": "calendar/event/update",
            "entity_id": entity_id,
            "uid": workshop.id,
            "event": {
                "summary": "Client workshop",
                "description": description,
                "dtstart": "2026-11-23T20:00:00+00:00",
                "dtend": "2026-11-23T21:00:00+00:00",
            },
        },
    )
    changed = meeting(simulator, "Hudson Room", "Client workshop")
    assert changed.description == description
    assert answer["success"], answer["error"]["message"]
