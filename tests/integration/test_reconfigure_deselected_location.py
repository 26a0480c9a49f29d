"""A location taken out in reconfigure takes its rooms' devices along, at the cost of one read.

After the reload, the rooms of a location the user no longer wants are known only as devices.
Asking Robin about each of them (`GET /spaces/{id}`) costs a burst of one request per room,
hundreds at once for a large office, against a budget of a few requests per location.
"""

from __future__ import annotations

import pytest
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_LOCATIONS
from robin_simulator import RobinSimulator

from .common import api_calls, device_with_identifier

ROOMS_PER_LOCATION = 30


@pytest.fixture
def simulator() -> RobinSimulator:
    """Return an organization of two locations with many rooms each."""
    return RobinSimulator("large", locations=2, spaces_per_location=ROOMS_PER_LOCATION)


async def test_rooms_of_a_location_taken_out_go_without_a_request_each(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    entry = setup_integration
    kept, dropped = simulator.organization.locations
    dropped_rooms = [f"space_{space.id}" for space in dropped.spaces]
    assert all(device_with_identifier(hass, entry.entry_id, room) for room in dropped_rooms)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url}
    )
    simulator.reset_requests()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(kept.id)]}
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()

    # The dropped location and its rooms are gone; the kept ones stay.
    assert device_with_identifier(hass, entry.entry_id, f"location_{dropped.id}") is None
    assert [
        room for room in dropped_rooms if device_with_identifier(hass, entry.entry_id, room)
    ] == []
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1 + len(kept.spaces)
    # ... learnt from one read of the dropped location's rooms, not one request per room.
    room_reads = [call for call in api_calls(simulator) if call.startswith("GET /v1.0/spaces/")]
    assert room_reads == []
    assert api_calls(simulator).count(f"GET /v1.0/locations/{dropped.id}/spaces") <= 1
