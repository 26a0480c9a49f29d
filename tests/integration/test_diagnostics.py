"""Diagnostics: the token and personal data are removed (their content: test_snapshots.py)."""

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


async def test_diagnostics_redact_the_rooms_calendar_addresses(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    # A room's calendar id is its resource mailbox, the address redacted as
    # space_resource_email: it names the company's mail domain and its rooms.
    addresses = {
        space.calendar.resource_email
        for space in simulator.organization.spaces()
        if space.calendar is not None
    }
    assert addresses
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    text = json.dumps(diagnostics)

    assert [address for address in sorted(addresses) if address in text] == []
