"""The simulator and Home Assistant as child processes: start, wait for, stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from . import HOST, ROOT
from .errors import DemoError
from .files import tail

STOP_TIMEOUT = 60
SIMULATOR_START_TIMEOUT = 30


@dataclass
class Child:
    """A process we started, in its own session so that only we signal it."""

    name: str
    process: asyncio.subprocess.Process
    log: Path

    async def stop(self) -> None:
        """Ask it to stop (SIGTERM), wait, and kill it when it does not."""
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            print(f"{self.name} did not stop in {STOP_TIMEOUT} s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()

    def kill(self) -> None:
        """Kill it now (a second Ctrl-C)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Children:
    """Every process started, stopped in reverse order."""

    running: list[Child] = field(default_factory=list)

    async def start(self, name: str, args: list[str], log: Path, **kwargs: Any) -> Child:
        """Start a process with stderr (and stdout unless given) appended to `log`."""
        with log.open("ab") as log_file:
            kwargs.setdefault("stdout", log_file)
            process = await asyncio.create_subprocess_exec(
                *args, stderr=log_file, start_new_session=True, cwd=ROOT, **kwargs
            )
        child = Child(name, process, log)
        self.running.append(child)
        return child

    async def stop(self, child: Child) -> None:
        """Stop one process."""
        await child.stop()
        self.running.remove(child)

    async def stop_all(self) -> None:
        """Stop every process, the last started first."""
        while self.running:
            await self.stop(self.running[-1])

    def kill_all(self) -> None:
        """Kill every process now."""
        for child in self.running:
            child.kill()


def check_port_free(port: int, what: str, variable: str) -> None:
    """Fail early, and clearly, when another program holds a port."""
    with socket.socket() as probe:
        # As the servers do: connections of an earlier run waiting in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as err:
            msg = (
                f"{HOST}:{port} ({what}) is in use ({err.strerror}); set {variable} to another port"
            )
            raise DemoError(msg) from err


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


async def start_simulator(
    children: Children, python: Path, port: int, log: Path
) -> tuple[str, str]:
    """Start the Robin simulator (demo scenario); return its base URL and read/write token."""
    child = await children.start(
        "the simulator",
        [
            str(python),
            "-m",
            "robin_simulator",
            "--host",
            HOST,
            "--port",
            str(port),
            "--scenario",
            "demo",
        ],
        log,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.process.stdout is not None  # noqa: S101 - asked for above
    printed: dict[str, str] = {}
    try:
        async with asyncio.timeout(SIMULATOR_START_TIMEOUT):
            while not {"base_url", "token"} <= printed.keys():
                line = await child.process.stdout.readline()
                if not line:
                    msg = f"the simulator exited:\n{tail(log)}"
                    raise DemoError(msg)
                key, _, value = line.decode().strip().partition("=")
                printed[key] = value
    except TimeoutError as err:
        msg = f"the simulator did not start in {SIMULATOR_START_TIMEOUT} s:\n{tail(log)}"
        raise DemoError(msg) from err
    return printed["base_url"], printed["token"]


async def start_hass(children: Children, venv: Path, config_dir: Path, log: Path) -> Child:
    """Start Home Assistant from `venv`, with no runtime pip installs (the venv has them)."""
    return await children.start(
        "Home Assistant",
        [str(venv / "bin" / "hass"), "--config", str(config_dir), "--skip-pip", "--log-no-color"],
        log,
        stdout=asyncio.subprocess.DEVNULL,  # the same lines go to config/home-assistant.log
    )


async def poll[T](
    what: str,
    check: Callable[[], Awaitable[T | None]],
    limit: float,
    hass: Child | None = None,
    interval: float = 0.25,
) -> T:
    """Call `check` until it returns a value; fail after `limit` s or when `hass` exits."""
    deadline = time.monotonic() + limit
    while True:
        if hass is not None and hass.process.returncode is not None:
            msg = f"Home Assistant exited ({hass.process.returncode}) while waiting for {what}"
            raise DemoError(f"{msg}:\n{tail(hass.log)}")
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            if (result := await check()) is not None:
                return result
        if time.monotonic() > deadline:
            msg = f"timed out after {limit:.0f} s waiting for {what}"
            raise DemoError(msg)
        await asyncio.sleep(interval)


async def wait_for_exit(children: Children) -> None:
    """Serve until a child exits by itself, which is an error."""
    waits = {asyncio.ensure_future(child.process.wait()): child for child in children.running}
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    child = waits[done.pop()]
    msg = f"{child.name} exited ({child.process.returncode}):\n{tail(child.log)}"
    raise DemoError(msg)
