"""A calendar edit whose answer is lost is recognised on read-back, whatever its description."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import meeting, room_entity_id, ws_command


@pytest.mark.parametrize(
    ("lost", "description"),
    [
        ("dropped", "Agenda:\n- demo\n- questions\n"),  # Robin reads it back trimmed
        ("503_after_the_change", "Bring <laptop> & charger"),  # and as text, not HTML
    ],
)
async def test_a_lost_answer_to_an_edit_of_the_description_is_read_back_as_made(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    *,
    hass_ws_client: Any,
    lost: str,
    description: str,
) -> None:
    workshop = meeting(simulator, "Hudson Room", "Client workshop")
    entity_id = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    path = f"/events/{workshop.id}"
    if lost == "dropped":
        simulator.faults.drop_next(path=path, method="PATCH")
    else:
        simulator.faults.fail_next(503, path=path, method="PATCH", after_commit=True)
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
