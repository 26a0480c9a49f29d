"""Outside a location's working hours it is polled slowly; its day starts with a fresh read.

The demo's offices work 08:30-18:00, Monday to Friday, London's in London time, New York's
in New York time: between 23:00 and 08:30 UTC both are closed. Their working hours are
reread hourly meanwhile, so that hours edited in Robin at night take effect within the hour.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL
from robin_simulator import RobinSimulator
from robin_simulator.model import TimeFrame

from .common import room_entity_id, room_state, setup_entry_at
from .conftest import advance

LONDON = ZoneInfo("Europe/London")
# Tuesday 24 November 2026, 00:00:30 UTC: 00:00 in London, 19:00 (Monday) in New York.
TUESDAY_NIGHT = datetime(2026, 11, 24, 0, 0, 30, tzinfo=UTC)
LONDON_OPENS = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SLOW = timedelta(minutes=60)  # the option's default


async def run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime, step: timedelta = MINUTE
) -> None:
    """Let the clock run in steps (a poll every minute would fire at each) until `until`."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(step, until - now))


def presence_reads(simulator: RobinSimulator, location: str) -> list[datetime]:
    """Return when the simulator served the location's presence: one per poll of it."""
    path = f"/v1.0/locations/{simulator.find_location(location).id}/presence"
    return [record.at for record in simulator.requests if record.path == path and record.at]


def rediscoveries(simulator: RobinSimulator) -> int:
    """Return how often London's rooms were read: once per rediscovery."""
    path = f"/v1.0/locations/{simulator.find_location('London HQ').id}/spaces"
    return sum(1 for record in simulator.requests if record.path == path)


def location_lists(simulator: RobinSimulator) -> list[datetime]:
    """Return when the organization's locations (and their working hours) were listed."""
    path = f"/v1.0/organizations/{simulator.organization.id}/locations"
    return [record.at for record in simulator.requests if record.path == path and record.at]


def polls_of(entry: MockConfigEntry) -> list[datetime]:
    """Record the coordinator's polls (with or without requests) from now on."""
    polls: list[datetime] = []
    entry.runtime_data.async_add_poll_listener(lambda: polls.append(datetime.now(UTC)))
    return polls


async def test_at_night_each_location_is_polled_hourly_not_every_minute(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    polls = polls_of(config_entry)
    simulator.reset_requests()
    await run_until(hass, freezer, TUESDAY_NIGHT + timedelta(hours=6))

    for office in ("London HQ", "New York Studio"):
        reads = presence_reads(simulator, office)
        assert len(reads) == 6, (office, reads)  # 6 hours, every 60 minutes
        assert all(b - a >= SLOW for a, b in itertools.pairwise(reads))
    # Nothing polls in between: both offices fall due together, and so do their hours.
    assert len(polls) == 6
    # Per slow poll and office: presence and the next hour (the window's days wait for the
    # working day); no rediscovery while every office is closed, only the list of the
    # locations, which carries their working hours, once a poll.
    event_reads = [record for record in simulator.requests if record.path.endswith("/events")]
    assert len(event_reads) == 2 * 6
    assert len(location_lists(simulator)) == 6
    assert len(simulator.requests) == 2 * 2 * 6 + 6


async def test_normal_polling_resumes_as_the_working_day_starts(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    await run_until(hass, freezer, LONDON_OPENS - timedelta(seconds=10))
    simulator.reset_requests()
    # Second by second around the opening: the first poll of the day comes with it.
    await run_until(hass, freezer, LONDON_OPENS + timedelta(seconds=10), timedelta(seconds=1))
    first = presence_reads(simulator, "London HQ")
    assert len(first) == 1
    # The rooms are reread with the day (not hourly through the night).
    assert rediscoveries(simulator) == 1
    assert LONDON_OPENS - timedelta(seconds=1) <= first[0] <= LONDON_OPENS + timedelta(seconds=1)
    await run_until(hass, freezer, LONDON_OPENS + timedelta(minutes=10, seconds=10))
    reads = presence_reads(simulator, "London HQ")
    assert len(reads) == 11  # 08:30 and every minute after
    # New York (03:30 there) stays slow: at most one poll in these ten minutes.
    assert len(presence_reads(simulator, "New York Studio")) <= 1


async def _events_today(hass: HomeAssistant, entity_id: str, start: datetime) -> list[str]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": start,
            "end_date_time": start + timedelta(hours=12),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[entity_id]["events"]  # type: ignore[assignment,index]
    return [event["summary"] for event in events]


async def test_bookings_made_at_night_are_shown_as_the_day_starts(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    await run_until(hass, freezer, datetime(2026, 11, 24, 8, 20, tzinfo=UTC))
    # Booked in Robin after the last slow poll of the night, for 09:00 and the afternoon.
    fleet = simulator.find_space("Fleet Room")
    day = datetime(2026, 11, 24, tzinfo=LONDON)
    simulator.add_event(fleet.id, "Early sync", day.replace(hour=9), day.replace(hour=10))
    simulator.add_event(fleet.id, "Late review", day.replace(hour=16), day.replace(hour=17))
    calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert "Late review" not in await _events_today(hass, calendar, LONDON_OPENS)

    await run_until(hass, freezer, LONDON_OPENS + timedelta(seconds=30))
    titles = await _events_today(hass, calendar, LONDON_OPENS)
    assert {"Early sync", "Late review"} <= set(titles)
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "available"
    next_booking = room_state(hass, simulator, "Fleet Room", "sensor", "next_booking")
    assert next_booking.state == "2026-11-24T09:00:00+00:00"
    # 15 minutes before the 09:00 booking the room turns booked.
    await run_until(hass, freezer, datetime(2026, 11, 24, 8, 45, 30, tzinfo=UTC))
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "booked"


async def test_with_the_option_off_every_location_is_polled_every_minute_at_night(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_OFF_HOURS_INTERVAL: 0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    simulator.reset_requests()
    await run_until(hass, freezer, datetime.now(UTC) + timedelta(minutes=30))
    assert len(presence_reads(simulator, "London HQ")) == 30
    assert len(presence_reads(simulator, "New York Studio")) == 30


async def test_only_the_location_outside_its_working_hours_is_slowed(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Monday 10:15 UTC: 10:15 in London (open), 05:15 in New York (closed).
    simulator.reset_requests()
    await run_until(hass, freezer, datetime.now(UTC) + timedelta(hours=2))
    assert len(presence_reads(simulator, "London HQ")) == 120
    new_york = presence_reads(simulator, "New York Studio")
    assert len(new_york) == 2
    assert all(b - a >= SLOW for a, b in itertools.pairwise(new_york))


async def test_an_update_asked_for_at_night_reads_every_location_at_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    await run_until(hass, freezer, TUESDAY_NIGHT + timedelta(minutes=10))
    simulator.reset_requests()
    occupancy = room_entity_id(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": occupancy}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(presence_reads(simulator, "London HQ")) == 1
    assert len(presence_reads(simulator, "New York Studio")) == 1


async def test_a_failed_poll_as_the_day_starts_is_retried_at_the_regular_interval(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    await run_until(hass, freezer, LONDON_OPENS - timedelta(seconds=10))
    # The day's first poll rereads the rooms: Robin fails that read.
    simulator.faults.fail_next(500, path="/locations")
    await run_until(hass, freezer, LONDON_OPENS + timedelta(seconds=31))
    assert simulator.faults.pending == 0
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state == "unavailable"
    simulator.reset_requests()

    # Retried a minute later, as any failed poll in working hours: not after the night's hour.
    await run_until(hass, freezer, LONDON_OPENS + timedelta(minutes=2))
    assert len(presence_reads(simulator, "London HQ")) >= 1
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state != "unavailable"


async def test_a_failed_poll_at_night_is_retried_a_minute_later_not_an_hour(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    polls = polls_of(config_entry)
    simulator.faults.fail_next(500, path="/presence")
    await run_until(hass, freezer, TUESDAY_NIGHT + SLOW + timedelta(seconds=5))
    assert simulator.faults.pending == 0
    assert len(polls) == 1
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state == "unavailable"

    await run_until(hass, freezer, polls[0] + MINUTE + timedelta(seconds=5), timedelta(seconds=5))
    assert len(polls) == 2
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state != "unavailable"
    # Worked again: back to the night's rhythm.
    await run_until(hass, freezer, polls[1] + SLOW - timedelta(minutes=1))
    assert len(polls) == 2
    await run_until(hass, freezer, polls[1] + SLOW + timedelta(seconds=5))
    assert len(polls) == 3


async def test_robin_down_at_night_is_asked_less_and_less_up_to_the_slow_interval(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    polls = polls_of(config_entry)
    simulator.faults.refuse(500, "v1.0")
    await run_until(hass, freezer, TUESDAY_NIGHT + 4 * SLOW)
    gaps = [round((b - a) / MINUTE) for a, b in itertools.pairwise(polls)]
    assert gaps[:7] == [1, 2, 4, 8, 16, 32, 60], gaps
    assert all(gap == 60 for gap in gaps[6:]), gaps

    simulator.faults.allow("v1.0")
    await run_until(hass, freezer, polls[-1] + SLOW + timedelta(seconds=5))
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state != "unavailable"


# Sunday 22 November 2026, 20:20:30 UTC: both offices closed until Monday (London opens at
# 08:30 UTC, New York at 13:30 UTC); slow polls come at 20 minutes and 30 s past the hour.
SUNDAY_EVENING = datetime(2026, 11, 22, 20, 20, 30, tzinfo=UTC)
MONDAY, TUESDAY = 1, 2  # Robin's weekdays


def edit_hours(
    simulator: RobinSimulator, office: str, weekday: int, opens: time, closes: time
) -> None:
    """Give the office other working hours on that weekday, as an admin would in Robin."""
    simulator.find_location(office).working_hours[weekday] = [TimeFrame(opens, closes)]


async def test_hours_edited_on_sunday_night_to_open_earlier_take_effect_at_the_new_opening(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, SUNDAY_EVENING)
    await run_until(hass, freezer, datetime(2026, 11, 22, 21, 10, tzinfo=UTC))
    # London opens at 07:00 on Monday instead of 08:30.
    edit_hours(simulator, "London HQ", MONDAY, time(7), time(18))
    new_opening = datetime(2026, 11, 23, 7, tzinfo=UTC)
    await run_until(hass, freezer, new_opening - timedelta(seconds=10))
    simulator.reset_requests()

    # Second by second around the new opening: the first poll of the day comes with it.
    await run_until(hass, freezer, new_opening + timedelta(seconds=10), timedelta(seconds=1))
    first = presence_reads(simulator, "London HQ")
    assert len(first) == 1
    assert new_opening - timedelta(seconds=1) <= first[0] <= new_opening + timedelta(seconds=1)
    # Polled every minute from then on: someone coming in at 07:02 shows within a minute.
    await run_until(hass, freezer, new_opening + timedelta(minutes=2, seconds=10))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, new_opening + timedelta(minutes=3, seconds=10))
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state == "on"
    await run_until(hass, freezer, new_opening + timedelta(minutes=10, seconds=10))
    assert len(presence_reads(simulator, "London HQ")) == 11  # 07:00 and every minute after
    # New York (02:00 there) stays slow.
    assert len(presence_reads(simulator, "New York Studio")) <= 1


@dataclass(frozen=True)
class HoursEdit:
    """Working hours an admin edits in Robin at night, while every office is closed."""

    office: str
    weekday: int
    opens: time
    closes: time
    set_up: datetime  # when the entry is set up: slow polls come at its minutes past the hour
    edited: datetime


@pytest.mark.parametrize(
    "edit",
    [
        # Monday 03:20:30 UTC; at 05:05 London is given Monday hours from 05:00: open now.
        pytest.param(
            HoursEdit(
                "London HQ",
                MONDAY,
                time(5),
                time(18),
                set_up=datetime(2026, 11, 23, 3, 20, 30, tzinfo=UTC),
                edited=datetime(2026, 11, 23, 5, 5, tzinfo=UTC),
            ),
            id="opening_earlier",
        ),
        # Tuesday 23:20:30 UTC (18:20 in New York, just closed); at 23:30 New York's Tuesday
        # is made to end at 22:00 there: open again.
        pytest.param(
            HoursEdit(
                "New York Studio",
                TUESDAY,
                time(8, 30),
                time(22),
                set_up=datetime(2026, 11, 24, 23, 20, 30, tzinfo=UTC),
                edited=datetime(2026, 11, 24, 23, 30, tzinfo=UTC),
            ),
            id="closing_later",
        ),
    ],
)
async def test_hours_edited_at_night_to_work_now_take_effect_within_the_hour(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    edit: HoursEdit,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, edit.set_up)
    await run_until(hass, freezer, edit.edited)
    edit_hours(simulator, edit.office, edit.weekday, edit.opens, edit.closes)
    await run_until(hass, freezer, edit.edited + timedelta(hours=1))
    simulator.reset_requests()

    # Within the hour the office is in its working hours again: polled every minute.
    await run_until(hass, freezer, edit.edited + timedelta(hours=1, minutes=10))
    reads = presence_reads(simulator, edit.office)
    assert len(reads) == 10, reads
    assert all(b - a == MINUTE for a, b in itertools.pairwise(reads))


@pytest.mark.parametrize(
    ("entry_options", "presence_polls"),
    [
        pytest.param({}, 6, id="slow_polls_hourly"),
        pytest.param({CONF_OFF_HOURS_INTERVAL: 15}, 24, id="slow_polls_every_15_minutes"),
        pytest.param({CONF_OFF_HOURS_INTERVAL: 240}, 1, id="slow_polls_every_4_hours"),
    ],
)
async def test_at_night_the_working_hours_are_reread_once_an_hour_and_nothing_more(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    presence_polls: int,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    simulator.reset_requests()
    await run_until(hass, freezer, TUESDAY_NIGHT + timedelta(hours=6))

    lists = location_lists(simulator)
    assert len(lists) == 6, lists
    assert all(timedelta(hours=1) <= b - a <= SLOW for a, b in itertools.pairwise(lists))
    # Only what carries the hours: no rooms or floors before the day starts.
    listed_paths = {record.path for record in simulator.requests}
    assert not {path for path in listed_paths if path.endswith(("/spaces", "/levels"))}
    # The offices themselves are polled at the option's interval, no more often.
    for office in ("London HQ", "New York Studio"):
        assert len(presence_reads(simulator, office)) == presence_polls


async def test_a_failed_reread_of_the_hours_at_night_leaves_the_rooms_available(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry_at(hass, freezer, config_entry, TUESDAY_NIGHT)
    simulator.faults.fail_next(500, path=f"/organizations/{simulator.organization.id}/locations")
    simulator.reset_requests()
    await run_until(hass, freezer, TUESDAY_NIGHT + SLOW)
    assert simulator.faults.pending == 0
    occupancy = room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy")
    assert occupancy.state == "off"

    # Tried again with the next hour's poll, not at once.
    await run_until(hass, freezer, TUESDAY_NIGHT + 2 * SLOW)
    assert location_lists(simulator) == [TUESDAY_NIGHT + SLOW, TUESDAY_NIGHT + 2 * SLOW]
    assert len(presence_reads(simulator, "London HQ")) == 2
