"""The Robin config entry, made and changed only through the integration's own flows.

A new entry goes through the config flow, as a person adding the integration would. When the
simulator's URL changes between runs (another ROBIN_SIM_PORT), the entry is pointed at it
through the reconfigure flow, as *Reconfigure* in the UI does; Home Assistant's private
`.storage/core.config_entries` is never edited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import DemoError
from .ha_client import HomeAssistantApi

DOMAIN = "robin"
FLOW = "/api/config/config_entries/flow"
FAILED_STATES = {"setup_error", "migration_error", "failed_unload"}


def _answer(step: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A form's answer: `given` values for its fields; every choice offered or its default."""
    answer: dict[str, Any] = {}
    for field in step["data_schema"]:
        name = field["name"]
        if name in given:
            answer[name] = given[name]
        elif select := field.get("selector", {}).get("select"):
            # The simulator's organization, all its locations (or the entry's, when changing).
            options = [option["value"] for option in select["options"]]
            multiple = select.get("multiple", False)
            answer[name] = field.get("default") or (options if multiple else options[0])
    return answer


async def _finish(api: HomeAssistantApi, step: dict[str, Any], given: dict[str, Any]) -> Any:
    """Answer a flow's forms until it ends; return its last step."""
    while step["type"] == "form":
        if step.get("errors"):
            msg = f"the Robin {step['step_id']} form refused the answer: {step['errors']}"
            raise DemoError(msg)
        step = await api.request("POST", f"{FLOW}/{step['flow_id']}", json=_answer(step, given))
    return step


async def robin_entries(api: HomeAssistantApi) -> list[dict[str, Any]]:
    """The Robin config entries (without their data: the API does not show it)."""
    return list(await api.request("GET", f"/api/config/config_entries/entry?domain={DOMAIN}"))


async def add_entry(api: HomeAssistantApi, base_url: str, token: str) -> dict[str, Any]:
    """Add the Robin integration through the config flow; return the entry."""
    step = await api.request("POST", FLOW, json={"handler": DOMAIN})
    step = await _finish(api, step, {"access_token": token, "url": base_url})
    if step["type"] != "create_entry":
        msg = f"the Robin config flow ended with {step['type']}: {step.get('reason')}"
        raise DemoError(msg)
    return dict(step["result"])


async def point_entry_at(api: HomeAssistantApi, entry_id: str, base_url: str) -> bool:
    """Point the entry at `base_url` through the reconfigure flow; True when it changed.

    The reconfigure form suggests the entry's current URL: when it is already `base_url`, the
    flow is left unfinished, so that the entry is not reloaded for nothing.
    """
    step = await api.request("POST", FLOW, json={"handler": DOMAIN, "entry_id": entry_id})
    current = next(
        (
            (field.get("description") or {}).get("suggested_value")
            for field in step.get("data_schema") or []
            if field["name"] == "url"
        ),
        None,
    )
    if step["type"] == "form" and current == base_url:
        await api.request("DELETE", f"{FLOW}/{step['flow_id']}")
        return False
    step = await _finish(api, step, {"url": base_url})
    if step.get("reason") != "reconfigure_successful":
        msg = f"the Robin reconfigure flow ended with {step['type']}: {step.get('reason')}"
        raise DemoError(msg)
    return True


async def ensure_entry(api: HomeAssistantApi, base_url: str, token: str) -> dict[str, Any]:
    """The Robin entry, pointed at the simulator: added when missing."""
    if entries := await robin_entries(api):
        entry = entries[0]
        if await point_entry_at(api, entry["entry_id"], base_url):
            print(f"demo: pointed the Robin entry at {base_url} (reconfigure flow)")
        return entry
    print("demo: adding the Robin integration through the config flow")
    return await add_entry(api, base_url, token)


async def entry_loaded(api: HomeAssistantApi, entry_id: str, log: Path) -> bool | None:
    """True once the entry is loaded; DemoError when its setup failed for good."""
    entries = await robin_entries(api)
    state = next((e["state"] for e in entries if e["entry_id"] == entry_id), None)
    if state in FAILED_STATES:
        msg = f"the Robin entry is in state {state}; see {log}"
        raise DemoError(msg)
    return True if state == "loaded" else None


# The dashboard says how many people are in a room and until when a free room stays free:
# sensors the integration ships disabled (7 entities a room, not 10).
DASHBOARD_DETAILS = ("people_present", "free_until")


async def enable_dashboard_details(api: HomeAssistantApi, entry_id: str) -> int:
    """Enable those sensors as a user does in their settings; return how many were disabled.

    Home Assistant adds enabled entities when it reloads the entry, 30 seconds later.
    """
    suffixes = tuple(f"_{key}" for key in DASHBOARD_DETAILS)
    enabled = 0
    for entity in await api.ws("config/entity_registry/list"):
        if (
            entity["config_entry_id"] == entry_id
            and entity["disabled_by"] == "integration"
            and (entity["unique_id"] or "").endswith(suffixes)
        ):
            await api.ws(
                "config/entity_registry/update", entity_id=entity["entity_id"], disabled_by=None
            )
            enabled += 1
    return enabled
