"""A refused release whose retry falls while Robin fails or asks to wait is made once it can be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_LOCATIONS,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import RobinSimulator

from .common import api_calls, setup_entry_at
from .conftest import MONDAY_MORNING, advance
from .office import capture, run_until, writes

# Monday 23 November 2026: nobody comes to a call in the Boardroom.
CALL_START = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
CALL_END = CALL_START + timedelta(hours=1)
TEN_PAST_ELEVEN = CALL_START + timedelta(minutes=10)
# Monday 23 November 2026; London's working hours end at 18:00 (UTC+0 in November), after
# which it is read hourly.
EVENING_CALL_START = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
EVENING_CALL_END = EVENING_CALL_START + timedelta(hours=1)
# Steps short enough to see each retry at its second.
STEP = timedelta(seconds=5)


async def test_a_release_refused_before_robin_went_down_is_made_when_it_is_back(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin fails the release, then everything as its retry comes due, then recovers."""
    boardroom = simulator.find_space("Boardroom")
    call = simulator.add_event(boardroom.id, "Supplier call", CALL_START, CALL_END)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={CONF_RELEASE_NO_SHOWS: True})
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING + timedelta(seconds=30))
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    simulator.faults.fail_next(500, path=f"/events/{call.id}", method="PATCH")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: Robin fails the release
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert _end(simulator, call.id) == CALL_END

    # 11:10:10: Robin goes down. The retry comes due with the poll at 11:11:00 (the
    # release's own refresh moved the polls to :00): whichever runs first finds it failing.
    await advance(hass, freezer, timedelta(seconds=10))
    simulator.faults.refuse(500, "v1.0")
    await advance(hass, freezer, timedelta(seconds=50))
    simulator.reset_requests()
    await _run_in_steps(hass, freezer, TEN_PAST_ELEVEN + timedelta(minutes=2, seconds=30))
    assert any(record.status == 500 for record in simulator.requests), "no poll failed"
    assert [call for call in api_calls(simulator) if "/events/" in call] == [], (
        "the booking was asked about while Robin was failing"
    )
    assert released == []

    # 11:12:30: Robin is back. Nothing changed in the room meanwhile; the release is made
    # with the first poll that works.
    simulator.faults.allow("v1.0")
    simulator.reset_requests()
    await _run_in_steps(hass, freezer, datetime.now(UTC) + timedelta(minutes=3))
    first_poll_back = min(
        record.at
        for record in simulator.requests
        if record.path.endswith("/presence") and record.status == 200 and record.at
    )
    releases = [record for record in simulator.requests if record.method == "PATCH"]
    assert [(record.path, record.at) for record in releases] == [
        (f"/v1.0/events/{call.id}", first_poll_back)
    ]
    assert _end(simulator, call.id) == first_poll_back
    assert [event.data["booking_id"] for event in released] == [call.id]


async def test_a_release_robin_asked_to_wait_for_is_made_when_the_wait_ends_at_night(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin answers the release with 429 and Retry-After 2 min, longer than the retry delay.

    Outside working hours the next poll is an hour away: after the booking's end.
    """
    london = simulator.find_location("London HQ")
    fleet = simulator.find_space("Fleet Room")
    call = simulator.add_event(fleet.id, "Evening call", EVENING_CALL_START, EVENING_CALL_END)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        data={**config_entry.data, CONF_LOCATIONS: [london.id]},
        options={CONF_RELEASE_NO_SHOWS: True},
    )
    released = capture(hass, EVENT_BOOKING_RELEASED)
    freezer.move_to(EVENING_CALL_START - timedelta(minutes=10) + timedelta(seconds=30))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.faults.rate_limit_next(120, path=f"/events/{call.id}", method="PATCH")

    # 19:20:30: London's hourly read finds nobody came; Robin asks to wait 2 minutes.
    first_read = EVENING_CALL_START + timedelta(minutes=50, seconds=30)
    await run_until(hass, freezer, first_read)
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert released == []
    simulator.reset_requests()
    wait_over = first_read + timedelta(minutes=2)
    await run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert api_calls(simulator) == [], "Robin was asked while it asked to wait"

    # Released as the wait ends, while the booking lasts, with no poll in between. (Second by
    # second: the refresh the refused release asked for is moved to just after the wait.)
    while datetime.now(UTC) < wait_over + timedelta(seconds=2):
        await advance(hass, freezer, timedelta(seconds=1))
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    before_release = api_calls(simulator)[: api_calls(simulator).index(writes(simulator)[0])]
    assert [call for call in before_release if "/locations/" in call] == []
    assert wait_over <= _end(simulator, call.id) <= wait_over + timedelta(seconds=2)
    assert [event.data["booking_id"] for event in released] == [call.id]


async def test_a_retry_due_as_robins_wait_ends_is_not_kept_for_a_later_one_at_night(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two no-shows half a minute apart in the evening, when the next poll is an hour away.

    Robin refuses the first release (409: retried a minute later, at 18:41:00), then
    answers the second with 429 and Retry-After 45 s (until 18:41:15; retried at 18:41:30).
    """
    london = simulator.find_location("London HQ")
    fleet = simulator.find_space("Fleet Room")
    boardroom = simulator.find_space("Boardroom")
    first = simulator.add_event(fleet.id, "Evening call", EVENING_CALL_START, EVENING_CALL_END)
    second_start = EVENING_CALL_START + timedelta(seconds=30)
    second = simulator.add_event(boardroom.id, "Late review", second_start, EVENING_CALL_END)
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        data={**config_entry.data, CONF_LOCATIONS: [london.id]},
        options={CONF_RELEASE_NO_SHOWS: True},
    )
    released = capture(hass, EVENT_BOOKING_RELEASED)
    first_refused = EVENING_CALL_START + timedelta(minutes=10)  # 18:40:00
    # London's one read before the hourly one at 19:39:45, recent enough for both no-shows.
    freezer.move_to(first_refused - timedelta(seconds=15))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    simulator.faults.fail_next(409, path=f"/events/{first.id}", method="PATCH")
    simulator.faults.rate_limit_next(45, path=f"/events/{second.id}", method="PATCH")

    await _run_in_steps(hass, freezer, first_refused + timedelta(seconds=30), step=STEP)
    assert writes(simulator) == [
        f"PATCH /v1.0/events/{first.id}",
        f"PATCH /v1.0/events/{second.id}",
    ]
    assert released == []
    wait_over = first_refused + timedelta(seconds=75)  # 18:41:15
    second_retry = first_refused + timedelta(seconds=90)  # 18:41:30
    simulator.reset_requests()
    await _run_in_steps(hass, freezer, wait_over - STEP, step=STEP)
    assert api_calls(simulator) == [], "Robin was asked while it asked to wait"

    # The first retry, due since 18:41:00, is made as the wait ends, not with the second.
    await _run_in_steps(hass, freezer, wait_over, step=STEP)
    assert writes(simulator) == [f"PATCH /v1.0/events/{first.id}"]
    assert _end(simulator, first.id) == wait_over
    assert [event.data["booking_id"] for event in released] == [first.id]
    await _run_in_steps(hass, freezer, second_retry + timedelta(minutes=2), step=STEP)
    assert writes(simulator) == [
        f"PATCH /v1.0/events/{first.id}",
        f"PATCH /v1.0/events/{second.id}",
    ]
    assert _end(simulator, second.id) == second_retry
    assert [event.data["booking_id"] for event in released] == [first.id, second.id]


def _end(simulator: RobinSimulator, event_id: str) -> datetime:
    """Return when the booking ends in Robin now."""
    event = simulator.events.get(event_id)
    assert event is not None
    return event.end


async def _run_in_steps(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    until: datetime,
    step: timedelta = timedelta(seconds=10),
) -> None:
    """Let the clock run a step (10 s) at a time until `until`: timers run in their order."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(step, until - now))
