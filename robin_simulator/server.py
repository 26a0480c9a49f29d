"""Running a simulator on a real socket."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from .app import build_app
from .simulator import RobinSimulator


@asynccontextmanager
async def run_simulator(
    sim: RobinSimulator, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve `sim` and yield its base URL (e.g. `http://127.0.0.1:41234/v1.0`).

    Port 0 picks a free port. On exit, hanging requests are released and the server stops.
    """
    sim.faults.rearm()
    # No access log: it reads the local time zone, which freezegun (used by tests) breaks.
    runner = web.AppRunner(build_app(sim), shutdown_timeout=5, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    try:
        yield f"http://{bound_host}:{bound_port}/v1.0"
    finally:
        sim.faults.release_hanging()
        await runner.cleanup()
