"""find_free_space for an entry whose locations Robin no longer has: a clear answer."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_LOCATIONS
from robin_simulator import RobinSimulator

from .common import DOMAIN
from .conftest import entry_for


async def test_an_entry_following_no_location_says_so(
    hass: HomeAssistant, simulator: RobinSimulator, simulator_url: str
) -> None:
    """Its only location was deleted in Robin: nothing to search, and the error tells why."""
    entry = entry_for(simulator, simulator_url, {})
    entry = MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        options=dict(entry.options),
        data={**entry.data, CONF_LOCATIONS: [987654]},  # Robin answers 404 for it
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "find_free_space",
            {"config_entry_id": entry.entry_id, "duration": "00:30:00"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "no_locations_followed"
