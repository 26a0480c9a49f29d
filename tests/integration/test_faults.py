"""Faults while polling: empty answers, Retry-After, past events, leftover requests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin import async_remove_config_entry_device
from custom_components.robin.coordinator import RobinCoordinator
from custom_components.robin.data import event_end
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator

from .common import (
    DOMAIN,
    api_calls,
    call_action,
    delete_device,
    device_with_identifier,
    location_entity_id,
    meeting,
    registry_counts,
    room_entity_id,
    room_state,
    setup_with_options,
)
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance

POLL = timedelta(seconds=60)
HOUR = timedelta(hours=1)


def _coordinator(entry: MockConfigEntry) -> RobinCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, RobinCoordinator)
    return coordinator


# --- empty answers ---------------------------------------------------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_one_empty_answer_keeps_every_device_and_entity(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = registry_counts(hass, setup_integration)
    london = simulator.find_location("London HQ")
    simulator.faults.empty_list_next(path="/organizations/")
    simulator.faults.empty_list_next(path=f"/locations/{london.id}/spaces")
    caplog.set_level(logging.INFO, logger="custom_components.robin")

    await advance(hass, freezer, HOUR)  # a discovery that hears {} twice

    assert registry_counts(hass, setup_integration) == before
    thames = room_state(hass, simulator, "Thames Room", "sensor", "capacity")
    assert thames.state == "10"  # still available, with its last data
    occupied = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    assert hass.states.get(occupied).state != STATE_UNAVAILABLE

    # Another empty answer an hour later: still everything, and no second log line.
    simulator.faults.empty_list_next(path="/organizations/")
    await advance(hass, freezer, HOUR)
    assert registry_counts(hass, setup_integration) == before
    empty_lines = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.robin") and "empty" in record.getMessage()
    ]
    assert len(empty_lines) == 1, [r.getMessage() for r in empty_lines]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_an_empty_answer_at_a_restart_keeps_every_device_and_entity(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    before = registry_counts(hass, setup_integration)
    simulator.faults.empty_list_next(path="/organizations/")
    simulator.reset_requests()
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert registry_counts(hass, setup_integration) == before
    # Nothing known but the devices: no request per room to ask whether it still exists.
    assert not [call for call in api_calls(simulator) if call.startswith("GET /v1.0/spaces/")]

    await advance(hass, freezer, HOUR)
    assert registry_counts(hass, setup_integration) == before
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == "10"


@pytest.mark.parametrize("empty", ["/organizations/", "/locations/2117/spaces"])
async def test_rooms_an_empty_answer_at_a_restart_left_unread_come_back_at_the_next_poll(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    empty: str,
) -> None:
    """Robin lists no locations, or none of London's rooms, once, as the entry starts.

    The rooms are known only as devices then: unavailable, and London's count of occupied
    rooms with them (not 0). They are asked for again at the next poll, not at the next
    hourly rediscovery (or the next working day): back a minute later.
    """
    london = simulator.find_location("London HQ")
    assert empty == "/organizations/" or str(london.id) in empty
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    shown = hass.states.get(occupied_rooms).state
    assert shown != STATE_UNAVAILABLE
    simulator.faults.empty_list_next(path=empty)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    thames = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    assert hass.states.get(thames).state == STATE_UNAVAILABLE
    assert hass.states.get(occupied_rooms).state == STATE_UNAVAILABLE

    await advance(hass, freezer, POLL)
    assert hass.states.get(thames).state != STATE_UNAVAILABLE
    assert hass.states.get(occupied_rooms).state == shown


async def test_rooms_still_listed_empty_are_asked_for_ever_less_often_and_kept(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin lists none of London's rooms for 90 minutes from a restart on.

    They are asked for again after 1, 2, 4, 8… minutes, up to hourly; their devices stay,
    as those retries count no miss towards removing them.
    """
    before = registry_counts(hass, setup_integration)
    spaces = f"/locations/{simulator.find_location('London HQ').id}/spaces"
    simulator.faults.empty_list_next(count=1_000, path=spaces)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    simulator.reset_requests()
    for _ in range(90):
        await advance(hass, freezer, POLL)
    reads = [record.at for record in simulator.requests if record.path == f"/v1.0{spaces}"]
    # At setup, then 1, 2, 4, 8, 16, 32 minutes apart, then the hourly rhythm: 6 in 90 min.
    assert len(reads) == 6
    assert registry_counts(hass, setup_integration) == before

    simulator.faults.clear()
    await advance(hass, freezer, HOUR)
    thames = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    assert hass.states.get(thames).state != STATE_UNAVAILABLE
    assert registry_counts(hass, setup_integration) == before


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_404_for_the_rooms_of_a_location_robin_lists_deletes_nothing(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    before = registry_counts(hass, setup_integration)
    london = simulator.find_location("London HQ")
    thames = simulator.find_space("Thames Room")
    simulator.faults.fail_next(404, path=f"/locations/{london.id}/spaces")

    await advance(hass, freezer, HOUR)  # a discovery: London listed, its rooms "not found"

    assert simulator.faults.pending == 0
    assert registry_counts(hass, setup_integration) == before
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == "10"

    # A location Robin no longer lists, whose rooms it answers 404 for, goes at once.
    simulator.organization.locations.remove(london)
    await advance(hass, freezer, HOUR)
    entry_id = setup_integration.entry_id
    assert device_with_identifier(hass, entry_id, f"location_{london.id}") is None
    assert device_with_identifier(hass, entry_id, f"space_{thames.id}") is None


async def test_rooms_missing_from_three_discoveries_are_removed(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    london = simulator.find_location("London HQ")
    thames = simulator.find_space("Thames Room")
    simulator.faults.empty_list_next(count=3, path=f"/locations/{london.id}/spaces")
    for _ in range(2):
        await advance(hass, freezer, HOUR)
        assert device_with_identifier(hass, setup_integration.entry_id, f"space_{thames.id}")
    caplog.set_level(logging.INFO, logger="custom_components.robin")
    device = device_with_identifier(hass, setup_integration.entry_id, f"space_{thames.id}")
    assert device is not None
    dr.async_get(hass).async_update_device(device.id, name_by_user="Meeting pod")
    await advance(hass, freezer, HOUR)
    assert device_with_identifier(hass, setup_integration.entry_id, f"space_{thames.id}") is None
    # The user, whose automations may name the room, can find out why it went: by the
    # name they gave it, and Robin's with its office (offices often share room names).
    assert (
        "Removed the device Meeting pod, Robin's Thames Room (London HQ): Robin no longer has it"
        in caplog.text
    )
    hudson = simulator.find_space("Hudson Room")  # New York answered every time
    assert device_with_identifier(hass, setup_integration.entry_id, f"space_{hudson.id}")


async def test_locations_and_rooms_that_appear_later_get_entities_without_reload(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.faults.empty_list_next(path="/organizations/")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert registry_counts(hass, config_entry) == (0, 0)

    await advance(hass, freezer, HOUR)

    occupied = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    london = simulator.find_location("London HQ")
    occupied_now = sum(
        1
        for space in simulator.organization.spaces()
        if space.location_id == london.id and simulator.presence_in(space)
    )
    assert hass.states.get(occupied).state == str(occupied_now)
    fleet = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert fleet.state == (
        "on" if simulator.presence_in(simulator.find_space("Fleet Room")) else "off"
    )


async def test_a_room_robin_still_lists_cannot_be_deleted_but_a_missing_one_can(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    london = simulator.find_location("London HQ")
    thames = simulator.find_space("Thames Room")
    hudson = simulator.find_space("Hudson Room")
    simulator.faults.empty_list_next(path=f"/locations/{london.id}/spaces")
    await advance(hass, freezer, HOUR)
    registry = dr.async_get(hass)
    entry_id = setup_integration.entry_id
    coordinator = _coordinator(setup_integration)
    missing = device_with_identifier(hass, entry_id, f"space_{thames.id}")
    listed = device_with_identifier(hass, entry_id, f"space_{hudson.id}")
    assert missing is not None
    assert listed is not None
    assert not await async_remove_config_entry_device(hass, setup_integration, listed)
    assert await async_remove_config_entry_device(hass, setup_integration, missing)
    registry.async_remove_device(missing.id)
    await advance(hass, freezer, POLL)
    assert thames.id not in coordinator.data.spaces


async def test_deleting_an_occupied_room_robin_no_longer_lists_recounts_its_office_at_once(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    hass_ws_client: Any,
    hass_access_token: str,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    london = simulator.find_location("London HQ")
    thames = simulator.find_space("Thames Room")
    simulator.start_presence(thames.id)
    # The user's access token lasts 30 minutes; the frontend renews it, so does the test.
    signed_in = hass.auth.async_validate_access_token(hass_access_token)
    assert signed_in is not None
    # Robin's list of London's rooms comes back empty once: its rooms stay, no longer
    # listed, and Robin's presence still has people in the Thames Room.
    simulator.faults.empty_list_next(path=f"/locations/{london.id}/spaces")
    await advance(hass, freezer, HOUR)
    occupied = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")

    def occupied_in_robin(*rooms: str) -> int:
        return sum(
            1
            for space in simulator.organization.spaces()
            if space.location_id == london.id and space.name in rooms
            if simulator.presence_in(space)
        )

    london_rooms = [
        space.name for space in simulator.organization.spaces() if space.location_id == london.id
    ]
    others = [room for room in london_rooms if room != "Thames Room"]
    counted = occupied_in_robin(*london_rooms)
    assert hass.states.get(occupied).state == str(counted)
    device = device_with_identifier(hass, setup_integration.entry_id, f"space_{thames.id}")
    assert device is not None

    # The user deletes the Thames Room's device on its page.
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass, hass.auth.async_create_access_token(signed_in))
    answer = await delete_device(hass, client, setup_integration.entry_id, device.id)

    assert answer["success"], answer
    assert hass.states.get(occupied).state == str(counted - 1)
    # The polls that follow count London's other rooms only.
    for _ in range(3):
        await advance(hass, freezer, POLL)
        assert hass.states.get(occupied).state == str(occupied_in_robin(*others))


async def test_an_office_robin_lists_nowhere_can_be_deleted_and_is_no_longer_read(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin answers `{}` for the locations and for New York's rooms: New York is listed nowhere."""
    new_york = simulator.find_location("New York Studio")
    organization = simulator.organization.id
    entry_id = setup_integration.entry_id
    simulator.faults.empty_list_next(path=f"/organizations/{organization}/locations")
    simulator.faults.empty_list_next(path=f"/locations/{new_york.id}/spaces")
    await advance(hass, freezer, HOUR)
    office = device_with_identifier(hass, entry_id, f"location_{new_york.id}")
    assert office is not None  # one empty answer deletes nothing
    london = device_with_identifier(
        hass, entry_id, f"location_{simulator.find_location('London HQ').id}"
    )
    assert london is not None
    assert not await async_remove_config_entry_device(hass, setup_integration, london)

    assert await async_remove_config_entry_device(hass, setup_integration, office)
    dr.async_get(hass).async_remove_device(office.id)
    await advance(hass, freezer, POLL)
    assert device_with_identifier(hass, entry_id, f"location_{new_york.id}") is None

    # Robin lists it again at the next discovery: the office is back.
    await advance(hass, freezer, HOUR)
    assert device_with_identifier(hass, entry_id, f"location_{new_york.id}") is not None


# --- Retry-After -----------------------------------------------------------------------------


async def _requests_during(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    seconds: int,
) -> list[str]:
    simulator.reset_requests()
    for _ in range(seconds // 5):
        await advance(hass, freezer, timedelta(seconds=5))
    return api_calls(simulator)


@pytest.mark.parametrize(
    "fault",
    [
        {"retry_after": 1},
        {"retry_after": -600, "http_date": True},
        {"retry_after": 0},
        {"retry_after": 10**8},
        {"header": "soon"},
    ],
    ids=["one_second", "past_date", "zero", "absurd", "unparsable"],
)
@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_short_past_or_absurd_retry_after_polls_at_the_interval(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    fault: dict[str, object],
) -> None:
    simulator.faults.rate_limit_next(count=4, **fault)  # type: ignore[arg-type]
    await advance(hass, freezer, POLL)
    assert simulator.faults.pending == 0
    assert await _requests_during(hass, simulator, freezer, 55) == []
    assert await _requests_during(hass, simulator, freezer, 10) != []
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state == "on"


async def test_a_rate_limit_beside_another_failure_is_obeyed(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    london = simulator.find_location("London HQ")
    simulator.faults.fail_next(500, path=f"/locations/{london.id}/presence")
    simulator.faults.rate_limit_next(retry_after=300)
    await advance(hass, freezer, POLL)
    assert simulator.faults.pending == 0
    assert await _requests_during(hass, simulator, freezer, 290) == []
    assert await _requests_during(hass, simulator, freezer, 70) != []


async def test_robin_unavailable_for_a_while_is_not_asked_before_then(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 503 with Retry-After (maintenance) pauses polling as a 429 does."""
    simulator.faults.rate_limit_next(retry_after=300, status=503)
    await advance(hass, freezer, POLL)
    assert simulator.faults.pending == 0
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert hass.states.get(occupancy).state == "unavailable"
    assert await _requests_during(hass, simulator, freezer, 290) == []
    assert await _requests_during(hass, simulator, freezer, 70) != []
    assert hass.states.get(occupancy).state == "on"


async def test_no_request_is_sent_inside_retry_after_by_actions_or_calendar_reads(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client,
) -> None:
    simulator.faults.rate_limit_next(retry_after=300, count=4)
    await advance(hass, freezer, POLL)
    simulator.reset_requests()
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    with pytest.raises(HomeAssistantError):
        await call_action(
            hass, "book_space", {"duration": {"minutes": 30}}, {"entity_id": calendar}
        )
    client = await hass_client()
    far = {"start": "2027-03-01T00:00:00+00:00", "end": "2027-03-02T00:00:00+00:00"}
    await client.get(f"/api/calendars/{calendar}", params=far)
    await hass.async_block_till_done()
    assert api_calls(simulator) == []


async def test_a_rate_limited_booking_does_not_refresh_at_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.faults.rate_limit_next(retry_after=120)
    simulator.reset_requests()
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    with pytest.raises(HomeAssistantError):
        await call_action(
            hass, "book_space", {"duration": {"minutes": 30}}, {"entity_id": calendar}
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    thames = simulator.find_space("Thames Room")
    # The booking's first request (the read of the slot before booking) got the 429: nothing
    # else was sent, neither the booking nor a refresh.
    assert api_calls(simulator) == [f"GET /v1.0/spaces/{thames.id}/events"]
    assert await _requests_during(hass, simulator, freezer, 115) == []


# --- memory and tasks ------------------------------------------------------------------------


async def test_past_events_are_evicted(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = _coordinator(setup_integration)
    fleet = simulator.find_space("Fleet Room")
    titles = {event.title for event in coordinator.data.events[fleet.id]}
    assert "Design review" in titles
    for _ in range(3):
        await advance(hass, freezer, timedelta(days=1))
    data = coordinator.data
    ends = [
        event_end(event, data.time_zone_of(data.spaces[space_id]) or UTC)
        for space_id, events in data.events.items()
        for event in events
    ]
    assert ends
    assert min(ends) > data.window_start
    assert all(
        event_end(event, UTC) > data.window_start
        for space_id in coordinator.bookings.rooms()
        for event in coordinator.bookings.events(space_id)
    )


async def test_no_request_outlives_a_failed_refresh(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    london = simulator.find_location("London HQ")
    # Work that setup started elsewhere (e.g. the office's check-in reads) is not this refresh's.
    await hass.async_block_till_done(wait_background_tasks=True)
    before = set(asyncio.all_tasks())
    simulator.faults.fail_next(500, path=f"/locations/{london.id}/presence")
    simulator.faults.hang_next()
    coordinator = _coordinator(setup_integration)
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert simulator.faults.pending == 0
    await asyncio.sleep(0)  # one turn of the loop: cancelled tasks finish
    leftovers = [
        task
        for task in asyncio.all_tasks() - before
        if not task.done()
        and "custom_components/robin"
        in getattr(getattr(task.get_coro(), "cr_code", None), "co_filename", "")
    ]
    assert leftovers == []


@pytest.mark.parametrize("faulty", ["poll_listener", "telling_the_rooms"])
async def test_an_error_in_what_follows_a_poll_leaves_the_rooms_recovering(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    faulty: str,
) -> None:
    """A fault in what follows a poll is logged; what comes after it still sees the poll.

    Home Assistant tells the coordinator's own listeners (rooms turning available again)
    after the integration's work: a follower of the polls raising, or telling the rooms
    what changed, must not keep every room unavailable or the office uninformed.
    """
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    simulator.faults.fail_next(500, count=10, path="/presence")
    await advance(hass, freezer, POLL)
    assert hass.states.get(occupancy).state == STATE_UNAVAILABLE
    simulator.faults.clear()
    coordinator = _coordinator(setup_integration)
    polls_seen: list[bool] = []

    def broken(*_: object) -> NoReturn:
        raise RuntimeError(f"a fault in {faulty}")

    followers: list[Callable[[], None]] = [lambda: polls_seen.append(True)]
    if faulty == "poll_listener":
        followers.insert(0, broken)
    else:
        monkeypatch.setattr(coordinator, "_publish", broken)
    unsubscribe = [coordinator.async_add_poll_listener(follower) for follower in followers]
    await advance(hass, freezer, POLL)
    for stop in unsubscribe:
        stop()
    assert hass.states.get(occupancy).state == "on"  # the design review, under way
    assert polls_seen == [True]
    assert f"a fault in {faulty}" in caplog.text


async def test_an_error_in_one_rooms_follower_leaves_the_other_rooms_told(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A poll changes two rooms; a follower of the first raises: the second still changes."""
    now = datetime.now(UTC)
    thames = simulator.find_space("Thames Room")
    simulator.add_event(
        thames.id, "Walk-in", now - timedelta(minutes=1), now + timedelta(minutes=40)
    )
    simulator.events.cancel(meeting(simulator, "Fleet Room", "Design review").id)

    def broken() -> None:
        raise RuntimeError("a fault in a room's follower")

    coordinator = _coordinator(setup_integration)
    for room in ("Thames Room", "Fleet Room"):
        coordinator.async_add_room_listener(simulator.find_space(room).id, broken)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "booked"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "available"
    assert "a fault in a room's follower" in caplog.text


# --- removal ---------------------------------------------------------------------------------


async def test_removing_the_entry_removes_the_read_only_repair_issue(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    entry = await setup_with_options(hass, config_entry, READ_ONLY_TOKEN)
    issue = (DOMAIN, f"read_only_token_{entry.entry_id}")
    assert issue in ir.async_get(hass).issues
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue not in ir.async_get(hass).issues


async def test_a_retried_setup_obeys_retry_after(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.faults.rate_limit_next(retry_after=300)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert simulator.faults.pending == 0
    assert await _requests_during(hass, simulator, freezer, 290) == []
    for _ in range(6):  # Home Assistant retries a setup with a growing back-off
        await advance(hass, freezer, timedelta(seconds=60))
    assert config_entry.state is ConfigEntryState.LOADED
