"""The logbook's words for what the office did: released and checked-in bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.robin import logbook
from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import DOMAIN, device_with_identifier, setup_with_options
from .conftest import MONDAY_MORNING
from .office import CUSTOMER_CALL_START, run_until

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


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder's database before Home Assistant starts, as the recorder needs."""


@pytest.mark.parametrize(
    ("someone_comes", "message"),
    [
        (False, "ended the no-show booking 'Customer call' in Robin"),
        (True, "checked in 'Customer call' in Robin as people arrived"),
    ],
    ids=["released", "checked_in"],
)
async def test_the_logbook_names_the_room_as_the_user_named_its_device(  # noqa: PLR0917 - fixtures
    recorder_mock: Recorder,  # the logbook reads what the recorder stored
    hass: HomeAssistant,
    hass_ws_client: Any,
    hass_access_token: str,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    someone_comes: bool,
    message: str,
) -> None:
    # The logbook registers a panel with the frontend, whose package the floor version's
    # test environment lacks; the logbook itself is Home Assistant's own.
    mock_integration(hass, MockModule("frontend"))
    assert await async_setup_component(hass, "logbook", {})
    options = {CONF_RELEASE_NO_SHOWS: True, CONF_CHECK_IN_ON_ARRIVAL: True}
    await setup_with_options(hass, config_entry, **options)
    fleet = simulator.find_space("Fleet Room")
    device = device_with_identifier(hass, config_entry.entry_id, f"space_{fleet.id}")
    assert device is not None
    # The user calls the Fleet Room by the name on its door.
    dr.async_get(hass).async_update_device(device.id, name_by_user="Room 2.14")
    # The user's access token lasts 30 minutes; the frontend renews it, so does the test.
    signed_in = hass.auth.async_validate_access_token(hass_access_token)
    assert signed_in is not None

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    if someone_comes:
        simulator.start_presence(fleet.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    await async_wait_recording_done(hass)

    # The room's device page shows its logbook: the entries of the device's events.
    client = await hass_ws_client(hass, hass.auth.async_create_access_token(signed_in))
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": MONDAY_MORNING.isoformat(),
            "device_ids": [device.id],
        }
    )
    answer = await client.receive_json()
    assert answer["success"]
    entries = [entry for entry in answer["result"] if entry.get("domain") == DOMAIN]
    assert [(entry["name"], entry["message"]) for entry in entries] == [("Room 2.14", message)]
