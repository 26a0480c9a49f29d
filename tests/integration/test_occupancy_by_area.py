"""Home Assistant's occupancy triggers by area (2026.7+) with Robin's rooms, as the README shows."""

from __future__ import annotations

import importlib.util
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from robin_simulator import RobinSimulator

from .common import room_entity_id
from .conftest import advance

README = Path(__file__).parents[2] / "README.md"
HAS_OCCUPANCY_TRIGGERS = importlib.util.find_spec("homeassistant.components.occupancy") is not None
POLL = timedelta(seconds=60)


def _readme_example(marker: str) -> dict[str, Any]:
    """Return the README's YAML example that contains `marker`."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    [block] = [block for block in blocks if marker in block]
    return yaml.safe_load(block)


def _areas(calls: list[ServiceCall]) -> list[Any]:
    return [call.data.get("area_id") for call in calls]


async def test_readme_area_example_follows_a_robin_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # What an area target needs: an occupancy sensor whose device is in the room's area.
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    entry = er.async_get(hass).async_get(occupancy)
    assert entry is not None
    assert entry.original_device_class is BinarySensorDeviceClass.OCCUPANCY
    device = dr.async_get(hass).async_get(entry.device_id or "")
    assert device is not None
    assert device.area_id == "fleet_room"
    if not HAS_OCCUPANCY_TRIGGERS:  # Home Assistant before 2026.4 has no occupancy triggers
        return

    light_on = async_mock_service(hass, "light", "turn_on")
    light_off = async_mock_service(hass, "light", "turn_off")
    config = _readme_example("occupancy.detected")
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()

    fleet = simulator.find_space("Fleet Room")
    simulator.end_presence(fleet.id)  # the design review's people leave
    await advance(hass, freezer, POLL)
    assert hass.states.get(occupancy).state == "off"
    await advance(hass, freezer, timedelta(minutes=9))
    assert light_off == []  # clear for less than 10 minutes
    await advance(hass, freezer, timedelta(minutes=1))
    assert _areas(light_off) == [["fleet_room"]]

    simulator.start_presence(fleet.id)
    await advance(hass, freezer, POLL)
    assert _areas(light_on) == [["fleet_room"]]
