"""Repair issues: they go with the entry they are about, and leave other integrations' alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from unittest.mock import Mock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import ConfirmRepairFlow
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_LOCATIONS,
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    ISSUE_LOCATION_REFUSED,
    ISSUE_NO_CHECK_IN_DEVICE,
    ISSUE_NO_PRESENCE_DEVICE,
    ISSUE_OFFICE_ACTIONS_READ_ONLY,
    ISSUE_PRESENCE_READ_ONLY,
    ISSUE_READ_ONLY_TOKEN,
)
from robin_simulator import ACCOUNT_TOKEN, READ_ONLY_TOKEN, RobinSimulator
from robin_simulator.model import Device
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .common import DOMAIN, api_calls, call_action, room_target, setup_with_options
from .conftest import advance
from .office import CUSTOMER_CALL_START, customer_call, run_until, writes

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
    await _ignore_every_issue(hass)

    # A reload (an options change, say) keeps them, and those the user ignored stay
    # ignored: withdrawn and raised again, they would be back in the list.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _ignored(hass) == ENTRY_ISSUES
    await advance(hass, freezer, POLL)
    assert _ignored(hass) == ENTRY_ISSUES

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


# --- the issues that say Robin has no device for Home Assistant ------------------------------

# What an entry whose token is not a user's raises while Robin has no "Home Assistant" device,
# with presence reports and check-in on arrival on: one as it starts, one as people arrive.
DEVICE_ISSUES = {ISSUE_NO_PRESENCE_DEVICE, ISSUE_NO_CHECK_IN_DEVICE}


def _confirmations(simulator: RobinSimulator) -> list[str]:
    """Return the check-ins Robin was asked for, as "PUT /path"."""
    return [call for call in writes(simulator) if call.endswith("/confirmation")]


async def _entry_without_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    report_presence: bool = True,
) -> tuple[MockConfigEntry, Device]:
    """Set up an entry that checks in (and reports presence), as Robin lacks the device.

    Return the entry and the device, deleted in Robin, for the test to register again.
    """
    organization = simulator.organization
    device = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices.remove(device)
    # Set up as the Customer call in the Fleet Room has begun; its people arrive after.
    freezer.move_to(CUSTOMER_CALL_START + timedelta(minutes=2))
    entry = await setup_with_options(
        hass,
        config_entry,
        ACCOUNT_TOKEN,
        **{CONF_REPORT_PRESENCE: report_presence, CONF_CHECK_IN_ON_ARRIVAL: True},
    )
    await hass.async_block_till_done(wait_background_tasks=True)  # the look for the device
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await advance(hass, freezer, POLL)
    raised = DEVICE_ISSUES if report_presence else {ISSUE_NO_CHECK_IN_DEVICE}
    assert set(_robin_issues(hass)) == raised
    assert _confirmations(simulator) == []
    return entry, device


async def _ignore_every_issue(hass: HomeAssistant) -> None:
    for issue in _robin_issues(hass).values():
        ir.async_ignore_issue(hass, DOMAIN, issue.issue_id, True)
    await hass.async_block_till_done()


def _ignored(hass: HomeAssistant) -> set[str]:
    return {key for key, issue in _robin_issues(hass).items() if issue.dismissed_version}


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _change_options(hass: HomeAssistant, entry: MockConfigEntry, **changes: object) -> None:
    """Change some options in the options dialog, keeping the others; the entry reloads."""
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {**entry.options, **changes}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_ignored_device_issues_stay_ignored_across_reloads_while_robin_lacks_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, _device = await _entry_without_the_device(hass, simulator, config_entry, freezer)
    await _ignore_every_issue(hass)

    # A reload (an options change, say) looks for the device again, and Robin still has
    # none: the issues stay, ignored, through the reload and the polls after it.
    simulator.reset_requests()
    await _reload(hass, entry)
    assert _ignored(hass) == DEVICE_ISSUES
    assert f"GET /v1.0/organizations/{simulator.organization.id}/devices" in api_calls(simulator)
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert _ignored(hass) == DEVICE_ISSUES
    assert _confirmations(simulator) == []


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("report_presence", [True, False], ids=["and_presence", "check_in_only"])
async def test_a_reload_once_the_device_is_registered_withdraws_its_issues(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    report_presence: bool,
) -> None:
    """The issues say: register the device, then reload. Nobody is left to check in."""
    entry, device = await _entry_without_the_device(
        hass, simulator, config_entry, freezer, report_presence=report_presence
    )
    simulator.end_presence(simulator.find_space("Fleet Room").id)
    await advance(hass, freezer, POLL)
    simulator.organization.devices.append(device)
    simulator.reset_requests()

    await _reload(hass, entry)
    assert _robin_issues(hass) == {}
    assert _confirmations(simulator) == []


async def test_the_device_found_by_a_check_in_action_withdraws_both_issues(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    _entry, device = await _entry_without_the_device(hass, simulator, config_entry, freezer)
    simulator.organization.devices.append(device)

    # The user registers the device and checks the Customer call in by hand: Robin has it,
    # for presence reports too, without a reload.
    response = await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert response["booking"]["id"] == customer_call(simulator).id
    assert _robin_issues(hass) == {}
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert _robin_issues(hass) == {}


async def test_turning_an_option_off_withdraws_its_issues_and_keeps_the_others_ignored(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, _device = await _entry_without_the_device(hass, simulator, config_entry, freezer)
    await _ignore_every_issue(hass)

    await _change_options(hass, entry, **{CONF_CHECK_IN_ON_ARRIVAL: False})
    assert _ignored(hass) == {ISSUE_NO_PRESENCE_DEVICE}
    assert set(_robin_issues(hass)) == {ISSUE_NO_PRESENCE_DEVICE}

    await _change_options(hass, entry, **{CONF_REPORT_PRESENCE: False})
    assert _robin_issues(hass) == {}
    await advance(hass, freezer, POLL)
    assert _robin_issues(hass) == {}


async def test_options_turned_off_withdraw_their_issues_even_when_the_setup_then_fails(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    entry = await setup_with_options(
        hass,
        config_entry,
        READ_ONLY_TOKEN,
        **{CONF_RELEASE_NO_SHOWS: True, CONF_REPORT_PRESENCE: True},
    )
    assert set(_robin_issues(hass)) == {
        ISSUE_READ_ONLY_TOKEN,
        ISSUE_OFFICE_ACTIONS_READ_ONLY,
        ISSUE_PRESENCE_READ_ONLY,
    }

    # Robin fails as the entry reloads with the writing options off: its setup waits to
    # retry, and only the issue about the token itself is left.
    simulator.faults.refuse(503, "v1.0")
    await _change_options(
        hass, entry, **{CONF_RELEASE_NO_SHOWS: False, CONF_REPORT_PRESENCE: False}
    )
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert set(_robin_issues(hass)) == {ISSUE_READ_ONLY_TOKEN}


async def test_disabling_or_removing_the_entry_withdraws_the_device_issues(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, _device = await _entry_without_the_device(hass, simulator, config_entry, freezer)
    await _ignore_every_issue(hass)

    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert _robin_issues(hass) == {}
    await advance(hass, freezer, POLL)
    assert _robin_issues(hass) == {}

    # Enabled again, Robin still lacks the device: reports cannot be made (told at once);
    # the people in the Fleet Room are not checked in (told at the next poll).
    assert await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    await advance(hass, freezer, POLL)
    assert set(_robin_issues(hass)) == DEVICE_ISSUES

    # Robin fails as the entry reloads: its setup waits to retry, the issues stay.
    simulator.faults.refuse(503, "v1.0")
    assert not await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert set(_robin_issues(hass)) == DEVICE_ISSUES

    # Removed while not loaded, it takes them with it.
    assert (await hass.config_entries.async_remove(entry.entry_id))["require_restart"] is False
    await hass.async_block_till_done()
    assert _robin_issues(hass) == {}


# --- the device issues while the token can only read, and the hourly look -------------------

# What a read-only token with presence reports and check-in on arrival on raises.
READ_ONLY_ISSUES = {ISSUE_READ_ONLY_TOKEN, ISSUE_PRESENCE_READ_ONLY, ISSUE_OFFICE_ACTIONS_READ_ONLY}
# Another token of the organization that can write and has no user behind it.
SECOND_ACCOUNT_TOKEN = "robin-sim-second-account-token"


async def _reconfigure_token(hass: HomeAssistant, entry: MockConfigEntry, token: str) -> None:
    """Enter another token with Reconfigure, keeping the address and locations; it reloads."""
    flow = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_URL: entry.data[CONF_URL], CONF_ACCESS_TOKEN: token}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(id_) for id_ in entry.data[CONF_LOCATIONS]]}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)


async def _reauthenticate(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    token: str,
) -> None:
    """Robin stops accepting the token; the user re-authenticates with `token`; it reloads."""
    simulator.revoke_token(entry.data[CONF_ACCESS_TOKEN])
    await advance(hass, freezer, POLL)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_ACCESS_TOKEN: token}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("replaced_by", ["reauth", "reconfigure"])
async def test_a_read_only_token_withdraws_the_device_issues_until_a_writable_one_misses_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    replaced_by: str,
) -> None:
    """A token that can only read reports and checks in nothing: no device would help."""
    entry, _device = await _entry_without_the_device(hass, simulator, config_entry, freezer)

    if replaced_by == "reauth":
        await _reauthenticate(hass, simulator, entry, freezer, READ_ONLY_TOKEN)
    else:
        await _reconfigure_token(hass, entry, READ_ONLY_TOKEN)
    assert set(_robin_issues(hass)) == READ_ONLY_ISSUES
    # People are still in the Fleet Room, whose Customer call can still be checked in.
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert set(_robin_issues(hass)) == READ_ONLY_ISSUES
    assert _confirmations(simulator) == []

    # A token that can write, and Robin still has no device: presence reports miss it, and
    # so does the check-in of the people in the Fleet Room (its window is open until 11:10).
    simulator.add_token(SECOND_ACCOUNT_TOKEN, can_list_organizations=False, with_user=False)
    assert datetime.now(UTC) < CUSTOMER_CALL_START + timedelta(minutes=10)
    await _reconfigure_token(hass, entry, SECOND_ACCOUNT_TOKEN)
    assert set(_robin_issues(hass)) == DEVICE_ISSUES
    assert _confirmations(simulator) == []


async def test_the_check_in_issue_goes_within_the_hour_of_registering_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """As it promises, with no reload, check-in, action or presence report to find it.

    Presence reports are off, and nobody arrives for a booking once the issue is up.
    """
    entry, device = await _entry_without_the_device(
        hass, simulator, config_entry, freezer, report_presence=False
    )
    simulator.end_presence(simulator.find_space("Fleet Room").id)
    devices = f"GET /v1.0/organizations/{simulator.organization.id}/devices"
    simulator.reset_requests()

    # While Robin has none, it is looked for once an hour, no more.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(hours=2, minutes=30))
    assert api_calls(simulator).count(devices) == 2
    assert set(_robin_issues(hass)) == {ISSUE_NO_CHECK_IN_DEVICE}

    # 13:30: registered in Robin. The next hourly look finds it.
    simulator.organization.devices.append(device)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(hours=3, minutes=30))
    assert _robin_issues(hass) == {}
    assert api_calls(simulator).count(devices) == 3
    assert _confirmations(simulator) == []
    assert entry.state is ConfigEntryState.LOADED
