"""Property-based tests: whatever a user types into an action, it is done or refused clearly.

Each action is called through a real Home Assistant against the simulator with inputs
Hypothesis makes up (dates from year 1 to 9999 with any offset, huge or negative durations
and minutes, any text, e-mail addresses, capacities, types, locations and booking ids).
Every call must either be accepted, be refused as invalid data by the action's schema
(`vol.Invalid`), as a mistake (a translated `ServiceValidationError`), or by Robin (a
translated `HomeAssistantError`); nothing else may escape, and Robin is asked to change
nothing unless the call was accepted or Robin refused it.

Hypothesis drives a synchronous function in an executor thread; each example runs the
call on Home Assistant's event loop, so one Home Assistant serves every example of a test.
Examples are derandomized: CI runs the same ones every time.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from hypothesis import HealthCheck, given, settings
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import DOMAIN, device_with_identifier, room_entity_id
from .conftest import MONDAY_MORNING

EXAMPLES = 100
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TRANSLATIONS = json.loads(
    (Path(__file__).parents[2] / "custom_components/robin/translations/en.json").read_text()
)
ROOMS = ["Thames Room", "Fleet Room", "Hudson Room", "Brooklyn Room", "Quiet Lounge"]
LOCATIONS = ["London HQ", "New York Studio", "london hq", "Paris Office"]

# -- what a user can type -------------------------------------------------------------------

OFFSETS = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
ANY_TIME = st.datetimes(
    min_value=datetime(1, 1, 1),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value=datetime(9999, 12, 31, 23, 59, 59),  # noqa: DTZ001
    timezones=st.none() | OFFSETS | st.just(UTC),
)
# Around the frozen Monday morning, where bookings can succeed.
NEAR_TIME = st.integers(min_value=-2 * 24 * 60, max_value=10 * 24 * 60).map(
    lambda minutes: MONDAY_MORNING + timedelta(minutes=minutes)
)
TIME = st.one_of(
    NEAR_TIME.map(datetime.isoformat),
    ANY_TIME.map(datetime.isoformat),
    ANY_TIME,
    st.text(max_size=25),
    st.integers(),
)
NUMBER = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
)
DURATION = st.one_of(
    st.integers(min_value=1, max_value=240).map(lambda minutes: {"minutes": minutes}),
    st.dictionaries(st.sampled_from(["days", "hours", "minutes", "seconds"]), NUMBER, max_size=3),
    st.builds(
        "{}:{:02}:{:02}".format,
        st.integers(min_value=-(10**12), max_value=10**12),
        st.integers(min_value=0, max_value=59),
        st.integers(min_value=0, max_value=59),
    ),
    NUMBER,
)
TEXT = st.text(max_size=40)
INVITEES = st.one_of(st.lists(st.emails(), max_size=3), st.lists(TEXT, max_size=2), st.emails())


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


# What a careful user would type: mostly accepted (unless the room is taken).
LATER = st.integers(min_value=1, max_value=10 * 24 * 60).map(
    lambda minutes: (MONDAY_MORNING + timedelta(minutes=minutes)).isoformat()
)
SENSIBLE_DURATION = st.integers(min_value=6, max_value=240).map(lambda m: {"minutes": m})
TYPES = st.one_of(TEXT, st.lists(st.sampled_from(["meeting_room", "phone_booth"]) | TEXT))
BOOK_SPACE = st.one_of(
    _optional(
        start=TIME, end=TIME, duration=DURATION, title=TEXT, description=TEXT, invitees=INVITEES
    ),
    st.fixed_dictionaries(
        {"start": LATER, "duration": SENSIBLE_DURATION},
        optional={"title": TEXT, "description": TEXT, "invitees": st.lists(st.emails())},
    ),
)
FIND_FREE_SPACE = st.one_of(
    _optional(
        start=TIME,
        end=TIME,
        duration=DURATION,
        min_capacity=NUMBER,
        types=TYPES,
        location=st.sampled_from(LOCATIONS) | TEXT,
    ),
    st.fixed_dictionaries(
        {"duration": SENSIBLE_DURATION},
        optional={
            "start": LATER,
            "min_capacity": st.integers(min_value=1, max_value=20),
            "types": TYPES,
            "location": st.sampled_from(LOCATIONS),
        },
    ),
)
MINUTES = st.one_of(st.integers(min_value=-60, max_value=24 * 60 + 60), NUMBER)


# -- running one example --------------------------------------------------------------------


def _writes(simulator: RobinSimulator, *, succeeded: bool = False) -> list[str]:
    return [
        f"{record.method} {record.path}"
        for record in simulator.requests
        if record.method in WRITE_METHODS
        and (not succeeded or (record.status is not None and record.status < 400))
    ]


async def _outcome(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    action: str,
    data: dict[str, Any],
    target: dict[str, Any] | None = None,
) -> str:
    """Call the action once; check the property; return how it ended."""
    simulator.reset_requests()
    refusal: vol.Invalid | HomeAssistantError | None = None
    response: Any = None
    try:
        response = await hass.services.async_call(
            DOMAIN, action, data, target=target, blocking=True, return_response=True
        )
    except (vol.Invalid, HomeAssistantError) as err:  # anything else fails the test
        refusal = err
    await hass.async_block_till_done()
    if isinstance(refusal, vol.Invalid):  # the action's schema
        assert _writes(simulator) == []
        return "invalid data"
    if isinstance(refusal, HomeAssistantError):
        assert refusal.translation_domain == DOMAIN
        assert refusal.translation_key in TRANSLATIONS["exceptions"]
        if isinstance(refusal, ServiceValidationError):  # found wrong before asking Robin
            assert _writes(simulator) == []
            return refusal.translation_key
        # Robin refused: it changed nothing.
        assert _writes(simulator, succeeded=True) == []
        return f"robin: {refusal.translation_key}"
    assert isinstance(response, dict)
    assert json.loads(json.dumps(response)) == response
    if action == "book_space":
        assert len([w for w in _writes(simulator, succeeded=True) if w.startswith("POST")]) == 1
    return "accepted"


async def _run_examples(
    hass: HomeAssistant,
    strategy: st.SearchStrategy[Any],
    example: Callable[[Any], Coroutine[Any, Any, str]],
) -> Counter[str]:
    """Let Hypothesis try `example` with its inputs; return how the calls ended."""
    outcomes: Counter[str] = Counter()
    loop = asyncio.get_running_loop()

    @PROPERTY_SETTINGS
    @given(strategy)
    def check(value: Any) -> None:
        outcome = asyncio.run_coroutine_threadsafe(example(value), loop).result()
        outcomes[outcome] += 1

    await hass.async_add_executor_job(check)
    return outcomes


@dataclass(frozen=True)
class RealBooking:
    """One of the room's real bookings, picked by index."""

    index: int


def _room(hass: HomeAssistant, simulator: RobinSimulator, room: str) -> dict[str, Any]:
    return {"entity_id": room_entity_id(hass, simulator, room, "sensor", "availability")}


def _booking_ids(simulator: RobinSimulator, room: str) -> list[str]:
    return [event.id for event in simulator.events_in(simulator.find_space(room).id)]


# -- the actions ------------------------------------------------------------------------------


async def test_book_space_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    async def example(value: tuple[str, dict[str, Any]]) -> str:
        room, data = value
        return await _outcome(hass, simulator, "book_space", data, _room(hass, simulator, room))

    outcomes = await _run_examples(hass, st.tuples(st.sampled_from(ROOMS), BOOK_SPACE), example)
    assert outcomes["accepted"] > 0
    assert outcomes["invalid data"] > 0
    assert sum(outcomes.values()) - outcomes["accepted"] - outcomes["invalid data"] > 0


async def test_find_free_space_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry_id = setup_integration.entry_id
    london = device_with_identifier(
        hass, entry_id, f"location_{simulator.find_location('London HQ').id}"
    )
    assert london is not None

    async def example(value: tuple[bool, dict[str, Any]]) -> str:
        by_device, data = value
        if by_device:
            data = {**data, "location": london.id}
        return await _outcome(
            hass, simulator, "find_free_space", {"config_entry_id": entry_id, **data}
        )

    outcomes = await _run_examples(hass, st.tuples(st.booleans(), FIND_FREE_SPACE), example)
    assert outcomes["accepted"] > 0
    assert outcomes["invalid data"] > 0
    assert sum(outcomes.values()) - outcomes["accepted"] - outcomes["invalid data"] > 0


async def _booking_action_examples(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    action: str,
    extra: st.SearchStrategy[dict[str, Any]],
) -> Counter[str]:
    """Run an action on a booking: by a real id, any typed id, or the current booking."""

    async def example(value: tuple[str, Any, dict[str, Any]]) -> str:
        room, booking, data = value
        if isinstance(booking, RealBooking):  # one of the room's bookings this week and next
            ids = _booking_ids(simulator, room)
            booking = ids[booking.index % len(ids)] if ids else "none"
        if booking is not None:
            data = {**data, "booking_id": booking}
        return await _outcome(hass, simulator, action, data, _room(hass, simulator, room))

    booking = st.one_of(
        st.none(),
        st.builds(RealBooking, st.integers(min_value=0, max_value=1000)),
        TEXT,
        st.integers(),
    )
    strategy = st.tuples(st.sampled_from(ROOMS), booking, extra)
    return await _run_examples(hass, strategy, example)


async def test_cancel_booking_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    outcomes = await _booking_action_examples(hass, simulator, "cancel_booking", st.just({}))
    assert outcomes["accepted"] > 0
    assert outcomes["booking_not_found"] > 0


async def test_extend_booking_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    extra = _optional(minutes=MINUTES)
    outcomes = await _booking_action_examples(hass, simulator, "extend_booking", extra)
    assert outcomes["accepted"] > 0
    assert outcomes["invalid data"] > 0


async def test_end_booking_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    outcomes = await _booking_action_examples(hass, simulator, "end_booking", st.just({}))
    assert outcomes["accepted"] > 0
    assert outcomes["booking_not_started"] > 0


async def test_check_in_accepts_or_refuses_anything_typed(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    outcomes = await _booking_action_examples(hass, simulator, "check_in", st.just({}))
    assert outcomes["accepted"] > 0
    assert outcomes["booking_not_found"] > 0
