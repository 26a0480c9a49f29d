"""Diagnostics: useful to a maintainer, with the token and personal data removed."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from robin_simulator import RobinSimulator


async def test_diagnostics_redact_token_and_people(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    text = json.dumps(diagnostics)

    assert simulator.token not in text
    assert "@acme-robotics.example" not in text  # organizer and invitee emails
    assert "London Bridge Street" not in text  # the office address
    assert "Design review" not in text  # meeting titles can be confidential
    assert diagnostics["entry"]["data"]["access_token"] == "**REDACTED**"

    # What a maintainer needs is still there.
    assert diagnostics["token"]["scopes"] == ["basic_read", "basic_write"]
    assert diagnostics["location_events_supported"] is True
    spaces = diagnostics["data"]["spaces"]
    assert {space["name"] for space in spaces.values()} >= {"Thames Room", "Fleet Room"}
    fleet = simulator.find_space("Fleet Room")
    assert diagnostics["data"]["people_present"][str(fleet.id)] == 3
