"""Command line: `python -m robin_simulator --port 8765 [--scenario demo|large] ...`.

Prints `base_url=...`, `token=...` and `read_only_token=...` lines, serves until SIGINT or
SIGTERM, then exits 0.
"""

import argparse
import asyncio
import signal
import sys

from . import params
from .server import run_simulator
from .simulator import ACCOUNT_TOKEN, DEFAULT_TOKEN, READ_ONLY_TOKEN, RobinSimulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(prog="python -m robin_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--scenario", choices=("demo", "large"), default="demo")
    parser.add_argument("--locations", type=int, default=None, help="large scenario only")
    parser.add_argument("--spaces-per-location", type=int, default=None, help="large only")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the read/write token")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-per-page",
        type=int,
        default=params.MAX_PER_PAGE,
        help=f"the largest page served (default {params.MAX_PER_PAGE})",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run until SIGINT or SIGTERM."""
    params.MAX_PER_PAGE = args.max_per_page
    sim = RobinSimulator(
        args.scenario,
        seed=args.seed,
        token=args.token,
        locations=args.locations,
        spaces_per_location=args.spaces_per_location,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with run_simulator(sim, args.host, args.port) as base_url:
        sys.stdout.write(
            f"base_url={base_url}\ntoken={sim.token}\nread_only_token={READ_ONLY_TOKEN}\n"
            f"account_token={ACCOUNT_TOKEN}\n"
        )
        sys.stdout.flush()
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
