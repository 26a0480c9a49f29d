"""Logbook entries for what the office did by itself: released and checked-in bookings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_BOOKING_CHECKED_IN, EVENT_BOOKING_RELEASED


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's events in the logbook."""

    @callback
    def released(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        action = "cancelled" if data.get("cancelled") else "ended"
        title = data.get("title")
        booking = f"the no-show booking {title!r}" if title else "the untitled no-show booking"
        return {
            LOGBOOK_ENTRY_NAME: data["room"],
            LOGBOOK_ENTRY_MESSAGE: f"{action} {booking} in Robin",
        }

    @callback
    def checked_in(event: Event) -> dict[str, str]:
        data: Mapping[str, Any] = event.data
        title = data.get("title")
        booking = repr(title) if title else "the untitled booking"
        return {
            LOGBOOK_ENTRY_NAME: data["room"],
            LOGBOOK_ENTRY_MESSAGE: f"checked in {booking} in Robin as people arrived",
        }

    async_describe_event(DOMAIN, EVENT_BOOKING_RELEASED, released)
    async_describe_event(DOMAIN, EVENT_BOOKING_CHECKED_IN, checked_in)
