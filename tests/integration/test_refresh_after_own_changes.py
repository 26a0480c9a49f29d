"""The whole calendar window is reread after a change made from Home Assistant, not a refusal.

That reread is a request per location and day of the window (32 here, against 3 for a
regular poll). A change Robin refused changed nothing: after a 429 the reread would come as
the wait ends and spend what Robin asked to spare; after a 4xx it would only cost requests.
A change made while such a reread is under way is followed by one more, as that one may
have read Robin before the change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from robin_simulator import RobinSimulator
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .common import call_action, meeting, room_entity_id, room_state, room_target, titled
from .conftest import MONDAY_MORNING, POLL_EVERY_LOCATION_EVERY_MINUTE, advance

POLL = timedelta(seconds=60)
ONE_SECOND = timedelta(seconds=1)
RETRY_AFTER = 90
HALF_HOUR = {"duration": {"minutes": 30}, "title": "Focus session"}
# The whole window's reads of a location, one day (UTC) each: from yesterday 10:00 (the
# current hour, a day back) to Monday 7 December 11:00. The 5th is Thursday's.
DAYS_READ_BEFORE_THURSDAY = 4
TUESDAY_AFTERNOON = datetime(2026, 11, 24, 14, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 26, tzinfo=UTC)
TUESDAY_EVENING = datetime(2026, 11, 24, 17, tzinfo=UTC)
FRIDAY_AFTERNOON = datetime(2026, 11, 27, 13, tzinfo=UTC)


def _window_reads(simulator: RobinSimulator) -> list[datetime]:
    """When each read of a location's bookings was made, since the requests were reset."""
    return [
        record.at
        for record in simulator.requests
        if record.method == "GET"
        and record.path.startswith("/v1.0/locations/")
        and record.path.endswith("/events")
        and record.at is not None
    ]


async def _regular_poll_reads(
    hass: HomeAssistant, simulator: RobinSimulator, freezer: FrozenDateTimeFactory
) -> int:
    """Return how many booking reads a regular poll makes: the yardstick."""
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    reads = len(_window_reads(simulator))
    assert 0 < reads <= 3  # both locations' next hour, and one day of the window in turn
    return reads


async def _run_until(hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime) -> None:
    """Let the clock run a second at a time until `until`: timers run in their order."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(ONE_SECOND, until - now))


@pytest.mark.parametrize(
    ("action", "room", "data", "method", "path"),
    [
        # The read of the slot before booking, then the booking itself.
        ("book_space", "Thames Room", HALF_HOUR, "GET", "/spaces/6351/events"),
        ("book_space", "Thames Room", HALF_HOUR, "POST", "/spaces/6351/events"),
        # The Fleet Room's design review, under way.
        ("cancel_booking", "Fleet Room", {}, "DELETE", "/events/"),
    ],
    ids=["booking_read", "booking", "cancellation"],
)
@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_change_robin_rate_limits_rereads_no_window_as_the_wait_ends(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    action: str,
    room: str,
    data: dict[str, Any],
    method: str,
    path: str,
) -> None:
    """Robin answers 429 (90 s): the poll at the wait's end is a regular one."""
    regular = await _regular_poll_reads(hass, simulator, freezer)  # 10:16:00
    await advance(hass, freezer, timedelta(seconds=20))  # 10:16:20
    simulator.reset_requests()
    simulator.faults.rate_limit_next(RETRY_AFTER, path=path, method=method)
    with pytest.raises(HomeAssistantError, match="try again in 90 seconds"):
        await call_action(hass, action, data, room_target(hass, simulator, room))
    assert simulator.faults.pending == 0
    wait_over = datetime.now(UTC) + timedelta(seconds=RETRY_AFTER)
    assert _window_reads(simulator) == []

    # The poll due at 10:17:00 is made as the wait ends, and reads what a regular poll does.
    await _run_until(hass, freezer, wait_over + timedelta(seconds=3))
    reads = _window_reads(simulator)
    assert len(reads) == regular
    assert all(wait_over <= at for at in reads)
    # Nothing was changed, and the room shows what it showed.
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == "on"


@pytest.mark.parametrize(
    ("action", "room", "data", "error"),
    [
        # The Fleet Room's design review (10:00-11:00) is under way.
        ("book_space", "Fleet Room", HALF_HOUR, "Robin refused the request"),
        # Booking the Boardroom is for Robin's administrators only.
        ("book_space", "Boardroom", HALF_HOUR, "does not allow this token to book"),
    ],
    ids=["conflict", "forbidden"],
)
@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_change_robin_refuses_rereads_no_window(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    action: str,
    room: str,
    data: dict[str, Any],
    error: str,
) -> None:
    """Robin refuses the change (400, 403): until and at the next poll, a regular poll's reads."""
    regular = await _regular_poll_reads(hass, simulator, freezer)  # 10:16:00
    await advance(hass, freezer, timedelta(seconds=20))
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError, match=error):
        await call_action(hass, action, data, room_target(hass, simulator, room))
    assert _window_reads(simulator) == []
    await advance(hass, freezer, timedelta(seconds=40))  # the next poll, 10:17:00
    assert len(_window_reads(simulator)) == regular


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_check_in_refused_for_want_of_the_device_rereads_no_window(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses a check-in as the token's user (400), and has no "Home Assistant" device.

    Nothing is sent as the device: Robin changed nothing, and nothing is reread for it.
    """
    regular = await _regular_poll_reads(hass, simulator, freezer)  # 10:16:00
    await advance(hass, freezer, timedelta(seconds=20))
    devices = simulator.organization.devices
    devices.remove(next(device for device in devices if device.id == HOME_ASSISTANT_DEVICE))
    simulator.faults.fail_next(400, path="/confirmation", method="PUT")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError, match='no Robin device named "Home Assistant"'):
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert _window_reads(simulator) == []
    await advance(hass, freezer, timedelta(seconds=40))  # the next poll, 10:17:00
    assert len(_window_reads(simulator)) == regular


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_a_check_in_whose_device_robin_fails_to_list_tells_robin_failed_and_rereads_nothing(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses a check-in as the token's user (400), then fails to list its devices (500).

    Nothing was sent as the device: the user is told Robin failed, not that the outcome is
    unknown, and neither the check-in is looked up nor the window reread.
    """
    regular = await _regular_poll_reads(hass, simulator, freezer)  # 10:16:00
    await advance(hass, freezer, timedelta(seconds=20))
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.faults.fail_next(400, path="/confirmation", method="PUT")
    simulator.faults.fail_next(500, path="/devices", method="GET")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "robin_failed"
    assert review.id not in simulator.events.confirmations
    confirmation = f"/v1.0/events/{review.id}/confirmation"
    assert [r.method for r in simulator.requests if r.path == confirmation] == ["PUT"]
    assert _window_reads(simulator) == []
    await advance(hass, freezer, timedelta(seconds=40))  # the next poll, 10:17:00
    assert len(_window_reads(simulator)) == regular


@POLL_EVERY_LOCATION_EVERY_MINUTE
async def test_cancelling_a_booking_robin_no_longer_has_shows_it_gone_without_a_reread(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Cancelled in Robin's app since the last poll: Robin answers 404, and the room frees."""
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.events.cancel(review.id)
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError, match="no longer has this booking"):
        await call_action(hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room"))
    assert _window_reads(simulator) == []
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == "off"


async def _summaries(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[str]:
    """Return the titles `calendar.get_events` lists (from the cached window) in the range."""
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
    return [event["summary"] for event in events]


@pytest.mark.parametrize(
    ("polling", "first_reread"),
    [(True, "ends"), (False, "ends"), (True, "fails")],
    ids=["polling", "polling_off", "reread_fails"],
)
async def test_a_change_made_during_a_window_reread_is_followed_by_another(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    polling: bool,
    first_reread: str,
) -> None:
    """Two bookings from Home Assistant; the second is made while the first one's reread runs.

    The first booking answers without waiting for the reread it starts. That reread has
    read Tuesday when a meeting is set on Tuesday in Robin's app, and the second booking
    (Friday) is made; the reread lasts longer than the refresh's cooldown. The reread after
    it shows Tuesday's meeting a cooldown after that one ends, not at Tuesday's turn in the
    window's rereads: also with polling turned off (the entry's system options), and after
    a reread that failed.
    """
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, pref_disable_polling=not polling)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    london = simulator.find_location("London HQ")
    london_events = f"/locations/{london.id}/events"
    simulator.faults.serve_next(DAYS_READ_BEFORE_THURSDAY, path=london_events, method="GET")
    simulator.faults.hold_next(path=london_events, method="GET")
    if first_reread == "fails":
        simulator.faults.fail_next(500, path=london_events, method="GET")
    thames = room_target(hass, simulator, "Thames Room")
    thames_calendar = thames["entity_id"]
    first = hass.async_create_task(call_action(hass, "book_space", HALF_HOUR, thames))
    await simulator.faults.wait_until_held()
    # Answered and shown while its reread is still under way (held at Thursday).
    assert first.done()
    assert hass.states.get(thames_calendar).attributes["message"] == HALF_HOUR["title"]
    [*_, held] = [r for r in simulator.requests if r.path == f"/v1.0{london_events}"]
    assert datetime.fromisoformat(held.query["after"]) == THURSDAY

    fleet = simulator.find_space("Fleet Room")
    simulator.add_event(
        fleet.id, "Quarterly review", TUESDAY_AFTERNOON, TUESDAY_AFTERNOON + timedelta(hours=1)
    )
    booked = await call_action(
        hass,
        "book_space",
        {"start": FRIDAY_AFTERNOON.isoformat(), "duration": {"hours": 1}, "title": "Planning"},
        thames,
    )
    assert booked["booking"]["title"] == "Planning"
    # The reread under way lasts past the cooldown (2 s): the refresh the second booking
    # asked for comes due while it still runs, which Home Assistant then drops.
    freezer.tick(timedelta(seconds=3))
    async_fire_time_changed(hass)
    simulator.faults.let_go()
    await hass.async_block_till_done(wait_background_tasks=True)
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    tuesday = (TUESDAY_AFTERNOON, TUESDAY_AFTERNOON + timedelta(hours=1))
    if first_reread == "ends":
        assert "Quarterly review" not in await _summaries(hass, fleet_calendar, *tuesday)
    else:
        assert hass.states.get(fleet_calendar).state == STATE_UNAVAILABLE

    # The reread after the second booking, a cooldown (2 s) after the first one's.
    await advance(hass, freezer, timedelta(seconds=3))
    assert datetime.now(UTC) < MONDAY_MORNING + POLL  # before the next regular poll
    assert hass.states.get(fleet_calendar).state != STATE_UNAVAILABLE
    assert "Quarterly review" in await _summaries(hass, fleet_calendar, *tuesday)


@pytest.mark.parametrize("change", ["booking", "cancellation"])
async def test_a_change_made_while_a_window_reread_runs_is_not_undone_by_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    change: str,
) -> None:
    """A booking made and one cancelled on Tuesday while a reread holds Tuesday as it was.

    The first booking's reread has read Tuesday, with a meeting just set in another room,
    when the second change is made. As that reread ends, the calendar keeps showing Tuesday
    as the change left it, not as the reread read it, also before the reread the change
    asked for (a cooldown later).
    """
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    london_events = f"/locations/{simulator.find_location('London HQ').id}/events"
    thames = room_target(hass, simulator, "Thames Room")
    tuesday = (datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC))
    shown_before = await _summaries(hass, thames["entity_id"], *tuesday)
    # Booked in Robin's app, in another room: the reread's Tuesday is new, and applied.
    simulator.add_event(
        simulator.find_space("Fleet Room").id,
        "Quarterly review",
        TUESDAY_AFTERNOON,
        TUESDAY_AFTERNOON + timedelta(hours=1),
    )
    simulator.faults.serve_next(DAYS_READ_BEFORE_THURSDAY, path=london_events, method="GET")
    simulator.faults.hold_next(path=london_events, method="GET")
    first = hass.async_create_task(call_action(hass, "book_space", HALF_HOUR, thames))
    await simulator.faults.wait_until_held()

    if change == "booking":
        data = {"start": TUESDAY_EVENING.isoformat(), "duration": {"hours": 1}}
        await call_action(hass, "book_space", {**data, "title": "Planning"}, thames)
        expected = sorted([*shown_before, "Planning"])
    else:
        [standup] = [
            event
            for event in titled(simulator, "Thames Room", "Stand-up")
            if tuesday[0] <= event.start < tuesday[1]
        ]
        await call_action(hass, "cancel_booking", {"booking_id": standup.id}, thames)
        expected = [title for title in shown_before if title != "Stand-up"]
    assert sorted(await _summaries(hass, thames["entity_id"], *tuesday)) == expected

    simulator.faults.let_go()
    await first
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(await _summaries(hass, thames["entity_id"], *tuesday)) == expected
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    assert "Quarterly review" in await _summaries(hass, fleet_calendar, *tuesday)


async def test_a_booking_of_ours_deleted_in_robin_leaves_at_the_next_poll(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Booked from Home Assistant, then deleted in Robin's app a moment later.

    The next poll's answer for the next hour is the same as the one before the booking
    (no booking): it is applied all the same, and the booking leaves the room.
    """
    await advance(hass, freezer, POLL)  # 10:16: the next hour read, the room free
    thames = room_target(hass, simulator, "Thames Room")
    booked = await call_action(hass, "book_space", HALF_HOUR, thames)
    await hass.async_block_till_done(wait_background_tasks=True)  # its reread
    assert room_state(hass, simulator, "Thames Room", "calendar", "bookings").state == "on"
    assert simulator.events.cancel(booked["booking"]["id"])  # in Robin's app

    await advance(hass, freezer, POLL)
    calendar = room_state(hass, simulator, "Thames Room", "calendar", "bookings")
    assert calendar.state == "off"
    now = datetime.now(UTC)
    assert HALF_HOUR["title"] not in await _summaries(
        hass, thames["entity_id"], now - timedelta(hours=1), now + timedelta(hours=1)
    )
