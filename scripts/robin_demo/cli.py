"""One command from a fresh clone to Robin's rooms in a real Home Assistant, offline.

Run it through `scripts/demo`, which builds `.venv` first. It starts the Robin simulator (demo
scenario) and a real `hass` on 127.0.0.1, offline, with a generated configuration in
`demo/config` (custom_components/robin is linked into it). On the first run it creates the
owner user through the onboarding API, marks onboarding done, adds the Robin integration through
the config-flow HTTP API and saves a dashboard of the rooms; later runs reuse all of it and only
repair what is missing (a new simulator URL goes to the entry through its reconfigure flow).
It serves until Ctrl-C (SIGINT) or SIGTERM, then stops both processes.

    scripts/demo                    start (or first set up) the demo
    scripts/demo --reset            wipe demo/ first, then set it up from scratch
    scripts/demo --ready-file F     also write F (JSON: URLs, a long-lived token) once ready
    scripts/demo --dir PATH         keep the demo's state in PATH instead of demo/

Environment: ROBIN_DEMO_PORT (Home Assistant, 8123), ROBIN_SIM_PORT (simulator, 8765),
ROBIN_DEMO_DIR (demo/; --dir wins).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import aiohttp

from . import HOST, ROOT
from .configuration import generated_by_us, prepare_config
from .dashboard import ensure_dashboard
from .errors import DemoError
from .files import write_json
from .ha_client import HomeAssistantApi
from .integration import enable_dashboard_details, ensure_entry, entry_loaded
from .onboarding import (
    PASSWORD,
    START_TIMEOUT,
    USERNAME,
    long_lived_token,
    onboard,
    onboarding_done,
    use_stored_token,
)
from .processes import (
    Children,
    check_port_free,
    poll,
    start_hass,
    start_simulator,
    wait_for_exit,
)
from .rooms import offices, rooms_have_states

VENV = ROOT / ".venv"
ENTRY_TIMEOUT = 90  # the first run waits for the reload that adds the enabled sensors


@dataclass
class Settings:
    """Where the demo lives and how it is reached."""

    demo_dir: Path
    ha_port: int
    sim_port: int
    ready_file: Path | None
    started: float

    @property
    def config_dir(self) -> Path:
        """Home Assistant's configuration directory."""
        return self.demo_dir / "config"

    @property
    def state_file(self) -> Path:
        """What the demo remembers between runs (its long-lived token)."""
        return self.demo_dir / "state.json"

    @property
    def ha_url(self) -> str:
        """Home Assistant's URL."""
        return f"http://{HOST}:{self.ha_port}"

    def elapsed(self) -> float:
        """Seconds since scripts/demo started."""
        return time.time() - self.started


async def run(settings: Settings, children: Children, ready: list[Path]) -> None:
    """Start everything, set up what is missing, report, and serve."""
    config = settings.config_dir
    settings.demo_dir.mkdir(parents=True, exist_ok=True)
    check_port_free(settings.ha_port, "Home Assistant", "ROBIN_DEMO_PORT")
    check_port_free(settings.sim_port, "the simulator", "ROBIN_SIM_PORT")
    prepare_config(config, settings.ha_port)
    base_url, sim_token = await start_simulator(
        children, VENV / "bin" / "python", settings.sim_port, settings.demo_dir / "simulator.log"
    )
    hass_start = partial(start_hass, children, VENV, config, settings.demo_dir / "hass.log")

    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, settings.ha_url)
        try:
            if onboarding_done(config):
                hass = await hass_start()
            else:
                print(f"demo: first run: setting up {config}")
                hass = await onboard(api, config, children, hass_start)
            await poll("Home Assistant's HTTP server", api.http_up, START_TIMEOUT, hass)
            await use_stored_token(api, settings.state_file)
            await poll("Home Assistant to start", api.running, START_TIMEOUT, hass)
            started = settings.elapsed()
            entry = await ensure_entry(api, base_url, sim_token)
            await poll(
                "the Robin entry",
                lambda: entry_loaded(api, entry["entry_id"], config / "home-assistant.log"),
                ENTRY_TIMEOUT,
                hass,
            )
            if enabled := await enable_dashboard_details(api, entry["entry_id"]):
                print(
                    f"demo: enabled {enabled} people-present and free-until sensors for the"
                    " dashboard (Home Assistant adds them within 30 s)"
                )
            office_list = await offices(api, entry["entry_id"], base_url, sim_token)
            await poll(
                "the rooms' states",
                lambda: rooms_have_states(api, office_list),
                ENTRY_TIMEOUT,
                hass,
            )
            dashboard = await ensure_dashboard(api, office_list)
            token = await long_lived_token(api, settings.state_file)
        finally:
            await api.close()
        ready_in = settings.elapsed()
        rooms = sum(len(office.rooms) for office in office_list)
        print(
            f"""
Robin demo ready in {ready_in:.1f} s (Home Assistant running after {started:.1f} s)
  Home Assistant  {settings.ha_url}{dashboard}
                  log in as {USERNAME} / {PASSWORD}
  rooms           {rooms} in {", ".join(office.name for office in office_list)}
  simulator       {base_url}   token {sim_token}
                  control API {base_url.removesuffix("/v1.0")}/_simulator/
  logs            {config / "home-assistant.log"}, {settings.demo_dir / "simulator.log"}
Ctrl-C stops both.""",
            flush=True,
        )
        if settings.ready_file is not None:
            write_json(
                settings.ready_file,
                {
                    "ha_url": settings.ha_url,
                    "access_token": token,
                    "username": USERNAME,
                    "password": PASSWORD,
                    "dashboard_path": dashboard,
                    "dashboard_url": f"{settings.ha_url}{dashboard}",
                    "simulator_url": base_url,
                    "simulator_token": sim_token,
                    "entry_id": entry["entry_id"],
                    "ready_seconds": round(ready_in, 1),
                },
            )
            ready.append(settings.ready_file)
        await wait_for_exit(children)


def wipe(demo_dir: Path) -> None:
    """Remove the demo directory, after checking that it is the demo's."""
    if not demo_dir.exists():
        return
    if any(demo_dir.iterdir()) and not generated_by_us(demo_dir / "config"):
        msg = f"{demo_dir} does not look like the demo's directory; not deleting it"
        raise DemoError(msg)
    shutil.rmtree(demo_dir)
    print(f"demo: removed {demo_dir}")


async def main_async(settings: Settings) -> int:
    """Run until done, failed or signalled; always stop the children."""
    children = Children()
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            print("demo: killing", flush=True)
            children.kill_all()
        else:
            print("\ndemo: stopping (again to kill)", flush=True)
            stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    ready: list[Path] = []
    work = asyncio.create_task(run(settings, children, ready))
    stopper = asyncio.create_task(stop.wait())
    code = 0
    try:
        await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():
            work.cancel()
        try:
            await work
        except asyncio.CancelledError:
            pass
        except DemoError as err:
            print(f"demo: {err}", file=sys.stderr)
            code = 1
    finally:
        stopper.cancel()
        for path in ready:
            path.unlink(missing_ok=True)
        if children.running:
            print(
                "demo: stopping " + " and ".join(c.name for c in reversed(children.running)),
                flush=True,
            )
        await children.stop_all()
    print("demo: stopped")
    return code


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--reset", action="store_true", help="wipe the demo directory first")
    parser.add_argument("--ready-file", type=Path, help="write this JSON file once ready")
    parser.add_argument(
        "--dir", type=Path, help="the demo's directory (default: $ROBIN_DEMO_DIR or demo/)"
    )
    args = parser.parse_args()
    settings = Settings(
        demo_dir=(args.dir or Path(os.environ.get("ROBIN_DEMO_DIR", ROOT / "demo"))).resolve(),
        ha_port=int(os.environ.get("ROBIN_DEMO_PORT", "8123")),
        sim_port=int(os.environ.get("ROBIN_SIM_PORT", "8765")),
        ready_file=args.ready_file.resolve() if args.ready_file else None,
        started=float(os.environ.get("ROBIN_DEMO_STARTED") or time.time()),
    )
    try:
        if args.reset:
            wipe(settings.demo_dir)
    except DemoError as err:
        print(f"demo: {err}", file=sys.stderr)
        return 1
    return asyncio.run(main_async(settings))
