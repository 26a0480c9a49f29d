"""A refresh asked for inside a Retry-After another request met is made as the wait ends.

`homeassistant.update_entity`, or the refresh an action asks for after its change, may come
while the client waits out Robin's Retry-After. After a poll that worked the rooms keep what
they show, and the refresh is the poll at the wait's end, which reads every location (and,
after an action, the whole calendar window) as a refresh asked for does. A setup inside such
a wait still fails: there is nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, room_entity_id, room_state, room_target, setup_entry_at
from .conftest import MONDAY_MORNING, advance

STEP = timedelta(seconds=5)
ONE_SECOND = timedelta(seconds=1)
# Polls run at whole minutes from setup (10:15:00); the user acts 20 s after one.
ACTION_AT = MONDAY_MORNING + timedelta(seconds=20)
# Tuesday 24 November 2026, 00:00:30 UTC: both offices closed, polled hourly.
TUESDAY_NIGHT = datetime(2026, 11, 24, 0, 0, 30, tzinfo=UTC)
# Thursday 26 November 2026, 14:00-15:00 UTC: a day of the window a regular poll may not read.
THURSDAY_AFTERNOON = datetime(2026, 11, 26, 14, tzinfo=UTC)


@dataclass
class Watch:
    """The entry's entities, and each time one of them turned unavailable."""

    entity_ids: set[str]
    went_unavailable: list[str] = field(default_factory=list)


def _watch(hass: HomeAssistant, entry: MockConfigEntry) -> Watch:
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    watch = Watch({e.entity_id for e in entities if hass.states.get(e.entity_id) is not None})
    assert watch.entity_ids

    @callback
    def seen(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] in watch.entity_ids and new and new.state == STATE_UNAVAILABLE:
            watch.went_unavailable.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, seen)
    return watch


def _wait_of(simulator: RobinSimulator, status: int = 429) -> tuple[datetime, datetime]:
    """Return when Robin answered the one 429 (or 503) so far, and the end of its Retry-After."""
    (answer,) = [r for r in simulator.requests if r.status == status]
    assert answer.at is not None
    assert answer.retry_after is not None
    return answer.at, answer.at + timedelta(seconds=int(answer.retry_after))


def _sent_inside(simulator: RobinSimulator, answered: datetime, not_before: datetime) -> list[str]:
    """Requests sent after the 429 was answered and before its Retry-After passed."""
    return [
        f"{r.method} {r.path}"
        for r in simulator.requests
        if r.at is not None and answered < r.at < not_before
    ]


def _presence_reads(simulator: RobinSimulator) -> list[tuple[datetime, str]]:
    """When each location's presence was read (every poll reads it for each location polled)."""
    names = {
        f"/v1.0/locations/{location.id}/presence": location.name
        for location in simulator.organization.locations
    }
    return sorted(
        (r.at, names[r.path]) for r in simulator.requests if r.path in names and r.at is not None
    )


async def _run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime, step: timedelta = STEP
) -> None:
    """Let the clock run `step` at a time until `until`: timers run in their order."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(step, until - now))


async def _booking_rate_limited(
    hass: HomeAssistant, simulator: RobinSimulator, room: str, retry_after: int
) -> None:
    """Book a room; Robin answers the booking's first request 429."""
    space = simulator.find_space(room)
    simulator.faults.rate_limit_next(retry_after, path=f"/spaces/{space.id}/events")
    with pytest.raises(HomeAssistantError):
        await call_action(
            hass, "book_space", {"duration": {"minutes": 30}}, room_target(hass, simulator, room)
        )


async def _booking_outcome_unknown(
    hass: HomeAssistant, simulator: RobinSimulator
) -> tuple[datetime, datetime]:
    """Book the Thames Room; Robin answers 503 for 90 s: whether it booked is unknown.

    Return when Robin answered and when its Retry-After ends.
    """
    thames = simulator.find_space("Thames Room")
    simulator.faults.rate_limit_next(
        90, status=503, path=f"/spaces/{thames.id}/events", method="POST"
    )
    with pytest.raises(HomeAssistantError, match="whether it was made cannot be checked yet"):
        await call_action(
            hass,
            "book_space",
            {"duration": {"minutes": 30}},
            room_target(hass, simulator, "Thames Room"),
        )
    return _wait_of(simulator, status=503)


async def _set_up_with_polling_off(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Set the entry up with polling turned off (the entry's system options)."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, pref_disable_polling=True)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()


async def _update_entity(hass: HomeAssistant, entity_id: str) -> None:
    """Ask for a refresh as a user or an automation does."""
    await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)


async def _calendar_events(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": start.isoformat(),
            "end_date_time": end.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return events


def _fleet_occupancy(hass: HomeAssistant, simulator: RobinSimulator) -> str:
    return room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy").state


async def test_an_update_asked_for_inside_a_wait_keeps_the_rooms_and_polls_as_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At 10:15:20 a booking meets a 429 (90 s); the user then asks for an update."""
    watch = _watch(hass, setup_integration)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Thames Room", retry_after=90)
    answered, wait_over = _wait_of(simulator)
    # Everyone leaves the Fleet Room during the wait: the refresh at its end shows it.
    simulator.end_presence(simulator.find_space("Fleet Room").id)

    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    await advance(hass, freezer, timedelta(seconds=10))  # 10:15:30
    await _update_entity(hass, occupancy)
    assert watch.went_unavailable == []
    assert _fleet_occupancy(hass, simulator) == "on"  # what the last poll showed

    await _run_until(hass, freezer, wait_over - ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable == []
    assert _fleet_occupancy(hass, simulator) == "on"

    # The refresh is made as the wait ends (+1 s: Home Assistant rounds its timers down).
    # Asked for, it reads every location, also New York, outside its working hours at
    # 05:16 and otherwise polled hourly.
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    reads = _presence_reads(simulator)
    assert [name for _, name in reads] == ["London HQ", "New York Studio"]
    poll = reads[0][0]
    assert wait_over < poll <= wait_over + timedelta(seconds=3)
    assert reads[1][0] == poll
    assert _fleet_occupancy(hass, simulator) == "off"
    assert watch.went_unavailable == []

    # One refresh timer: polling goes on at its interval from there, and nothing else.
    await _run_until(hass, freezer, poll + timedelta(seconds=62), ONE_SECOND)
    assert _presence_reads(simulator)[2:] == [(poll + timedelta(seconds=60), "London HQ")]
    assert watch.went_unavailable == []


async def test_an_update_asked_for_at_night_inside_a_wait_is_made_as_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The next poll is an hour away: the refresh is not put off until then."""
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    watch = _watch(hass, config_entry)
    await advance(hass, freezer, timedelta(minutes=10))  # 00:10:30
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Thames Room", retry_after=90)
    answered, wait_over = _wait_of(simulator)
    simulator.start_presence(simulator.find_space("Fleet Room").id)  # someone works late
    assert _fleet_occupancy(hass, simulator) == "off"

    await _update_entity(
        hass, room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    )
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    reads = _presence_reads(simulator)
    assert [name for _, name in reads] == ["London HQ", "New York Studio"]
    assert wait_over < reads[0][0] <= wait_over + timedelta(seconds=3)
    assert _fleet_occupancy(hass, simulator) == "on"
    assert watch.went_unavailable == []


async def test_an_actions_refresh_inside_a_wait_keeps_the_rooms_and_reads_all_as_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A script books a room, extends the booking, then books another, which meets a 429.

    The extension's refresh waits out the first one's 2 s cooldown; by then the client waits
    out Robin's Retry-After.
    """
    watch = _watch(hass, setup_integration)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    thames = room_target(hass, simulator, "Thames Room")
    booked = await call_action(hass, "book_space", {"duration": {"minutes": 30}}, thames)
    extended = await call_action(
        hass, "extend_booking", {"booking_id": booked["booking"]["id"], "minutes": 15}, thames
    )
    # The action answers with what Robin made, whenever the refresh comes.
    assert extended["booking"]["end"] == "2026-11-23T11:00:20+00:00"
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Boardroom", retry_after=90)
    answered, wait_over = _wait_of(simulator)
    # Meanwhile in Robin: everyone leaves the Fleet Room, and a meeting is set on Thursday.
    simulator.end_presence(simulator.find_space("Fleet Room").id)
    simulator.add_event(
        simulator.find_space("Fleet Room").id,
        "Quarterly review",
        THURSDAY_AFTERNOON,
        THURSDAY_AFTERNOON + timedelta(hours=1),
    )

    await _run_until(hass, freezer, wait_over - ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable == []
    assert _fleet_occupancy(hass, simulator) == "on"
    thames_calendar = room_state(hass, simulator, "Thames Room", "calendar", "bookings")
    assert thames_calendar.attributes["end_time"] == "2026-11-23 11:00:20"

    # The refresh at the wait's end reads every location and the whole calendar window.
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    reads = _presence_reads(simulator)
    assert [name for _, name in reads] == ["London HQ", "New York Studio"]
    assert wait_over < reads[0][0] <= wait_over + timedelta(seconds=3)
    assert _fleet_occupancy(hass, simulator) == "off"
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    thursday = await _calendar_events(
        hass, fleet_calendar, THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )
    assert "Quarterly review" in [event["summary"] for event in thursday]
    assert watch.went_unavailable == []


async def test_an_actions_refresh_at_night_inside_a_wait_is_made_as_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The refresh an action asks for is not put off until the next poll, an hour away.

    Robin answers the booking itself 503 for 90 s: whether it booked is unknown (it cannot
    be looked up inside the wait), so the refresh is asked for. A 429 would ask for none.
    """
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    watch = _watch(hass, config_entry)
    await advance(hass, freezer, timedelta(minutes=10))  # 00:10:30
    simulator.reset_requests()
    answered, wait_over = await _booking_outcome_unknown(hass, simulator)
    fleet = simulator.find_space("Fleet Room").id
    simulator.start_presence(fleet)  # someone works late
    simulator.add_event(
        fleet, "Quarterly review", THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )

    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    reads = _presence_reads(simulator)
    assert [name for _, name in reads] == ["London HQ", "New York Studio"]
    assert wait_over < reads[0][0] <= wait_over + timedelta(seconds=3)
    assert _fleet_occupancy(hass, simulator) == "on"
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    thursday = await _calendar_events(
        hass, fleet_calendar, THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )
    assert "Quarterly review" in [event["summary"] for event in thursday]
    assert watch.went_unavailable == []


async def test_with_polling_off_an_update_inside_a_wait_fails_rather_than_vanish(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polling off (the entry's system options): no poll to move the refresh to.

    The refresh asked for fails as Robin's wait makes it (the entities turn unavailable),
    rather than be dropped while they go on showing what they showed; asked again after
    the wait, it reads Robin.
    """
    await _set_up_with_polling_off(hass, config_entry)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Thames Room", retry_after=90)
    answered, wait_over = _wait_of(simulator)
    simulator.end_presence(simulator.find_space("Fleet Room").id)
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")

    await _update_entity(hass, occupancy)
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert _presence_reads(simulator) == []  # nothing polls by itself

    await _update_entity(hass, occupancy)
    assert _fleet_occupancy(hass, simulator) == "off"


async def test_a_setup_inside_a_wait_fails_until_it_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reloaded inside the wait, the entry has nothing to show: its setup is retried after."""
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Thames Room", retry_after=90)
    answered, wait_over = _wait_of(simulator)

    await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert setup_integration.state is ConfigEntryState.SETUP_RETRY
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE

    await _run_until(hass, freezer, wait_over - ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    assert setup_integration.state is ConfigEntryState.SETUP_RETRY
    # Home Assistant retries the setup with a growing back-off; the first after the wait works.
    await _run_until(hass, freezer, wait_over + timedelta(minutes=3))
    assert setup_integration.state is ConfigEntryState.LOADED
    assert _fleet_occupancy(hass, simulator) == "on"


async def test_with_polling_off_an_unknown_outcome_inside_a_wait_keeps_the_rooms_shown(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin answers a booking 503 for 90 s, polling off: no refresh is asked for then.

    It could only fail inside the wait, turning every room unavailable for the user's
    change; the next update asked for after the wait reads the whole calendar window.
    """
    await _set_up_with_polling_off(hass, config_entry)
    watch = _watch(hass, config_entry)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    answered, wait_over = await _booking_outcome_unknown(hass, simulator)
    fleet = simulator.find_space("Fleet Room").id
    simulator.add_event(
        fleet, "Quarterly review", THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )

    await _run_until(hass, freezer, wait_over + timedelta(seconds=3))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert _presence_reads(simulator) == []  # nothing polls by itself
    assert watch.went_unavailable == []

    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    await _update_entity(hass, fleet_calendar)
    thursday = await _calendar_events(
        hass, fleet_calendar, THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )
    assert "Quarterly review" in [event["summary"] for event in thursday]
    assert watch.went_unavailable == []


async def test_a_reread_under_way_when_an_action_meets_a_429_keeps_the_rooms(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A booking's window reread is under way when the next action meets a 429 (90 s).

    The reread's later reads would be held back by the wait: it is moved to the wait's end
    instead of failing. No room turns unavailable meanwhile, and the poll at the wait's end
    reads every location and the meeting set on Thursday in Robin's app.
    """
    watch = _watch(hass, setup_integration)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    london_events = f"/locations/{simulator.find_location('London HQ').id}/events"
    simulator.faults.hold_next(path=london_events, method="GET")
    await call_action(
        hass,
        "book_space",
        {"duration": {"minutes": 30}},
        room_target(hass, simulator, "Thames Room"),
    )
    await simulator.faults.wait_until_held()  # the reread's first read of London
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, "Boardroom", retry_after=90)
    answered, wait_over = _wait_of(simulator)
    fleet = simulator.find_space("Fleet Room")
    simulator.add_event(
        fleet.id, "Quarterly review", THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert setup_integration.runtime_data.last_update_success
    assert watch.went_unavailable == []

    await _run_until(hass, freezer, wait_over - ONE_SECOND)
    assert _sent_inside(simulator, answered, wait_over) == []
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    reads = _presence_reads(simulator)
    assert [name for _, name in reads] == ["London HQ", "New York Studio"]
    assert wait_over < reads[0][0] <= wait_over + timedelta(seconds=3)
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    thursday = await _calendar_events(
        hass, fleet_calendar, THURSDAY_AFTERNOON, THURSDAY_AFTERNOON + timedelta(hours=1)
    )
    assert "Quarterly review" in [event["summary"] for event in thursday]
    assert watch.went_unavailable == []
