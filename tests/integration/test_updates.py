"""Work in proportion to what changed: which entities a poll writes, and how many timers run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator, run_simulator

from .common import (
    DOMAIN,
    device_with_identifier,
    room_entity_id,
    room_state,
    setup_entry_at,
)
from .conftest import advance, entry_for

POLL = timedelta(seconds=60)
# Polls fall at :30 past the minute, meeting boundaries on the minute.
MONDAY_MORNING_HALF_MINUTE = datetime(2026, 11, 23, 10, 15, 30, tzinfo=UTC)


def _record_writes(hass: HomeAssistant) -> list[str]:
    """Return a list filled with the entity id of every state written (changed or not)."""
    robin = {
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN
    }
    written: list[str] = []

    @callback
    def record(event: Event) -> None:
        written.append(event.data["entity_id"])

    @callback
    def ours(data: Mapping[str, Any]) -> bool:
        return data["entity_id"] in robin

    hass.bus.async_listen(EVENT_STATE_CHANGED, record, event_filter=ours)
    hass.bus.async_listen(EVENT_STATE_REPORTED, record, event_filter=ours)
    return written


def _entities_of_room(hass: HomeAssistant, simulator: RobinSimulator, room: str) -> set[str]:
    space = simulator.find_space(room)
    prefix = f"{simulator.organization.id}_{space.id}_"
    return {
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.unique_id.startswith(prefix)
    }


async def _between_boundaries(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the clock pass the next minute (meeting boundaries), stopping before the poll."""
    await advance(hass, freezer, timedelta(seconds=40))


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_quiet_poll_writes_nothing_and_one_change_writes_one_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING_HALF_MINUTE)
    await _between_boundaries(hass, freezer)
    written = _record_writes(hass)
    await advance(hass, freezer, timedelta(seconds=20))  # a poll where nothing changed
    assert written == []

    await _between_boundaries(hass, freezer)
    thames = simulator.find_space("Thames Room")
    assert (
        room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state != STATE_ON
    )
    simulator.start_presence(thames.id)
    written.clear()
    await advance(hass, freezer, timedelta(seconds=20))

    assert (
        room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_ON
    )
    thames_entities = _entities_of_room(hass, simulator, "Thames Room")
    london_id = simulator.find_location("London HQ").id
    occupied_rooms = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{simulator.organization.id}_location_{london_id}_occupied_rooms"
    )
    # The room's entities, each once (at most its 8), and its location's count.
    assert set(written) - thames_entities == {occupied_rooms}
    assert len(written) == len(set(written))
    assert len(set(written) & thames_entities) <= 8
    # Of the room, only what shows its presence: not its capacity or floor.
    assert room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy") in written
    assert room_entity_id(hass, simulator, "Thames Room", "sensor", "people_present") in written
    assert room_entity_id(hass, simulator, "Thames Room", "sensor", "capacity") not in written
    assert room_entity_id(hass, simulator, "Thames Room", "sensor", "floor") not in written


async def test_an_hourly_rediscovery_that_finds_nothing_new_writes_nothing(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING_HALF_MINUTE)
    # Someone in a room: Robin's listing tells the room's last presence, new at every read.
    thames = simulator.find_space("Thames Room")
    simulator.start_presence(thames.id)
    for _ in range(59):
        await advance(hass, freezer, POLL)
    await _between_boundaries(hass, freezer)
    written = _record_writes(hass)
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=20))

    organization_id = simulator.organization.id
    assert f"/v1.0/organizations/{organization_id}/locations" in {
        record.path for record in simulator.requests
    }
    assert written == []
    # ...kept for the office actions (someone seen between polls), though it wrote nothing.
    assert config_entry.runtime_data.last_presence_at(thames.id) == dt_util.utcnow()


async def test_a_renamed_floor_writes_only_the_floor_sensors_of_its_rooms(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    # The Floor sensors start disabled: enable every one in London before setup.
    london = simulator.find_location("London HQ")
    registry = er.async_get(hass)
    for space in london.spaces:
        registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"{config_entry.unique_id}_{space.id}_floor",
            disabled_by=None,
        )
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING_HALF_MINUTE)
    floor = room_entity_id(hass, simulator, "Thames Room", "sensor", "floor")
    level = next(level for level in london.levels if level.id == thames.level_id)
    old_name = level.name
    assert hass.states.get(floor).state == old_name
    for _ in range(59):
        await advance(hass, freezer, POLL)
    await _between_boundaries(hass, freezer)
    level.name = "Mezzanine"
    written = _record_writes(hass)
    await advance(hass, freezer, timedelta(seconds=20))  # the hourly rediscovery

    assert hass.states.get(floor).state == "Mezzanine"
    on_that_floor = {
        room_entity_id(hass, simulator, space.name, "sensor", "floor")
        for space in london.spaces
        if space.level_id == level.id and space.name
    }
    assert floor in on_that_floor
    assert set(written) == on_that_floor
    assert len(written) == len(on_that_floor)


async def _to_the_next_rediscovery(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the hour pass up to just before the poll that rediscovers the rooms."""
    for _ in range(59):
        await advance(hass, freezer, POLL)
    await _between_boundaries(hass, freezer)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_room_edited_in_robin_writes_only_if_an_entity_shows_the_edit(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Facilities edit the Thames Room: what no entity shows writes none of its states."""
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING_HALF_MINUTE)
    thames = simulator.find_space("Thames Room")
    thames_entities = _entities_of_room(hass, simulator, "Thames Room")
    capacity = room_entity_id(hass, simulator, "Thames Room", "sensor", "capacity")
    availability = room_entity_id(hass, simulator, "Thames Room", "sensor", "availability")
    occupancy = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    device = device_with_identifier(hass, config_entry.entry_id, f"space_{thames.id}")
    assert device is not None
    assert device.model == "Conference"

    # Its description, step-free access, the kind of its calendar, its type (the
    # device's model, which is no entity's state).
    await _to_the_next_rediscovery(hass, freezer)
    thames.description = "Front meeting space, now with a plant."
    thames.is_accessible = not thames.is_accessible
    assert thames.calendar is not None
    thames.calendar.remote_type = "microsoft_365"
    thames.type = "boardroom"
    written = _record_writes(hass)
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=20))

    london = simulator.find_location("London HQ")
    assert f"/v1.0/locations/{london.id}/spaces" in {record.path for record in simulator.requests}
    device = device_with_identifier(hass, config_entry.entry_id, f"space_{thames.id}")
    assert device is not None
    assert device.model == "Boardroom"
    assert set(written) & thames_entities == set()

    # Its capacity and amenities: their sensors show them.
    await _to_the_next_rediscovery(hass, freezer)
    thames.capacity = 12
    projector = next(
        amenity
        for amenity in simulator.find_space("Boardroom").amenities
        if amenity.name == "Projector"
    )
    thames.amenities.append(projector)
    written.clear()
    await advance(hass, freezer, timedelta(seconds=20))

    assert hass.states.get(capacity).state == "12"
    assert hass.states.get(availability).attributes["amenities"] == [
        "Display",
        "Projector",
        "Video conferencing",
        "Whiteboard",
    ]
    assert {capacity, availability} <= set(written)
    assert occupancy not in written  # it shows who is there, not the room's facts
    assert len(written) == len(set(written))


async def test_a_meeting_boundary_writes_only_its_rooms_entities(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The Fleet Room's design review ends at 11:00.
    await setup_entry_at(
        hass, freezer, config_entry, datetime(2026, 11, 23, 10, 58, 30, tzinfo=UTC)
    )
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    before = hass.states.get(availability).state
    written = _record_writes(hass)
    await advance(hass, freezer, timedelta(seconds=40))  # 10:59:10, no poll
    written.clear()
    await advance(hass, freezer, timedelta(seconds=55))  # 11:00:05, the boundary, no poll

    assert hass.states.get(availability).state != before
    changed_rooms = {
        room
        for room in (space.name for space in simulator.organization.spaces())
        if _entities_of_room(hass, simulator, room) & set(written)
    }
    assert "Fleet Room" in changed_rooms
    for room in changed_rooms:
        space = simulator.find_space(room)
        # Only rooms with a meeting starting or ending (or 15 minutes from starting) now.
        assert any(
            event.start
            in {
                datetime(2026, 11, 23, 11, 0, tzinfo=UTC),
                datetime(2026, 11, 23, 11, 15, tzinfo=UTC),
            }
            or event.end == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
            for event in simulator.events_in(space.id)
        ), room


def _point_in_time_timers(hass: HomeAssistant) -> Callable[[], int]:
    """Return a counter of the timers for a point in time made from now on.

    They are the event loop's scheduled handles of `async_track_point_in_(utc_)time`;
    the poll's own timer and the web server's keep-alive ones are not counted.
    """

    def timers() -> set[object]:
        return {
            handle
            for handle in hass.loop._scheduled
            if not handle.cancelled() and type(handle._callback).__name__ == "_TrackPointUTCTime"
        }

    before = timers()
    return lambda: len(timers() - before)


async def test_one_timer_for_the_meeting_boundaries_of_all_rooms(
    hass: HomeAssistant,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    simulator = RobinSimulator("large", locations=2, spaces_per_location=40)
    async with run_simulator(simulator, host="127.0.0.1") as url:
        entry = entry_for(simulator, url)
        await asyncio.sleep(0)
        timers = _point_in_time_timers(hass)
        await setup_entry_at(hass, freezer, entry, MONDAY_MORNING_HALF_MINUTE)
        after_setup = timers()
        for _ in range(3):
            await advance(hass, freezer, POLL)
        after_polls = timers()
        assert await hass.config_entries.async_unload(entry.entry_id)

    # 80 rooms with meetings all day: one timer for the next meeting boundary of any room,
    # and the office actor's one for its next moment (a grace period's end).
    assert after_setup == 2
    assert after_polls == 2
