"""An offline Home Assistant core in this process, made the way its own tests make one."""

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.resolver import ThreadedResolver
from homeassistant import loader
from homeassistant.core import HomeAssistant
from homeassistant.helpers import aiohttp_client
from homeassistant.setup import async_setup_component

# After homeassistant: pytest-homeassistant-custom-component imports voluptuous itself.
from pytest_homeassistant_custom_component.common import async_test_home_assistant

# Both columns' entity platforms, set up before either is measured: neither pays for them.
SHARED_COMPONENTS = ("sensor", "binary_sensor", "calendar")


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def confirm_http_config(hass: HomeAssistant) -> None:
    """Confirm the HTTP settings, as a user does after changing them.

    Home Assistant 2026.10 treats new HTTP settings as a trial and restarts to revert them
    unless confirmed within minutes: the benchmark's clock passes that deadline.
    """
    try:
        from homeassistant.components.http.config import (  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415 - newer HA only
            async_get_and_load_store,
        )
    except ImportError:
        return
    store = await async_get_and_load_store(hass)
    if store.revert_deadline is not None:
        await store.async_promote_pending()


class _PlainResolver(ThreadedResolver):
    """The system resolver (the simulator is on 127.0.0.1), closed as Home Assistant expects."""

    async def real_close(self) -> None:
        """Home Assistant closes its resolver with this name."""
        await self.close()


def _plain_resolver(_hass: HomeAssistant) -> _PlainResolver:
    return _PlainResolver()


@asynccontextmanager
async def running_home_assistant(config_dir: Path) -> AsyncIterator[HomeAssistant]:
    """A running core with its registries in memory, custom integrations enabled.

    Registries are not written to disk (the test harness' stores); the HTTP server binds
    127.0.0.1 only (the calendar needs the `http` integration).
    """
    # As the test harness does: no multicast DNS (zeroconf) behind Home Assistant's HTTP client.
    aiohttp_client._async_make_resolver = _plain_resolver  # type: ignore[assignment]  # noqa: SLF001
    async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # find custom_components/robin
        await hass.config.async_set_time_zone("Europe/London")
        http = {"server_host": ["127.0.0.1"], "server_port": free_port()}
        if not await async_setup_component(hass, "http", {"http": http}):
            msg = "Home Assistant's http integration did not set up"
            raise RuntimeError(msg)
        await confirm_http_config(hass)
        for domain in SHARED_COMPONENTS:
            if not await async_setup_component(hass, domain, {}):
                msg = f"Home Assistant's {domain} integration did not set up"
                raise RuntimeError(msg)
        await hass.async_block_till_done()
        yield hass
        await hass.async_stop(force=True)
