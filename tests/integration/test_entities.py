"""What a user sees in the rooms' entities as presence, bookings and the clock move on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import (
    DOMAIN,
    location_entity_id,
    room_entity_id,
    room_state,
    setup_entry_at,
)
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance
from .office import icon_shown

# These follow every room sensor, people present and free until included.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

POLL = timedelta(seconds=60)
# Half a minute past: polls fall on :30, away from the meetings' whole-minute boundaries.
MONDAY_BEFORE_CUSTOMER_CALL = datetime(2026, 11, 23, 10, 58, 30, tzinfo=UTC)
TUESDAY_BEFORE_STANDUP = datetime(2026, 11, 24, 9, 10, 30, tzinfo=UTC)


def _time(hass: HomeAssistant, simulator: RobinSimulator, room: str, key: str) -> datetime | None:
    """Return a timestamp sensor's value (None while unknown)."""
    state = room_state(hass, simulator, room, "sensor", key).state
    return None if state == STATE_UNKNOWN else dt_util.parse_datetime(state)


async def _run_until(hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime) -> None:
    """Let time pass until `when`, stopping at every poll on the way (they fall on `when`'s
    seconds past the minute), so that polls stay there.
    """
    while (remaining := when - dt_util.utcnow()) > timedelta(0):
        await advance(hass, freezer, remaining % POLL or POLL)


def _record_states(hass: HomeAssistant, entity_id: str) -> list[tuple[str, str | None]]:
    """Record every (state, message) the entity takes from now on."""
    seen: list[tuple[str, str | None]] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen.append((state.state, state.attributes.get("message")))

    async_track_state_change_event(hass, [entity_id], record)
    return seen


async def test_back_to_back_meetings_switch_at_the_boundary_and_the_no_show_is_booked(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, MONDAY_BEFORE_CUSTOMER_CALL)
    calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    await _run_until(hass, freezer, datetime(2026, 11, 23, 10, 59, 30, tzinfo=UTC))
    seen = _record_states(hass, calendar)
    simulator.reset_requests()

    await advance(hass, freezer, timedelta(seconds=29))  # 10:59:59
    assert hass.states.get(calendar).attributes["message"] == "Design review"
    assert _time(hass, simulator, "Fleet Room", "next_booking") == datetime(
        2026, 11, 23, 11, 0, tzinfo=UTC
    )

    await advance(hass, freezer, timedelta(seconds=1))  # 11:00:00, before the next poll
    assert simulator.requests == []
    state = hass.states.get(calendar)
    assert (state.state, state.attributes["message"]) == (STATE_ON, "Customer call")
    assert _time(hass, simulator, "Fleet Room", "next_booking") == datetime(
        2026, 11, 24, 10, 0, tzinfo=UTC
    )  # tomorrow's design review
    assert _time(hass, simulator, "Fleet Room", "free_until") is None
    # Nobody has been seen leaving yet: the room still counts as in use.
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "in_use"

    # The next poll learns that the design review's people left and nobody came to the call.
    await advance(hass, freezer, timedelta(seconds=30))
    assert simulator.requests != []
    assert room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy").state == (
        STATE_OFF
    )
    assert room_state(hass, simulator, "Fleet Room", "sensor", "people_present").state == "0"
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "booked"
    # The calendar stayed on throughout: no "off" between the two meetings.
    assert [state for state, _ in seen] == [STATE_ON]
    assert [message for _, message in seen] == ["Customer call"]


async def test_room_turns_booked_before_the_meeting_and_free_after_it_without_a_poll(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_BEFORE_STANDUP)
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    standup_start = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    metrics_review = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)

    def availability() -> str:
        return room_state(hass, simulator, "Thames Room", "sensor", "availability").state

    # 15 minutes before the stand-up the room turns "booked", exactly then.
    await _run_until(hass, freezer, datetime(2026, 11, 24, 9, 14, 30, tzinfo=UTC))
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=29))
    assert availability() == "available"
    await advance(hass, freezer, timedelta(seconds=1))  # 09:15:00
    assert simulator.requests == []
    assert availability() == "booked"
    assert _time(hass, simulator, "Thames Room", "free_until") == standup_start
    assert hass.states.get(calendar).state == STATE_OFF

    # The calendar turns on when the stand-up starts, not at the next poll.
    await _run_until(hass, freezer, datetime(2026, 11, 24, 9, 29, 30, tzinfo=UTC))
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=29))
    assert hass.states.get(calendar).state == STATE_OFF
    await advance(hass, freezer, timedelta(seconds=1))  # 09:30:00
    assert simulator.requests == []
    state = hass.states.get(calendar)
    assert (state.state, state.attributes["message"]) == (STATE_ON, "Stand-up")
    assert availability() == "booked"  # nobody seen yet
    assert _time(hass, simulator, "Thames Room", "free_until") is None
    assert _time(hass, simulator, "Thames Room", "next_booking") == metrics_review

    # The first poll after the start sees people arrive: the meeting takes place.
    await advance(hass, freezer, timedelta(seconds=30))
    assert room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == (
        STATE_ON
    )
    assert availability() == "in_use"

    # At its end the room is free again until the metrics review, still without a poll.
    await _run_until(hass, freezer, datetime(2026, 11, 24, 9, 44, 30, tzinfo=UTC))
    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=30))  # 09:45:00
    assert simulator.requests == []
    assert availability() == "available"
    assert _time(hass, simulator, "Thames Room", "free_until") == metrics_review
    state = hass.states.get(calendar)
    assert (state.state, state.attributes["message"]) == (STATE_OFF, "Metrics review")


async def test_presence_starting_and_ending_shows_at_the_next_poll(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    london = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")

    assert await icon_shown(hass, simulator, "Thames Room", "occupancy") == (
        "mdi:account-off-outline"
    )
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == (
        STATE_ON
    )
    assert await icon_shown(hass, simulator, "Thames Room", "occupancy") == "mdi:account-group"
    assert room_state(hass, simulator, "Thames Room", "sensor", "people_present").state == "1"
    # Someone dropping in does not book the room.
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "available"
    assert hass.states.get(london).state == "3"

    simulator.end_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == (
        STATE_OFF
    )
    assert room_state(hass, simulator, "Thames Room", "sensor", "people_present").state == "0"
    assert hass.states.get(london).state == "2"


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_room_entities_are_unavailable_while_robin_fails(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entities = [
        ("binary_sensor", "occupancy"),
        ("sensor", "people_present"),
        ("sensor", "availability"),
        ("sensor", "next_booking"),
        ("calendar", "bookings"),
    ]
    london = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")

    simulator.faults.fail_next(status=500, count=4)
    await advance(hass, freezer, POLL)
    for platform, key in entities:
        state = room_state(hass, simulator, "Fleet Room", platform, key)
        assert state.state == STATE_UNAVAILABLE, state
    assert hass.states.get(london).state == STATE_UNAVAILABLE
    # Not known: the icon does not say the room is empty.
    assert await icon_shown(hass, simulator, "Fleet Room", "occupancy") == (
        "mdi:account-question-outline"
    )

    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy").state == STATE_ON
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "in_use"
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_ON
    assert hass.states.get(london).state == "2"


async def test_overlapping_meetings_keep_the_room_booked_until_the_last_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    thames = simulator.find_space("Thames Room")
    # Synced from two calendars, bypassing Robin's conflict check.
    simulator.add_event(
        thames.id,
        "Interview",
        datetime(2026, 11, 23, 10, 20, tzinfo=UTC),
        datetime(2026, 11, 23, 10, 40, tzinfo=UTC),
    )
    simulator.add_event(
        thames.id,
        "Debrief",
        datetime(2026, 11, 23, 10, 30, tzinfo=UTC),
        datetime(2026, 11, 23, 11, 0, tzinfo=UTC),
    )
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")

    await advance(hass, freezer, POLL)  # 10:16: the interview starts within 15 minutes
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "booked"
    assert _time(hass, simulator, "Thames Room", "free_until") == datetime(
        2026, 11, 23, 10, 20, tzinfo=UTC
    )

    await advance(hass, freezer, timedelta(minutes=19))  # 10:35: both meetings are on
    assert hass.states.get(calendar).attributes["message"] == "Interview"
    await advance(hass, freezer, timedelta(minutes=10))  # 10:45: the debrief goes on
    state = hass.states.get(calendar)
    assert (state.state, state.attributes["message"]) == (STATE_ON, "Debrief")
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "booked"
    assert _time(hass, simulator, "Thames Room", "free_until") is None

    await advance(hass, freezer, timedelta(minutes=15))  # 11:00: free until tomorrow
    assert room_state(hass, simulator, "Thames Room", "sensor", "availability").state == "available"
    assert _time(hass, simulator, "Thames Room", "free_until") == datetime(
        2026, 11, 24, 9, 30, tzinfo=UTC
    )
    assert hass.states.get(calendar).state == STATE_OFF


async def test_a_room_removed_in_robin_leaves_its_offices_count(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The Thames Room is deleted while people are in it: London counts one room fewer."""
    thames = simulator.find_space("Thames Room")
    london = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    for _ in range(58):
        await advance(hass, freezer, POLL)
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)  # 11:14
    before = int(hass.states.get(london).state)

    simulator.remove_space(thames.id)
    await advance(hass, freezer, POLL)  # 11:15, the hourly rediscovery: Robin says 404

    assert (
        er.async_get(hass).async_get_entity_id(
            "binary_sensor", DOMAIN, f"{simulator.organization.id}_{thames.id}_occupancy"
        )
        is None
    )
    assert hass.states.get(london).state == str(before - 1)


def _occupied_by_sensors(hass: HomeAssistant, simulator: RobinSimulator, office: str) -> int:
    """Count the office's rooms (as Robin now lists them) whose occupancy sensor is on."""
    return sum(
        room_state(hass, simulator, space.name, "binary_sensor", "occupancy").state == STATE_ON
        for space in simulator.find_location(office).spaces
    )


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_an_occupied_room_moved_to_another_office_counts_in_its_new_office(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin moves the occupied Hudson Room from New York to London: each office counts anew."""
    hudson = simulator.find_space("Hudson Room")
    london = simulator.find_location("London HQ")
    new_york = simulator.find_location("New York Studio")
    london_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    new_york_rooms = location_entity_id(
        hass, simulator, "New York Studio", "sensor", "occupied_rooms"
    )
    for _ in range(58):
        await advance(hass, freezer, POLL)
    simulator.start_presence(hudson.id)
    await advance(hass, freezer, POLL)  # 11:14
    assert hass.states.get(new_york_rooms).state == str(
        _occupied_by_sensors(hass, simulator, "New York Studio")
    )
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == (
        STATE_ON
    )

    # Robin moves the room to London (same id), people still in it.
    new_york.spaces.remove(hudson)
    hudson.location_id = london.id
    london.spaces.append(hudson)
    await advance(hass, freezer, POLL)  # 11:15, the hourly rediscovery

    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == (
        STATE_ON
    )
    # Each office counts the rooms it has now: Hudson in London's count, not New York's.
    assert hass.states.get(london_rooms).state == str(
        _occupied_by_sensors(hass, simulator, "London HQ")
    )
    assert hass.states.get(new_york_rooms).state == str(
        _occupied_by_sensors(hass, simulator, "New York Studio")
    )
    # ...and go on counting so as people leave it.
    simulator.end_presence(hudson.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == (
        STATE_OFF
    )
    assert hass.states.get(london_rooms).state == str(
        _occupied_by_sensors(hass, simulator, "London HQ")
    )


@pytest.mark.parametrize(
    ("start", "booked_at"),
    [
        # Sunday 29 March 2026, London springs forward at 01:00 UTC (01:00 GMT -> 02:00
        # BST): a meeting at 02:05 BST (01:05 UTC) is 15 minutes away at 00:50 UTC.
        (datetime(2026, 3, 29, 1, 5, tzinfo=UTC), datetime(2026, 3, 29, 0, 50, tzinfo=UTC)),
        # Sunday 25 October 2026, London falls back at 01:00 UTC (02:00 BST -> 01:00 GMT):
        # a meeting at the second 01:10 (GMT, 01:10 UTC) is 15 minutes away at 00:55 UTC.
        (datetime(2026, 10, 25, 1, 10, tzinfo=UTC), datetime(2026, 10, 25, 0, 55, tzinfo=UTC)),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_room_turns_booked_15_minutes_before_a_meeting_on_a_clock_change_night(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    start: datetime,
    booked_at: datetime,
) -> None:
    thames = simulator.find_space("Thames Room")
    simulator.add_event(thames.id, "Release window", start, start + timedelta(minutes=30))
    await setup_entry_at(hass, freezer, config_entry, booked_at - timedelta(minutes=20, seconds=30))

    def availability() -> str:
        return room_state(hass, simulator, "Thames Room", "sensor", "availability").state

    assert availability() == "available"
    assert _time(hass, simulator, "Thames Room", "free_until") == start
    await advance(hass, freezer, booked_at - timedelta(seconds=1) - dt_util.utcnow())
    assert availability() == "available"
    await advance(hass, freezer, timedelta(seconds=1))  # 15 minutes before, to the second
    assert availability() == "booked"


async def test_a_room_and_an_office_renamed_in_robin_rename_their_entities(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Facilities rename a room and its office: the hourly rediscovery renames what shows them."""
    fleet = simulator.find_space("Fleet Room")
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    assert hass.states.get(occupancy).name == "Fleet Room Occupancy"
    assert hass.states.get(occupied_rooms).name == "London HQ Occupied rooms"

    fleet.name = "Fleet Suite"
    simulator.find_location("London HQ").name = "London Office"
    for _ in range(60):  # until the hourly rediscovery (11:15)
        await advance(hass, freezer, POLL)

    assert hass.states.get(occupancy).name == "Fleet Suite Occupancy"
    assert hass.states.get(occupied_rooms).name == "London Office Occupied rooms"
    # Still the same entities, following the room and the office by Robin's ids.
    assert occupancy == room_entity_id(hass, simulator, "Fleet Suite", "binary_sensor", "occupancy")


@POLL_EVERY_LOCATION_EVERY_MINUTE
@pytest.mark.parametrize("outage", ["robin_fails", "london_refused"])
async def test_a_room_booked_during_an_outage_comes_back_booked_without_a_stale_state(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    outage: str,
) -> None:
    """Booked and entered during an outage: no automation sees the room free or the count old."""
    thames = simulator.find_space("Thames Room")
    london = f"locations/{simulator.find_location('London HQ').id}"
    availability = room_entity_id(hass, simulator, "Thames Room", "sensor", "availability")
    calendar = room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings")
    occupied_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    assert hass.states.get(occupied_rooms).state == "2"
    if outage == "robin_fails":
        simulator.faults.fail_next(status=500, count=4)
    else:
        simulator.faults.refuse(403, london)
    await advance(hass, freezer, POLL)
    assert hass.states.get(availability).state == STATE_UNAVAILABLE

    now = dt_util.utcnow()
    simulator.add_event(thames.id, "Walk-in", now - timedelta(minutes=1), now + timedelta(hours=1))
    simulator.start_presence(simulator.find_space("Phone Booth 1").id)  # London's third
    simulator.faults.allow(london)
    seen = _record_states(hass, availability)
    seen_by_calendar = _record_states(hass, calendar)
    seen_by_office = _record_states(hass, occupied_rooms)
    await advance(hass, freezer, POLL)

    assert [state for state, _ in seen] == ["booked"]
    assert seen_by_calendar == [(STATE_ON, "Walk-in")]
    assert [state for state, _ in seen_by_office] == ["3"]
