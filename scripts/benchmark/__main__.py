"""`scripts/bench`: measure this integration against per-room `rest` polling (issue 8's table).

- `scripts/bench`: 5 offices of 100 and of 200 rooms (a few minutes each);
- `scripts/bench --rooms 100`: one size (`--locations` for another number of offices);
- `scripts/bench --quick`: 2 offices of 10 rooms, under a minute;
- `scripts/bench --setups 5`: only the setups, 5 times per size, each column alone in a
  process of its own (a setup happens once per process: its figures vary between runs);
- `scripts/bench --week`: the integration's requests over a simulated week, polling outside
  working hours normally and slowly (`--off-hours 15 30 60` minutes; 5 offices of 20 rooms).
"""

import argparse
import json
import logging
import signal
import subprocess
import sys

from .columns import DIY, INTEGRATION
from .run import run_size
from .table import machine, setup_figures, setups_table, table
from .week import run_week

QUICK = {"locations": 2, "rooms": [10], "repeats": 3}
WEEK_ROOMS = 20  # requests hardly depend on the number of rooms


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--locations", type=int, default=5, help="offices (default 5)")
    parser.add_argument(
        "--rooms", type=int, nargs="+", default=[100, 200], help="rooms per office, one run each"
    )
    parser.add_argument("--repeats", type=int, default=5, help="polls per median (default 5)")
    parser.add_argument(
        "--hour-minutes",
        type=int,
        default=60,
        help="length of the simulated hour of polls (default 60; shorter only to test)",
    )
    parser.add_argument(
        "--robin-max-per-page",
        type=int,
        default=200,
        help="the largest page the simulated Robin serves (default 200; 100 plays a stricter one)",
    )
    parser.add_argument(
        "--week",
        action="store_true",
        help="requests of a simulated week with slow polling outside working hours off and on",
    )
    parser.add_argument(
        "--off-hours",
        type=int,
        nargs="+",
        default=[15, 30, 60],
        help="with --week: the slow intervals to measure, in minutes (default 15 30 60)",
    )
    parser.add_argument(
        "--week-hours",
        type=float,
        default=7 * 24,
        help="with --week: hours simulated from Monday 00:00 UTC (default a week; less to test)",
    )
    parser.add_argument(
        "--setups",
        type=int,
        default=0,
        help="only set each column up alone, this many times per size; print each run and medians",
    )
    parser.add_argument("--setup-only", choices=(INTEGRATION, DIY), help=argparse.SUPPRESS)
    parser.add_argument("--no-machine", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="2 offices of 10 rooms, 3 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.locations, args.rooms, args.repeats = QUICK["locations"], QUICK["rooms"], 3
    if args.week and "--rooms" not in (argv if argv is not None else sys.argv):
        args.rooms = [WEEK_ROOMS]
    return args


def main(argv: list[str] | None = None) -> int:
    """Run each size and print its table."""
    args = parse_args(argv)
    # Stopped from outside: unwind, so that the simulator process is stopped too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    logging.basicConfig(level=logging.ERROR)
    if args.week:
        run_week(
            args.locations,
            args.rooms[0],
            args.off_hours,
            args.week_hours,
            args.robin_max_per_page,
            show_machine=not args.no_machine,
        )
        return 0
    if args.setups:
        print(f"Machine: {machine()}", flush=True)
        for rooms in args.rooms:
            runs = [
                {column: _setup_alone(args, rooms, column) for column in (INTEGRATION, DIY)}
                for _ in range(args.setups)
            ]
            print(f"\n{setups_table(args.locations, rooms, runs)}", flush=True)
        return 0
    if args.setup_only:
        result = run_size(
            args.locations,
            args.rooms[0],
            args.repeats,
            args.hour_minutes,
            args.robin_max_per_page,
            setup_only=args.setup_only,
        )
        print(json.dumps(setup_figures(result.columns[args.setup_only])), flush=True)
        return 0
    if len(args.rooms) > 1:
        # Each size in a process of its own: a fresh heap for the memory figures.
        print(f"Machine: {machine()}", flush=True)
        for rooms in args.rooms:
            subprocess.run(  # noqa: S603 - this interpreter, this module
                [
                    sys.executable,
                    "-m",
                    "scripts.benchmark",
                    *("--locations", str(args.locations), "--rooms", str(rooms)),
                    *("--repeats", str(args.repeats), "--hour-minutes", str(args.hour_minutes)),
                    *("--robin-max-per-page", str(args.robin_max_per_page)),
                    "--no-machine",
                ],
                check=True,
            )
        return 0
    if not args.no_machine:
        print(f"Machine: {machine()}", flush=True)
    rooms = args.rooms[0]
    print(f"\nmeasuring {args.locations} offices of {rooms} rooms ...", file=sys.stderr, flush=True)
    result = run_size(
        args.locations, rooms, args.repeats, args.hour_minutes, args.robin_max_per_page
    )
    print(f"\n{table(result)}", flush=True)
    return 0


def _setup_alone(args: argparse.Namespace, rooms: int, column: str) -> dict[str, float]:
    """Set one column up in a process of its own (a fresh heap) and return its figures."""
    done = subprocess.run(  # noqa: S603 - this interpreter, this module
        [
            sys.executable,
            "-m",
            "scripts.benchmark",
            *("--locations", str(args.locations), "--rooms", str(rooms)),
            *("--robin-max-per-page", str(args.robin_max_per_page)),
            *("--setup-only", column),
            "--no-machine",
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


if __name__ == "__main__":
    sys.exit(main())
