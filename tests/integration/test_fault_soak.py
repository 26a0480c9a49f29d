"""The fault soak: over a thousand polls of a real Home Assistant against a misbehaving Robin.

A seeded random mix of faults (5xx, a proxy's HTML 502, hangs past the request timeout, 429 with
seconds or an HTTP date, past and absurd ones included, 503 with Retry-After, malformed and
truncated JSON, `{}` for lists, dropped answers, and one 401 at the end) is fed to the
simulator while time is mocked.
Run alone: `.venv/bin/python -m pytest tests/integration/test_fault_soak.py -p no:cacheprovider`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import CONF_ACCESS_TOKEN, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.api.const import DEFAULT_REQUEST_TIMEOUT
from custom_components.robin.coordinator import RobinCoordinator
from robin_simulator import RobinSimulator
from robin_simulator.faults import Faults
from tests.summary import add_summary_lines

from .common import DOMAIN

SEED = 20261123
POLLS = 1_000
FAULT_CHANCE = 0.3
# Steps shorter than the poll interval, so that a poll sent too early would be seen.
STEP = timedelta(seconds=30)
MAX_RETRY_AFTER = timedelta(days=1)  # README: a longer Retry-After is ignored
OUTAGE_LINE = "Error fetching robin data"
RECOVERY_LINE = "Fetching robin data recovered"
AUTH_LINE = "Authentication failed while fetching robin data"
HTML_PAGE_STATUS = 502
NOT_JSON_BODIES = ("<html><body>OK</body></html>", "[]", '{"meta": {"status_code": 200}, "data"')


def _five_xx(faults: Faults, rng: random.Random) -> None:
    faults.fail_next(rng.choice([500, 502, 503, 504]))


def _retry_after_seconds(faults: Faults, rng: random.Random) -> None:
    faults.rate_limit_next(retry_after=rng.choice([1, 30, 61, 90, 300, 900]))


def _retry_after_date(faults: Faults, rng: random.Random) -> None:
    faults.rate_limit_next(retry_after=rng.choice([30, 120, 600]), http_date=True)


def _retry_after_past_date(faults: Faults, rng: random.Random) -> None:
    faults.rate_limit_next(retry_after=-rng.choice([1, 600, 86_400]), http_date=True)


def _retry_after_absurd(faults: Faults, rng: random.Random) -> None:
    faults.rate_limit_next(header=rng.choice(["0", "-5", str(10**8), "1e400", "soon"]))


def _unavailable_for_a_while(faults: Faults, rng: random.Random) -> None:
    faults.rate_limit_next(retry_after=rng.choice([30, 120, 600]), status=503)


def _malformed_json(faults: Faults, rng: random.Random) -> None:
    faults.malformed_next(body=rng.choice(NOT_JSON_BODIES))


# Each kind queues one fault for the next request (or the next list answer).
INJECT: dict[str, Callable[[Faults, random.Random], None]] = {
    "5xx": _five_xx,
    "html_502": lambda faults, _rng: faults.html_error_next(HTML_PAGE_STATUS),
    "hang": lambda faults, _rng: faults.hang_next(),
    "429_seconds": _retry_after_seconds,
    "429_http_date": _retry_after_date,
    "429_past_date": _retry_after_past_date,
    "429_absurd": _retry_after_absurd,
    "503_retry_after": _unavailable_for_a_while,
    "truncated_json": lambda faults, _rng: faults.malformed_next(),
    "malformed_json": _malformed_json,
    # whichever list comes next: presence, events, locations
    "empty_list": lambda faults, _rng: faults.empty_list_next(),
    "connection_reset": lambda faults, _rng: faults.drop_next(),
}
EMPTY_ROOMS = "empty_rooms"  # a location's rooms as `{}`, at the next discovery
EMPTY_ROOMS_CHANCE = 0.05


@dataclass
class Soak:
    """What the soak saw."""

    faults: Counter[str] = field(default_factory=Counter)
    polls: list[bool] = field(default_factory=list)  # each poll's success
    availability_errors: list[str] = field(default_factory=list)
    loop_exceptions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outages(self) -> int:
        """Runs of failed polls."""
        return sum(
            1
            for before, now in zip([True, *self.polls], self.polls, strict=False)
            if before and not now
        )

    @property
    def recoveries(self) -> int:
        """Good polls right after a failed one."""
        return sum(
            1
            for before, now in zip([True, *self.polls], self.polls, strict=False)
            if not before and now
        )


def _count_polls(coordinator: RobinCoordinator, soak: Soak) -> None:
    """Record each poll's outcome (the poll itself runs unchanged)."""
    update: Callable[[], Awaitable[Any]] = coordinator._async_update_data

    async def counted() -> Any:
        try:
            data = await update()
        except BaseException:
            soak.polls.append(False)
            raise
        soak.polls.append(True)
        return data

    coordinator._async_update_data = counted  # type: ignore[method-assign]


def _retry_after_windows(simulator: RobinSimulator) -> list[tuple[datetime, datetime]]:
    """The (answered at, not before) moment of each 429 or 503 whose Retry-After is obeyed."""
    windows = []
    for record in simulator.requests:
        if record.status not in {429, 503} or record.at is None or not record.retry_after:
            continue
        try:
            seconds = float(record.retry_after)
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(record.retry_after) - record.at).total_seconds()
            except (TypeError, ValueError):
                continue
        if 0 < seconds <= MAX_RETRY_AFTER.total_seconds():
            windows.append((record.at, record.at + timedelta(seconds=seconds)))
    return windows


def _requests_inside_retry_after(simulator: RobinSimulator) -> int:
    """Requests sent after a 429 or 503 was answered and before its Retry-After passed.

    Time stands still between steps, so requests at the very moment of that answer were sent
    together with it (the same poll), before its answer came.
    """
    windows = _retry_after_windows(simulator)
    return sum(
        1
        for record in simulator.requests
        if record.at is not None
        and any(answered < record.at < not_before for answered, not_before in windows)
    )


def _tasks() -> Counter[str]:
    """The running tasks by coroutine (not the simulator's per-connection handlers)."""
    names = Counter[str]()
    for task in asyncio.all_tasks():
        if task.done():
            continue
        name = getattr(task.get_coro(), "__qualname__", repr(task.get_coro()))
        if not name.startswith("RequestHandler."):  # one per open keep-alive connection
            names[name] += 1
    return names


def _timers(hass: HomeAssistant) -> Counter[str]:
    """The scheduled timers by callback (not the keep-alive ones of open connections)."""
    scheduled = hass.loop._scheduled  # type: ignore[attr-defined]
    names = Counter[str]()
    for handle in scheduled:
        if handle.cancelled():
            continue
        callback = handle._callback
        name = getattr(callback, "__qualname__", type(callback).__qualname__)
        if "keepalive" not in name and "_cleanup" not in name:
            names[name] += 1
    return names


def _listeners(hass: HomeAssistant, coordinator: RobinCoordinator) -> tuple[int, dict[str, int]]:
    return len(coordinator._listeners), dict(hass.bus.async_listeners())


def _registries(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[set[str], set[str]]:
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {device.id for device in devices}, {entity.entity_id for entity in entities}


class Stepper:
    """Moves the frozen clock a step and runs what is due, hangs included."""

    def __init__(
        self, hass: HomeAssistant, simulator: RobinSimulator, freezer: FrozenDateTimeFactory
    ) -> None:
        """Take over the simulator's hangs, to hear when one starts."""
        self.hass = hass
        self.simulator = simulator
        self.freezer = freezer
        self.hang_started = asyncio.Event()
        release_wait = simulator.faults.wait_for_release

        async def wait_for_release() -> None:
            self.hang_started.set()
            await release_wait()

        simulator.faults.wait_for_release = wait_for_release  # type: ignore[method-assign]

    async def step(self, delta: timedelta) -> None:
        """Advance by `delta`; a request that hangs times out on the mocked clock."""
        self.freezer.tick(delta)
        async_fire_time_changed(self.hass)
        done = asyncio.ensure_future(self.hass.async_block_till_done(wait_background_tasks=True))
        hang = asyncio.ensure_future(self.hang_started.wait())
        await asyncio.wait({done, hang}, return_when=asyncio.FIRST_COMPLETED)
        if hang.done():
            self.hang_started.clear()
            # The client's own timeout (asyncio.timeout on the loop's clock) now expires.
            self.freezer.tick(timedelta(seconds=DEFAULT_REQUEST_TIMEOUT + 1))
        else:
            hang.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await hang
        await done
        # Let the simulator's hanging handler finish, as the server would eventually.
        self.simulator.faults.release_hanging()
        self.simulator.faults.rearm()


def _check_availability(hass: HomeAssistant, entity_ids: set[str], soak: Soak) -> None:
    """Every entity is unavailable during an outage and available otherwise."""
    if not soak.polls:
        return
    unavailable = {
        entity_id
        for entity_id in entity_ids
        if (state := hass.states.get(entity_id)) is None or state.state == STATE_UNAVAILABLE
    }
    expected = set() if soak.polls[-1] else entity_ids
    if unavailable != expected:
        soak.availability_errors.append(
            f"poll {len(soak.polls)} ok={soak.polls[-1]}: {sorted(unavailable ^ expected)[:3]}"
        )


@pytest.fixture
def stepper(
    hass: HomeAssistant, simulator: RobinSimulator, freezer: FrozenDateTimeFactory
) -> Stepper:
    """Steps of the mocked clock."""
    return Stepper(hass, simulator, freezer)


@pytest.fixture
def loop_exceptions(hass: HomeAssistant) -> list[dict[str, Any]]:
    """What reaches the event loop's exception handler (still handed on to the previous one)."""
    seen: list[dict[str, Any]] = []
    previous = hass.loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        seen.append(context)
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    hass.loop.set_exception_handler(handler)
    return seen


@pytest.fixture
def fast_loop(hass: HomeAssistant) -> Generator[None]:
    """Turn asyncio's debug mode off: its slow-callback checks would triple the run time."""
    debug = hass.loop.get_debug()
    hass.loop.set_debug(False)
    yield
    hass.loop.set_debug(debug)


@dataclass
class Snapshot:
    """What must be the same before and after the soak."""

    registries: tuple[set[str], set[str]]
    tasks: Counter[str]
    timers: Counter[str]
    listeners: tuple[int, dict[str, int]]

    @classmethod
    def take(
        cls, hass: HomeAssistant, entry: MockConfigEntry, coordinator: RobinCoordinator
    ) -> Snapshot:
        """Take one now."""
        return cls(_registries(hass, entry), _tasks(), _timers(hass), _listeners(hass, coordinator))


async def _soak(
    stepper: Stepper, coordinator: RobinCoordinator, entity_ids: set[str], soak: Soak
) -> None:
    """Poll POLLS times with a fault before about every third poll, then recover."""
    rng = random.Random(SEED)  # noqa: S311 - a reproducible mix, not a secret
    faults = stepper.simulator.faults
    while len(soak.polls) < POLLS:
        polls = len(soak.polls)
        if faults.queued == 0 and rng.random() < FAULT_CHANCE:
            kind = rng.choice(list(INJECT))
            # Rooms missing from three discoveries in a row are removed by design: one empty
            # answer at a time, and only after a discovery that listed every room.
            if (
                rng.random() < EMPTY_ROOMS_CHANCE
                and not coordinator.discovery._misses
                and faults.empty_lists_queued == 0
            ):
                faults.empty_list_next(path="/spaces")
                kind = EMPTY_ROOMS
            else:
                INJECT[kind](faults, rng)
            soak.faults[kind] += 1
        await stepper.step(STEP)
        if len(soak.polls) > polls:
            _check_availability(stepper.hass, entity_ids, soak)
    # Let the last outage end and the faults still queued be dropped.
    faults.clear()
    while not soak.polls[-1]:
        await stepper.step(STEP)
    _check_availability(stepper.hass, entity_ids, soak)
    for _ in range(3):
        await stepper.step(STEP)


@dataclass
class AuthFailure:
    """What one 401 did."""

    reauth_flows: int
    log_lines: int
    all_unavailable: bool
    reauth_result: str | None = None
    all_back: bool = False


async def _one_401(
    stepper: Stepper, soak: Soak, entity_ids: set[str], caplog: pytest.LogCaptureFixture
) -> AuthFailure:
    """Answer 401 once: Home Assistant asks for the token; entering it again restores polling."""
    hass, simulator = stepper.hass, stepper.simulator
    caplog.clear()
    simulator.faults.fail_next(401)
    polls = len(soak.polls)
    while len(soak.polls) == polls:
        await stepper.step(STEP)
    soak.faults["401"] += 1
    flows = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]
    failure = AuthFailure(
        reauth_flows=len(flows),
        log_lines=sum(1 for r in caplog.records if r.getMessage().startswith(AUTH_LINE)),
        all_unavailable=all(
            hass.states.get(entity_id).state == STATE_UNAVAILABLE for entity_id in entity_ids
        ),
    )
    if flows:
        result = await hass.config_entries.flow.async_configure(
            flows[0]["flow_id"], {CONF_ACCESS_TOKEN: simulator.token}
        )
        failure.reauth_result = f"{result['type']}: {result.get('reason')}"
        # The entry reloads with the token; the clock must not move while its requests run.
        await hass.async_block_till_done()
        await stepper.step(STEP)
        failure.all_back = all(
            hass.states.get(entity_id).state != STATE_UNAVAILABLE for entity_id in entity_ids
        )
    return failure


def _unhandled(records: list[logging.LogRecord]) -> list[str]:
    """ERROR lines other than Home Assistant's one line per outage, and any traceback."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.ERROR
        and (
            record.exc_info is not None
            or not record.getMessage().startswith((OUTAGE_LINE, AUTH_LINE))
        )
    ]


@pytest.mark.usefixtures("fast_loop")
async def test_fault_soak(
    setup_integration: MockConfigEntry,
    stepper: Stepper,
    loop_exceptions: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    hass, simulator, entry = stepper.hass, stepper.simulator, setup_integration
    coordinator = entry.runtime_data
    assert isinstance(coordinator, RobinCoordinator)
    soak = Soak()
    _count_polls(coordinator, soak)
    caplog.set_level(logging.INFO)  # DEBUG lines of every request would slow the soak down
    # Entities disabled by default (the Floor sensors) have no state to watch.
    entity_ids = {e for e in _registries(hass, entry)[1] if hass.states.get(e) is not None}
    assert all(hass.states.get(entity_id).state != STATE_UNAVAILABLE for entity_id in entity_ids)
    await stepper.step(STEP)  # opens the connections and starts the timers kept later
    before = Snapshot.take(hass, entry, coordinator)
    simulator.reset_requests()
    caplog.clear()

    await _soak(stepper, coordinator, entity_ids, soak)

    after = Snapshot.take(hass, entry, coordinator)
    records = list(caplog.records)
    outages, recoveries = soak.outages, soak.recoveries
    outage_lines = sum(1 for r in records if r.getMessage().startswith(OUTAGE_LINE))
    recovery_lines = sum(1 for r in records if r.getMessage().startswith(RECOVERY_LINE))
    inside_retry_after = _requests_inside_retry_after(simulator)
    polls, requests = len(soak.polls), len(simulator.requests)
    auth = await _one_401(stepper, soak, entity_ids, caplog)
    unhandled = _unhandled(records + list(caplog.records))
    lost_devices = before.registries[0] - after.registries[0]
    lost_entities = before.registries[1] - after.registries[1]
    add_summary_lines(
        request.config,
        "Fault soak (tests/integration/test_fault_soak.py):",
        [
            f"faults injected: {sum(soak.faults.values())} ("
            + ", ".join(f"{kind} {count}" for kind, count in sorted(soak.faults.items()))
            + ")",
            (
                f"polls: {polls}, requests: {requests}, outages: {outages}, "
                f"log lines per outage: {outage_lines / max(outages, 1):g}, "
                f"per recovery: {recovery_lines / max(recoveries, 1):g}"
            ),
            (
                f"requests inside Retry-After: {inside_retry_after}, devices lost: "
                f"{len(lost_devices)}, entities lost: {len(lost_entities)}, unhandled errors: "
                f"{len(unhandled) + len(loop_exceptions)}"
            ),
        ],
    )

    assert unhandled == []
    assert loop_exceptions == []
    assert outages > 0
    assert outage_lines == outages
    assert recovery_lines == recoveries == outages
    assert soak.availability_errors == []
    assert after.registries == before.registries
    assert inside_retry_after == 0
    assert _retry_after_windows(simulator), "no Retry-After to obey: the soak would prove nothing"
    assert after.tasks == before.tasks
    assert after.timers == before.timers
    assert after.listeners == before.listeners
    assert auth == AuthFailure(
        reauth_flows=1,
        log_lines=1,
        all_unavailable=True,
        reauth_result=f"{FlowResultType.ABORT}: reauth_successful",
        all_back=True,
    )
    assert _registries(hass, entry) == before.registries
