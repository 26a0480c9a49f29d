"""A Retry-After that another request met keeps the last poll's data shown, not unavailable.

An action, the office's release or a presence report may be the request Robin answers 429:
the next poll then comes due inside the wait. Polling waits for its end, as ever; the rooms
keep the last poll's data meanwhile (rather than every entity of the entry turning
unavailable and back, which fires automations again), as long as the poll is not more than
5 minutes late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator

from .common import call_action, room_state, room_target, setup_with_options
from .conftest import MONDAY_MORNING, advance
from .office import CUSTOMER_CALL_START, capture, customer_call, run_until, writes

STEP = timedelta(seconds=5)
ONE_SECOND = timedelta(seconds=1)
# Polls run at whole minutes from setup (10:15:00); an action 20 s after one.
ACTION_AT = MONDAY_MORNING + timedelta(seconds=20)
TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)


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


def _wait_of(simulator: RobinSimulator) -> tuple[datetime, datetime]:
    """Return when Robin answered the one 429 or 503 so far, and the end of its Retry-After."""
    (answer,) = [r for r in simulator.requests if r.status in {429, 503}]
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


def _polls(simulator: RobinSimulator) -> list[datetime]:
    """When polls read presence (every poll reads it, one request per location polled)."""
    return sorted({r.at for r in simulator.requests if r.path.endswith("/presence") and r.at})


async def _run_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    until: datetime,
    step: timedelta = STEP,
) -> None:
    """Let the clock run `step` at a time until `until`: timers run in their order."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(step, until - now))


async def _booking_rate_limited(
    hass: HomeAssistant, simulator: RobinSimulator, retry_after: int
) -> None:
    """Book the Thames Room; Robin answers the booking's first request 429."""
    thames = simulator.find_space("Thames Room")
    simulator.faults.rate_limit_next(retry_after, path=f"/spaces/{thames.id}/events")
    with pytest.raises(HomeAssistantError):
        await call_action(
            hass,
            "book_space",
            {"duration": {"minutes": 30}},
            room_target(hass, simulator, "Thames Room"),
        )


def _fleet_occupancy(hass: HomeAssistant, simulator: RobinSimulator) -> str:
    return room_state(hass, simulator, "Fleet Room", "binary_sensor", "occupancy").state


async def test_an_action_rate_limited_between_polls_keeps_the_rooms_available(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The poll due at 10:16:00 falls inside the action's wait (until 10:16:50): it waits."""
    watch = _watch(hass, setup_integration)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, retry_after=90)
    answered, wait_over = _wait_of(simulator)
    assert _fleet_occupancy(hass, simulator) == "on"
    # Everyone leaves the Fleet Room during the wait: the first poll after it shows it.
    simulator.end_presence(simulator.find_space("Fleet Room").id)

    await _run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable == []
    assert _fleet_occupancy(hass, simulator) == "on"  # the last poll's data, 80 s old

    # The poll waited for the wait's end (+1 s: Home Assistant rounds its timers down).
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    (poll,) = _polls(simulator)
    assert wait_over < poll <= wait_over + timedelta(seconds=3)
    assert _fleet_occupancy(hass, simulator) == "off"
    assert watch.went_unavailable == []

    # Polling goes on at its interval from there.
    await _run_until(hass, freezer, poll + timedelta(seconds=62), ONE_SECOND)
    assert _polls(simulator)[1:] == [poll + timedelta(seconds=60)]
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable == []


async def test_a_release_rate_limited_between_polls_keeps_the_rooms_available(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The office releases a no-show at 11:10:00; Robin asks to wait 90 s; the release waits."""
    entry = await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    watch = _watch(hass, entry)
    simulator.reset_requests()
    simulator.faults.rate_limit_next(90, path=f"/events/{call.id}", method="PATCH")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: the release meets the 429
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    answered, wait_over = _wait_of(simulator)

    await _run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable == []
    assert released == []

    # The release is made as the wait ends, and the poll that waited reads Robin again.
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3), ONE_SECOND)
    (_, release) = [r.at for r in simulator.requests if r.method == "PATCH"]
    assert release is not None
    assert wait_over <= release <= wait_over + timedelta(seconds=2)
    assert [event.data["booking_id"] for event in released] == [call.id]
    assert [at for at in _polls(simulator) if at > answered] != []
    assert watch.went_unavailable == []
    assert _sent_inside(simulator, answered, wait_over) == []


async def test_a_poll_rate_limited_itself_turns_the_rooms_unavailable_until_the_wait_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """As before: Robin refused the poll, so its data is not shown as current."""
    watch = _watch(hass, setup_integration)
    london = simulator.find_location("London HQ")
    simulator.reset_requests()
    simulator.faults.rate_limit_next(90, path=f"/locations/{london.id}/presence")
    await advance(hass, freezer, timedelta(minutes=1))  # 10:16:00: the poll meets the 429
    answered, wait_over = _wait_of(simulator)
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE

    await _run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE
    await _run_until(hass, freezer, wait_over + timedelta(seconds=5))
    assert _fleet_occupancy(hass, simulator) == "on"
    assert watch.went_unavailable


async def test_an_action_rate_limited_after_a_failed_poll_keeps_the_rooms_unavailable(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The last poll failed: nothing current to show while the wait lasts, as before."""
    london = simulator.find_location("London HQ")
    simulator.faults.fail_next(500, path=f"/locations/{london.id}/presence")
    await advance(hass, freezer, timedelta(minutes=1))  # 10:16:00: the poll fails
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE
    await advance(hass, freezer, timedelta(seconds=20))
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, retry_after=90)
    answered, wait_over = _wait_of(simulator)

    await _run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE
    await _run_until(hass, freezer, wait_over + timedelta(minutes=1))
    assert _fleet_occupancy(hass, simulator) == "on"


@pytest.mark.parametrize("extended", [False, True], ids=["one_long_wait", "extended_wait"])
async def test_an_action_rate_limited_for_long_turns_the_rooms_unavailable(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    extended: bool,
) -> None:
    """A poll that would be more than 5 minutes late fails, as before: stale data is not shown.

    One wait of 10 minutes; or one of 90 s, and as it ends a second action meets another
    429 (300 s) just before the waiting poll: that poll, due at 10:16:00, would run at 10:21:51.
    """
    watch = _watch(hass, setup_integration)
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    simulator.reset_requests()
    await _booking_rate_limited(hass, simulator, retry_after=90 if extended else 600)
    if extended:
        await _run_until(hass, freezer, _wait_of(simulator)[1])  # 10:16:50
        assert watch.went_unavailable == []
        simulator.reset_requests()
        await _booking_rate_limited(hass, simulator, retry_after=300)
    answered, wait_over = _wait_of(simulator)

    await _run_until(hass, freezer, wait_over - timedelta(seconds=1))
    assert _sent_inside(simulator, answered, wait_over) == []
    assert watch.went_unavailable
    assert _fleet_occupancy(hass, simulator) == STATE_UNAVAILABLE
    await _run_until(hass, freezer, wait_over + timedelta(minutes=1))
    assert _fleet_occupancy(hass, simulator) == "on"


async def test_unloading_while_a_poll_waits_leaves_no_poll_behind(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The waiting poll is the entry's one refresh timer: unloading cancels it."""
    await advance(hass, freezer, ACTION_AT - MONDAY_MORNING)
    await _booking_rate_limited(hass, simulator, retry_after=90)
    _, wait_over = _wait_of(simulator)
    await advance(hass, freezer, timedelta(minutes=1))  # 10:16:20: the poll waits
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert setup_integration.state is ConfigEntryState.NOT_LOADED
    simulator.reset_requests()
    await _run_until(hass, freezer, wait_over + timedelta(minutes=2))
    assert simulator.requests == []
