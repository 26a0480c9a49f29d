"""Reconfigure moves the entry to another Robin, with that Robin's token if it needs one.

Removing the entry and adding it again would lose what the user gave its devices (names,
areas): the reconfigure form takes the other Robin's token next to its address. An address
that differs only in the case of its scheme or host is the address in use.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.robin.const import CONF_LOCATIONS, DOMAIN
from robin_simulator import RobinSimulator, run_simulator

from .common import device_with_identifier, room_state

OTHER_ROBINS_TOKEN = "another-robins-token"
TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components" / "robin" / "translations" / "en.json"
)


def _strings() -> dict[str, Any]:
    return json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["config"]


async def _open_reconfigure_in_the_browser(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """Open the entry's reconfigure dialog as the frontend does; return what it receives."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_client()
    response = await client.post(
        "/api/config/config_entries/flow", json={"handler": DOMAIN, "entry_id": entry.entry_id}
    )
    assert response.status == HTTPStatus.OK
    form: dict[str, Any] = await response.json()
    assert form["step_id"] == "reconfigure"
    return form


def _thames_device(hass: HomeAssistant, entry: MockConfigEntry, sim: RobinSimulator) -> str:
    device = device_with_identifier(
        hass, entry.entry_id, f"space_{sim.find_space('Thames Room').id}"
    )
    assert device is not None
    return device.id


async def test_reconfigure_to_another_robin_takes_its_token(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = setup_integration
    stored = dict(entry.data)
    devices = dr.async_get(hass)
    thames = _thames_device(hass, entry, simulator)
    devices.async_update_device(thames, name_by_user="Room 2.14")

    form = await _open_reconfigure_in_the_browser(hass, hass_client, entry)
    # The token field hides what is typed, may be left empty, and never holds the stored token.
    fields = {field["name"]: field for field in form["data_schema"]}
    assert fields[CONF_ACCESS_TOKEN]["selector"]["text"]["type"] == "password"
    assert fields[CONF_ACCESS_TOKEN]["optional"] is True
    assert simulator.token not in json.dumps(form)
    assert _strings()["step"]["reconfigure"]["data"][CONF_ACCESS_TOKEN] == "Access token"

    # The same Robin, now also served elsewhere (a proxy, a move), with a token of its own.
    elsewhere = RobinSimulator("demo", token=OTHER_ROBINS_TOKEN)
    async with run_simulator(elsewhere, host="127.0.0.1") as elsewhere_url:
        # The field left empty keeps the stored token, which Robin there refuses: the
        # message says where to put that Robin's token.
        result = await hass.config_entries.flow.async_configure(
            form["flow_id"], {CONF_URL: elsewhere_url, CONF_ACCESS_TOKEN: " "}
        )
        assert result["errors"] == {CONF_URL: "token_refused_at_url"}
        assert "Access token field of this form" in _strings()["error"]["token_refused_at_url"]

        # A token Robin there refuses too: said so, nothing changed.
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: elsewhere_url, CONF_ACCESS_TOKEN: "not-a-token"}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "invalid_auth"}
        assert entry.data == stored

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_URL: elsewhere_url, CONF_ACCESS_TOKEN: f" {OTHER_ROBINS_TOKEN}\n"},
        )
        assert result["step_id"] == "locations"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_LOCATIONS: [str(simulator.find_location("London HQ").id)]}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
        assert entry.data == stored | {
            CONF_URL: elsewhere_url,
            CONF_ACCESS_TOKEN: OTHER_ROBINS_TOKEN,
            CONF_LOCATIONS: [simulator.find_location("London HQ").id],
        }
        # The entry works against the other Robin, and the room keeps the name it was given.
        assert entry.state is ConfigEntryState.LOADED
        elsewhere.start_presence(elsewhere.find_space("Thames Room").id)
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
        assert (
            room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == "on"
        )
        device = devices.async_get(thames)
        assert device is not None
        assert device.name_by_user == "Room 2.14"
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_with_another_organizations_token_aborts(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    stored = dict(entry.data)
    other = RobinSimulator("large", locations=1, spaces_per_location=2)
    other.add_token("globex-token", organizations=[other.organization.id])
    async with run_simulator(other, host="127.0.0.1") as other_url:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_URL: other_url, CONF_ACCESS_TOKEN: "globex-token"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_organization"
    assert entry.data == stored


async def test_reconfigure_refuses_a_new_token_with_a_line_break_on_its_field(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    # The token typed is at fault, not the stored one: no hand-over to re-authentication.
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: entry.data[CONF_URL], CONF_ACCESS_TOKEN: "first-half\nsecond-half"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ACCESS_TOKEN: "invalid_token_characters"}
    assert entry.data[CONF_ACCESS_TOKEN] == simulator.token
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert SOURCE_REAUTH not in {flow["context"]["source"] for flow in flows}


def _in_upper_case(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme.upper()}://{rest}"


async def test_the_address_in_use_in_upper_case_is_the_address_in_use(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    entry = setup_integration
    # Robin refuses the stored token: at the address in use that means re-authenticating,
    # not "Robin at this address does not accept the token".
    simulator.revoke_token(simulator.token)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: _in_upper_case(simulator_url) + "/"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_required"
    assert entry.data[CONF_URL] == simulator_url


async def test_the_address_is_stored_with_scheme_and_host_in_lower_case(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    # The path's case matters to Robin: /V1.0 is another (and here no) API.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url.replace("/v1.0", "/V1.0")}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: f" {_in_upper_case(simulator_url)}/ "}
    )
    assert result["step_id"] == "locations"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(simulator.find_location("London HQ").id)]}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_URL] == simulator_url


async def test_setup_stores_the_address_with_scheme_and_host_in_lower_case(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: _in_upper_case(simulator_url) + "/"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(simulator.find_location("London HQ").id)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == simulator_url
