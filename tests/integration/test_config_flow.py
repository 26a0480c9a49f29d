"""The config flow against the simulator: setup, errors, recovery, reauth, reconfigure, options."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
    FlowType,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_SCAN_INTERVAL, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.config_flow_checks import RobinLogin, RobinSetupError
from custom_components.robin.const import (
    CONF_CALENDAR_DAYS,
    CONF_INCLUDE_UNBOOKABLE,
    CONF_LOCATIONS,
    CONF_ORGANIZATION,
    CONF_ORGANIZATION_ID,
    CONF_REPORT_PRESENCE,
    DOMAIN,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator, run_simulator

from .common import api_calls, robin_warnings, room_entity_id
from .conftest import MONDAY_MORNING

LONDON = 2117
NEW_YORK = 2118
ORG_TOKEN = "org-level-token"
CLOSED_PORT_URL = "http://127.0.0.1:9/v1.0"
TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components" / "robin" / "translations" / "en.json"
)


def _abort_text(reason: str) -> str:
    """Return what the user reads for an abort reason."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    return strings["config"]["abort"][reason]


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result["flow_id"]


async def test_user_flow_creates_entry_with_chosen_locations(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url + "/"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "locations"
    assert result["description_placeholders"] == {"organization": "Acme Robotics"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_LOCATIONS: [str(LONDON)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Acme Robotics"
    assert result["data"] == {
        CONF_ACCESS_TOKEN: simulator.token,
        CONF_URL: simulator_url,
        CONF_ORGANIZATION_ID: 2672,
        CONF_LOCATIONS: [LONDON],
    }
    assert result["result"].unique_id == "2672"


@pytest.mark.parametrize(
    ("break_it", "error"),
    [
        (lambda _sim: {CONF_ACCESS_TOKEN: "not-a-token"}, "invalid_auth"),
        (lambda _sim: {CONF_URL: CLOSED_PORT_URL}, "cannot_connect"),
        (lambda sim: sim.faults.fail_next(status=503) or {}, "cannot_connect"),
        (lambda sim: sim.faults.malformed_next() or {}, "cannot_connect"),
        (lambda sim: sim.faults.rate_limit_next(retry_after=30) or {}, "rate_limited"),
        (lambda sim: sim.faults.fail_next(status=418) or {}, "unknown"),
        (
            lambda sim: sim.faults.fail_next(status=500, path="/me/organizations") or {},
            "cannot_connect",
        ),
        (
            lambda sim: (
                sim.add_token("expired", expire_at=sim.clock.now() - timedelta(days=1))
                and {CONF_ACCESS_TOKEN: "expired"}
            ),
            "invalid_auth",
        ),
    ],
    ids=[
        "bad-token",
        "closed-port",
        "robin-503",
        "not-json",
        "robin-429",
        "odd-status",
        "orgs-500",
        "expired",
    ],
)
async def test_user_flow_shows_error_then_recovers(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str, break_it, error: str
) -> None:
    flow_id = await _start(hass)
    good = {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    result = await hass.config_entries.flow.async_configure(flow_id, good | break_it(simulator))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}

    result = await hass.config_entries.flow.async_configure(flow_id, good)
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_LOCATIONS: [str(LONDON), str(NEW_YORK)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_LOCATIONS] == [LONDON, NEW_YORK]


async def test_locations_must_not_be_empty(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    flow_id = await _start(hass)
    await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_LOCATIONS: []})
    assert result["errors"] == {"base": "no_locations_selected"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_LOCATIONS: [str(NEW_YORK)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_organization_twice_aborts(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    config_entry: MockConfigEntry,
) -> None:
    config_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_org_level_token_asks_for_the_organization(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.add_token(ORG_TOKEN, can_list_organizations=False)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: ORG_TOKEN, CONF_URL: simulator_url}
    )
    assert result["step_id"] == "organization_manual"

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ORGANIZATION: "no-such-org"}
    )
    assert result["errors"] == {CONF_ORGANIZATION: "organization_not_found"}

    simulator.faults.fail_next(status=502)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ORGANIZATION: "acme-robotics"}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ORGANIZATION: " acme-robotics "}
    )
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_LOCATIONS: [str(LONDON)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ORGANIZATION_ID] == 2672


async def test_org_level_token_naming_a_disabled_organization_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.add_other_organization(
        4242, "Globex", slug="globex", disabled_at=MONDAY_MORNING - timedelta(days=30)
    )
    simulator.add_token(ORG_TOKEN, organizations=[2672, 4242], can_list_organizations=False)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: ORG_TOKEN, CONF_URL: simulator_url}
    )
    assert result["step_id"] == "organization_manual"

    for disabled in ("globex", "4242"):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_ORGANIZATION: disabled}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "organization_manual"
        assert result["errors"] == {CONF_ORGANIZATION: "organization_disabled"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ORGANIZATION: "acme-robotics"}
    )
    assert result["step_id"] == "locations"
    assert result["description_placeholders"] == {"organization": "Acme Robotics"}


@pytest.mark.parametrize("typed", ["..", "."])
async def test_an_organization_a_url_would_resolve_away_is_not_found_without_asking_robin(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str, typed: str
) -> None:
    simulator.add_token(ORG_TOKEN, can_list_organizations=False)
    flow_id = await _start(hass)
    await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: ORG_TOKEN, CONF_URL: simulator_url}
    )
    simulator.reset_requests()
    # Sent, `/organizations/..` would be `/`: whatever answered there is no organization.
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_ORGANIZATION: typed})
    assert result["errors"] == {CONF_ORGANIZATION: "organization_not_found"}
    assert api_calls(simulator) == []


async def test_a_disabled_organization_is_not_offered(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.add_other_organization(4242, "Globex", slug="globex")
    simulator.add_other_organization(
        4343, "Initech", slug="initech", disabled_at=MONDAY_MORNING - timedelta(days=30)
    )
    simulator.add_token("multi", organizations=[4242, 2672, 4343])
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "multi", CONF_URL: simulator_url}
    )
    assert result["step_id"] == "organization"
    options = result["data_schema"].schema[CONF_ORGANIZATION].config["options"]
    assert {option["label"] for option in options} == {"Acme Robotics", "Globex"}


async def test_a_token_whose_organizations_are_all_disabled_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.organization.disabled_at = MONDAY_MORNING - timedelta(days=1)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_organizations"


async def test_several_organizations_are_offered(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.add_other_organization(4242, "Globex", slug="globex")
    simulator.add_token("multi", organizations=[4242, 2672])
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "multi", CONF_URL: simulator_url}
    )
    assert result["step_id"] == "organization"
    options = result["data_schema"].schema[CONF_ORGANIZATION].config["options"]
    assert {option["label"] for option in options} == {"Acme Robotics", "Globex"}

    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_ORGANIZATION: "2672"})
    assert result["step_id"] == "locations"


async def test_an_organization_set_up_already_is_not_offered(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    config_entry: MockConfigEntry,
) -> None:
    config_entry.add_to_hass(hass)  # Acme Robotics
    simulator.add_other_organization(4242, "Globex", slug="globex")
    simulator.add_other_organization(4343, "Initech", slug="initech")
    simulator.add_token("multi", organizations=[4242, 2672, 4343])
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "multi", CONF_URL: simulator_url}
    )
    assert result["step_id"] == "organization"
    options = result["data_schema"].schema[CONF_ORGANIZATION].config["options"]
    assert {option["label"] for option in options} == {"Globex", "Initech"}


async def test_the_one_organization_not_set_up_yet_is_taken_without_asking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    config_entry: MockConfigEntry,
) -> None:
    config_entry.add_to_hass(hass)  # Acme Robotics
    simulator.add_other_organization(4242, "Globex", slug="globex")
    simulator.add_token("multi", organizations=[4242, 2672])
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "multi", CONF_URL: simulator_url}
    )
    # Globex was taken (the simulator gives it no locations), not Acme Robotics (already set up).
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_locations"


async def test_token_without_organizations_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.add_token("lonely", organizations=[])
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "lonely", CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_organizations"


async def test_organization_without_locations_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.organization.locations.clear()
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_locations"


async def test_locations_unreadable_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    simulator.faults.fail_next(status=500, path="/locations")
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.parametrize("status", [403, 404])
async def test_locations_refused_abort_in_words(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str, status: int
) -> None:
    simulator.faults.fail_next(status=status, path="/organizations/2672/locations")
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "locations_refused"
    assert "locations" in _abort_text("locations_refused")


async def test_reauth_takes_a_new_token(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    simulator.add_token("fresh-token")
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["organization"] == "Acme Robotics"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    simulator.faults.fail_next(status=500, path="/me/organizations")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "fresh-token"}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "fresh-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_ACCESS_TOKEN] == "fresh-token"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reauth_with_org_level_token_checks_the_organization(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    simulator.add_token(ORG_TOKEN, can_list_organizations=False)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: ORG_TOKEN}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_ACCESS_TOKEN] == ORG_TOKEN


@pytest.mark.parametrize("can_list", [True, False])
async def test_reauth_with_another_organizations_token_aborts(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    can_list: bool,
) -> None:
    entry = setup_integration
    simulator.add_other_organization(4242, "Globex", slug="globex")
    simulator.add_token("globex-token", organizations=[4242], can_list_organizations=can_list)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "globex-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_organization"
    assert _abort_text("wrong_organization") == "This token belongs to another Robin organization."
    assert entry.data[CONF_ACCESS_TOKEN] == simulator.token


async def test_reauth_with_a_token_without_organizations_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    simulator.add_token("lonely", organizations=[])
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "lonely"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_organization"
    assert entry.data[CONF_ACCESS_TOKEN] == simulator.token


async def test_reconfigure_changes_url_and_locations(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    entry = setup_integration
    thames = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    hudson = room_entity_id(hass, simulator, "Hudson Room", "binary_sensor", "occupancy")
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: CLOSED_PORT_URL}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.faults.fail_next(status=500, path="/me/organizations")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url + "/"}
    )
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(NEW_YORK)]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_LOCATIONS] == [NEW_YORK]
    assert entry.data[CONF_URL] == simulator_url
    await hass.async_block_till_done()
    assert hass.states.get(thames) is None
    assert hass.states.get(hudson).state == "off"


async def test_reauth_while_reconfigure_is_open(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    reconfigure = await entry.start_reconfigure_flow(hass)
    reconfigure = await hass.config_entries.flow.async_configure(
        reconfigure["flow_id"], {CONF_URL: entry.data[CONF_URL]}
    )
    assert reconfigure["step_id"] == "locations"
    simulator.add_token("fresh-token")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "fresh-token"}
    )
    assert result["reason"] == "reauth_successful"
    # Finishing the reconfigure keeps the token the reauth stored meanwhile.
    result = await hass.config_entries.flow.async_configure(
        reconfigure["flow_id"], {CONF_LOCATIONS: [str(NEW_YORK)]}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_ACCESS_TOKEN] == "fresh-token"
    assert entry.data[CONF_LOCATIONS] == [NEW_YORK]


# The address in use, as stored or as a paste brings it back: the same Robin either way.
SAME_ADDRESS = pytest.mark.parametrize(
    "typed", ["{}", " {}/ "], ids=["as_stored", "with_spaces_and_slash"]
)


@SAME_ADDRESS
async def test_reconfigure_with_a_refused_token_hands_over_to_reauth(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry, typed: str
) -> None:
    # The token field left empty: the Robin in use refusing the stored token is for the
    # reauth flow, which says so.
    entry = setup_integration
    stored = dict(entry.data)
    simulator.revoke_token(simulator.token)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: typed.format(entry.data[CONF_URL])}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    assert "re-authenticate" in _abort_text("reauth_required")
    assert entry.data == stored
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [(flow["context"]["source"], flow["step_id"]) for flow in flows] == [
        (SOURCE_REAUTH, "reauth_confirm")
    ]
    # The frontend opens the reauth flow right away.
    assert result["next_flow"] == (FlowType.CONFIG_FLOW, flows[0]["flow_id"])

    simulator.add_token("fresh-token")
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_ACCESS_TOKEN: "fresh-token"}
    )
    assert result["reason"] == "reauth_successful"
    assert entry.data == stored | {CONF_ACCESS_TOKEN: "fresh-token"}


async def test_reconfigure_with_a_stored_token_that_cannot_be_sent_hands_over_to_reauth(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    token = f"{simulator.token[:4]}\n{simulator.token[4:]}"
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_ACCESS_TOKEN: token})
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: entry.data[CONF_URL]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert result["next_flow"] == (FlowType.CONFIG_FLOW, flows[0]["flow_id"])


async def test_reconfigure_with_a_refused_token_keeps_the_open_reauth(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    simulator.revoke_token(simulator.token)
    reauth = await entry.start_reauth_flow(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: entry.data[CONF_URL]}
    )
    assert result["reason"] == "reauth_required"
    assert result["next_flow"] == (FlowType.CONFIG_FLOW, reauth["flow_id"])
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["flow_id"] for flow in flows] == [reauth["flow_id"]]


def _suggested_url(result: ConfigFlowResult) -> str:
    """Return the address the reconfigure form shows in its field."""
    [key] = [key for key in result["data_schema"].schema if key == CONF_URL]
    return key.description["suggested_value"]


async def test_reconfigure_to_an_address_that_refuses_the_token_asks_to_check_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    # A typo's or another Robin's address says nothing about the token: the Robin in use
    # still accepts it, so re-authenticating there could not help. (Another Robin's own
    # token goes in the form's token field: test_config_flow_reconfigure.py.)
    entry = setup_integration
    stored = dict(entry.data)
    elsewhere = RobinSimulator("demo", token="another-robins-token")
    async with run_simulator(elsewhere, host="127.0.0.1") as elsewhere_url:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: elsewhere_url}
        )
    assert [(r.path, r.status) for r in elsewhere.requests] == [("/v1.0/auth", 401)]
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_URL: "token_refused_at_url"}
    assert _suggested_url(result) == elsewhere_url  # the address to correct stays in the field
    # The text names the address in use, to compare with the one typed.
    assert "{url}" in _error_text("token_refused_at_url")
    assert result["description_placeholders"] == {"url": simulator_url}
    await hass.async_block_till_done()
    assert entry.data == stored
    assert entry.state is ConfigEntryState.LOADED
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_RECONFIGURE]

    # Corrected, the address is taken and the reconfigure goes on.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url}
    )
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(NEW_YORK)]}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == stored | {CONF_LOCATIONS: [NEW_YORK]}


async def test_reconfigure_to_another_address_with_a_revoked_token_leads_to_reauth(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    # The token was revoked while the user moves to another address: back at the address
    # in use (the error names it), Robin refuses it too, and the reauth flow takes a new one.
    entry = setup_integration
    stored = dict(entry.data)
    simulator.revoke_token(simulator.token)
    elsewhere = RobinSimulator("demo", token="another-robins-token")
    async with run_simulator(elsewhere, host="127.0.0.1") as elsewhere_url:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: elsewhere_url}
        )
    assert result["errors"] == {CONF_URL: "token_refused_at_url"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: result["description_placeholders"]["url"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    assert entry.data == stored
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert result["next_flow"] == (FlowType.CONFIG_FLOW, flows[0]["flow_id"])


async def test_reconfigure_to_another_organization_aborts(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    other = RobinSimulator("large", locations=1, spaces_per_location=2)
    other.add_token(simulator.token, organizations=[other.organization.id])
    async with run_simulator(other, host="127.0.0.1") as other_url:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: other_url}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_organization"
    assert _abort_text("wrong_organization") == "This token belongs to another Robin organization."
    assert entry.data[CONF_URL] != other_url
    assert entry.data[CONF_LOCATIONS] == [
        location.id for location in simulator.organization.locations
    ]


def _unexpected_error_logged(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    [record] = [r for r in caplog.records if r.getMessage().startswith("Unexpected error")]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None  # the traceback is in the log
    return record


def _error_text(error: str) -> str:
    """Return what the user reads for a form error."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    return strings["config"]["error"][error]


# Characters a paste may bring into the middle of a token: none can be part of one.
INNER_CHARACTERS = pytest.mark.parametrize(
    "inner",
    ["\n", "\r\n", "\t", "\x00", "\u200b"],
    ids=["line-feed", "crlf", "tab", "nul", "zero-width-space"],
)


@INNER_CHARACTERS
async def test_token_with_an_inner_control_character_is_refused_on_its_field(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    caplog: pytest.LogCaptureFixture,
    inner: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_ACCESS_TOKEN: f"first-half{inner}second-half-of-the-secret", CONF_URL: simulator_url},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACCESS_TOKEN: "invalid_token_characters"}
    assert "line break" in _error_text("invalid_token_characters")
    assert robin_warnings(caplog) == []  # no "Unexpected error" with a traceback
    assert "first-half" not in caplog.text
    assert "second-half-of-the-secret" not in caplog.text

    # Spaces and line breaks around the token are what a paste brings: they are dropped.
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: f" \t{simulator.token}\r\n", CONF_URL: simulator_url}
    )
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_LOCATIONS: [str(LONDON)]}
    )
    assert result["data"][CONF_ACCESS_TOKEN] == simulator.token


async def test_reauth_token_with_a_line_break_is_refused_on_its_field(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = setup_integration
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: "first-half\nsecond-half-of-the-secret"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACCESS_TOKEN: "invalid_token_characters"}
    assert entry.data[CONF_ACCESS_TOKEN] == simulator.token
    assert "second-half-of-the-secret" not in caplog.text


async def test_odd_answer_is_logged_as_unexpected_without_the_token(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    simulator.add_token("a-long-secret-token")
    flow_id = await _start(hass)
    simulator.faults.fail_next(status=418)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "a-long-secret-token", CONF_URL: simulator_url}
    )
    assert result["errors"] == {"base": "unknown"}
    _unexpected_error_logged(caplog)
    assert "a-long-secret-token" not in caplog.text

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: "a-long-secret-token", CONF_URL: simulator_url}
    )
    assert result["step_id"] == "locations"


async def test_unexpected_error_reading_locations_is_logged(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    simulator.faults.fail_next(status=418, path="/organizations/2672/locations")
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown"
    _unexpected_error_logged(caplog)
    assert simulator.token not in caplog.text


def test_every_error_the_checks_raise_is_translated() -> None:
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"]
    checks = RobinSetupError.__subclasses__()
    assert {check.error_key for check in checks} <= set(strings["error"])
    # The locations step aborts with the errors that are not about one field.
    assert {check.error_key for check in checks if check.field == "base"} <= set(strings["abort"])


def test_the_flows_login_never_shows_its_token() -> None:
    login = RobinLogin.from_input(
        {CONF_URL: " https://api.robinpowered.com/v1.0/ ", CONF_ACCESS_TOKEN: " s3cret "}
    )
    assert (login.url, login.token) == ("https://api.robinpowered.com/v1.0", "s3cret")
    assert "s3cret" not in repr(login)
    assert "s3cret" not in str(login)


async def test_read_only_token_can_be_set_up(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_ACCESS_TOKEN: READ_ONLY_TOKEN, CONF_URL: simulator_url}
    )
    assert result["step_id"] == "locations"


async def test_options_are_saved_and_reload_the_entry(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    lounge = room_entity_id(hass, simulator, "Quiet Lounge", "binary_sensor", "occupancy")
    thames = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_SCAN_INTERVAL: 120, CONF_CALENDAR_DAYS: 7, CONF_INCLUDE_UNBOOKABLE: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # Options not on the form this test fills in keep their defaults: off where they write.
    assert (
        entry.options.items()
        >= {
            CONF_SCAN_INTERVAL: 120,
            CONF_CALENDAR_DAYS: 7,
            CONF_INCLUDE_UNBOOKABLE: False,
            CONF_REPORT_PRESENCE: False,
        }.items()
    )
    assert entry.runtime_data.update_interval == timedelta(seconds=120)
    # Rooms that cannot be booked are gone after the reload.
    assert hass.states.get(lounge) is None
    assert hass.states.get(thames).state == "off"
