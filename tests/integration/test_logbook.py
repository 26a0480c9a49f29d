"""The logbook's words for what the office did: released and checked-in bookings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from homeassistant.core import Event, HomeAssistant

from custom_components.robin import logbook
from custom_components.robin.const import EVENT_BOOKING_CHECKED_IN, EVENT_BOOKING_RELEASED

ROOM = {"config_entry_id": "x", "device_id": "d", "space_id": 6352, "room": "Fleet Room"}


def _described(hass: HomeAssistant, event_type: str, data: dict[str, Any]) -> tuple[str, str]:
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def describe_event(
        _domain: str, described_type: str, describe: Callable[[Event], dict[str, str]]
    ) -> None:
        described[described_type] = describe

    logbook.async_describe_events(hass, describe_event)
    entry = described[event_type](Event(event_type, data))
    return entry["name"], entry["message"]


@pytest.mark.parametrize(
    ("event_type", "extra", "message"),
    [
        (
            EVENT_BOOKING_RELEASED,
            {"cancelled": False},
            "ended the untitled no-show booking in Robin",
        ),
        (
            EVENT_BOOKING_RELEASED,
            {"cancelled": True},
            "cancelled the untitled no-show booking in Robin",
        ),
        (
            EVENT_BOOKING_CHECKED_IN,
            {},
            "checked in the untitled booking in Robin as people arrived",
        ),
    ],
    ids=["ended", "cancelled", "checked_in"],
)
async def test_an_untitled_booking_is_called_untitled_not_quoted_empty(
    hass: HomeAssistant, event_type: str, extra: dict[str, Any], message: str
) -> None:
    data = {**ROOM, "booking_id": "1", "title": "", **extra}
    assert _described(hass, event_type, data) == ("Fleet Room", message)


async def test_a_titled_booking_is_quoted(hass: HomeAssistant) -> None:
    data = {**ROOM, "booking_id": "1", "title": "Customer call", "cancelled": False}
    assert _described(hass, EVENT_BOOKING_CHECKED_IN, data) == (
        "Fleet Room",
        "checked in 'Customer call' in Robin as people arrived",
    )
