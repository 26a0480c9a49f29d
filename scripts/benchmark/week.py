"""`scripts/bench --week`: a simulated week's requests, with slow polling off and on.

Issue 8 asks for "over a simulated week >= 70 % fewer requests" outside working hours.

For each setting a fresh simulator (the `large` scenario: offices alternately in London and in
New York, working 08:30-18:00 Monday to Friday) and a fresh Home Assistant: the integration is
set up through its config flow, the option set through its options flow, then a week passes
from Monday 00:00 UTC. Time jumps from one scheduled timer to the next (the integration's polls,
its meeting-boundary timer, Home Assistant's own), wall clock, loop clock and simulator clock
together, so a night without polls costs nothing to simulate. Requests come from the simulator's
request log: every request the integration made in the week, rediscoveries included.
"""

import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL

from .columns import add_integration, finish_integration
from .home_assistant import running_home_assistant
from .simulator import SimulatorApi, SimulatorProcess
from .table import machine
from .virtual_time import VirtualTimeLoop, WallClock

WEEK_START = datetime(2030, 1, 14, tzinfo=UTC)  # a Monday, far ahead of the machine's clock
MAX_JUMP = 3600.0  # seconds: the request log is read at least this often
MIN_JUMP = 0.001
COUNT_EVERY = timedelta(hours=6)


@dataclass
class WeekResult:
    """The requests of one setting over the simulated span."""

    off_hours_minutes: int  # 0: polled at the poll interval all the time
    requests: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    polls: int = 0
    steps: int = 0
    seconds: float = 0.0


def kind_of(path: str) -> str:
    """Group a request: presence, booking reads, a booking's check-in state, or discovery."""
    if path.endswith("/presence"):
        return "presence"
    if path.endswith("/events") or "free-busy" in path:
        return "bookings"
    if "/events/" in path:
        return "check-ins"
    return "discovery"  # locations, rooms, floors


KINDS = ("presence", "bookings", "check-ins", "discovery")


class WeekRun:
    """One setting: the integration alone, a week of its polls."""

    def __init__(  # noqa: PLR0917 - the run's parts, as `Plan` takes them
        self,
        hass: HomeAssistant,
        loop: VirtualTimeLoop,
        wall: WallClock,
        process: SimulatorProcess,
        sim: SimulatorApi,
        result: WeekResult,
    ) -> None:
        """Run in this Home Assistant against this simulator, into `result`."""
        self.hass = hass
        self.loop = loop
        self.wall = wall
        self.process = process
        self.sim = sim
        self.result = result

    async def set_up(self) -> None:
        """Add the integration (every location), then set the option through the options flow."""
        entry = await finish_integration(self.hass, await add_integration(self.hass, self.process))
        flow = await self.hass.config_entries.options.async_init(entry.entry_id)
        done = await self.hass.config_entries.options.async_configure(
            flow["flow_id"], {CONF_OFF_HOURS_INTERVAL: self.result.off_hours_minutes}
        )
        if done["type"] is not FlowResultType.CREATE_ENTRY:
            msg = f"the options flow refused the option: {done}"
            raise RuntimeError(msg)
        await self._settle()
        # Reloaded with the option: its coordinator is a new one.
        entry.runtime_data.async_add_poll_listener(self._count_poll)

    def _count_poll(self) -> None:
        self.result.polls += 1

    async def _settle(self) -> None:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def _next_timer_in(self) -> float:
        scheduled: list[asyncio.TimerHandle] = self.loop._scheduled  # type: ignore[attr-defined]  # noqa: SLF001
        pending = [handle.when() for handle in scheduled if not handle.cancelled()]
        return min(pending, default=self.loop.time() + MAX_JUMP) - self.loop.time()

    async def _count_requests(self) -> None:
        for record in await self.sim.requests():
            self.result.requests += 1
            self.result.by_kind[kind_of(record["path"])] += 1
        await self.sim.clear_requests()

    async def run(self, end: datetime) -> None:
        """Let time pass until `end`, timer by timer; count the requests made meanwhile."""
        await self.sim.clear_requests()
        next_count = self.wall.now() + COUNT_EVERY
        while (left := (end - self.wall.now()).total_seconds()) > 0:
            jump = min(max(self._next_timer_in(), MIN_JUMP), MAX_JUMP, left)
            self.loop.advance(jump)
            self.wall.advance(timedelta(seconds=jump))
            await self.sim.advance_clock(timedelta(seconds=jump))
            await self._settle()
            self.result.steps += 1
            if self.wall.now() >= next_count:
                await self._count_requests()
                next_count += COUNT_EVERY
        await self._count_requests()


async def measure_setting(
    locations: int, rooms_per_location: int, off_hours_minutes: int, hours: float, max_per_page: int
) -> WeekResult:
    """Start a simulator and a Home Assistant and count one setting's requests."""
    started = time.monotonic()
    result = WeekResult(off_hours_minutes)
    loop = asyncio.get_running_loop()
    if not isinstance(loop, VirtualTimeLoop):
        msg = "measure_setting() runs on a VirtualTimeLoop"
        raise TypeError(msg)
    wall = WallClock(WEEK_START)
    wall.install()
    process = SimulatorProcess(locations, rooms_per_location, max_per_page)
    try:
        async with aiohttp.ClientSession() as session:
            sim = SimulatorApi(session, process)
            await sim.freeze_clock(WEEK_START)
            with tempfile.TemporaryDirectory(prefix="robin-bench-week-") as config_dir:
                async with running_home_assistant(Path(config_dir)) as hass:
                    run = WeekRun(hass, loop, wall, process, sim, result)
                    await run.set_up()
                    await run.run(wall.now() + timedelta(hours=hours))
    finally:
        process.stop()
    result.seconds = time.monotonic() - started
    return result


def week_table(results: list[WeekResult], locations: int, hours: float) -> str:
    """The requests of each setting and the reduction against polling normally all the time."""
    baseline = next((r.requests for r in results if r.off_hours_minutes == 0), None)
    span = "a week" if hours == 7 * 24 else f"{hours:g} hours"
    lines = [
        (
            f"| outside working hours | requests in {span} | per office per hour | polls "
            f"| {' / '.join(KINDS)} | fewer than polling normally |"
        ),
        "|---|---:|---:|---:|---|---:|",
    ]
    for result in results:
        setting = (
            "polled normally (option 0)"
            if result.off_hours_minutes == 0
            else f"every {result.off_hours_minutes} min"
        )
        fewer = (
            f"{100 * (1 - result.requests / baseline):.1f} %"
            if baseline and result.off_hours_minutes
            else "\u2013"
        )
        kinds = " / ".join(f"{result.by_kind[kind]:,}" for kind in KINDS)
        per_office_hour = result.requests / locations / hours
        lines.append(
            f"| {setting} | {result.requests:,} | {per_office_hour:.1f} | {result.polls:,} "
            f"| {kinds} | {fewer} |"
        )
    return "\n".join(lines)


def run_week(
    locations: int,
    rooms_per_location: int,
    settings: list[int],
    hours: float,
    max_per_page: int,
    *,
    show_machine: bool,
) -> None:
    """Measure each setting (0 = poll normally first) and print the table."""
    if show_machine:
        print(f"Machine: {machine()}", flush=True)
    results: list[WeekResult] = []
    for minutes in [0, *(m for m in settings if m)]:
        label = f"every {minutes} min" if minutes else "polled normally"
        print(f"bench: a week of {label} ...", file=sys.stderr, flush=True)
        result = asyncio.run(
            measure_setting(locations, rooms_per_location, minutes, hours, max_per_page),
            loop_factory=VirtualTimeLoop,
        )
        print(
            f"bench: {result.requests:,} requests, {result.polls:,} polls, "
            f"{result.steps:,} steps in {result.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        results.append(result)
    print(
        f"\n{locations} offices of {rooms_per_location} rooms, from Monday 00:00 UTC:\n\n"
        f"{week_table(results, locations, hours)}",
        flush=True,
    )
