"""Logbook entries for what the office did by itself: released and checked-in bookings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, EVENT_BOOKING_CHECKED_IN, EVENT_BOOKING_RELEASED


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's events in the logbook."""

    def room_name(data: Mapping[str, Any]) -> str:
        """Return the room's name as the user sees it: their name for its device, if any.

        Looked up when the logbook is read, so a device renamed since shows its new name;
        Robin's name (in the event) serves when the device is gone.
        """
        device_id = data.get("device_id")
        device = dr.async_get(hass).async_get(device_id) if device_id else None
        if device is not None and (name := device.name_by_user or device.name):
            return name
        return str(data["room"])

    @callback
    def released(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        action = "cancelled" if data.get("cancelled") else "ended"
        title = data.get("title")
        booking = f"the no-show booking {title!r}" if title else "the untitled no-show booking"
        return {
            LOGBOOK_ENTRY_NAME: room_name(data),
            LOGBOOK_ENTRY_MESSAGE: f"{action} {booking} in Robin",
        }

    @callback
    def checked_in(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        title = data.get("title")
        booking = repr(title) if title else "the untitled booking"
        return {
            LOGBOOK_ENTRY_NAME: room_name(data),
            LOGBOOK_ENTRY_MESSAGE: f"checked in {booking} in Robin as people arrived",
        }

    async_describe_event(DOMAIN, EVENT_BOOKING_RELEASED, released)
    async_describe_event(DOMAIN, EVENT_BOOKING_CHECKED_IN, checked_in)
