"""The end-to-end test's stack: scripts/demo in a throwaway directory, and a browser logged in.

`demo` starts the whole demo (the Robin simulator and a real Home Assistant, set up through its
own APIs) on free ports, waits for its ready file, and at the end stops it with SIGINT, as a
person would with Ctrl-C, and checks that it stopped cleanly. `page` is one Chromium page that
logged in through Home Assistant's real login page; the tests share it, in file order.

Options: `--screenshots=DIR` keeps the screenshots there (`=docs/screenshots` refreshes the
README's), by default in pytest's temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 300  # the first start creates the user, restarts Home Assistant, adds the entry
STOP_TIMEOUT = 120
UI_TIMEOUT_MS = 30_000  # the longest wait for something to show in the browser
HTTP_TIMEOUT = 30
VIEWPORT = {"width": 1280, "height": 900}
# Debian's Chromium; Playwright cannot download its own here (scripts/install-chromium).
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # else it tries Google's hosts, refused here
    "--disable-component-update",
    "--disable-sync",
]
# The demo scenario (robin_simulator/scenarios/demo.py): the London office and two of its rooms.
LONDON = ZoneInfo("Europe/London")
THAMES_ROOM = 6351  # the daily stand-up, 09:30-09:45 London time on weekdays
FLEET_ROOM = 6352  # a design review 10:00-11:00 and a customer call 11:00-12:00 on weekdays


def pytest_addoption(parser: pytest.Parser) -> None:
    """--screenshots DIR."""
    parser.addoption(
        "--screenshots",
        type=Path,
        default=None,
        help="keep the screenshots in DIR (docs/screenshots: the README's); default: a temp dir",
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(path: Path, lines: int = 40) -> str:
    """The end of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass(frozen=True)
class Demo:
    """The running demo, from its ready file, with small HTTP helpers for the test's setup."""

    ha_url: str
    token: str
    username: str
    password: str
    dashboard_url: str
    simulator_url: str  # Robin's API: .../v1.0
    simulator_token: str
    directory: Path

    @property
    def control_url(self) -> str:
        """The simulator's control API."""
        return self.simulator_url.removesuffix("/v1.0") + "/_simulator"

    def ha(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call Home Assistant's REST API with the demo's long-lived token."""
        response = requests.request(
            method,
            self.ha_url + path,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=HTTP_TIMEOUT,
            **kwargs,
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the simulator's control API (/_simulator/...)."""
        response = requests.request(
            method, f"{self.control_url}/{path}", json=body, timeout=HTTP_TIMEOUT
        )
        response.raise_for_status()
        return response.json()

    def robin(self, path: str, **params: str) -> Any:
        """GET from the simulator's Robin API, as Robin's clients do; return its `data`."""
        response = requests.get(
            self.simulator_url + path,
            params=params,
            headers={"Authorization": f"Access-Token {self.simulator_token}"},
            timeout=HTTP_TIMEOUT,
        )
        response.raise_for_status()
        return response.json()["data"]

    def entity_id(self, friendly_name: str) -> str:
        """An entity's id by its name (ids depend on the Home Assistant version)."""
        for state in self.ha("GET", "/api/states"):
            if state["attributes"].get("friendly_name") == friendly_name:
                return str(state["entity_id"])
        msg = f"no entity named {friendly_name!r}"
        raise LookupError(msg)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """scripts/demo on free ports in a throwaway directory; stopped with SIGINT at the end."""
    directory = tmp_path_factory.mktemp("demo")
    ready_file = directory / "ready.json"
    log = directory / "demo.log"
    env = {**os.environ, "ROBIN_DEMO_PORT": str(free_port()), "ROBIN_SIM_PORT": str(free_port())}
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [
                str(ROOT / "scripts" / "demo"),
                "--dir",
                str(directory / "state"),
                "--ready-file",
                str(ready_file),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our SIGINT only, not the terminal's
        )
    try:
        # Orchestration, not test synchronisation: the demo writes the file once ready.
        while not ready_file.exists():
            if process.poll() is not None:
                pytest.fail(f"scripts/demo exited ({process.returncode}):\n{tail(log)}")
            if time.monotonic() - started > READY_TIMEOUT:
                pytest.fail(f"scripts/demo was not ready in {READY_TIMEOUT} s:\n{tail(log)}")
            time.sleep(0.5)
        ready = json.loads(ready_file.read_text())
        print(f"\ne2e: the demo was ready in {time.monotonic() - started:.1f} s ({directory})")
        yield Demo(
            ha_url=ready["ha_url"],
            token=ready["access_token"],
            username=ready["username"],
            password=ready["password"],
            dashboard_url=ready["dashboard_url"],
            simulator_url=ready["simulator_url"],
            simulator_token=ready["simulator_token"],
            directory=directory,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            code = process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"scripts/demo did not stop in {STOP_TIMEOUT} s after SIGINT")
    assert code == 0, f"scripts/demo exited with {code}:\n{tail(log)}"
    assert not ready_file.exists(), "scripts/demo left its ready file behind"
    assert "demo: stopped" in log.read_text(), tail(log)


@pytest.fixture(scope="session")
def day(demo: Demo) -> date:
    """The weekday the tests look at, with the simulator's clock frozen at 08:00 London time.

    The next weekday after today, so that bookings made on it are in the future both for Home
    Assistant (which follows the real clock) and for the simulator. At 08:00 no meeting runs, so
    nobody is in a room unless the test says so, and the clock standing still keeps it so.
    """
    today = datetime.now(LONDON).date()
    chosen = today + timedelta(days=1)
    while chosen.weekday() >= 5:
        chosen += timedelta(days=1)
    morning = datetime.combine(chosen, clock_time(8, 0), LONDON)
    assert demo.control("POST", "clock", {"freeze": morning.isoformat()})["frozen"]
    return chosen


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go."""
    option = request.config.getoption("--screenshots")
    folder = option.resolve() if option else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chromium_path() -> str:
    """Debian's Chromium (ROBIN_CHROMIUM overrides)."""
    for candidate in (os.environ.get("ROBIN_CHROMIUM"), *CHROMIUM_PATHS):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("no Chromium: run scripts/setup browser (apt-get install -y chromium)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Playwright gives it a new, empty profile)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page(browser: Browser, demo: Demo) -> Iterator[Page]:
    """A page logged in as the demo user through Home Assistant's login page."""
    time_zone = demo.ha("GET", "/api/config")["time_zone"]
    context = browser.new_context(
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="en-US",
        timezone_id=time_zone,  # the browser's day is Home Assistant's day
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    page = context.new_page()
    page.goto(demo.dashboard_url)
    # Not logged in: Home Assistant sends the browser to its login page first.
    expect(page).to_have_url(re.compile(r"/auth/authorize\?"))
    page.get_by_role("textbox", name="Username").fill(demo.username)
    page.get_by_role("textbox", name="Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(demo.dashboard_url)
    expect(page.locator("ha-sidebar").get_by_text("Demo", exact=True)).to_be_visible()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each test's outcome on the test, for `after_each`."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def after_each(request: pytest.FixtureRequest, screenshots: Path) -> Iterator[None]:
    """After a failed test: a screenshot of the page as it was, and no dialog left open."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed or "page" not in request.fixturenames:
        return
    page: Page = request.getfixturevalue("page")
    path = screenshots / f"failed-{request.node.name}.png"
    page.screenshot(path=path)
    print(f"e2e: {request.node.name} failed; the page then: {path}")
    page.keyboard.press("Escape")
