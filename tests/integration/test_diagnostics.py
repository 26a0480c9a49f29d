"""Diagnostics: the token and personal data are removed (their content: test_snapshots.py).

Of the cached bookings they give each room's count and its current and next booking, not
every booking of the window: thousands at hundreds of rooms.

They tell as whom check-ins are made, without saying who the token's user is, which sensors
were chosen to report each room's presence and which count for it (chosen or in its area),
and which locations Robin refuses.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.robin.const import (
    CONF_RELEASE_NO_SHOWS,
    CONF_SOURCES,
    CONF_SPACE_ID,
    SUBENTRY_PRESENCE_SOURCES,
)
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .common import call_action, device_with_identifier, room_target, setup_with_options
from .conftest import MONDAY_MORNING, advance

POLL = timedelta(seconds=60)


async def test_diagnostics_redact_token_and_people(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    text = json.dumps(diagnostics)

    assert simulator.token not in text
    assert "@acme-robotics.example" not in text  # organizer and invitee emails
    assert "London Bridge Street" not in text  # the office address
    assert "Design review" not in text  # meeting titles can be confidential


async def test_diagnostics_give_a_rooms_booking_count_and_only_its_current_and_next_one(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    # 30 bookings of Phone Booth 1 in the cached window: one under way (10:00-10:30 on
    # Monday morning, it is 10:15), then one every 6 hours from noon on.
    booth = simulator.find_space("Phone Booth 1")
    monday_ten = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    starts = [monday_ten, *(monday_ten + timedelta(hours=2 + 6 * n) for n in range(29))]
    booked = [
        simulator.add_event(booth.id, f"Call {n}", start, start + timedelta(minutes=30))
        for n, start in enumerate(starts)
    ]
    await setup_with_options(hass, config_entry)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)

    # None of the 28 bookings after the next one.
    text = json.dumps(diagnostics)
    assert [event.id for event in booked[2:] if event.id in text] == []
    room = diagnostics["data"]["bookings"][str(booth.id)]
    assert room["cached"] == 30
    current, upcoming = room["current"], room["next"]
    assert (current["id"], current["start"], current["end"]) == (
        booked[0].id,
        "2026-11-23T10:00:00+00:00",
        "2026-11-23T10:30:00+00:00",
    )
    assert (upcoming["id"], upcoming["start"]) == (booked[1].id, "2026-11-23T12:00:00+00:00")
    assert current["title"] == upcoming["title"] == "**REDACTED**"


async def test_diagnostics_redact_the_rooms_calendar_addresses(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    # A room's calendar id is its resource mailbox, the address redacted as
    # space_resource_email: it names the company's mail domain and its rooms.
    addresses = {
        space.calendar.resource_email
        for space in simulator.organization.spaces()
        if space.calendar is not None
    }
    assert addresses
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    text = json.dumps(diagnostics)

    assert [address for address in sorted(addresses) if address in text] == []


@pytest.mark.parametrize(
    ("token", "identity"),
    [
        (
            None,  # the default token, a user's
            {
                "token_has_user": True,
                "checks_in_as": "token_user",
                "device_id": None,
                "device_looked_for_at": None,
            },
        ),
        (
            ACCOUNT_TOKEN,
            {
                "token_has_user": False,
                "checks_in_as": "device",
                "device_id": HOME_ASSISTANT_DEVICE,
                "device_looked_for_at": MONDAY_MORNING.isoformat(),
            },
        ),
    ],
    ids=["user_token", "account_token"],
)
async def test_diagnostics_say_as_whom_check_ins_are_made_not_who_the_user_is(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    *,
    token: str | None,
    identity: dict[str, object],
) -> None:
    await setup_with_options(hass, config_entry, token=token)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert set(diagnostics["check_in_identity"].values()) == {None}  # nothing asked yet

    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert diagnostics["check_in_identity"] == identity
    user = simulator.organization.users[0]  # the default token's
    text = json.dumps(diagnostics)
    assert user.name not in text
    assert user.email not in text


async def test_diagnostics_list_the_presence_sources_and_the_refused_locations(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # A door sensor chosen for the Boardroom, as the user does on the integration's page.
    door = (
        er.async_get(hass)
        .async_get_or_create("binary_sensor", "zigbee", "boardroom_door")
        .entity_id
    )
    boardroom = simulator.find_space("Boardroom")
    flow = await hass.config_entries.subentries.async_init(
        (setup_integration.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        flow["flow_id"], {CONF_SPACE_ID: str(boardroom.id), CONF_SOURCES: [door]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Robin stops letting the token read London HQ.
    london = simulator.find_location("London HQ")
    simulator.faults.refuse(403, f"locations/{london.id}")
    await advance(hass, freezer, POLL)

    # A motion sensor in the Fleet Room's area counts for it without being chosen; the
    # Boardroom's own Occupancy sensor, in the Boardroom's area, never counts.
    fleet_room = simulator.find_space("Fleet Room")
    fleet_device = device_with_identifier(
        hass, setup_integration.entry_id, f"space_{fleet_room.id}"
    )
    assert fleet_device is not None
    registry = er.async_get(hass)
    motion = registry.async_get_or_create(
        "binary_sensor", "zigbee", "fleet_motion", original_device_class="motion"
    ).entity_id
    registry.async_update_entity(motion, area_id=fleet_device.area_id)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    assert diagnostics["presence_sources"] == {str(boardroom.id): [door]}
    assert diagnostics["presence_sources_counting"] == {
        str(boardroom.id): [door],
        str(fleet_room.id): [motion],
    }
    assert diagnostics["refused_locations"] == [london.id]

    # London answers again: it is no longer listed.
    simulator.faults.allow(f"locations/{london.id}")
    await advance(hass, freezer, POLL)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    assert diagnostics["refused_locations"] == []


@pytest.mark.usefixtures("time_zone")
async def test_diagnostics_tell_working_hours_and_what_the_office_released(
    hass: HomeAssistant,
    hass_client,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    hass_access_token: str,
) -> None:
    """Why was this booking released? The office's part of the diagnostics says."""
    signed_in = hass.auth.async_validate_access_token(hass_access_token)
    assert signed_in is not None
    entry = await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    fleet = simulator.find_space("Fleet Room")
    [call] = [
        event
        for event in simulator.events_in(fleet.id)
        if event.title == "Customer call" and event.start.date() == MONDAY_MORNING.date()
    ]
    ten_past_eleven = call.start + timedelta(minutes=10)  # nobody came; the grace is over
    while datetime.now(UTC) < ten_past_eleven:
        await advance(hass, freezer, min(POLL, ten_past_eleven - datetime.now(UTC)))
    await hass.async_block_till_done(wait_background_tasks=True)

    # Signed in now: the fixture's access token has expired in the hour gone by.
    token = hass.auth.async_create_access_token(signed_in)
    diagnostics = await get_diagnostics_for_config_entry(hass, lambda: hass_client(token), entry)
    office = diagnostics["office"]
    assert office["options"]["release_no_shows"] is True
    assert office["released"] == {call.id: call.end.isoformat()}
    assert office["tries"] == {call.id: {"count": 1, "not_before": None}}  # asked once
    london = diagnostics["data"]["locations"][str(simulator.find_location("London HQ").id)]
    # Times of day as written, not Python's repr of them.
    monday = next(day for day in london["working_hours"] if day["day"] == 1)
    assert monday["frames"] == [{"start": "08:30:00", "end": "18:00:00"}]
    assert "Customer call" not in json.dumps(diagnostics)


@pytest.mark.parametrize(
    ("fault", "state"),
    [("robin_down", "setup_retry"), ("token_revoked", "setup_error")],
)
@pytest.mark.usefixtures("time_zone")
async def test_diagnostics_of_an_entry_that_could_not_be_set_up(
    hass: HomeAssistant,
    hass_client: Any,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    *,
    fault: str,
    state: str,
) -> None:
    """When setup fails is when they are asked for: they say why, without Robin's data."""
    if fault == "robin_down":
        simulator.faults.fail_next(status=503)
    else:
        simulator.revoke_token(simulator.token)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)
    assert diagnostics["state"] == state
    assert diagnostics["reason"]
    assert diagnostics["entry"]["data"]["access_token"] == "**REDACTED**"
    assert simulator.token not in json.dumps(diagnostics)
    assert "data" not in diagnostics  # no rooms or bookings were read
