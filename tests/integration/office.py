"""Helpers of the tests of the office's own actions (no-shows, check-in, unbooked use)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.icon import async_get_icons
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_NO_SHOW_GRACE,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_RELEASED,
)
from custom_components.robin.office_actions import OfficeActor
from robin_simulator import RobinSimulator
from robin_simulator.model import Event as SimEvent

from .common import DOMAIN, api_calls, room_state, setup_with_options
from .conftest import MONDAY_MORNING, advance

POLL = timedelta(seconds=60)
CUSTOMER_CALL_START = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
CUSTOMER_CALL_END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def run_until(hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: datetime) -> None:
    """Let the clock run minute by minute (one poll each) until `until`."""
    while (now := datetime.now(UTC)) < until:
        await advance(hass, freezer, min(POLL, until - now))


def customer_call(simulator: RobinSimulator) -> SimEvent:
    """Return today's Customer call in the Fleet Room: booked, but nobody ever comes."""
    space_id = simulator.find_space("Fleet Room").id
    return next(
        event
        for event in simulator.events_in(space_id)
        if event.title == "Customer call" and event.start.date() == MONDAY_MORNING.date()
    )


async def about_to_release(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    grace_minutes: int = 10,
    scan_interval: int | None = None,
) -> tuple[SimEvent, list[Event]]:
    """Release no-shows; stop a second before the Customer call's grace period ends.

    Return the call and the release events fired from the setup on. Robin answers the two
    reads made before the release (the call's check-in, its times); the request log starts
    empty. `scan_interval`: seconds between polls (a slower one: no poll at the release).
    """
    options: dict[str, object] = {CONF_RELEASE_NO_SHOWS: True, CONF_NO_SHOW_GRACE: grace_minutes}
    if scan_interval is not None:
        options[CONF_SCAN_INTERVAL] = scan_interval
    await setup_with_options(hass, config_entry, **options)
    call = customer_call(simulator)
    released = capture(hass, EVENT_BOOKING_RELEASED)
    grace_ends = CUSTOMER_CALL_START + timedelta(minutes=grace_minutes)
    await run_until(hass, freezer, grace_ends - timedelta(seconds=1))
    simulator.reset_requests()
    simulator.faults.serve_next(2, path=f"/events/{call.id}", method="GET")
    return call, released


def writes(simulator: RobinSimulator) -> list[str]:
    """Return the changes Home Assistant asked Robin for."""
    return [call for call in api_calls(simulator) if not call.startswith("GET ")]


def confirmation_reads(simulator: RobinSimulator, event_id: str) -> int:
    """Return how often the check-in of an event was read."""
    return sum(
        1
        for record in simulator.requests
        if record.method == "GET"
        and record.path == f"/v1.0/events/{event_id}"
        and record.query.get("include") == "confirmation"
    )


def capture(hass: HomeAssistant, event_type: str) -> list[Event]:
    """Collect the events of this type fired from now on."""
    fired: list[Event] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(event)

    hass.bus.async_listen(event_type, collect)
    return fired


def state(hass: HomeAssistant, simulator: RobinSimulator, room: str, key: str) -> str:
    """Return the state of a room's binary sensor."""
    return room_state(hass, simulator, room, "binary_sensor", key).state


async def icon_shown(hass: HomeAssistant, simulator: RobinSimulator, room: str, key: str) -> str:
    """Return the icon the frontend shows for a room's office sensor in its state now.

    The frontend takes the icon of the state from the icons Home Assistant gives it, or the
    default one for a state without its own (unknown, unavailable).
    """
    icons = (await async_get_icons(hass, "entity", [DOMAIN]))[DOMAIN]["binary_sensor"][key]
    shown = state(hass, simulator, room, key)
    return str(icons.get("state", {}).get(shown, icons["default"]))


def office_wakes(hass: HomeAssistant) -> list[datetime]:
    """Return when the office's timer for its retries and look-ups is set to go off.

    The event loop's scheduled handles of `async_track_point_in_utc_time` whose action is
    the office's: at most one, at the earliest due time; none with nothing left to do.
    """
    return sorted(
        handle._callback.utc_point_in_time
        for handle in hass.loop._scheduled
        if not handle.cancelled()
        and type(handle._callback).__name__ == "_TrackPointUTCTime"
        and getattr(handle._callback.job.target, "__func__", None) is OfficeActor._on_retry
    )
