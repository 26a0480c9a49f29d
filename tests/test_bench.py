"""scripts/bench's pieces work together: the smallest organization, both columns, one poll each.

No figure is asserted beyond "it was measured": performance is judged from the benchmark's
table, never by timed assertions.
"""

import json
import os
import pstats
import subprocess
import sys
import tracemalloc
from pathlib import Path

import aiohttp
from homeassistant.util.json import json_loads

from custom_components.robin.api import RobinClient
from scripts.benchmark.counters import TRACED_FRAMES, kept_memory_by_owner

ROOT = Path(__file__).resolve().parents[1]
# Where scripts/bench puts the rest integration's requirements when the venv lacks them.
BENCH_PACKAGES = ROOT / "build" / "bench-packages"


def run_bench(*args: str, **environment: str) -> str:
    env = dict(os.environ) | environment
    env["PYTHONPATH"] = os.pathsep.join(
        [str(BENCH_PACKAGES), env["PYTHONPATH"]] if env.get("PYTHONPATH") else [str(BENCH_PACKAGES)]
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-m", "scripts.benchmark", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=55,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def rows(output: str) -> dict[str, list[str]]:
    table = [line for line in output.splitlines() if line.startswith("| ")]
    return {
        cells[0]: cells[1:]
        for cells in ([cell.strip() for cell in line.strip("|").split("|")] for line in table)
    }


def number(cell: str) -> float:
    return float(cell.replace(",", "").removesuffix("\u00d7"))


def test_both_columns_measured_at_the_smallest_size():
    output = run_bench("--locations", "1", "--rooms", "3", "--repeats", "1", "--hour-minutes", "2")
    table = rows(output)
    assert table["figure"] == ["integration", "DIY (`rest` per room)", "DIY ÷ integration"]
    integration_requests, diy_requests, ratio = table["requests / poll"]
    assert int(integration_requests) > 0
    assert int(diy_requests) == 2 * 3  # state and events of each room
    assert ratio.endswith("\u00d7")  # e.g. 3.0x
    integration_enabled, diy_enabled, _ = table["entities enabled"]
    integration_registered, diy_registered, _ = table["entities registered"]
    assert int(diy_enabled) == int(diy_registered) == 4 * 3
    # The integration's room details that ship disabled are registered, not enabled.
    assert int(diy_enabled) < int(integration_enabled) < int(integration_registered)
    # A changed room is seen by both: each writes at least the states that changed.
    assert all(int(value) > 0 for value in table["state writes, one room changes"][:2])
    assert (
        table["CPU, nothing changed (ms)"][2] != "\u2013"
    )  # a ratio, not the dash of "not measured"
    # Of each column's setup CPU, the garbage collector's share is told apart.
    collector = table["of which cyclic garbage collection (ms)"]
    for setup, collected in zip(table["setup CPU (ms)"][:2], collector[:2], strict=True):
        assert 0 <= number(collected) < number(setup)


def test_memory_kept_after_setup_is_split_between_home_assistant_and_the_integration():
    output = run_bench(
        *("--locations", "1", "--rooms", "3", "--repeats", "1", "--hour-minutes", "1"),
        BENCH_MEMORY="1",
    )
    (line,) = [line for line in output.splitlines() if line.startswith("Memory the integration")]
    shares = dict(share.strip().rsplit(" ", 1) for share in line.partition(": ")[2].split(", "))
    assert float(shares["Home Assistant"]) > 0
    assert float(shares["integration"]) > 0


async def test_what_the_integration_decodes_with_home_assistants_json_decoder_is_its_own():
    """The integration's client decodes Robin's answers with Home Assistant's orjson."""
    body = json.dumps({"data": [f"booking {number:04} " * 100 for number in range(1000)]})
    tracemalloc.start(TRACED_FRAMES)
    try:
        async with aiohttp.ClientSession() as session:
            client = RobinClient(session, "not-a-token", json_loads=json_loads)
            kept = client._decode(body.encode(), status=200, allow_empty=False)
        shares = kept_memory_by_owner(tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
    assert kept is not None
    # 1,000 strings of ~1.3 KB each: the integration's, not Home Assistant's.
    assert shares["integration"] > 1.0
    assert shares.get("Home Assistant", 0.0) < 0.1


def test_setups_alone_each_run_in_its_own_process_and_their_medians(tmp_path: Path):
    profile = tmp_path / "setup.prof"
    output = run_bench(
        *("--setups", "2", "--locations", "1", "--rooms", "3"),
        BENCH_PROFILE=str(profile),
        BENCH_PROFILED="setup",
    )
    # Each "a / b" cell (the garbage collector's share, full collections) gives two figures.
    table = {
        run: [number(figure) for cell in cells for figure in cell.split(" / ")]
        for run, cells in rows(output).items()
        if run in {"1", "2", "median"}
    }
    runs = [table["1"], table["2"]]
    for ours, theirs, ratio, our_gc, their_gc, *full, ratio_without_gc, rss, their_rss in runs:
        assert ours > 0
        assert theirs > 0
        assert abs(ratio - ours / theirs) < 0.02  # of the unrounded figures
        assert 0 <= our_gc < ours
        assert 0 <= their_gc < theirs
        assert all(count >= 0 for count in full)
        assert abs(ratio_without_gc - (ours - our_gc) / (theirs - their_gc)) < 0.05
        assert rss > 0
        assert their_rss > 0
    # Two runs: each median is the mean of the two, printed with one decimal below 100.
    for index in (0, 1, 3, 4, 5, 6, 8, 9):
        median = table["median"][index]
        assert abs(median - (runs[0][index] + runs[1][index]) / 2) <= (0.11 if median < 100 else 1)
    # The profile is the integration's setup: DIY's process, which comes after, kept it.
    functions = pstats.Stats(str(profile)).stats
    assert any("custom_components/robin" in filename for filename, _, _ in functions)


def test_a_week_of_requests_with_slow_polling_off_and_on():
    # Two hours from Monday 00:00 UTC: London's office is closed throughout.
    output = run_bench(
        *("--week", "--week-hours", "2", "--locations", "1", "--rooms", "3"),
        *("--off-hours", "15", "--no-machine"),
    )
    table = rows(output)
    normal = table["polled normally (option 0)"]
    slow = table["every 15 min"]
    requests_normal, requests_slow = (int(row[0].replace(",", "")) for row in (normal, slow))
    assert requests_slow < requests_normal
    assert normal[-1] == "\u2013"
    assert slow[-1].endswith(" %")
