"""Work in proportion to what changed: which entities a poll writes, and how many timers run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator, run_simulator

from .common import DOMAIN, room_entity_id, room_state, setup_entry_at
from .conftest import advance

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
    organization = simulator.organization
    async with run_simulator(simulator, host="127.0.0.1") as url:
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=str(organization.id),
            data={
                "access_token": simulator.token,
                "url": url,
                "organization_id": organization.id,
                "locations": [location.id for location in organization.locations],
            },
        )
        await asyncio.sleep(0)
        timers = _point_in_time_timers(hass)
        await setup_entry_at(hass, freezer, entry, MONDAY_MORNING_HALF_MINUTE)
        after_setup = timers()
        for _ in range(3):
            await advance(hass, freezer, POLL)
        after_polls = timers()
        assert await hass.config_entries.async_unload(entry.entry_id)

    # 80 rooms with meetings all day: one timer for the next meeting boundary of any room.
    assert after_setup == 1
    assert after_polls == 1
