"""The owner user, onboarding, and the user's tokens.

The owner is created through Home Assistant's onboarding API. The other onboarding steps are
then recorded as done in `.storage/onboarding`, with Home Assistant stopped (it keeps the file
in memory): completing the core_config step through the API would set up the met, radio
browser, Google Translate and shopping list integrations, which go online, and Home Assistant
has no API that skips a step. It is the only private file written (besides .storage/http, see
configuration.py); the Robin entry is changed through its flows only (integration.py).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from .errors import DemoError
from .files import read_json, write_json
from .ha_client import HomeAssistantApi
from .processes import Child, Children, poll

USERNAME = "demo"
PASSWORD = "demo1234"  # noqa: S105 - the demo's documented login
DISPLAY_NAME = "Demo"
ONBOARDING_STEPS = ("user", "core_config", "analytics", "integration")
START_TIMEOUT = 120


async def create_owner(api: HomeAssistantApi) -> None:
    """The onboarding user step: the owner (an administrator); logs `api` in as the owner."""
    answer = await api.request(
        "POST",
        "/api/onboarding/users",
        json={
            "client_id": api.client_id,
            "name": DISPLAY_NAME,
            "username": USERNAME,
            "password": PASSWORD,
            "language": "en",
        },
    )
    await api.exchange_code(answer["auth_code"])


async def log_in(api: HomeAssistantApi) -> None:
    """Log in as the demo user through the login flow, as the frontend does."""
    flow = await api.request(
        "POST",
        "/auth/login_flow",
        json={
            "client_id": api.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{api.client_id}?auth_callback=1",
        },
    )
    result = await api.request(
        "POST",
        f"/auth/login_flow/{flow['flow_id']}",
        json={"client_id": api.client_id, "username": USERNAME, "password": PASSWORD},
    )
    if result.get("type") != "create_entry":
        msg = f"cannot log in as {USERNAME}: {result.get('errors')}; try scripts/demo --reset"
        raise DemoError(msg)
    await api.exchange_code(result["result"])


def onboarding_done(config_dir: Path) -> bool:
    """Tell whether every onboarding step is recorded as done."""
    return set(ONBOARDING_STEPS) <= _done_steps(config_dir)


def _done_steps(config_dir: Path) -> set[str]:
    stored = read_json(config_dir / ".storage" / "onboarding") or {}
    return set(stored.get("data", {}).get("done", []))


def mark_onboarding_done(config_dir: Path) -> None:
    """Record every onboarding step as done (Home Assistant must be stopped: see above)."""
    path = config_dir / ".storage" / "onboarding"
    stored = read_json(path)
    if stored is None:
        msg = f"{path} is missing: the onboarding user step did not complete"
        raise DemoError(msg)
    stored["data"]["done"] = list(ONBOARDING_STEPS)
    write_json(path, stored)


async def onboard(
    api: HomeAssistantApi,
    config_dir: Path,
    children: Children,
    start_hass: Callable[[], Awaitable[Child]],
) -> Child:
    """First run: create the owner, then restart Home Assistant with onboarding done."""
    hass = await start_hass()
    await poll("Home Assistant's HTTP server", api.http_up, START_TIMEOUT, hass)
    if "user" in _done_steps(config_dir):
        await log_in(api)  # an earlier first run stopped half-way
    else:
        print(f"demo: creating the user {USERNAME!r} through onboarding")
        await create_owner(api)
    # Stopping Home Assistant while it still starts would leave the database unclean.
    await poll("Home Assistant to start", api.running, START_TIMEOUT, hass)
    print("demo: restarting Home Assistant with onboarding marked done")
    await children.stop(hass)
    mark_onboarding_done(config_dir)
    return await start_hass()


async def use_stored_token(api: HomeAssistantApi, state_file: Path) -> None:
    """Log in with the long-lived token of an earlier run, else with the password."""
    stored = read_json(state_file) or {}
    if (token := stored.get("access_token")) and await api.token_works(token):
        api.token = token
        return
    await log_in(api)


async def long_lived_token(api: HomeAssistantApi, state_file: Path) -> str:
    """The long-lived token kept in `state_file`, created when missing or refused."""
    stored = read_json(state_file) or {}
    if (token := stored.get("access_token")) and token == api.token:
        return str(token)  # it is the one logged in with, so it works
    token = await api.ws(
        "auth/long_lived_access_token",
        client_name=f"scripts/demo {time.strftime('%Y-%m-%d %H:%M:%S')}",
        lifespan=3650,
    )
    write_json(state_file, {"access_token": token})
    return str(token)
