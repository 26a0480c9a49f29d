"""No-shows: the sensor, and releasing them in Robin once and only once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin import logbook
from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_NO_SHOW_GRACE,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator
from robin_simulator.model import Confirmation
from robin_simulator.model import Event as SimEvent

from .common import DOMAIN, setup_with_options
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    capture,
    confirmation_reads,
    customer_call,
    icon_shown,
    run_until,
    state,
    writes,
)

QUARTER_TO_ELEVEN = datetime(2026, 11, 23, 10, 45, tzinfo=UTC)
TEN_PAST_ELEVEN = CUSTOMER_CALL_START + timedelta(minutes=10)
# Past the refresh Debouncer's cooldown.
COOLDOWN = timedelta(seconds=3)


async def _skip_to_quarter_to_eleven(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))


class AboutToRelease(NamedTuple):
    """The entry, the Customer call nobody comes to, and the releases told so far."""

    entry: MockConfigEntry
    call: SimEvent
    released: list[Event]


@pytest.fixture
async def about_to_release(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> AboutToRelease:
    """Releasing on, at 11:09:59: a second before the no-show's grace period ends.

    The requests served until then are forgotten.
    """
    entry = await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await _skip_to_quarter_to_eleven(hass, freezer)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    simulator.reset_requests()
    return AboutToRelease(entry, call, released)


async def test_no_show_turns_on_when_the_grace_period_ends(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry)
    call = customer_call(simulator)
    # The design review before it takes place: people came.
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    await _skip_to_quarter_to_eleven(hass, freezer)
    await run_until(hass, freezer, TEN_PAST_ELEVEN - timedelta(seconds=1))
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    # Robin is asked about the check-in only when it decides something: not yet.
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_UNKNOWN

    simulator.reset_requests()
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00, by the clock
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_OFF
    # Its check-in was read once, when the grace period ended; nothing was changed.
    assert confirmation_reads(simulator, call.id) == 1
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 5 * POLL)
    assert confirmation_reads(simulator, call.id) == 1
    assert writes(simulator) == []
    assert simulator.events.get(call.id) == call
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON

    # Rooms whose meetings took place, or that have none, are no no-shows.
    for room in ("Thames Room", "Boardroom", "Hudson Room"):
        assert state(hass, simulator, room, "no_show") == STATE_OFF
    # When the booking ends, so does the no-show.
    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF


async def test_the_no_show_icon_tells_a_no_show_none_and_not_known_apart(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry)
    # The design review is taking place.
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert await icon_shown(hass, simulator, "Fleet Room", "no_show") == "mdi:calendar-check"
    # Nobody came to the customer call.
    await _skip_to_quarter_to_eleven(hass, freezer)
    await run_until(hass, freezer, TEN_PAST_ELEVEN)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    assert await icon_shown(hass, simulator, "Fleet Room", "no_show") == "mdi:calendar-remove"

    # Robin refuses London: whether anyone came is not known, and the icon does not say no.
    simulator.faults.refuse(403, f"locations/{simulator.find_location('London HQ').id}")
    await advance(hass, freezer, POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_UNAVAILABLE
    assert await icon_shown(hass, simulator, "Fleet Room", "no_show") == "mdi:calendar-question"


async def test_a_checked_in_booking_is_not_a_no_show(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    call = customer_call(simulator)
    await _skip_to_quarter_to_eleven(hass, freezer)
    # The organiser checks in from Robin's app, from elsewhere: nobody is in the room.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.events.confirmations[call.id] = _confirmation(simulator, call.id)
    simulator.reset_requests()
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 2 * POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert state(hass, simulator, "Fleet Room", "checked_in") == STATE_ON
    assert writes(simulator) == []


def _confirmation(simulator: RobinSimulator, event_id: str) -> Confirmation:
    return Confirmation(
        event_id=event_id,
        user_id=simulator.organization.users[0].id,
        confirmed_at=datetime.now(UTC),
    )


async def test_a_no_show_is_released_once_and_only_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    about_to_release: AboutToRelease,
) -> None:
    entry, call, released = about_to_release
    assert released == []

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    # Ended now, in Robin: the room is free for others.
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert (ended.start, ended.end) == (CUSTOMER_CALL_START, TEN_PAST_ELEVEN)
    await advance(hass, freezer, COOLDOWN)  # the refresh after the change
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_OFF
    assert [event.data for event in released] == [
        {
            "config_entry_id": entry.entry_id,
            "device_id": released[0].data["device_id"],
            "space_id": simulator.find_space("Fleet Room").id,
            "room": "Fleet Room",
            "booking_id": call.id,
            "title": "Customer call",
            "start": CUSTOMER_CALL_START.isoformat(),
            "end": CUSTOMER_CALL_END.isoformat(),
            "released_at": TEN_PAST_ELEVEN.isoformat(),
            "cancelled": False,
        }
    ]
    assert released[0].data["device_id"] is not None
    # The logbook tells what happened.
    assert _logbook_message(hass, released[0]) == (
        "Fleet Room",
        "ended the no-show booking 'Customer call' in Robin",
    )

    # The organiser puts the booking back as it was: it is theirs to keep now.
    simulator.events.save(dataclasses.replace(ended, end=CUSTOMER_CALL_END))
    simulator.reset_requests()
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 3 * POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON  # still nobody there
    assert writes(simulator) == []

    # Nor after a reload (or a restart): what was released is remembered.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 6 * POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    assert writes(simulator) == []
    assert len(released) == 1
    restored = simulator.events.get(call.id)
    assert restored is not None
    assert restored.end == CUSTOMER_CALL_END


def _logbook_message(hass: HomeAssistant, event: Event) -> tuple[str, str]:
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def describe_event(
        _domain: str, event_type: str, describe: Callable[[Event], dict[str, str]]
    ) -> None:
        described[event_type] = describe

    logbook.async_describe_events(hass, describe_event)
    entry = described[EVENT_BOOKING_RELEASED](event)
    return entry["name"], entry["message"]


@pytest.mark.parametrize(
    ("grace", "request_method", "cancelled"),
    [(5, "DELETE", True), (6, "PATCH", False)],
    ids=["5-min-cancelled", "6-min-ended"],
)
async def test_a_no_show_five_minutes_old_or_less_is_cancelled(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    grace: int,
    request_method: str,
    cancelled: bool,
) -> None:
    await setup_with_options(
        hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True, CONF_NO_SHOW_GRACE: grace}
    )
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    await _skip_to_quarter_to_eleven(hass, freezer)
    await run_until(hass, freezer, CUSTOMER_CALL_START)
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=grace) + 2 * POLL)

    assert writes(simulator) == [f"{request_method} /v1.0/events/{call.id}"]
    assert [event.data["cancelled"] for event in released] == [cancelled]
    left = simulator.events.get(call.id)
    if cancelled:
        assert left is None
    else:
        assert left is not None
        assert left.end == CUSTOMER_CALL_START + timedelta(minutes=grace)


async def test_a_read_only_token_refuses_the_option_and_tells_with_a_repair(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The token was replaced by a read-only one while releasing was on.
    entry = await setup_with_options(
        hass, config_entry, READ_ONLY_TOKEN, **{CONF_RELEASE_NO_SHOWS: True}
    )
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"office_actions_read_only_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "office_actions_read_only"
    assert issue.severity is ir.IssueSeverity.ERROR

    # The no-show is still told, but Robin is never asked to change it.
    await _skip_to_quarter_to_eleven(hass, freezer)
    simulator.reset_requests()
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 2 * POLL)
    assert state(hass, simulator, "Fleet Room", "no_show") == STATE_ON
    assert writes(simulator) == []

    # The options flow refuses writing options with a clear message...
    for option in (CONF_RELEASE_NO_SHOWS, CONF_CHECK_IN_ON_ARRIVAL):
        flow = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            flow["flow_id"], {CONF_RELEASE_NO_SHOWS: False, option: True}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {option: "read_only_token"}
        hass.config_entries.options.async_abort(flow["flow_id"])
    # ...and turning them off clears the repair.
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_RELEASE_NO_SHOWS: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"office_actions_read_only_{entry.entry_id}")
        is None
    )


async def test_the_office_options_default_to_watching_only(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    entry = await setup_with_options(hass, config_entry)
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert {
        key: entry.options[key]
        for key in (
            CONF_NO_SHOW_GRACE,
            CONF_RELEASE_NO_SHOWS,
            CONF_CHECK_IN_ON_ARRIVAL,
            "unbooked_use_after",
        )
    } == {
        CONF_NO_SHOW_GRACE: 10,
        CONF_RELEASE_NO_SHOWS: False,
        CONF_CHECK_IN_ON_ARRIVAL: False,
        "unbooked_use_after": 10,
    }


async def test_a_release_robin_refused_is_tried_again_and_told_once(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    about_to_release: AboutToRelease,
) -> None:
    _, call, released = about_to_release
    simulator.faults.fail_next(409, path=f"/events/{call.id}", method="PATCH")

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00: refused, nothing changed
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    assert released == []
    assert simulator.events.get(call.id) == call
    await run_until(hass, freezer, TEN_PAST_ELEVEN + POLL)  # a minute later: accepted
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"] * 2
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end == TEN_PAST_ELEVEN + POLL
    assert [event.data["released_at"] for event in released] == [
        (TEN_PAST_ELEVEN + POLL).isoformat()
    ]


async def test_a_release_whose_answer_is_lost_is_not_sent_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    about_to_release: AboutToRelease,
) -> None:
    _, call, released = about_to_release
    simulator.faults.fail_next(502, path=f"/events/{call.id}", method="PATCH", after_commit=True)

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    await run_until(hass, freezer, TEN_PAST_ELEVEN + 3 * POLL)
    # Robin made the change; its answer was lost, so it was read back, not sent again.
    assert writes(simulator) == [f"PATCH /v1.0/events/{call.id}"]
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end == TEN_PAST_ELEVEN
    assert len(released) == 1
