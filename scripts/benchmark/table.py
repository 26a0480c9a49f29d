"""The printed table: each figure for the integration and the DIY column, and DIY ÷ integration."""

import os
import platform
import statistics
from collections.abc import Callable
from pathlib import Path

from homeassistant.const import __version__ as HA_VERSION  # noqa: N812

from .columns import DIY, INTEGRATION
from .run import Column, Result

MS = 1000
NOT_MEASURED = "\u2013"  # an en dash
TIMES = "\u00d7"

type Figure = Callable[[Column, str], float | None]


def _cpu(kind: str) -> Figure:
    return lambda column, _name: column.median(kind, "cpu") * MS if kind in column.cycles else None


def _writes(kind: str, attribute: str) -> Figure:
    return lambda column, _name: column.median(kind, attribute) if kind in column.cycles else None


def _window_reread(column: Column, name: str) -> float | None:
    # DIY rereads everything it shows every poll: its reread is a regular poll.
    kind = "window reread" if name == INTEGRATION else "a minute passes"
    return column.median(kind, "cpu") * MS if kind in column.cycles else None


def _requests_per_hour(column: Column, name: str) -> float:
    if name == INTEGRATION:
        return column.requests_per_hour  # simulated: an hour of polls
    return column.median("quiet", "requests") * 60  # fixed 60 s interval, nothing else


def _cpu_per_hour(column: Column, name: str) -> float:
    if name == INTEGRATION:
        return column.cpu_per_hour  # simulated: an hour of polls and meeting boundaries
    return column.median("a minute passes", "cpu") * 60  # 60 polls, nothing else


def _writes_per_hour(column: Column, name: str) -> float:
    if name == INTEGRATION:
        return column.writes_per_hour  # simulated: an hour of polls and meeting boundaries
    return column.median("quiet", "written") * 60  # every poll writes every entity


ROWS: tuple[tuple[str, str, Figure], ...] = (
    ("entities enabled", "", lambda column, _name: column.enabled),
    ("entities registered", "", lambda column, _name: column.entities),
    ("requests / poll", "", lambda column, _name: column.median("quiet", "requests")),
    ("requests / hour", "", _requests_per_hour),
    ("CPU, nothing changed", "ms", _cpu("quiet")),
    ("CPU, 5 % of rooms change", "ms", _cpu("5%")),
    ("CPU, one room changes", "ms", _cpu("one room")),
    ("CPU, a minute passes", "ms", _cpu("a minute passes")),
    ("CPU, full calendar-window reread", "ms", _window_reread),
    ("CPU, hourly rediscovery (+ reread)", "ms", _cpu("hour's last poll")),
    ("CPU / hour", "s", _cpu_per_hour),
    ("state writes, nothing changed", "", _writes("quiet", "written")),
    ("state writes, 5 % change", "", _writes("5%", "written")),
    ("unchanged states rewritten, 5 % change", "", _writes("5%", "unchanged")),
    ("state writes, one room changes", "", _writes("one room", "written")),
    ("state writes, a minute passes", "", _writes("a minute passes", "written")),
    ("state writes / hour", "", _writes_per_hour),
    ("setup CPU", "ms", lambda column, _name: column.setup_cpu * MS),
    ("of which cyclic garbage collection", "ms", lambda column, _name: column.setup_collector * MS),
    ("full collections in setup", "", lambda column, _name: column.setup_full_collections),
    ("setup requests", "", lambda column, _name: column.setup_requests),
    ("RSS growth after setup", "MiB", lambda column, _name: column.rss_growth),
    ("event-loop timers after setup", "", lambda column, _name: column.timers),
)


def _number(value: float | None) -> str:
    if value is None:
        return NOT_MEASURED
    if abs(value) >= 100 or value == int(value):  # noqa: PLR2004
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _ratio(diy: float | None, integration: float | None) -> str:
    if diy is None or integration is None or integration <= 0 or diy < 0:
        return NOT_MEASURED
    return f"{diy / integration:.1f}{TIMES}"


def table(result: Result) -> str:
    """A Markdown table of one size."""
    integration, diy = result.columns[INTEGRATION], result.columns[DIY]
    lines = [
        (
            f"{result.locations}{TIMES}{result.rooms_per_location} = {result.rooms} rooms "
            f"(5 % = {result.changed_rooms} rooms; medians of {result.repeats} polls; "
            f"Robin's pages up to {result.max_per_page}; run took {result.seconds:.0f} s)"
        ),
        "",
        "| figure | integration | DIY (`rest` per room) | DIY ÷ integration |",
        "|---|---:|---:|---:|",
    ]
    for label, unit, figure in ROWS:
        ours, theirs = figure(integration, INTEGRATION), figure(diy, DIY)
        name = f"{label} ({unit})" if unit else label
        lines.append(f"| {name} | {_number(ours)} | {_number(theirs)} | {_ratio(theirs, ours)} |")
    if kept := integration.kept_memory:
        shares = ", ".join(f"{owner} {mib:,.1f}" for owner, mib in sorted(kept.items()))
        lines += ["", f"Memory the integration's setup still holds (MiB, traced): {shares}"]
    return "\n".join(lines)


# What `scripts/bench --setups` collects of each column's setup.
SETUP_FIGURES = ("setup_cpu", "setup_collector", "setup_full_collections", "rss_growth")


def setup_figures(column: Column) -> dict[str, float]:
    """A column's setup figures (CPU in seconds, memory in MiB)."""
    return {figure: getattr(column, figure) for figure in SETUP_FIGURES}


def setups_table(
    locations: int, rooms_per_location: int, runs: list[dict[str, dict[str, float]]]
) -> str:
    """A Markdown table of setup runs, one row each, and their medians.

    In a run each column is set up alone in a fresh process, one after the other. Setup
    happens once per process, so its figures vary from run to run more than the polls'
    medians do; the ratio is taken within each run, then its median over the runs.
    """
    rooms = locations * rooms_per_location
    lines = [
        (
            f"{locations}{TIMES}{rooms_per_location} = {rooms} rooms: setup only, "
            f"{len(runs)} runs, each column alone in a process of its own"
        ),
        "",
        (
            "| run | setup CPU, integration (ms) | setup CPU, DIY (ms) | integration ÷ DIY "
            "| of which garbage collection, integration / DIY (ms) | full collections "
            "| integration ÷ DIY without it | RSS growth, integration (MiB) "
            "| RSS growth, DIY (MiB) |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def figures(run: dict[str, dict[str, float]], figure: str) -> tuple[float, float]:
        return run[INTEGRATION][figure], run[DIY][figure]

    def ratios(run: dict[str, dict[str, float]]) -> tuple[float, float]:
        """Setup CPU integration ÷ DIY, with and without the garbage collector's share."""
        cpu, collector = figures(run, "setup_cpu"), figures(run, "setup_collector")
        return cpu[0] / cpu[1], (cpu[0] - collector[0]) / (cpu[1] - collector[1])

    def row(label: str, run: dict[str, dict[str, float]], ratio: tuple[float, float]) -> str:
        cpu, collector = figures(run, "setup_cpu"), figures(run, "setup_collector")
        full, rss = figures(run, "setup_full_collections"), figures(run, "rss_growth")
        return (
            f"| {label} | {_number(cpu[0] * MS)} | {_number(cpu[1] * MS)} "
            f"| {ratio[0]:.2f}{TIMES} | {_number(collector[0] * MS)} / "
            f"{_number(collector[1] * MS)} | {_number(full[0])} / {_number(full[1])} "
            f"| {ratio[1]:.2f}{TIMES} | {_number(rss[0])} | {_number(rss[1])} |"
        )

    for number, run in enumerate(runs, start=1):
        lines.append(row(str(number), run, ratios(run)))
    # Medians of each figure, and of the ratios taken within each run.
    medians = {
        column: {
            figure: statistics.median(run[column][figure] for run in runs)
            for figure in SETUP_FIGURES
        }
        for column in (INTEGRATION, DIY)
    }
    with_collector, without = zip(*(ratios(run) for run in runs), strict=True)
    lines.append(
        row("median", medians, (statistics.median(with_collector), statistics.median(without)))
    )
    return "\n".join(lines)


def machine() -> str:
    """Where the figures come from."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"Home Assistant {HA_VERSION}"
    )
