"""find_free_space's amenities field offers the amenity names of the rooms Robin has.

services.yaml is static, so it declares a text field that takes several names; once rooms
are known, the field's description is replaced (`async_set_service_schema`) by a select of
the amenity names found on the rooms of every loaded Robin entry, still open to typed
names. These are the organization's amenities that can match a room; they cost no request.
"""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.service import async_get_all_descriptions, async_set_service_schema
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .coordinator import RobinConfigEntry
from .services import ATTR_AMENITIES, SERVICE_FIND_FREE_SPACE

_OFFERED: HassKey[list[str]] = HassKey(f"{DOMAIN}_offered_amenities")


def amenity_names(hass: HomeAssistant, setting_up: RobinConfigEntry) -> list[str]:
    """Return the amenity names of the rooms of every loaded entry, sorted.

    setting_up is the entry whose setup asks: not loaded yet, but its rooms are known.
    """
    entries: list[RobinConfigEntry] = hass.config_entries.async_entries(DOMAIN)
    names = {
        name
        for entry in entries
        if entry.state is ConfigEntryState.LOADED or entry is setting_up
        for space in entry.runtime_data.data.spaces.values()
        for name in space.amenities
    }
    return sorted(names, key=str.casefold)


async def async_offer_amenity_names(hass: HomeAssistant, setting_up: RobinConfigEntry) -> None:
    """Make the amenities field offer the rooms' amenity names, if they changed."""
    names = amenity_names(hass, setting_up)
    if not names or hass.data.get(_OFFERED) == names:
        return
    hass.data[_OFFERED] = names
    # Registered by async_setup, before any entry, and never removed: always described.
    current = (await async_get_all_descriptions(hass))[DOMAIN][SERVICE_FIND_FREE_SPACE]
    fields: dict[str, Any] = copy.deepcopy(current["fields"])
    fields[ATTR_AMENITIES]["selector"] = {
        "select": {"options": names, "multiple": True, "custom_value": True}
    }
    description = {key: current[key] for key in ("name", "description") if key in current}
    async_set_service_schema(
        hass, DOMAIN, SERVICE_FIND_FREE_SPACE, {**description, "fields": fields}
    )


@callback
def async_follow_amenities(hass: HomeAssistant, entry: RobinConfigEntry) -> CALLBACK_TYPE:
    """Offer the names now and whenever the entry's rooms change; return the unsubscriber."""

    @callback
    def offer() -> None:
        entry.async_create_background_task(
            hass, async_offer_amenity_names(hass, entry), f"{DOMAIN} amenity names"
        )

    offer()
    return entry.runtime_data.async_add_listener(offer)
