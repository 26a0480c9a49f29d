"""Robin for Home Assistant: rooms, presence and bookings of Robin workplaces."""

from __future__ import annotations

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.json import json_loads

from .amenity_selector import async_follow_amenities
from .api import RetryAfterGate, RobinClient
from .check_in import forget_entry_identity
from .const import (
    CONF_ORGANIZATION_ID,
    CONF_REPORT_PRESENCE,
    DEFAULT_REPORT_PRESENCE,
    DOMAIN,
)
from .coordinator import RobinConfigEntry, RobinCoordinator
from .issues import async_delete_entry_issues, async_withdraw_issues_of_options_off
from .office_actions import async_remove_office, async_start_office
from .presence_reporter import REPORTED_BEFORE_RELOAD, PresenceReporter
from .presence_sources import async_follow_renamed_sources
from .presence_sources_flow import async_keep_titles_current
from .services import async_setup_services

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.CALENDAR, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# Robin's Retry-After outlives one setup: a retried setup or a reload must obey it too.
RETRY_AFTER_GATES: HassKey[dict[str, RetryAfterGate]] = HassKey(f"{DOMAIN}_retry_after_gates")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, which exist whether or not an entry is loaded."""
    async_setup_services(hass)

    @callback
    def withdraw_issues_of_disabled_entry(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        # Here rather than in async_unload_entry: an entry disabled while its setup waits for
        # a retry is unloaded without it. A reload keeps the issues: withdrawn, they would
        # vanish and come back (a refused location's only 3 polls later), forgetting that
        # the user ignored them. The setup that follows withdraws those whose cause is gone.
        if (
            change is ConfigEntryChange.UPDATED
            and entry.domain == DOMAIN
            and entry.disabled_by is not None
            and entry.state is ConfigEntryState.NOT_LOADED
        ):
            async_delete_entry_issues(hass, entry.entry_id)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, withdraw_issues_of_disabled_entry)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RobinConfigEntry) -> bool:
    """Connect to Robin, discover the rooms and start polling."""
    async_withdraw_issues_of_options_off(hass, entry)
    client = RobinClient(
        async_get_clientsession(hass),
        entry.data[CONF_ACCESS_TOKEN],
        base_url=entry.data[CONF_URL],
        organization_id=entry.data[CONF_ORGANIZATION_ID],
        retry_after_gate=hass.data.setdefault(RETRY_AFTER_GATES, {}).setdefault(
            entry.entry_id, RetryAfterGate()
        ),
        json_loads=json_loads,
    )
    coordinator = RobinCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await async_start_office(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(async_follow_amenities(hass, entry))
    # Also while the option is off: the chosen sensors are kept for when it is turned on.
    entry.async_on_unload(async_follow_renamed_sources(hass, entry))
    entry.async_on_unload(async_keep_titles_current(entry))
    if entry.options.get(CONF_REPORT_PRESENCE, DEFAULT_REPORT_PRESENCE):
        # Started once the rooms' devices exist: their areas say which sensors count.
        reporter = PresenceReporter(hass, coordinator)
        reporter.async_start()
        entry.async_on_unload(reporter.async_stop)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: RobinConfigEntry) -> bool:
    """Stop polling and remove the entities."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: RobinConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete a room's or location's device once Robin no longer lists it."""
    if entry.state is not ConfigEntryState.LOADED:
        # Which rooms Robin lists is known only while loaded (no runtime data otherwise).
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"entry": entry.title},
        )
    return entry.runtime_data.async_forget_device(set(device.identifiers))


async def async_remove_entry(hass: HomeAssistant, entry: RobinConfigEntry) -> None:
    """Remove what outlives the entry's setup: repair issues, Retry-After, records, identity."""
    hass.data.get(RETRY_AFTER_GATES, {}).pop(entry.entry_id, None)
    hass.data.get(REPORTED_BEFORE_RELOAD, {}).pop(entry.entry_id, None)
    forget_entry_identity(hass, entry.entry_id)
    async_delete_entry_issues(hass, entry.entry_id)
    await async_remove_office(hass, entry.entry_id)
