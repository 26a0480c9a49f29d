"""The two columns: this integration (set up through its config flow) and per-room `rest`."""

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from .simulator import Room, SimulatorProcess

INTEGRATION = "robin"
DIY = "rest"
POLL_SECONDS = 60


async def add_integration(hass: HomeAssistant, sim: SimulatorProcess) -> dict[str, Any]:
    """Go through the config flow up to its last form: the simulator's token, every location.

    Returns the last form; `finish_integration` submits it, which creates and sets up the entry.
    """
    result = await hass.config_entries.flow.async_init(INTEGRATION, context={"source": "user"})
    answers: dict[str, dict[str, Any]] = {
        "user": {"access_token": sim.token, "url": sim.base_url},
    }
    while result["type"] is FlowResultType.FORM and result["step_id"] in answers:
        if result.get("errors"):
            msg = f"the config flow refused {result['step_id']}: {result['errors']}"
            raise RuntimeError(msg)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers[result["step_id"]]
        )
    if result["type"] is not FlowResultType.FORM:
        msg = f"the config flow ended early: {result}"
        raise RuntimeError(msg)
    return dict(result)


async def finish_integration(hass: HomeAssistant, last_form: dict[str, Any]) -> ConfigEntry:
    """Submit the last form with its defaults (every location): the entry is set up."""
    result = await hass.config_entries.flow.async_configure(last_form["flow_id"], {})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        msg = f"the config flow did not create the entry: {result}"
        raise RuntimeError(msg)
    await hass.async_block_till_done()
    entry = result["result"]
    if entry.state is not ConfigEntryState.LOADED:
        msg = f"the entry did not load: {entry.state}"
        raise RuntimeError(msg)
    return entry


def rest_config(sim: SimulatorProcess, rooms: list[Room]) -> list[dict[str, Any]]:
    """What a user writes without this integration: two `rest` resources per room.

    `GET /spaces/{id}/state` gives occupancy, people present and availability;
    `GET /spaces/{id}/events` (from now) the next booking. Every 60 s, like the integration.
    """
    headers = {"Authorization": f"Access-Token {sim.token}"}
    resources: list[dict[str, Any]] = []
    for room in rooms:
        common = {"method": "GET", "headers": headers, "scan_interval": POLL_SECONDS}
        resources.append(
            {
                **common,
                "resource": f"{sim.base_url}/spaces/{room.id}/state",
                "binary_sensor": [
                    {
                        "name": f"{room.name} occupancy",
                        "unique_id": f"diy_{room.id}_occupancy",
                        "device_class": "occupancy",
                        "value_template": "{{ value_json.data.present > 0 }}",
                    }
                ],
                "sensor": [
                    {
                        "name": f"{room.name} people present",
                        "unique_id": f"diy_{room.id}_people_present",
                        "value_template": "{{ value_json.data.present }}",
                    },
                    {
                        "name": f"{room.name} availability",
                        "unique_id": f"diy_{room.id}_availability",
                        "value_template": "{{ value_json.data.availability }}",
                    },
                ],
            }
        )
        resources.append(
            {
                **common,
                "resource": f"{sim.base_url}/spaces/{room.id}/events",
                "sensor": [
                    {
                        "name": f"{room.name} next booking",
                        "unique_id": f"diy_{room.id}_next_booking",
                        "device_class": "timestamp",
                        "value_template": (
                            "{{ value_json.data[0].start.date_time if value_json.data }}"
                        ),
                    }
                ],
            }
        )
    return resources


async def add_diy(hass: HomeAssistant, resources: list[dict[str, Any]]) -> None:
    """Set up the `rest` integration with these resources (YAML, as users write it)."""
    if not await async_setup_component(hass, DIY, {DIY: resources}):
        msg = "the rest integration did not set up"
        raise RuntimeError(msg)
    await hass.async_block_till_done()


def entities_of(hass: HomeAssistant) -> dict[str, str]:
    """Each column's entity ids, from the entity registry: entity id -> column."""
    return {
        entry.entity_id: entry.platform
        for entry in er.async_get(hass).entities.values()
        if entry.platform in {INTEGRATION, DIY}
    }
