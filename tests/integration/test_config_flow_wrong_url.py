"""An API URL that reaches a server without Robin's API is a connection problem, not a crash.

Users edit the URL for a proxy or the simulator, and leaving out `/v1.0` is the likely slip:
the server then answers 404 to `GET /auth`. The form must say to check the URL, not show
"Unexpected error" with a traceback in the log.
"""

from __future__ import annotations

import logging

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import DOMAIN
from robin_simulator import RobinSimulator


def _without_api_path(url: str) -> str:
    """Return the simulator's address without the API's `/v1.0`, as a user might type it."""
    assert url.endswith("/v1.0")
    return url.removesuffix("/v1.0")


def _unexpected_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_user_step_with_a_url_without_the_api_path_asks_to_check_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: _without_api_path(simulator_url)},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert _unexpected_errors(caplog) == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: simulator_url}
    )
    assert result["step_id"] == "locations"


async def test_reconfigure_to_a_url_without_the_api_path_asks_to_check_it(
    hass: HomeAssistant,
    simulator_url: str,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: _without_api_path(simulator_url)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert _unexpected_errors(caplog) == []
    assert entry.data[CONF_URL] == simulator_url
