"""Repair issues: they go with the entry they are about, and leave other integrations' alone."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from unittest.mock import Mock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import ConfirmRepairFlow
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)

from custom_components.robin.const import (
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    ISSUE_LOCATION_REFUSED,
    ISSUE_OFFICE_ACTIONS_READ_ONLY,
    ISSUE_PRESENCE_READ_ONLY,
    ISSUE_READ_ONLY_TOKEN,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator

from .common import DOMAIN, setup_with_options
from .conftest import advance

# Another integration, with an issue the user can fix from the Repairs dashboard.
GADGET = "gadget"

POLL = timedelta(seconds=60)
# Polls of a location refused in a row before its repair issue shows (README: a few minutes).
POLLS_BEFORE_LOCATION_ISSUE = 3
# What a read-only token with the writing options on, and a location Robin refuses, raise.
ENTRY_ISSUES = {
    ISSUE_READ_ONLY_TOKEN,
    ISSUE_OFFICE_ACTIONS_READ_ONLY,
    ISSUE_PRESENCE_READ_ONLY,
    ISSUE_LOCATION_REFUSED,
}


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


def _robin_issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    """Return the Repairs entries Robin's issues make, by what they are about."""
    return {
        issue.translation_key or issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.active
    }


async def _entry_with_every_lasting_issue(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Set up an entry whose token can only read, with the writing options on, London refused."""
    entry = await setup_with_options(
        hass,
        config_entry,
        READ_ONLY_TOKEN,
        **{CONF_RELEASE_NO_SHOWS: True, CONF_REPORT_PRESENCE: True},
    )
    simulator.faults.refuse(403, f"locations/{simulator.find_location('London HQ').id}")
    for _ in range(POLLS_BEFORE_LOCATION_ISSUE):
        await advance(hass, freezer, POLL)
    assert set(_robin_issues(hass)) == ENTRY_ISSUES
    return entry


async def test_a_disabled_entrys_issues_leave_repairs_until_it_is_enabled_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await _entry_with_every_lasting_issue(hass, simulator, config_entry, freezer)
    read_only = _robin_issues(hass)[ISSUE_READ_ONLY_TOKEN]
    ir.async_ignore_issue(hass, DOMAIN, read_only.issue_id, True)

    # A reload (an options change, say) keeps them, and the one the user ignored stays
    # ignored: withdrawn and raised again, it would be back in the list.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    issues = _robin_issues(hass)
    assert set(issues) == ENTRY_ISSUES
    assert issues[ISSUE_READ_ONLY_TOKEN].dismissed_version is not None

    # Disabled, the entry does nothing any more: nothing left to repair.
    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert _robin_issues(hass) == {}
    await advance(hass, freezer, POLL)
    assert _robin_issues(hass) == {}

    # Enabled again, the token can still only read and Robin still refuses London.
    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    for _ in range(POLLS_BEFORE_LOCATION_ISSUE):
        await advance(hass, freezer, POLL)
    assert set(_robin_issues(hass)) == ENTRY_ISSUES

    # Removed, it takes them with it.
    assert (await hass.config_entries.async_remove(entry.entry_id))["require_restart"] is False
    await hass.async_block_till_done()
    assert _robin_issues(hass) == {}


async def test_an_entry_disabled_while_its_setup_waits_to_retry_leaves_no_issue(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await _entry_with_every_lasting_issue(hass, simulator, config_entry, freezer)
    # Robin fails as the entry reloads: its setup waits to retry, its issues stay.
    simulator.faults.refuse(503, "v1.0")
    assert not await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert ISSUE_READ_ONLY_TOKEN in _robin_issues(hass)

    # The user disables it rather than wait for Robin: no unload runs, the issues go anyway.
    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert _robin_issues(hass) == {}
