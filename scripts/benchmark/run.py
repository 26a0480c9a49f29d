"""The measuring plan: both columns in one Home Assistant against one simulator.

Timeline (the wall clock starts on a Tuesday at 15:05 UTC: 15:05 in London, 10:05 in New York,
every office within its 08:30-18:00 working hours):

1. The integration is set up (setup CPU, requests, memory, timers).
2. A simulated hour: wall clock, simulator clock and loop clock move a minute at a time, and
   each whole minute is measured: the poll and whatever else the clock sets off, such as states
   rewritten at meeting boundaries (requests and writes per hour; the quarter-hour polls are its
   calendar-window rereads, the last one also its hourly rediscovery).
3. The DIY column is set up, its polls half a minute out of phase with the integration's, so that
   each measured step runs one column's poll and nothing of the other's.
4. With the wall clock standing still: quiet polls, polls after 5 % of rooms changed, polls after
   one room changed; then polls after a minute passes. Each column polls once per step.

A step moves the loop clock to the column's next poll, lets every timer due by then run (its
poll among them, exactly as time passing would) and waits until Home Assistant is idle; CPU is
`time.process_time()` of this process around it (the simulator runs in its own process).
"""

import asyncio
import cProfile
import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from homeassistant.core import HomeAssistant

from .changes import RoomPicker, change_rooms
from .columns import (
    DIY,
    INTEGRATION,
    POLL_SECONDS,
    add_diy,
    add_integration,
    finish_integration,
    rest_config,
)
from .counters import (
    TRACED_FRAMES,
    CollectorClock,
    StateWrites,
    kept_memory_by_owner,
    resident_mib,
)
from .home_assistant import running_home_assistant
from .simulator import Room, SimulatorApi, SimulatorProcess
from .virtual_time import VirtualTimeLoop, WallClock

START = datetime(2030, 1, 15, 15, 5, tzinfo=UTC)  # a Tuesday, far ahead of the machine's clock
MINUTE = timedelta(minutes=1)
QUARTER = 15
STEP_OFFSET = 0.75  # past a whole second: coordinators add up to 0.5 s of jitter
HALF_POLL = POLL_SECONDS / 2
CHANGE_SHARE = 0.05
# BENCH_PROFILE=file: profile the integration's polls of one kind (BENCH_PROFILED, default
# "quiet"; "setup" for its setup) into that file, to look into with `python -m pstats file`.
PROFILE = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
PROFILED = os.environ.get("BENCH_PROFILED", "quiet")
# BENCH_MEMORY=1: trace the allocations of the integration's setup and tell, of the memory they
# still hold after it, how much Home Assistant and how much the integration allocated (tracing
# slows that setup many times over: its CPU figure is then meaningless).
TRACE_MEMORY = bool(os.environ.get("BENCH_MEMORY"))


@dataclass
class Cycle:
    """One column's poll."""

    cpu: float  # seconds
    requests: int
    written: int  # states written (changed or not)
    unchanged: int  # of which the state did not change


@dataclass
class Column:
    """What one column cost."""

    entities: int = 0  # registered
    enabled: int = 0  # registered and enabled: the ones with a state
    setup_cpu: float = 0.0
    setup_collector: float = 0.0  # of setup_cpu, seconds in the cyclic garbage collector
    setup_full_collections: int = 0
    setup_requests: int = 0
    rss_growth: float = 0.0  # MiB
    timers: int = 0
    kept_memory: dict[str, float] = field(default_factory=dict)  # MiB by owner (BENCH_MEMORY)
    requests_per_hour: int = 0
    writes_per_hour: int = 0
    cpu_per_hour: float = 0.0  # seconds
    cycles: dict[str, list[Cycle]] = field(default_factory=dict)

    def median(self, kind: str, attribute: str) -> float:
        """The median of one figure over the cycles of one kind."""
        return float(statistics.median(getattr(cycle, attribute) for cycle in self.cycles[kind]))


@dataclass
class Result:
    """One size's figures."""

    locations: int
    rooms_per_location: int
    max_per_page: int  # the largest page the simulated Robin serves
    repeats: int
    changed_rooms: int
    columns: dict[str, Column]
    seconds: float = 0.0

    @property
    def rooms(self) -> int:
        """Rooms in all."""
        return self.locations * self.rooms_per_location


class Stepper:
    """Lets time pass for one column's poll at a time, and measures it."""

    def __init__(
        self,
        hass: HomeAssistant,
        loop: VirtualTimeLoop,
        sim: SimulatorApi,
        writes: StateWrites,
    ) -> None:
        """Measure in this Home Assistant against this simulator."""
        self.hass = hass
        self.loop = loop
        self.sim = sim
        self.writes = writes
        self.next_poll: dict[str, float] = {}

    def set_up_now(self, column: str) -> None:
        """The column has just polled (its setup's first refresh): next poll a minute on."""
        self.next_poll[column] = int(self.loop.time()) + POLL_SECONDS + STEP_OFFSET

    async def idle_until(self, moment: float) -> None:
        """Let time pass up to `moment` (timers due before run, unmeasured)."""
        if moment > self.loop.time():
            self.loop.advance(moment - self.loop.time())
        await self._settle()

    async def _settle(self) -> None:
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def step(self, column: str, *, whole_interval: bool = False) -> Cycle:
        """Let time reach the column's next poll and measure what it costs.

        Timers due before the last second run unmeasured, unless `whole_interval`: then
        everything since the last step is measured (only one column may be set up).
        """
        due = self.next_poll[column]
        if not whole_interval:
            await self.idle_until(due - 1)
        await self.sim.clear_requests()
        self.writes.reset()
        started = time.process_time()
        self.loop.advance(due - self.loop.time())
        await self._settle()
        cpu = time.process_time() - started
        requests = len(await self.sim.requests())
        self.next_poll[column] = due + POLL_SECONDS
        return Cycle(cpu, requests, self.writes.written[column], self.writes.unchanged[column])


class Plan:
    """The timeline of one size (see the module's docstring)."""

    def __init__(
        self,
        *,
        hass: HomeAssistant,
        loop: VirtualTimeLoop,
        wall: WallClock,
        process: SimulatorProcess,
        sim: SimulatorApi,
        result: Result,
        hour_minutes: int,
        setup_only: str | None = None,
    ) -> None:
        """Run in this Home Assistant against this simulator, into `result`."""
        self.setup_only = setup_only
        self.hass = hass
        self.loop = loop
        self.wall = wall
        self.process = process
        self.sim = sim
        self.result = result
        self.hour_minutes = hour_minutes
        self.writes = StateWrites(hass)
        self.stepper = Stepper(hass, loop, sim, self.writes)
        self.started = time.monotonic()

    def progress(self, what: str) -> None:
        """Say on stderr where the run is."""
        elapsed = time.monotonic() - self.started
        print(f"bench: {elapsed:5.0f} s  {what}", file=sys.stderr, flush=True)

    def record(self, column: str, kind: str, cycle: Cycle) -> None:
        """Keep a measured cycle."""
        self.result.columns[column].cycles.setdefault(kind, []).append(cycle)

    async def pass_minute(self) -> None:
        """Move Home Assistant's and the simulator's wall clocks a minute on."""
        self.wall.advance(MINUTE)
        await self.sim.advance_clock(MINUTE)

    async def run(self) -> None:
        """The whole timeline."""
        self.writes.start()
        if self.setup_only is not None:
            await self.set_up_alone(self.setup_only)
            return
        self.progress("setting up the integration")
        await self.set_up_integration()
        self.progress(f"a simulated hour ({self.hour_minutes} polls) of the integration")
        await self.simulated_hour()
        rooms = await self.sim.rooms(self.location_ids)
        await self.stepper.idle_until(self.loop.time() + HALF_POLL)
        self.progress("setting up the DIY column")
        await self.set_up_diy(rooms)
        await self.both_poll("warm-up")
        self.progress("quiet polls")
        for _ in range(self.result.repeats):
            await self.both_poll("quiet")
        self.progress("polls after 5 % of rooms changed")
        picker = RoomPicker(rooms)
        for _ in range(self.result.repeats):
            await change_rooms(self.sim, picker.take(self.result.changed_rooms), self.wall.now())
            await self.both_poll("5%")
        self.progress("polls after one room changed")
        for _ in range(self.result.repeats):
            await change_rooms(self.sim, picker.take(1), self.wall.now())
            await self.both_poll("one room")
        self.progress("polls after a minute passed")
        for _ in range(self.result.repeats):
            await self.pass_minute()
            await self.both_poll("a minute passes")
        self.progress("done")

    async def set_up_alone(self, column: str) -> None:
        """Set up one column in this Home Assistant, where the other never is."""
        self.progress(f"setting up the {column} column alone")
        if column == INTEGRATION:
            await self.set_up_integration()
        else:
            await self.set_up_diy(await self.sim.rooms(await self.sim.location_ids()))
        self.progress("done")

    async def both_poll(self, kind: str) -> None:
        """One poll of each column, integration first."""
        for column in (INTEGRATION, DIY):
            if PROFILE is not None and column == INTEGRATION and kind == PROFILED:
                PROFILE.enable()
                cycle = await self.stepper.step(column)
                PROFILE.disable()
            else:
                cycle = await self.stepper.step(column)
            self.record(column, kind, cycle)

    async def set_up_integration(self) -> None:
        """Set the integration up through its config flow and measure that."""
        column = self.result.columns[INTEGRATION]
        last_form = await add_integration(self.hass, self.process)
        before_rss, before_timers = resident_mib(), self.loop.pending_timers()
        await self.sim.clear_requests()
        gc.collect()  # each column's setup starts from a collected heap
        started = time.process_time()
        if PROFILE is not None and PROFILED == "setup":
            PROFILE.enable()
        if TRACE_MEMORY:
            tracemalloc.start(TRACED_FRAMES)
        with CollectorClock() as collector:
            entry = await finish_integration(self.hass, last_form)
        if PROFILE is not None and PROFILED == "setup":
            PROFILE.disable()
        if TRACE_MEMORY:
            gc.collect()
            column.kept_memory = kept_memory_by_owner(tracemalloc.take_snapshot())
            tracemalloc.stop()
        column.setup_cpu = time.process_time() - started
        column.setup_collector = collector.seconds
        column.setup_full_collections = collector.full_collections
        column.setup_requests = len(await self.sim.requests())
        column.rss_growth = resident_mib() - before_rss
        column.timers = self.loop.pending_timers() - before_timers
        self.location_ids = [int(location_id) for location_id in entry.data["locations"]]
        self.writes.refresh_entities()
        column.entities, column.enabled = self.writes.entity_counts(INTEGRATION)
        self.stepper.set_up_now(INTEGRATION)

    async def simulated_hour(self) -> None:
        """The integration's polls over an hour: every clock moves a minute per poll."""
        column = self.result.columns[INTEGRATION]
        for minute in range(1, self.hour_minutes + 1):
            await self.pass_minute()
            cycle = await self.stepper.step(INTEGRATION, whole_interval=True)
            column.requests_per_hour += cycle.requests
            column.writes_per_hour += cycle.written
            column.cpu_per_hour += cycle.cpu
            if minute == self.hour_minutes:
                kind = "hour's last poll"  # window reread and hourly rediscovery
            elif minute % QUARTER == 0:
                kind = "window reread"
            else:
                kind = "a minute passes"
            self.record(INTEGRATION, kind, cycle)

    async def set_up_diy(self, rooms: list[Room]) -> None:
        """Set up the per-room `rest` resources and measure that."""
        column = self.result.columns[DIY]
        resources = rest_config(self.process, rooms)
        before_rss, before_timers = resident_mib(), self.loop.pending_timers()
        await self.sim.clear_requests()
        gc.collect()  # each column's setup starts from a collected heap
        started = time.process_time()
        with CollectorClock() as collector:
            await add_diy(self.hass, resources)
        column.setup_cpu = time.process_time() - started
        column.setup_collector = collector.seconds
        column.setup_full_collections = collector.full_collections
        column.setup_requests = len(await self.sim.requests())
        column.rss_growth = resident_mib() - before_rss
        column.timers = self.loop.pending_timers() - before_timers
        self.writes.refresh_entities()
        column.entities, column.enabled = self.writes.entity_counts(DIY)
        self.stepper.set_up_now(DIY)


async def measure(
    locations: int,
    rooms_per_location: int,
    repeats: int,
    hour_minutes: int,
    max_per_page: int,
    *,
    setup_only: str | None = None,
) -> Result:
    """Start the simulator and Home Assistant and run the plan at one size.

    `setup_only`: set up only that column (INTEGRATION or DIY), and stop there.
    """
    started = time.monotonic()
    result = Result(
        locations,
        rooms_per_location,
        max_per_page,
        repeats,
        max(1, round(CHANGE_SHARE * locations * rooms_per_location)),
        {INTEGRATION: Column(), DIY: Column()},
    )
    loop = asyncio.get_running_loop()
    if not isinstance(loop, VirtualTimeLoop):
        msg = "measure() runs on a VirtualTimeLoop"
        raise TypeError(msg)
    wall = WallClock(START)
    wall.install()
    process = SimulatorProcess(locations, rooms_per_location, max_per_page)
    try:
        async with aiohttp.ClientSession() as session:
            sim = SimulatorApi(session, process)
            await sim.freeze_clock(START)
            with tempfile.TemporaryDirectory(prefix="robin-bench-") as config_dir:
                async with running_home_assistant(Path(config_dir)) as hass:
                    plan = Plan(
                        hass=hass,
                        loop=loop,
                        wall=wall,
                        process=process,
                        sim=sim,
                        result=result,
                        hour_minutes=hour_minutes,
                        setup_only=setup_only,
                    )
                    await plan.run()
    finally:
        process.stop()
    # Only a process that profiled something writes the file: in `--setups` DIY's process,
    # which runs after the integration's, would otherwise empty it.
    if PROFILE is not None and PROFILE.getstats():
        PROFILE.dump_stats(os.environ["BENCH_PROFILE"])
    result.seconds = time.monotonic() - started
    return result


def run_size(
    locations: int,
    rooms_per_location: int,
    repeats: int,
    hour_minutes: int,
    max_per_page: int,
    *,
    setup_only: str | None = None,
) -> Result:
    """Measure one size in a fresh event loop."""
    return asyncio.run(
        measure(
            locations,
            rooms_per_location,
            repeats,
            hour_minutes,
            max_per_page,
            setup_only=setup_only,
        ),
        loop_factory=VirtualTimeLoop,
    )
