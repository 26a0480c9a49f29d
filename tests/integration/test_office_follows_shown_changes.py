"""The office's sensors follow a booking change made from Home Assistant at once.

A change made from Home Assistant (an action, a calendar edit, the office's own release)
shows on the room's calendar and state at once, before any poll reads it: so do the room's
No-show, Checked in and Unbooked use. Also when Robin answers the change 404 (the booking
was deleted in Robin meanwhile), after which no reread is asked for, and when the reread
after the change waits for the refresh's cooldown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_RELEASE_NO_SHOWS, EVENT_BOOKING_RELEASED
from robin_simulator import RobinSimulator

from .common import (
    api_calls,
    call_action,
    room_entity_id,
    room_state,
    room_target,
    setup_with_options,
)
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    capture,
    customer_call,
    run_until,
    state,
    writes,
)

TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)
# Past the refresh Debouncer's cooldown (2 s).
COOLDOWN = timedelta(seconds=3)
THIS_AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _bookings_read(simulator: RobinSimulator) -> list[str]:
    """Return the reads of bookings Robin served (a poll's, the window's, a room's)."""
    return [
        call
        for call in api_calls(simulator)
        if call.startswith("GET ") and call.endswith("/events")
    ]


async def _a_no_show_at_eleven_past(
    hass: HomeAssistant, simulator: RobinSimulator, freezer: FrozenDateTimeFactory
) -> str:
    """Let the clock run to 11:11: nobody came to the customer call (default options)."""
    call = customer_call(simulator)
    await run_until(hass, freezer, TEN_PAST_ELEVEN + POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    return call.id


@pytest.mark.usefixtures("time_zone")
@pytest.mark.parametrize("cancelled_from", ["action", "calendar"])
async def test_cancelling_a_no_show_robin_no_longer_has_turns_no_show_off_at_once(
    cancelled_from: str,
    hass: HomeAssistant,
    simulator: RobinSimulator,
    *,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: Any,
    hass_access_token: str,
) -> None:
    """The organiser deleted the no-show in Robin's app; the user cancels it from Home Assistant.

    Robin answers 404: the booking leaves the room at once, and no reread is asked for, so
    no poll would show its going as a change.
    """
    # The user's access token lasts 30 minutes; the frontend renews it, so does the test.
    signed_in = hass.auth.async_validate_access_token(hass_access_token)
    assert signed_in is not None
    await setup_with_options(hass, config_entry)
    call_id = await _a_no_show_at_eleven_past(hass, simulator, freezer)
    simulator.events.cancel(call_id)
    simulator.reset_requests()

    if cancelled_from == "action":
        with pytest.raises(HomeAssistantError) as err:
            await call_action(
                hass,
                "cancel_booking",
                {"booking_id": call_id},
                room_target(hass, simulator, "Fleet Room"),
            )
        assert err.value.translation_key == "booking_gone"
    else:
        fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
        websocket = await hass_ws_client(hass, hass.auth.async_create_access_token(signed_in))
        await websocket.send_json_auto_id(
            {"type": "calendar/event/delete", "entity_id": fleet_calendar, "uid": call_id}
        )
        answer = await websocket.receive_json()
        assert not answer["success"]
        assert answer["error"]["message"] == "Robin no longer has this booking of Fleet Room"
    # At once: no poll ran since.
    assert datetime.now(UTC) == TEN_PAST_ELEVEN + POLL
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF
    await hass.async_block_till_done(wait_background_tasks=True)
    assert api_calls(simulator) == [f"DELETE /v1.0/events/{call_id}"]

    # The polls after it agree.
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF


@pytest.mark.usefixtures("time_zone")
async def test_ending_a_no_show_while_the_reread_waits_turns_no_show_off_at_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A booking made a moment before reread the window: the next reread waits 2 s for it."""
    await setup_with_options(hass, config_entry)
    call_id = await _a_no_show_at_eleven_past(hass, simulator, freezer)
    await call_action(
        hass,
        "book_space",
        {"start": THIS_AFTERNOON.isoformat(), "duration": {"minutes": 30}, "title": "Focus"},
        room_target(hass, simulator, "Thames Room"),
    )
    await hass.async_block_till_done(wait_background_tasks=True)  # the reread it started
    simulator.reset_requests()

    response = await call_action(
        hass, "end_booking", {"booking_id": call_id}, room_target(hass, simulator, "Fleet Room")
    )
    assert response["cancelled"] is False
    assert response["booking"]["end"] == (TEN_PAST_ELEVEN + POLL).isoformat()
    # The reread waits for the cooldown; the room's office follows the change already.
    assert _bookings_read(simulator) == []
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert room_state(hass, simulator, "Fleet Room", "calendar", "bookings").state == STATE_OFF

    await advance(hass, freezer, COOLDOWN)
    assert _bookings_read(simulator) != []  # the reread, which confirms it
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    ended = simulator.events.get(call_id)
    assert ended is not None
    assert ended.end == TEN_PAST_ELEVEN + POLL


@pytest.mark.usefixtures("time_zone")
async def test_the_office_releasing_two_no_shows_at_once_turns_both_off_and_releases_each_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nobody comes to the Fleet Room's customer call nor the Thames Room's board meeting.

    Both are released in one go at 11:10. The reread after the first release runs at once,
    the second one's waits for its cooldown: the second room's No-show goes off at once
    all the same. The office's own changes, followed as they are made, release nothing
    twice.
    """
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    thames = simulator.find_space("Thames Room")
    board = simulator.add_event(thames.id, "Board meeting", CUSTOMER_CALL_START, CUSTOMER_CALL_END)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert sorted(writes(simulator)) == sorted(
        [f"PATCH /v1.0/events/{call.id}", f"PATCH /v1.0/events/{board.id}"]
    )
    assert sorted(event.data["booking_id"] for event in released) == sorted([call.id, board.id])
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert state(hass, simulator, "Thames Room", "no_show") == STATE_OFF

    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert len(writes(simulator)) == 2
    assert len(released) == 2
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert state(hass, simulator, "Thames Room", "no_show") == STATE_OFF
