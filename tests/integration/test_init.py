"""Setup, unload, polling, failures and recovery, devices appearing and disappearing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_ACCESS_TOKEN, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator, run_simulator

from .common import (
    DOMAIN,
    delete_device,
    device_with_identifier,
    meeting,
    room_entity_id,
    room_state,
    setup_with_options,
)
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance, entry_for

POLL = timedelta(seconds=60)
MONDAY_NEXT_WEEK_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _api_calls(simulator: RobinSimulator) -> list[str]:
    return [f"{record.method} {record.path}" for record in simulator.requests]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_setup_creates_a_device_per_room_and_location(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    assert setup_integration.state is ConfigEntryState.LOADED
    registry = dr.async_get(hass)
    devices = dr.async_entries_for_config_entry(registry, setup_integration.entry_id)
    rooms = {device.name: device for device in devices if device.entry_type is None}
    locations = {
        device.name: device for device in devices if device.entry_type is dr.DeviceEntryType.SERVICE
    }
    assert set(locations) == {"London HQ", "New York Studio"}
    assert set(rooms) == {space.name for space in simulator.organization.spaces()}
    thames = rooms["Thames Room"]
    assert thames.manufacturer == "Robin"
    assert thames.model == "Conference"
    assert thames.area_id == "thames_room"  # the suggested area, created for the room
    assert all(device.via_device_id is None for device in devices)
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == "10"


async def test_unload_removes_entities_from_service(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entity_id = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert hass.states.get(entity_id).state == STATE_ON
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert setup_integration.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE


async def test_revoked_token_at_setup_starts_reauth(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    simulator.revoke_token(simulator.token)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_stored_token_that_cannot_be_sent_starts_reauth(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    # A token stored with a line break in its middle (edited by hand, say): no header.
    config_entry.add_to_hass(hass)
    token = f"{simulator.token[:4]}\n{simulator.token[4:]}"
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_ACCESS_TOKEN: token}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert simulator.requests == []


async def test_robin_down_at_setup_retries(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    simulator.faults.fail_next(status=503)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_one_poll_reads_presence_and_the_next_hour_per_location(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    now = dt_util.utcnow()
    calls = _reads(simulator)
    # Per location: presence, and the events of the next hour; plus one day of one
    # location's calendar window, so that the whole window is reread in turn.
    assert sorted(path for path, _ in calls if path.endswith("/presence")) == [
        "/v1.0/locations/2117/presence",
        "/v1.0/locations/2118/presence",
    ]
    reads = [(path, span) for path, span in calls if path.endswith("/events")]
    # The near read starts at the last quarter hour and covers the next hour: the same
    # read for a quarter of an hour, so that an unchanged answer is not parsed again.
    near_span = _near_span(now)
    assert near_span[0] <= now
    assert near_span[1] >= now + timedelta(hours=1)
    assert sorted(path for path, span in reads if span == near_span) == [
        "/v1.0/locations/2117/events",
        "/v1.0/locations/2118/events",
    ]
    slices = [span for _, span in reads if span != near_span]
    assert len(slices) == 1
    assert slices[0] is not None
    assert slices[0][1] - slices[0][0] <= timedelta(days=1)
    assert len(calls) == 5


def _near_span(now: datetime) -> tuple[datetime, datetime]:
    """Return the range of the near read at `now`: the last quarter hour and an hour on."""
    start = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
    return start, start + timedelta(minutes=75)


def _reads(simulator: RobinSimulator) -> list[tuple[str, tuple[datetime, datetime] | None]]:
    """Return each request's path and, for event reads, the range it asked for."""
    return [
        (
            record.path,
            (
                datetime.fromisoformat(record.query["after"]),
                datetime.fromisoformat(record.query["before"]),
            )
            if "after" in record.query
            else None,
        )
        for record in simulator.requests
    ]


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_booking_anywhere_in_the_window_shows_within_one_reread_cycle(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client,
) -> None:
    hudson = simulator.find_space("Hudson Room")
    next_week = MONDAY_NEXT_WEEK_NOON
    simulator.add_event(hudson.id, "Board visit", next_week, next_week + timedelta(hours=1))
    calendar = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    client = await hass_client()
    url = f"/api/calendars/{calendar}"
    params = {"start": next_week.isoformat(), "end": (next_week + timedelta(hours=2)).isoformat()}

    await advance(hass, freezer, POLL)  # a poll reads the next hour and one day of the window
    response = await client.get(url, params=params)
    assert [event["summary"] for event in await response.json()] == []

    # One day of one location per poll; next week's day comes before the window's last.
    for _ in range(2 * 14 - 1):
        await advance(hass, freezer, POLL)
    response = await client.get(url, params=params)
    assert [event["summary"] for event in await response.json()] == ["Board visit"]


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_the_windows_last_day_is_reread_within_locations_times_days_plus_one_polls(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client,
) -> None:
    # The window runs from this hour to an hour past 14 days ahead (Monday 7 December,
    # 11:00), cut at UTC midnights: the rest of today, 13 whole days and that morning.
    last_morning = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    hudson = simulator.find_space("Hudson Room")
    simulator.add_event(hudson.id, "Late visit", last_morning, last_morning + timedelta(hours=1))
    calendar = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    client = await hass_client()
    url = f"/api/calendars/{calendar}"
    params = {
        "start": last_morning.isoformat(),
        "end": (last_morning + timedelta(hours=1)).isoformat(),
    }

    # A whole pass: 2 locations x (14 + 1) days, as the README says (2 offices: 30 minutes).
    for _ in range(2 * (14 + 1)):
        await advance(hass, freezer, POLL)
    response = await client.get(url, params=params)
    assert [event["summary"] for event in await response.json()] == ["Late visit"]


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_falls_back_to_free_busy_when_location_events_are_missing(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.faults.location_events_supported = False
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fleet = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert fleet.state == STATE_ON
    assert fleet.attributes["message"] == "Design review"

    # Details of each event are read once; later polls cost two requests per location
    # (and one more for the day of the window reread in turn).
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert sorted(_api_calls(simulator)) == [
        "GET /v1.0/locations/2117/presence",
        "GET /v1.0/locations/2118/presence",
        "POST /v1.0/free-busy/spaces",
        "POST /v1.0/free-busy/spaces",
        "POST /v1.0/free-busy/spaces",
    ]


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_robin_failure_makes_entities_unavailable_then_recovers(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entity_id = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    simulator.faults.fail_next(status=500, count=4)
    await advance(hass, freezer, POLL)
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE
    await advance(hass, freezer, POLL)
    assert hass.states.get(entity_id).state == STATE_ON


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_rate_limit_waits_as_robin_asks(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.faults.rate_limit_next(retry_after=300, count=4)
    await advance(hass, freezer, POLL)
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert simulator.requests == []  # still waiting as Retry-After asked
    await advance(hass, freezer, timedelta(seconds=200))
    assert simulator.requests != []
    entity_id = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert hass.states.get(entity_id).state == STATE_ON


async def test_token_revoked_while_running_starts_reauth(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.revoke_token(simulator.token)
    await advance(hass, freezer, POLL)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_rooms_added_and_removed_in_robin_follow_within_the_hour(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    london = simulator.find_location("London HQ")
    added = simulator.add_space(london.id, "Tower Room", type="conference", capacity=12)
    removed = simulator.find_space("Phone Booth 1")
    simulator.remove_space(removed.id)

    await advance(hass, freezer, POLL)  # an ordinary poll does not look for rooms
    assert device_with_identifier(hass, setup_integration.entry_id, f"space_{added.id}") is None

    await advance(hass, freezer, timedelta(hours=1))
    assert device_with_identifier(hass, setup_integration.entry_id, f"space_{added.id}") is not None
    assert device_with_identifier(hass, setup_integration.entry_id, f"space_{removed.id}") is None
    tower = room_state(hass, simulator, "Tower Room", "binary_sensor", "occupancy")
    assert tower.state == STATE_OFF
    assert room_state(hass, simulator, "Tower Room", "calendar", "bookings").state == STATE_OFF


async def test_a_room_robin_lists_again_comes_back_with_its_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    room = simulator.find_space("Thames Room")
    identifier = f"space_{room.id}"
    first = device_with_identifier(hass, setup_integration.entry_id, identifier)
    assert first is not None
    simulator.remove_space(room.id)
    await advance(hass, freezer, timedelta(hours=1))
    assert device_with_identifier(hass, setup_integration.entry_id, identifier) is None

    # Robin lists the same room again (say it was deleted by mistake and restored).
    london = simulator.organization.location(room.location_id)
    assert london is not None
    london.spaces.append(room)
    await advance(hass, freezer, timedelta(hours=1))

    device = device_with_identifier(hass, setup_integration.entry_id, identifier)
    assert device is not None
    registry = er.async_get(hass)
    occupancy = registry.async_get(
        room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    )
    assert occupancy is not None
    assert occupancy.device_id == device.id
    assert (
        room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_OFF
    )


async def test_stale_device_can_be_deleted_but_not_a_current_room(
    hass: HomeAssistant,
    hass_ws_client,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    registry = dr.async_get(hass)
    stale = registry.async_get_or_create(
        config_entry_id=setup_integration.entry_id,
        identifiers={(DOMAIN, "space_999999")},
        name="Demolished Room",
    )
    thames = device_with_identifier(
        hass, setup_integration.entry_id, f"space_{simulator.find_space('Thames Room').id}"
    )
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    for device, allowed in ((stale, True), (thames, False)):
        response = await delete_device(hass, client, setup_integration.entry_id, device.id)
        assert response["success"] is allowed, response


async def test_a_device_cannot_be_deleted_while_robin_is_not_loaded_and_says_why(
    hass: HomeAssistant, hass_ws_client, setup_integration: MockConfigEntry
) -> None:
    # Robin was down at the restart, say: which rooms it lists is not known.
    registry = dr.async_get(hass)
    stale = registry.async_get_or_create(
        config_entry_id=setup_integration.entry_id,
        identifiers={(DOMAIN, "space_999999")},
        name="Demolished Room",
    )
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    response = await delete_device(hass, client, setup_integration.entry_id, stale.id)
    assert response["success"] is False
    assert response["error"]["message"].startswith("Robin (Acme Robotics) is not loaded")
    assert registry.async_get(stale.id) is not None


async def test_read_only_token_raises_a_repair_issue(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    entry = await setup_with_options(hass, config_entry, READ_ONLY_TOKEN)
    issues = ir.async_get(hass).issues
    assert (DOMAIN, f"read_only_token_{entry.entry_id}") in issues


@pytest.mark.parametrize("size", [(1, 40), (3, 40), (1, 100)], ids=["1x40", "3x40", "1x100"])
async def test_poll_cost_grows_with_locations_not_rooms(
    hass: HomeAssistant,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
    size: tuple[int, int],
) -> None:
    locations, rooms = size
    simulator = RobinSimulator("large", locations=locations, spaces_per_location=rooms)
    organization = simulator.organization
    async with run_simulator(simulator, host="127.0.0.1") as url:
        # The cost of a poll in working hours.
        entry = entry_for(simulator, url, {CONF_OFF_HOURS_INTERVAL: 0})
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        # Setup's own requests (e.g. the check-in reads of no-shows) are not the poll's.
        await hass.async_block_till_done(wait_background_tasks=True)
        simulator.reset_requests()
        await advance(hass, freezer, POLL)
        now = dt_util.utcnow()
        assert await hass.config_entries.async_unload(entry.entry_id)

    # The day of the window reread in turn is not part of a location's regular cost.
    reads = _reads(simulator)
    day = [path for path, span in reads if span and span != _near_span(now)]
    assert len(set(day)) == 1
    calls = [
        f"{record.method} {record.path}"
        for record, (_, span) in zip(simulator.requests, reads, strict=True)
        if not span or span == _near_span(now)
    ]
    per_location = {
        location.id: [call for call in calls if f"/locations/{location.id}/" in call]
        for location in organization.locations
    }
    # Presence and the next hour's events of all its rooms: two requests, plus a page for
    # every 100 events; never one request per room.
    for location_calls in per_location.values():
        assert {call.rsplit("/", 1)[1] for call in location_calls} == {"presence", "events"}
        assert len(location_calls) <= 3
    assert sum(len(c) for c in per_location.values()) == len(calls)
    print(f"{locations} location(s) x {rooms} rooms: {len(calls)} requests per poll")


async def test_a_thousand_rooms_all_get_their_entities(
    hass: HomeAssistant,
    time_zone: None,
    socket_enabled: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Home Assistant 2026.7+ adds at most 10,000 enabled entities per config entry and leaves
    # the rest out with a warning: at 10 enabled a room, a thousand rooms lost some.
    simulator = RobinSimulator("large", locations=5, spaces_per_location=200)
    async with run_simulator(simulator, host="127.0.0.1") as url:
        entry = entry_for(simulator, url, {})
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        rooms = [
            device
            for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
            if device.entry_type is None
        ]
        assert len(rooms) == 1_000
        enabled = [entity for entity in entities if entity.disabled_by is None]
        assert all(hass.states.get(entity.entity_id) for entity in enabled)
        occupancy = [entity for entity in enabled if entity.unique_id.endswith("_occupancy")]
        assert {entity.device_id for entity in occupancy} == {room.id for room in rooms}
        assert "maximum of" not in caplog.text
        assert await hass.config_entries.async_unload(entry.entry_id)


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_with_free_busy_a_meeting_ended_early_in_robin_frees_the_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Free/busy lists each meeting's id and times: new times are read, not the old kept."""
    simulator.faults.location_events_supported = False
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    review = meeting(simulator, "Fleet Room", "Design review")  # 10:00-11:00, under way
    simulator.events.save(
        dataclasses.replace(review, end=datetime(2026, 11, 23, 10, 20, tzinfo=UTC))
    )

    await advance(hass, freezer, timedelta(minutes=6))  # 10:21, polled every minute
    calendar = room_state(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert (calendar.state, calendar.attributes["message"]) == (STATE_OFF, "Customer call")
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "available"
