"""Repair issues: Robin's own leave the fix flows of other integrations' issues working."""

from __future__ import annotations

from http import HTTPStatus
from unittest.mock import Mock

from homeassistant.components.repairs import ConfirmRepairFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)

# Another integration, with an issue the user can fix from the Repairs dashboard.
GADGET = "gadget"


async def test_another_integrations_issue_can_still_be_fixed(
    hass: HomeAssistant, hass_client, setup_integration: MockConfigEntry
) -> None:
    # Home Assistant takes a module named repairs.py for the integration's fix flows; on
    # 2026.3 a Robin module of that name without any broke every integration's "Fix".
    mock_integration(hass, MockModule(GADGET))
    mock_platform(
        hass,
        f"{GADGET}.repairs",
        Mock(async_create_fix_flow=lambda *_args: _async_confirm_flow()),
    )
    assert await async_setup_component(hass, GADGET, {})
    assert await async_setup_component(hass, "repairs", {})
    ir.async_create_issue(
        hass,
        GADGET,
        "firmware",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="firmware",
    )
    await hass.async_block_till_done()

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": GADGET, "issue_id": "firmware"}
    )
    assert response.status == HTTPStatus.OK
    assert (await response.json())["step_id"] == "confirm"


async def _async_confirm_flow() -> ConfirmRepairFlow:
    return ConfirmRepairFlow()
