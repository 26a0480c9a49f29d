"""Setting up an organization whose setup is already open elsewhere says so in words.

A second "Add integration" for the same organization (in another browser tab, say) is
aborted by Home Assistant with "already_in_progress"; the dialog shows the integration's
text for that reason, or else nothing readable.
"""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.robin.const import CONF_LOCATIONS, DOMAIN
from robin_simulator import RobinSimulator

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / "robin" / "translations"


def _abort_texts(reason: str) -> dict[str, str | None]:
    """Return the text of an abort reason in every translation the integration ships."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))["config"]["abort"].get(reason)
        for path in sorted(TRANSLATIONS.glob("*.json"))
    }


async def _enter_token(hass: HomeAssistant, simulator: RobinSimulator, url: str) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_TOKEN: simulator.token, CONF_URL: url}
    )


async def test_a_second_setup_of_the_same_organization_is_explained(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    first = await _enter_token(hass, simulator, simulator_url)
    assert first["step_id"] == "locations"

    second = await _enter_token(hass, simulator, simulator_url)
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_in_progress"
    texts = _abort_texts("already_in_progress")
    assert texts, "no translation files"
    assert all(texts.values()), texts

    # The first one still finishes.
    result = await hass.config_entries.flow.async_configure(
        first["flow_id"], {CONF_LOCATIONS: [str(simulator.organization.locations[0].id)]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
